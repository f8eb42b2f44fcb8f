"""Lesson block validation: what an instructor cannot save, and embeds without network."""

import socket

import pytest
from wagtail.blocks import StructBlockValidationError

from courses.blocks import AssignmentBlock, LessonStreamBlock, QuestionBlock, QuizBlock, VideoBlock, quiz_public_value
from tests.courses.trees import ASSIGNMENT_VALUE, ensure_default_site, quiz_value


def _question(kind, flags):
    return QuestionBlock().to_python(
        {
            "prompt": "Câu hỏi?",
            "kind": kind,
            "answers": [{"text": f"Đáp án {i}", "correct": flag, "feedback": ""} for i, flag in enumerate(flags)],
            "explanation": "",
        }
    )


def test_question_without_a_correct_answer_is_refused():
    with pytest.raises(StructBlockValidationError) as error:
        QuestionBlock().clean(_question("single", [False, False]))
    assert "Cần ít nhất một đáp án đúng" in str(error.value.block_errors["answers"])


def test_single_choice_with_two_correct_answers_is_refused():
    with pytest.raises(StructBlockValidationError) as error:
        QuestionBlock().clean(_question("single", [True, True, False]))
    assert "chỉ được có một đáp án đúng" in str(error.value.block_errors["kind"])


def test_multiple_choice_with_two_correct_answers_is_fine():
    cleaned = QuestionBlock().clean(_question("multiple", [True, True, False]))
    assert sum(answer["correct"] for answer in cleaned["answers"]) == 2


def test_a_whole_quiz_with_a_broken_question_is_refused():
    broken = quiz_value()
    broken["questions"][0]["answers"][1]["correct"] = False
    with pytest.raises(StructBlockValidationError) as error:
        QuizBlock().clean(QuizBlock().to_python(broken))
    assert "questions" in error.value.block_errors


def test_assignment_pass_points_above_the_rubric_total_is_refused():
    value = AssignmentBlock().to_python({**ASSIGNMENT_VALUE, "pass_points": 11})
    with pytest.raises(StructBlockValidationError) as error:
        AssignmentBlock().clean(value)
    assert "(10)" in str(error.value.block_errors["pass_points"])


def test_assignment_pass_points_equal_to_the_total_is_fine():
    value = AssignmentBlock().to_python({**ASSIGNMENT_VALUE, "pass_points": 10})
    assert AssignmentBlock().clean(value)["pass_points"] == 10


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.django_db
def test_video_needs_exactly_one_source(no_network):
    block = VideoBlock()
    neither = block.to_python({"title": "", "video_file": None, "embed": "", "caption": ""})
    with pytest.raises(StructBlockValidationError):
        block.clean(neither)
    youtube = block.to_python({"title": "", "video_file": None, "embed": "https://youtu.be/Zq3X9b2fA1k", "caption": ""})
    assert block.clean(youtube)["embed"].url == "https://youtu.be/Zq3X9b2fA1k"


@pytest.mark.django_db
def test_video_with_a_file_and_a_link_is_refused(no_network):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    ensure_default_site()  # the root collection documents go into
    document = Document.objects.create(title="Bài giảng", file=ContentFile(b"not really mp4", name="bai-giang.mp4"))
    block = VideoBlock()
    both = block.to_python(
        {"title": "", "video_file": document.pk, "embed": "https://youtu.be/Zq3X9b2fA1k", "caption": ""}
    )
    with pytest.raises(StructBlockValidationError):
        block.clean(both)


@pytest.mark.django_db
def test_an_uploaded_video_must_be_mp4_or_webm():
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    ensure_default_site()
    block = VideoBlock()
    pdf = Document.objects.create(title="Tài liệu", file=ContentFile(b"%PDF-1.4", name="tai-lieu.pdf"))
    mp4 = Document.objects.create(title="Bài giảng", file=ContentFile(b"....ftypisom", name="bai-giang.mp4"))
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"title": "", "video_file": pdf.pk, "embed": "", "caption": ""}))
    assert "MP4 hoặc WebM" in str(error.value.block_errors["video_file"])
    assert block.clean(block.to_python({"title": "", "video_file": mp4.pk, "embed": "", "caption": ""}))["video_file"] == mp4


def test_site_search_indexes_prompts_and_answers_but_not_the_key():
    indexed = " ".join(QuizBlock().get_searchable_content(QuizBlock().to_python(quiz_value())))
    assert "Xác nhận mã" in indexed and "Bạn làm gì đầu tiên" in indexed
    assert "PHAN-HOI" not in indexed and "GIAI-THICH" not in indexed


@pytest.mark.django_db
def test_a_link_that_is_not_a_video_is_refused_without_any_network_call(no_network):
    block = VideoBlock()
    value = block.to_python({"title": "", "video_file": None, "embed": "https://example.com/trang", "caption": ""})
    with pytest.raises(StructBlockValidationError):
        block.clean(value)


@pytest.mark.django_db
def test_youtube_and_facebook_embeds_render_offline_in_privacy_mode(no_network):
    stream = LessonStreamBlock()
    value = stream.to_python(
        [
            {"type": "video", "value": {"title": "A", "video_file": None, "embed": "https://www.youtube.com/watch?v=Zq3X9b2fA1k"}},
            {"type": "video", "value": {"title": "B", "video_file": None, "embed": "https://www.facebook.com/hoptacxa/videos/123456/"}},
        ]
    )
    html = stream.render(value)
    assert 'src="https://www.youtube-nocookie.com/embed/Zq3X9b2fA1k"' in html
    assert "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fhoptacxa" in html


def test_public_quiz_value_carries_no_answer_key():
    public = quiz_public_value(QuizBlock().to_python(quiz_value()))
    flat = repr(public)
    assert "correct" not in flat
    assert "feedback" not in flat
    assert "PHAN-HOI" not in flat and "GIAI-THICH" not in flat
    assert [a["text"] for a in public["questions"][0]["answers"]][1].startswith("Xác nhận mã")


@pytest.mark.django_db
def test_blocks_show_a_rendered_preview_in_the_admin_picker(no_network):
    """Blocks that need a chosen image or document have a description only; the rest render a preview."""
    previews = {}
    for name, block in LessonStreamBlock().child_blocks.items():
        assert block.get_description(), name
        if block.is_previewable:
            previews[name] = block.render(block.get_preview_value())
    assert set(previews) >= {"heading", "paragraph", "video", "callout", "quiz", "assignment"}
    assert "youtube-nocookie.com/embed/Zq3X9b2fA1k" in previews["video"]
    assert "Chốt đơn rõ ràng" in previews["assignment"]


@pytest.mark.django_db
def test_blocks_whose_image_or_document_was_deleted_render_nothing_instead_of_failing():
    stream = LessonStreamBlock()
    value = stream.to_python(
        [
            {"type": "download", "value": {"document": None, "title": "Mẫu kịch bản", "description": ""}},
            {"type": "image", "value": {"image": None, "caption": "Góc quay", "attribution": ""}},
        ]
    )
    html = stream.render(value)
    assert "href" not in html and "Góc quay" not in html
