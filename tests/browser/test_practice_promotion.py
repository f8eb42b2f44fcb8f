"""Promotion in Chromium, at 360 px and on a desktop: the organizer opens the queue, reads the
evidence and promotes; the vendor sees the badge on the public profile and the badge verifies."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from accounts.roles import Role
from courses.models import CoursePage
from learning import services as learning
from tests.browser.conftest import logged_in_context
from tests.conftest import STALL_PRODUCTS
from tests.learning.builders import ASSIGNMENT_ID, CORRECT, QUIZ_ID, build_course, build_run
from tests.practice_market.promotion_helpers import make_eligible
from vendors import services as vendor_services
from vendors.districts import District
from vendors.models import OcopGroup, VendorKind

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def _graduate(user, run, lessons, instructor):
    registration = learning.registration_create(
        run=run, user=user, organisation="HTX Bưởi đỏ Đông Cao", district="Mê Linh", phone="0912 345 678", notify=False
    )
    learning.lesson_complete(registration=registration, lesson=lessons[0])
    learning.quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
    learning.lesson_complete(registration=registration, lesson=lessons[1])
    submission = learning.assignment_submit(
        registration=registration,
        lesson=lessons[2],
        block_id=ASSIGNMENT_ID,
        text="Kịch bản",
        link="https://example.vn/k",
    )
    learning.assignment_grade(submission=submission, grader=instructor, scores=[4, 6], notify=False)
    learning.lesson_complete(registration=registration, lesson=lessons[2])


@pytest.mark.django_db(transaction=True)
def test_organizer_promotes_and_the_badge_shows_and_verifies(
    browser, live_server, make_user, vendor_user, organizer_user
):
    instructor = make_user("gv.thuchanh@example.vn", roles=[Role.INSTRUCTOR], full_name="Vũ Thị Lan", is_staff=True)
    course, lessons = build_course(
        title="Livestream bán hàng: khóa mở chợ thực hành", slug="mo-cho", instructor=instructor
    )
    CoursePage.objects.filter(pk=course.pk).update(opens_practice_market=True)
    run = build_run(course=course, instructors=[instructor])
    vendor = vendor_services.vendor_create(
        user=vendor_user, legal_name="HTX Bưởi đỏ Đông Cao", kind=VendorKind.COOPERATIVE, registration_number="0101234567",
        district=District.ME_LINH, address="Thôn Đông Cao, Tráng Việt, Mê Linh", representative="Nguyễn Văn Hòa",
    )  # fmt: skip
    products = {
        code: vendor_services.product_create(
            vendor=vendor,
            actor=vendor_user,
            name=name,
            code=code,
            group=OcopGroup.FOOD,
            stars=stars,
            price=price,
            unit="hộp",
            stock=stock,
        )  # fmt: skip
        for code, name, price, stock, stars in STALL_PRODUCTS
    }
    trainee = SimpleNamespace(user=vendor_user, vendor=vendor, products=products)

    def _prepare():
        # Services that broadcast after commit run away from Playwright's event loop.
        try:
            _graduate(vendor_user, run, lessons, instructor)  # course_passed unlocks the practice market
            make_eligible(trainee, instructor=instructor, organizer=organizer_user)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_prepare).result()
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    # The organizer, on a desktop: the queue with the evidence, then promote.
    desk = logged_in_context(browser, base, organizer_user, viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    page.goto(f"{base}/cho-thuc-hanh/xet-len-cho/")
    card = page.get_by_test_id("eligible-card")
    expect(card).to_contain_text("Lê Thị Hồng Nhung")
    expect(card.locator("[data-criterion=shows]")).to_contain_text("2/2 buổi đạt")
    expect(card.locator("[data-criterion=hardest]")).to_contain_text("Giờ cao điểm có kẻ phá rối")
    expect(card.locator("[data-criterion=endorsement]")).to_contain_text("Vũ Thị Lan")
    expect(card.locator("[data-met='0']")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "practice-promo-queue-desktop.png"), full_page=True)

    # The same queue at phone width: nothing scrolls sideways.
    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SHOTS / "practice-promo-queue-360.png"), full_page=True)
    page.get_by_test_id("approve").click()
    expect(page.locator(".messages")).to_contain_text("Đã duyệt Lê Thị Hồng Nhung (HTX Bưởi đỏ Đông Cao) lên chợ đêm.")
    expect(page.get_by_test_id("promoted-card")).to_contain_text("HTX Bưởi đỏ Đông Cao")
    expect(page.get_by_test_id("promotion-history")).to_contain_text("Duyệt lên chợ đêm")
    desk.close()

    # The vendor, at 360 px: the badge on the public profile links to its verification.
    phone = logged_in_context(browser, base, vendor_user, viewport={"width": 360, "height": 800})
    page = phone.new_page()
    page.goto(f"{base}{vendor.get_absolute_url()}")
    badges = page.get_by_test_id("vendor-badges")
    expect(badges.locator("[data-kind=promoted]")).to_contain_text("Lên chợ đêm")
    expect(badges.locator("[data-kind=score_90]")).to_contain_text("Đạt 90 điểm thực hành")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SHOTS / "practice-promo-profile-360.png"), full_page=True)
    badges.locator("[data-kind=promoted] a").click()
    result = page.get_by_test_id("badge-verify-result")
    expect(result).to_contain_text("Huy hiệu hợp lệ")
    expect(page.get_by_test_id("badge-kind")).to_have_text("Lên chợ đêm")
    expect(page.get_by_test_id("badge-holder")).to_have_text("Lê Thị Hồng Nhung")
    page.screenshot(path=str(SHOTS / "practice-promo-verify-360.png"), full_page=True)
    page.goto(f"{base}/cho-thuc-hanh/len-cho-dem/")
    expect(page.get_by_test_id("promoted")).to_contain_text("HTX Bưởi đỏ Đông Cao đã được lên Chợ Đêm Trên Mây.")
    phone.close()
