"""Demo catalogue: "Khóa học" with two real courses for OCOP producers. Idempotent.

Runs after the accounts seed (the instructor exists) and the cms seed (the home page
exists). Pages are found by slug and created only when missing, so running the seed
again changes nothing and never overwrites what an instructor edited.
"""

import io

from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.models import Site

from accounts.models import User
from courses.demo_content import COURSES
from courses.models import CourseIndexPage, CourseInstructor, CoursePage, LessonPage
from courses.services import course_index_grant_instructors

INDEX_SLUG = "khoa-hoc"
INSTRUCTOR_EMAIL = "giangvien@demo.chodem.vn"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _cover_image(title: str, colour: tuple[int, int, int]):
    """A plain cover (brand colour and title) drawn locally: the seed needs no network."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    canvas = PILImage.new("RGB", (1200, 675), colour)
    draw = ImageDraw.Draw(canvas)
    try:
        font = ImageFont.truetype(FONT, 56)
    except OSError:
        font = ImageFont.load_default(size=56)
    words, lines, line = title.split(), [], ""
    for word in words:
        if draw.textlength(f"{line} {word}".strip(), font=font) > 1040:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    for number, text in enumerate(lines):
        draw.text((80, 240 + number * 76), text, fill=(255, 255, 255), font=font)
    draw.text((80, 560), "Chợ Đêm Trên Mây · OCOP Hà Nội", fill=(242, 183, 5), font=font.font_variant(size=32))
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=85)
    return image_model.objects.create(title=title, file=ImageFile(buffer, name="khoa-hoc-bia.jpg"))


def _course_index() -> CourseIndexPage:
    root = Site.objects.get(is_default_site=True).root_page
    index = CourseIndexPage.objects.child_of(root).first()
    if index is None:
        index = root.add_child(
            instance=CourseIndexPage(
                title="Khóa học",
                slug=INDEX_SLUG,
                intro=(
                    "<p>Các khóa học giúp chủ thể OCOP tự tin bán hàng qua livestream. Học xong, làm bài kiểm tra "
                    "và bài thực hành để được tham gia <b>chợ thực hành</b> rồi phiên Chợ Đêm thứ Sáu.</p>"
                ),
            )
        )
    course_index_grant_instructors(index_page=index)
    return index


def _seed_course(index: CourseIndexPage, data: dict, instructor: User | None) -> tuple[CoursePage, int]:
    course = CoursePage.objects.child_of(index).filter(slug=data["slug"]).specific().first()
    if course is None:
        course = CoursePage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            level=data["level"],
            duration_hours=data["duration_hours"],
            sequential=data["sequential"],
            learning_outcomes=data["learning_outcomes"],
            description=data["description"],
            cover_image=_cover_image(data["title"], data["colour"]),
        )
        if instructor:
            course.course_instructors = [CourseInstructor(instructor=instructor, bio=data["instructor_bio"])]
        index.add_child(instance=course)
    created = 0
    for lesson_data in data["lessons"]:
        if LessonPage.objects.child_of(course).filter(slug=lesson_data["slug"]).exists():
            continue
        course.add_child(
            instance=LessonPage(
                title=lesson_data["title"],
                slug=lesson_data["slug"],
                intro=lesson_data["intro"],
                duration_minutes=lesson_data["duration_minutes"],
                required=lesson_data.get("required", True),
                body=lesson_data["body"],
            )
        )
        created += 1
    return course, created


def seed(log):
    index = _course_index()
    instructor = User.objects.filter(email=INSTRUCTOR_EMAIL).first()
    for data in COURSES:
        course, created = _seed_course(index, data, instructor)
        log(f"courses: “{course.title}” ({created} new lessons)")
