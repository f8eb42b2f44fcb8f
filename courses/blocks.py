"""StreamField blocks for lessons.

One ``LessonStreamBlock`` holds what an instructor can put in a lesson. Every block has
an icon, a template and a preview value so the admin's block picker shows what it makes.

Quiz answers are content, but a learner must never see which answer is correct before
grading: ``QuizBlock`` renders only prompts and answer texts, ``quiz_public_value`` is the
only shape the API sends, and grading happens on the server (``courses.quiz.quiz_grade``).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Tiêu đề"), max_length=200)
    size = blocks.ChoiceBlock(
        label=_("Cỡ"), choices=[("h2", "H2"), ("h3", "H3"), ("h4", "H4")], default="h2", required=False
    )

    class Meta:
        icon = "title"
        label = _("Tiêu đề mục")
        template = "courses/blocks/heading_block.html"
        preview_value = {"text": "Chuẩn bị trước buổi livestream", "size": "h2"}
        description = _("Một tiêu đề chia bài học thành từng phần")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Ảnh"))
    caption = blocks.CharBlock(label=_("Chú thích"), required=False)
    attribution = blocks.CharBlock(label=_("Nguồn ảnh"), required=False)

    class Meta:
        icon = "image"
        label = _("Ảnh")
        template = "courses/blocks/image_block.html"
        description = _("Ảnh minh họa có chú thích")


class VideoBlock(blocks.StructBlock):
    """A lesson video: an uploaded file (played by the browser) or a YouTube/Facebook link."""

    title = blocks.CharBlock(label=_("Tên video"), required=False)
    video_file = DocumentChooserBlock(label=_("Tệp video tải lên"), required=False, help_text=_("MP4 hoặc WebM"))
    embed = EmbedBlock(label=_("Hoặc đường dẫn YouTube/Facebook"), required=False)
    caption = blocks.TextBlock(label=_("Mô tả"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video_block.html"
        description = _("Video bài giảng: tệp tải lên hoặc đường dẫn YouTube/Facebook")
        preview_value = {
            "title": "Dựng góc livestream bằng điện thoại",
            "embed": "https://www.youtube.com/watch?v=Zq3X9b2fA1k",
            "caption": "Đặt đèn, giá đỡ và micro trong một góc nhà 2 m².",
        }

    VIDEO_EXTENSIONS = ("mp4", "webm")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("video_file")) == bool(value.get("embed")):
            raise blocks.StructBlockValidationError(
                block_errors={"embed": ValidationError(_("Chọn một tệp video hoặc nhập một đường dẫn (chỉ một)."))}
            )
        document = value.get("video_file")
        if document and document.file_extension.lower() not in self.VIDEO_EXTENSIONS:
            raise blocks.StructBlockValidationError(
                block_errors={"video_file": ValidationError(_("Tệp video phải là MP4 hoặc WebM."))}
            )
        return value


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Loại"),
        choices=[("tip", _("Mẹo")), ("info", _("Lưu ý")), ("warning", _("Cảnh báo"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("Tiêu đề"), required=False)
    text = blocks.RichTextBlock(label=_("Nội dung"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        label = _("Hộp nhấn mạnh")
        template = "courses/blocks/callout_block.html"
        preview_value = {"kind": "tip", "title": "Mẹo", "text": "<p>Luôn đọc mã sản phẩm thật rõ khi chốt đơn.</p>"}
        description = _("Một mẹo, lưu ý hoặc cảnh báo nổi bật")


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Tài liệu"))
    title = blocks.CharBlock(label=_("Tên hiển thị"), required=False)
    description = blocks.TextBlock(label=_("Mô tả"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Tài liệu tải về")
        template = "courses/blocks/download_block.html"
        description = _("Tài liệu học viên tải về (PDF, DOCX, XLSX…)")


class AnswerBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Đáp án"), max_length=500)
    correct = blocks.BooleanBlock(label=_("Đúng"), required=False)
    feedback = blocks.TextBlock(label=_("Phản hồi khi chọn đáp án này"), required=False)

    class Meta:
        icon = "tick"
        label = _("Đáp án")

    def get_searchable_content(self, value):
        """Only the answer text: site search must not tell which answer is right or what feedback says."""
        return [value["text"]]


class QuestionBlock(blocks.StructBlock):
    SINGLE = "single"
    MULTIPLE = "multiple"

    prompt = blocks.TextBlock(label=_("Câu hỏi"))
    kind = blocks.ChoiceBlock(
        label=_("Kiểu"),
        choices=[(SINGLE, _("Chọn một đáp án")), (MULTIPLE, _("Chọn nhiều đáp án"))],
        default=SINGLE,
    )
    # A question needs two answers, so a new one starts with two empty ones.
    answers = blocks.ListBlock(
        AnswerBlock(), label=_("Các đáp án"), min_num=2, max_num=8, default=[{"correct": False}, {"correct": False}]
    )
    explanation = blocks.TextBlock(label=_("Giải thích sau khi nộp bài"), required=False)

    class Meta:
        icon = "help"
        label = _("Câu hỏi")

    def get_searchable_content(self, value):
        """Prompt and answer texts, never the explanation (it names the correct answer)."""
        return [value["prompt"], *(text for answer in value["answers"] for text in self.child_blocks["answers"].child_block.get_searchable_content(answer))]

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for answer in value["answers"] if answer["correct"])
        if correct == 0:
            raise blocks.StructBlockValidationError(
                block_errors={"answers": ValidationError(_("Cần ít nhất một đáp án đúng."))}
            )
        if value["kind"] == self.SINGLE and correct > 1:
            raise blocks.StructBlockValidationError(
                block_errors={"kind": ValidationError(_("Câu hỏi chọn một đáp án chỉ được có một đáp án đúng."))}
            )
        return value


class QuizBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Tên bài kiểm tra"), default=_("Bài kiểm tra nhanh"))
    instructions = blocks.TextBlock(label=_("Hướng dẫn"), required=False)
    pass_mark = blocks.IntegerBlock(
        label=_("Điểm đạt (%)"), min_value=1, max_value=100, default=70, help_text=_("Tỷ lệ câu đúng tối thiểu để đạt")
    )
    max_attempts = blocks.IntegerBlock(
        label=_("Số lần làm tối đa"), min_value=1, max_value=20, default=3, help_text=_("Số lần nộp bài được phép")
    )
    questions = blocks.ListBlock(QuestionBlock(), label=_("Câu hỏi"), min_num=1, max_num=50)

    class Meta:
        icon = "list-ul"
        label = _("Bài kiểm tra (trắc nghiệm)")
        template = "courses/blocks/quiz_block.html"
        description = _("Câu hỏi một hoặc nhiều đáp án, có điểm đạt và phản hồi từng đáp án")
        preview_value = {
            "title": "Kiểm tra: chốt đơn trên livestream",
            "pass_mark": 70,
            "max_attempts": 3,
            "questions": [
                {
                    "prompt": "Khi khách bình luận “chốt B01 2”, bạn cần làm gì đầu tiên?",
                    "kind": "single",
                    "answers": [
                        {"text": "Xác nhận mã, số lượng và thông tin giao hàng", "correct": True, "feedback": ""},
                        {"text": "Bỏ qua và tiếp tục giới thiệu", "correct": False, "feedback": ""},
                    ],
                }
            ],
        }


class RubricCriterionBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Tiêu chí"), max_length=200)
    description = blocks.TextBlock(label=_("Mô tả mức đạt"), required=False)
    max_points = blocks.IntegerBlock(label=_("Điểm tối đa"), min_value=1, max_value=100, default=10)

    class Meta:
        icon = "pick"
        label = _("Tiêu chí chấm")


class AssignmentBlock(blocks.StructBlock):
    """A practical task (e.g. a livestream script) graded by an instructor against a rubric."""

    title = blocks.CharBlock(label=_("Tên bài thực hành"))
    instructions = blocks.RichTextBlock(label=_("Hướng dẫn"))
    allow_file = blocks.BooleanBlock(label=_("Cho phép nộp tệp"), required=False, default=True)
    allow_link = blocks.BooleanBlock(label=_("Cho phép nộp đường dẫn"), required=False, default=True)
    rubric = blocks.ListBlock(RubricCriterionBlock(), label=_("Tiêu chí chấm điểm"), min_num=1, max_num=20)
    pass_points = blocks.IntegerBlock(label=_("Điểm đạt"), min_value=1, default=5)

    class Meta:
        icon = "clipboard-list"
        label = _("Bài thực hành")
        template = "courses/blocks/assignment_block.html"
        description = _("Bài tập thực hành có tiêu chí chấm điểm")
        preview_value = {
            "title": "Viết kịch bản livestream 15 phút cho một sản phẩm OCOP",
            "instructions": "<p>Viết kịch bản có mốc thời gian, lời thoại và cách chốt đơn.</p>",
            "rubric": [
                {"name": "Cấu trúc và thời lượng", "description": "", "max_points": 50},
                {"name": "Chốt đơn rõ ràng", "description": "", "max_points": 50},
            ],
            "pass_points": 60,
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["total_points"] = sum(criterion["max_points"] for criterion in value["rubric"])
        return context

    def clean(self, value):
        value = super().clean(value)
        total = sum(criterion["max_points"] for criterion in value["rubric"])
        if value["pass_points"] > total:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "pass_points": ValidationError(
                        _("Điểm đạt lớn hơn tổng điểm tối đa (%(total)s).") % {"total": total}
                    )
                }
            )
        return value


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Đoạn văn"),
        icon="pilcrow",
        template="courses/blocks/paragraph_block.html",
        features=["h3", "bold", "italic", "link", "ol", "ul", "hr"],
        preview_value="<p>Livestream hiệu quả bắt đầu từ một kịch bản rõ ràng.</p>",
        description=_("Văn bản có định dạng"),
    )
    image = ImageBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    download = DownloadBlock()
    quiz = QuizBlock()
    assignment = AssignmentBlock()


def quiz_public_value(quiz_value) -> dict:
    """The quiz as a learner may see it: prompts and answer texts, never which is correct."""
    return {
        "title": quiz_value["title"],
        "instructions": quiz_value.get("instructions") or "",
        "pass_mark": quiz_value["pass_mark"],
        "max_attempts": quiz_value["max_attempts"],
        "questions": [
            {
                "index": q_index,
                "prompt": question["prompt"],
                "kind": question["kind"],
                "answers": [
                    {"index": a_index, "text": answer["text"]} for a_index, answer in enumerate(question["answers"])
                ],
            }
            for q_index, question in enumerate(quiz_value["questions"])
        ],
    }
