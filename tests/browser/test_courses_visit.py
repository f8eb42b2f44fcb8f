"""A visitor walks the catalogue: course index → course → lesson → next lesson, on a phone."""

import pytest
from playwright.sync_api import expect

from tests.courses.trees import CORRECT_TEXT, FEEDBACK_RIGHT, build_course_tree

# The live server needs committed data (a transactional test); build_course_tree restores the Site if flushed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_reads_a_course_and_its_lessons_on_a_phone(live_server, browser):
    tree = build_course_tree()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()

    page.goto(f"{live_server.url}/khoa-hoc/")
    cards = page.locator(".course-card")
    expect(cards).to_have_count(1)  # the draft course is not listed
    expect(cards.first).to_contain_text("3 bài học")
    page.click(f".course-card a[href='{tree.course.url}'] >> nth=0")

    expect(page.locator("h1")).to_have_text("Livestream bán hàng")
    expect(page.locator(".lesson-list__item")).to_have_count(3)
    page.click(".lesson-list__item a >> nth=0")

    expect(page.locator("h1")).to_have_text("Chuẩn bị trước buổi live")
    expect(page.locator(".breadcrumb")).to_contain_text("Livestream bán hàng")
    expect(page.locator(".block-video iframe")).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/Zq3X9b2fA1k")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing overflows a 360 px phone

    # Scroll first, as a thumb would: the lazy video frame below starts loading as it comes into view.
    next_link = page.locator("a[rel=next]")
    next_link.scroll_into_view_if_needed()
    next_link.click()
    page.wait_for_url(f"**{tree.quiz_lesson.url}", wait_until="commit")
    expect(page.locator("h1")).to_have_text("Chốt đơn")
    expect(page.locator(".block-quiz")).to_contain_text(CORRECT_TEXT)
    assert FEEDBACK_RIGHT not in page.content()
    expect(page.locator("a[rel=prev]")).to_have_attribute("href", tree.first.url)
    context.close()
