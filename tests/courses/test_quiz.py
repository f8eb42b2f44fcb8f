"""Server-side quiz grading: the only place that knows the correct answers."""

import pytest

from config.errors import ApplicationError
from courses.quiz import quiz_grade
from tests.courses.trees import EXPLANATION, FEEDBACK_RIGHT, FEEDBACK_WRONG, quiz_value


def test_all_correct_passes_with_full_score_and_feedback():
    result = quiz_grade(quiz_value=quiz_value(), answers={0: [1], 1: [0, 2]})
    assert (result.score_percent, result.correct_count, result.passed) == (100, 2, True)
    assert result.questions[0].feedback == [FEEDBACK_RIGHT]
    assert result.questions[0].explanation == EXPLANATION


def test_a_wrong_answer_costs_the_question_and_gives_its_feedback():
    result = quiz_grade(quiz_value=quiz_value(pass_mark=60), answers={0: [0], 1: [0, 2]})
    assert (result.score_percent, result.passed) == (50, False)
    assert result.questions[0].correct is False
    assert result.questions[0].feedback == [FEEDBACK_WRONG]
    assert result.questions[0].correct_answers == (1,)


def test_multiple_choice_needs_exactly_the_correct_set():
    partial = quiz_grade(quiz_value=quiz_value(), answers={0: [1], 1: [0]})
    extra = quiz_grade(quiz_value=quiz_value(), answers={0: [1], 1: [0, 1, 2]})
    assert partial.questions[1].correct is False
    assert extra.questions[1].correct is False


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({0: [7], 1: [0]}, "unknown_answer"),
        ({0: [-1], 1: [0]}, "unknown_answer"),
        ({0: [1], 1: [0], 5: [0]}, "unknown_question"),
        ({0: [1]}, "unanswered"),
        ({0: [], 1: [0]}, "unanswered"),
        ({0: [0, 1], 1: [0]}, "single_choice"),
    ],
    ids=["forged-answer-index", "negative-index", "forged-question", "unanswered", "empty-choice", "single-with-two"],
)
def test_broken_or_forged_submissions_are_refused(answers, code):
    with pytest.raises(ApplicationError) as error:
        quiz_grade(quiz_value=quiz_value(), answers=answers)
    assert error.value.code == code
    assert str(error.value.message)


def test_unanswered_message_names_the_question_in_vietnamese():
    with pytest.raises(ApplicationError, match="Bạn chưa trả lời câu 2"):
        quiz_grade(quiz_value=quiz_value(), answers={0: [1]})
