"""A small course tree for tests: one catalogue, one live course with three lessons.

Call from ``setUpTestData`` (or a module-scoped fixture) so it is built once per class.
"""

from types import SimpleNamespace

from wagtail.models import Page

from courses.models import CourseIndexPage, CourseInstructor, CoursePage, LessonPage
from tests.wagtail_site import ensure_default_site

CORRECT_TEXT = "Xác nhận mã, số lượng và thông tin giao hàng"
WRONG_TEXT = "Bỏ qua và tiếp tục giới thiệu"
FEEDBACK_RIGHT = "PHAN-HOI-DUNG: khách yên tâm khi được xác nhận."
FEEDBACK_WRONG = "PHAN-HOI-SAI: khách sẽ nghĩ đơn bị bỏ sót."
EXPLANATION = "GIAI-THICH: luôn xác nhận đơn trên live."


def quiz_value(**overrides):
    value = {
        "title": "Kiểm tra: chốt đơn",
        "instructions": "",
        "pass_mark": 50,
        "max_attempts": 3,
        "questions": [
            {
                "prompt": "Khách bình luận “B01 2”. Bạn làm gì đầu tiên?",
                "kind": "single",
                "answers": [
                    {"text": WRONG_TEXT, "correct": False, "feedback": FEEDBACK_WRONG},
                    {"text": CORRECT_TEXT, "correct": True, "feedback": FEEDBACK_RIGHT},
                ],
                "explanation": EXPLANATION,
            },
            {
                "prompt": "Những việc nào nên làm trước giờ live?",
                "kind": "multiple",
                "answers": [
                    {"text": "Bật chế độ Không làm phiền", "correct": True, "feedback": ""},
                    {"text": "Cập nhật hệ điều hành", "correct": False, "feedback": ""},
                    {"text": "Live thử ở chế độ riêng tư", "correct": True, "feedback": ""},
                ],
                "explanation": "",
            },
        ],
    }
    value.update(overrides)
    return value


ASSIGNMENT_VALUE = {
    "title": "Viết kịch bản livestream 15 phút cho một sản phẩm OCOP",
    "instructions": "<p>Viết kịch bản có mốc thời gian.</p>",
    "allow_file": True,
    "allow_link": True,
    "rubric": [
        {"name": "Cấu trúc", "description": "Đủ các phần", "max_points": 6},
        {"name": "Chốt đơn rõ ràng", "description": "", "max_points": 4},
    ],
    "pass_points": 6,
}


def build_course_tree(*, instructor=None):
    site_root = ensure_default_site().root_page
    index = site_root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    course = index.add_child(
        instance=CoursePage(
            title="Livestream bán hàng",
            slug="livestream",
            summary="Bán hàng qua livestream cho chủ thể OCOP.",
            learning_outcomes="<ul><li>Chốt đơn rõ ràng</li></ul>",
            duration_hours=12,
        )
    )
    if instructor is not None:
        CourseInstructor.objects.create(course=course, instructor=instructor, bio="Giảng viên thương mại điện tử")
    first = course.add_child(
        instance=LessonPage(
            title="Chuẩn bị trước buổi live",
            slug="chuan-bi",
            intro="Chuẩn bị sản phẩm và mã hàng.",
            body=[
                {"type": "heading", "value": {"text": "Lên danh sách sản phẩm", "size": "h2"}},
                {"type": "paragraph", "value": "<p>Chỉ chọn 3–5 sản phẩm.</p>"},
                {
                    "type": "video",
                    "value": {"title": "Dựng góc quay", "video_file": None, "embed": "https://youtu.be/Zq3X9b2fA1k", "caption": ""},
                },
                {"type": "callout", "value": {"kind": "tip", "title": "Mẹo", "text": "<p>Nhờ người hỗ trợ.</p>"}},
            ],
        )
    )
    quiz_lesson = course.add_child(
        instance=LessonPage(
            title="Chốt đơn",
            slug="chot-don",
            body=[{"type": "quiz", "value": quiz_value()}, {"type": "assignment", "value": ASSIGNMENT_VALUE}],
        )
    )
    draft = LessonPage(title="Bài nháp", slug="bai-nhap", live=False)
    course.add_child(instance=draft)
    last = course.add_child(instance=LessonPage(title="Sau buổi live", slug="sau-buoi-live"))
    draft_course = index.add_child(
        instance=CoursePage(title="Khóa nháp", slug="khoa-nhap", summary="Chưa xuất bản", learning_outcomes="<p>x</p>", live=False)
    )
    other = site_root.add_child(instance=Page(title="Tin tức", slug="tin-tuc"))
    return SimpleNamespace(
        site_root=site_root, index=index, course=course, first=first, quiz_lesson=quiz_lesson, draft=draft,
        last=last, draft_course=draft_course, other=other,
    )
