"""An instructor writes a lesson with a quiz in the Wagtail admin; a visitor sees it without the answer key."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.services import user_create
from courses.models import LessonPage
from tests.conftest import PASSWORD
from tests.courses.trees import build_course_tree

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "Khi khách hỏi hạng sao OCOP, bạn nên làm gì?"
RIGHT = "Đưa giấy chứng nhận lại gần ống kính"
WRONG = "Nói sản phẩm sắp được 5 sao"
SECRET_FEEDBACK = "Đúng rồi: bằng chứng thật giữ uy tín."


def test_instructor_publishes_a_quiz_lesson_and_visitors_see_no_answer(live_server, browser):
    tree = build_course_tree()
    user_create(email="gv@example.vn", password=PASSWORD, full_name="Nguyễn Văn Minh", roles=[Role.INSTRUCTOR], is_staff=True)

    admin = browser.new_context(locale="vi-VN").new_page()
    admin.goto(f"{live_server.url}/admin/login/")
    admin.fill("input[name=username]", "gv@example.vn")
    admin.fill("input[name=password]", PASSWORD)
    admin.click("button[type=submit]")
    expect(admin).to_have_url(f"{live_server.url}/admin/")

    admin.goto(f"{live_server.url}/admin/pages/add/courses/lessonpage/{tree.course.pk}/")
    admin.fill("#id_title", "Giới thiệu sao OCOP")
    admin.click("#body-root .c-sf-add-button")
    admin.get_by_role("option", name=re.compile("Bài kiểm tra")).click()
    prefix = "#body-0-value-questions-0-value"
    # A new question starts with the two answers it needs: no "add" to press.
    expect(admin.locator(f"{prefix}-answers-1-value-text")).to_be_visible()
    admin.fill(f"{prefix}-prompt", QUESTION)
    admin.fill(f"{prefix}-answers-0-value-text", WRONG)
    admin.fill(f"{prefix}-answers-1-value-text", RIGHT)
    admin.check(f"{prefix}-answers-1-value-correct")
    admin.fill(f"{prefix}-answers-1-value-feedback", SECRET_FEEDBACK)

    admin.locator("[data-controller~=w-dropdown]:has(button[name=action-publish]) [data-w-dropdown-target=toggle]").click()
    admin.click("button[name=action-publish]")
    expect(admin).to_have_url(re.compile(rf"/admin/pages/{tree.course.pk}/"))

    lesson = LessonPage.objects.get(title="Giới thiệu sao OCOP")
    assert lesson.live
    assert lesson.quizzes[0].value["questions"][0]["answers"][1]["correct"] is True

    visitor = browser.new_context(locale="vi-VN").new_page()
    visitor.goto(f"{live_server.url}{lesson.url}")
    quiz = visitor.locator(".block-quiz")
    expect(quiz).to_contain_text(QUESTION)
    expect(quiz.locator(".quiz-answers li")).to_have_count(2)
    html = visitor.content()
    assert RIGHT in html and WRONG in html
    assert SECRET_FEEDBACK not in html
    assert "correct" not in html.lower()
    # Both answers look the same: nothing marks the right one.
    classes = quiz.locator(".quiz-answers li").evaluate_all("items => items.map(li => li.outerHTML.replace(li.textContent, ''))")
    assert classes[0] == classes[1]
