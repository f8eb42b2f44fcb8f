"""Build a course tree and runs for learning tests (courses' own demo is not relied on)."""

import datetime

from django.conf import settings
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from courses.models import CourseIndexPage, CourseInstructor, CoursePage, LessonPage
from learning.models import CourseRun

QUIZ_ID = "quiz-chot-don"
ASSIGNMENT_ID = "bai-tap-kich-ban"

QUIZ = {
    "title": "Kiểm tra: chốt đơn trên livestream",
    "instructions": "",
    "pass_mark": 100,
    "max_attempts": 3,
    "questions": [
        {
            "prompt": "Khách bình luận “chốt B01 2”, bạn làm gì đầu tiên?",
            "kind": "single",
            "explanation": "Luôn xác nhận lại mã và số lượng.",
            "answers": [
                {"text": "Xác nhận mã, số lượng và địa chỉ", "correct": True, "feedback": "Chính xác."},
                {"text": "Bỏ qua bình luận", "correct": False, "feedback": "Khách sẽ mất niềm tin."},
            ],
        },
        {
            "prompt": "Những gì cần có trong kịch bản livestream?",
            "kind": "multiple",
            "explanation": "",
            "answers": [
                {"text": "Giới thiệu sản phẩm OCOP", "correct": True, "feedback": ""},
                {"text": "Ưu đãi trong phiên", "correct": True, "feedback": ""},
                {"text": "Chuyện riêng không liên quan", "correct": False, "feedback": "Không nên."},
            ],
        },
    ],
}
CORRECT = {0: [0], 1: [0, 1]}
WRONG = {0: [1], 1: [0]}

ASSIGNMENT = {
    "title": "Viết kịch bản livestream 15 phút",
    "instructions": "<p>Viết kịch bản cho một phiên bán bưởi Diễn.</p>",
    "allow_file": True,
    "allow_link": True,
    "rubric": [
        {"name": "Mở đầu thu hút", "description": "", "max_points": 4},
        {"name": "Chốt đơn rõ ràng", "description": "", "max_points": 6},
    ],
    "pass_points": 6,
}


def build_course(*, title="Livestream bán hàng cho chủ thể OCOP", slug="livestream-test", sequential=True, instructor=None):
    """CourseIndexPage → CoursePage → 3 lessons: content, quiz, assignment."""
    # A transactional test elsewhere may have flushed the tables Wagtail's migrations fill.
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    index = CourseIndexPage.objects.first()
    if index is None:
        index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug=f"khoa-hoc-{slug}"))
    course = index.add_child(
        instance=CoursePage(
            title=title, slug=slug, summary="Tóm tắt", learning_outcomes="<p>Bán hàng qua livestream.</p>",
            sequential=sequential,
        )
    )
    if instructor is not None:
        CourseInstructor.objects.create(course=course, instructor=instructor)
    lessons = [
        course.add_child(
            instance=LessonPage(
                title="Chuẩn bị trước buổi livestream", slug="chuan-bi",
                body=[{"type": "paragraph", "value": "<p>Ánh sáng, âm thanh, kịch bản.</p>", "id": "p1"}],
            )
        ),
        course.add_child(
            instance=LessonPage(
                title="Chốt đơn trên livestream", slug="chot-don",
                body=[
                    {"type": "paragraph", "value": "<p>Đọc mã sản phẩm thật rõ.</p>", "id": "p2"},
                    {"type": "quiz", "value": QUIZ, "id": QUIZ_ID},
                ],
            )
        ),
        course.add_child(
            instance=LessonPage(
                title="Thực hành: kịch bản của bạn", slug="thuc-hanh",
                body=[{"type": "assignment", "value": ASSIGNMENT, "id": ASSIGNMENT_ID}],
            )
        ),
    ]
    return course, lessons


def build_run(*, course, instructors=(), seat_limit=30, waitlist=True, name="Khóa tập huấn livestream lần 3", started=True):
    now = timezone.now()
    today = timezone.localdate()
    run = CourseRun.objects.create(
        course=course,
        name=name,
        registration_opens_at=now - datetime.timedelta(days=10),
        registration_closes_at=now + datetime.timedelta(days=10),
        starts_on=today - datetime.timedelta(days=1) if started else today + datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=30),
        seat_limit=seat_limit,
        waitlist_enabled=waitlist,
    )
    run.instructors.set(instructors)
    return run
