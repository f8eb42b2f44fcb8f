"""Public read-only API of the course catalogue: courses and lessons, never quiz answers.

Only live, unrestricted pages are served. Lesson bodies go out block by block in a
stable shape per block type; a quiz goes out only as ``quiz_public_value`` (no
``correct``, no ``feedback``, no ``explanation``): grading happens on the server.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.rich_text import expand_db_html

from courses.blocks import quiz_public_value
from courses.selectors import course_get_public, course_lessons, course_list, lesson_get_public

IMAGE_RENDITION = "max-1200x1200"


def _image_value(image):
    if image is None:
        return None
    rendition = image.get_rendition(IMAGE_RENDITION)
    return {"url": rendition.url, "width": rendition.width, "height": rendition.height, "alt": rendition.alt}


def _html(value) -> str:
    return expand_db_html(value.source if hasattr(value, "source") else str(value or ""))


def _video_value(value):
    document, embed = value.get("video_file"), value.get("embed")
    return {
        "title": value.get("title") or "",
        "caption": value.get("caption") or "",
        "file_url": document.url if document else None,
        "embed_url": embed.url if embed else None,
    }


def _assignment_value(value):
    rubric = [
        {"name": c["name"], "description": c.get("description") or "", "max_points": c["max_points"]}
        for c in value["rubric"]
    ]
    return {
        "title": value["title"],
        "instructions": _html(value["instructions"]),
        "allow_file": bool(value.get("allow_file")),
        "allow_link": bool(value.get("allow_link")),
        "rubric": rubric,
        "total_points": sum(c["max_points"] for c in rubric),
        "pass_points": value["pass_points"],
    }


_BLOCK_VALUES = {
    "heading": lambda v: {"text": v["text"], "size": v.get("size") or "h2"},
    "paragraph": lambda v: {"html": _html(v)},
    "image": lambda v: {
        "image": _image_value(v["image"]),
        "caption": v.get("caption") or "",
        "attribution": v.get("attribution") or "",
    },
    "video": _video_value,
    "callout": lambda v: {"kind": v["kind"], "title": v.get("title") or "", "html": _html(v["text"])},
    "download": lambda v: {
        "title": v.get("title") or (v["document"].title if v["document"] else ""),
        "description": v.get("description") or "",
        "url": v["document"].url if v["document"] else None,
        "file_extension": v["document"].file_extension if v["document"] else "",
    },
    "quiz": quiz_public_value,
    "assignment": _assignment_value,
}


def lesson_body_public(lesson) -> list[dict]:
    """The lesson body as a learner may read it, one ``{id, type, value}`` per block."""
    return [
        {"id": str(block.id), "type": block.block_type, "value": _BLOCK_VALUES[block.block_type](block.value)}
        for block in lesson.body
        if block.block_type in _BLOCK_VALUES
    ]


class ImageOutputSerializer(serializers.Serializer):
    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField()


class InstructorOutputSerializer(serializers.Serializer):
    name = serializers.CharField(source="instructor.get_full_name")
    bio = serializers.CharField()


class LessonSummaryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.CharField(source="url_path_public")
    duration_minutes = serializers.IntegerField()
    required = serializers.BooleanField()


class _CourseBaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.CharField(source="url_path_public")
    summary = serializers.CharField()
    level = serializers.CharField()
    level_label = serializers.CharField(source="get_level_display")
    duration_hours = serializers.IntegerField()
    lesson_count = serializers.IntegerField()
    cover_image = serializers.SerializerMethodField()
    instructors = InstructorOutputSerializer(source="course_instructors.all", many=True)

    @extend_schema_field(ImageOutputSerializer(allow_null=True))
    def get_cover_image(self, course):
        return _image_value(course.cover_image)


def _with_public_url(page):
    page.url_path_public = page.get_url()
    return page


class CourseListApi(APIView):
    """The public course catalogue."""

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="CourseListOutput")
    class OutputSerializer(_CourseBaseSerializer):
        pass

    @extend_schema(responses=OutputSerializer(many=True), operation_id="courses_list", tags=["courses"])
    def get(self, request):
        courses = [_with_public_url(course) for course in course_list()]
        return Response(self.OutputSerializer(courses, many=True).data)


class CourseDetailApi(APIView):
    """One public course with its outcomes and the list of its live lessons."""

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="CourseDetailOutput")
    class OutputSerializer(_CourseBaseSerializer):
        learning_outcomes = serializers.SerializerMethodField(help_text="HTML")
        description = serializers.SerializerMethodField(help_text="HTML")
        sequential = serializers.BooleanField()
        lessons = LessonSummaryOutputSerializer(source="lessons_public", many=True)

        def get_learning_outcomes(self, course) -> str:
            return _html(course.learning_outcomes)

        def get_description(self, course) -> str:
            return _html(course.description)

    @extend_schema(responses={200: OutputSerializer, 404: OpenApiTypes.OBJECT}, operation_id="courses_retrieve", tags=["courses"])
    def get(self, request, course_id: int):
        course = course_get_public(course_id=course_id)
        if course is None:
            raise exceptions.NotFound(_("Không tìm thấy khóa học."))
        lessons = [_with_public_url(lesson) for lesson in course_lessons(course=course)]
        course = _with_public_url(course)
        course.lesson_count = len(lessons)
        course.lessons_public = lessons
        return Response(self.OutputSerializer(course).data)


class LessonDetailApi(APIView):
    """One public lesson with its body. Quizzes come without answers or feedback."""

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="LessonDetailOutput")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        slug = serializers.CharField()
        url = serializers.CharField()
        intro = serializers.CharField()
        duration_minutes = serializers.IntegerField()
        required = serializers.BooleanField()
        course = inline_serializer(
            "LessonCourseOutput",
            fields={"id": serializers.IntegerField(), "title": serializers.CharField(), "url": serializers.CharField()},
        )
        previous_lesson_id = serializers.IntegerField(allow_null=True)
        next_lesson_id = serializers.IntegerField(allow_null=True)
        body = inline_serializer(
            "LessonBlockOutput",
            many=True,
            fields={
                "id": serializers.CharField(),
                "type": serializers.ChoiceField(choices=sorted(_BLOCK_VALUES)),
                "value": serializers.JSONField(
                    help_text="Theo loại khối / by block type: quiz = câu hỏi và đáp án, không có đáp án đúng"
                ),
            },
        )

    @extend_schema(responses={200: OutputSerializer, 404: OpenApiTypes.OBJECT}, operation_id="lessons_retrieve", tags=["courses"])
    def get(self, request, lesson_id: int):
        lesson = lesson_get_public(lesson_id=lesson_id)
        if lesson is None:
            raise exceptions.NotFound(_("Không tìm thấy bài học."))
        course = lesson.get_parent().specific
        previous, following = lesson.previous_lesson, lesson.next_lesson
        data = {
            "id": lesson.pk,
            "title": lesson.title,
            "slug": lesson.slug,
            "url": lesson.get_url(request=request),
            "intro": lesson.intro,
            "duration_minutes": lesson.duration_minutes,
            "required": lesson.required,
            "course": {"id": course.pk, "title": course.title, "url": course.get_url(request=request)},
            "previous_lesson_id": previous.pk if previous else None,
            "next_lesson_id": following.pk if following else None,
            "body": lesson_body_public(lesson),
        }
        return Response(self.OutputSerializer(data).data)
