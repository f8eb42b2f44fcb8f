"""The public course API: catalogue, lessons without answers, errors in the user's language."""

import json

from django.test import TestCase

from accounts.roles import Role
from accounts.services import user_create
from tests.courses.trees import EXPLANATION, FEEDBACK_RIGHT, FEEDBACK_WRONG, build_course_tree


class CourseApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_course_tree()

    def test_catalogue_lists_live_courses_with_lesson_counts(self):
        response = self.client.get("/api/v1/courses/")
        assert response.status_code == 200
        courses = response.json()
        assert [c["title"] for c in courses] == ["Livestream bán hàng"]
        assert courses[0]["lesson_count"] == 3
        assert courses[0]["url"] == self.tree.course.url
        assert courses[0]["level_label"] == "Cơ bản"

    def test_catalogue_queries_do_not_grow_with_the_number_of_courses(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from courses.models import CourseInstructor, CoursePage, LessonPage

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get("/api/v1/courses/").status_code == 200
            return len(queries)

        before = count()
        instructor = user_create(email="gv2@example.vn", password=None, full_name="Lê Minh", roles=[Role.INSTRUCTOR])
        for n in range(3):
            course = self.tree.index.add_child(
                instance=CoursePage(title=f"Khóa {n}", slug=f"khoa-{n}", summary="Tóm tắt", learning_outcomes="<p>x</p>")
            )
            CourseInstructor.objects.create(course=course, instructor=instructor)
            course.add_child(instance=LessonPage(title="Bài 1", slug="bai-1"))
        assert count() == before
        assert len(self.client.get("/api/v1/courses/").json()) == 4

    def test_course_detail_lists_live_lessons_in_order(self):
        data = self.client.get(f"/api/v1/courses/{self.tree.course.pk}/").json()
        assert [lesson["id"] for lesson in data["lessons"]] == [self.tree.first.pk, self.tree.quiz_lesson.pk, self.tree.last.pk]
        assert "<li>Chốt đơn rõ ràng</li>" in data["learning_outcomes"]

    def test_lesson_body_is_served_block_by_block(self):
        data = self.client.get(f"/api/v1/lessons/{self.tree.first.pk}/").json()
        assert [block["type"] for block in data["body"]] == ["heading", "paragraph", "video", "callout"]
        assert data["body"][2]["value"]["embed_url"] == "https://youtu.be/Zq3X9b2fA1k"
        assert data["course"]["id"] == self.tree.course.pk
        assert (data["previous_lesson_id"], data["next_lesson_id"]) == (None, self.tree.quiz_lesson.pk)

    def test_lesson_api_never_sends_correct_flags_or_feedback(self):
        response = self.client.get(f"/api/v1/lessons/{self.tree.quiz_lesson.pk}/")
        raw = response.content.decode()
        quiz = response.json()["body"][0]
        assert quiz["type"] == "quiz"
        assert len(quiz["value"]["questions"]) == 2
        assert quiz["value"]["questions"][0]["answers"][1] == {"index": 1, "text": "Xác nhận mã, số lượng và thông tin giao hàng"}
        body = json.loads(raw)
        for secret in ('"correct"', '"feedback"', '"explanation"'):
            assert secret not in raw
        for secret in (FEEDBACK_RIGHT, FEEDBACK_WRONG, EXPLANATION):
            assert secret not in json.dumps(body, ensure_ascii=False)
        assignment = response.json()["body"][1]["value"]
        assert (assignment["total_points"], assignment["pass_points"]) == (10, 6)
        assert [c["name"] for c in assignment["rubric"]] == ["Cấu trúc", "Chốt đơn rõ ràng"]

    def test_drafts_and_unknown_ids_are_json_404_in_vietnamese(self):
        for url, message in [
            (f"/api/v1/lessons/{self.tree.draft.pk}/", "Không tìm thấy bài học."),
            ("/api/v1/lessons/999999/", "Không tìm thấy bài học."),
            (f"/api/v1/courses/{self.tree.draft_course.pk}/", "Không tìm thấy khóa học."),
            (f"/api/v1/lessons/{self.tree.index.pk}/", "Không tìm thấy bài học."),
        ]:
            response = self.client.get(url)
            assert response.status_code == 404, url
            assert response.json() == {"error": {"code": "not_found", "message": message, "fields": {}}}

    def test_404_in_english_by_accept_language_or_cookie(self):
        by_header = self.client.get("/api/v1/lessons/999999/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert by_header.json()["error"]["message"] == "Lesson not found."
        self.client.cookies["django_language"] = "en"
        by_cookie = self.client.get("/api/v1/courses/999999/")
        assert by_cookie.json()["error"]["message"] == "Course not found."

    def test_catalogue_is_read_only(self):
        response = self.client.post("/api/v1/courses/", {})
        assert response.status_code in (403, 405)
        assert "error" in response.json()

    def test_openapi_schema_documents_the_course_endpoints(self):
        response = self.client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert response.status_code == 200
        schema = json.loads(response.content)
        assert schema["openapi"].startswith("3.")
        for path in ("/api/v1/courses/", "/api/v1/courses/{course_id}/", "/api/v1/lessons/{lesson_id}/"):
            assert "get" in schema["paths"][path], path
        answer_fields = json.dumps(schema["components"]["schemas"])
        assert "LessonBlockOutput" in answer_fields
