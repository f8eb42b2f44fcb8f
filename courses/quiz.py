"""Grading a quiz against its block. Pure functions: no learner state lives here."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from config.errors import ApplicationError


@dataclass(frozen=True)
class QuestionResult:
    index: int
    correct: bool
    chosen: tuple[int, ...]
    correct_answers: tuple[int, ...]
    feedback: list[str] = field(default_factory=list)
    explanation: str = ""


@dataclass(frozen=True)
class QuizResult:
    score_percent: int
    correct_count: int
    question_count: int
    passed: bool
    questions: list[QuestionResult]


def quiz_grade(*, quiz_value, answers: dict[int, list[int]]) -> QuizResult:
    """Grade ``answers`` ({question index: [answer indexes]}) against the quiz block value.

    Every question must be answered, single-choice questions with exactly one answer,
    and only with answer indexes that exist: anything else is a forged or broken
    submission and raises ``ApplicationError`` (nothing is recorded by the caller).
    """
    questions = list(quiz_value["questions"])
    unknown = set(answers) - set(range(len(questions)))
    if unknown:
        raise ApplicationError(_("Bài nộp có câu hỏi không tồn tại."), code="unknown_question")
    results = []
    for index, question in enumerate(questions):
        chosen = tuple(sorted(set(answers.get(index) or ())))
        if not chosen:
            raise ApplicationError(
                _("Bạn chưa trả lời câu %(number)s.") % {"number": index + 1},
                code="unanswered",
                fields={str(index): "required"},
            )
        if any(a < 0 or a >= len(question["answers"]) for a in chosen):
            raise ApplicationError(_("Bài nộp có đáp án không tồn tại."), code="unknown_answer")
        if question["kind"] == "single" and len(chosen) != 1:
            raise ApplicationError(
                _("Câu %(number)s chỉ được chọn một đáp án.") % {"number": index + 1}, code="single_choice"
            )
        correct_answers = tuple(i for i, answer in enumerate(question["answers"]) if answer["correct"])
        results.append(
            QuestionResult(
                index=index,
                correct=chosen == correct_answers,
                chosen=chosen,
                correct_answers=correct_answers,
                feedback=[question["answers"][a]["feedback"] for a in chosen if question["answers"][a]["feedback"]],
                explanation=question.get("explanation") or "",
            )
        )
    correct_count = sum(r.correct for r in results)
    score = round(100 * correct_count / len(results)) if results else 0
    return QuizResult(
        score_percent=score,
        correct_count=correct_count,
        question_count=len(results),
        passed=score >= quiz_value["pass_mark"],
        questions=results,
    )
