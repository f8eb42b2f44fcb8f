"""A visitor on the public site: home page in both languages, phones at 360 px, search."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.cms.builders import seeded_site

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def demo_site(live_server):
    """The cms demo content; live_server tests run on a flushed, committed database."""
    return seeded_site()


def test_visitor_switches_the_home_page_to_english_and_back(page, live_server, demo_site):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("next-session")).to_contain_text("Phiên chợ đêm tới")
    expect(page.get_by_test_id("latest-news")).to_contain_text("Phiên chợ đêm trực tuyến tháng 11: 1.000 đơn hàng")
    expect(page.get_by_test_id("footer-contact")).to_contain_text("Văn phòng Điều phối Nông thôn mới Hà Nội")

    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == live_server.url + "/"
    expect(page.get_by_test_id("next-session")).to_contain_text("Next night market")
    expect(page.get_by_test_id("header-menu")).to_contain_text("News")

    # On a news post the switch returns to the same post.
    page.get_by_test_id("latest-news").get_by_role("link").first.click()
    post_url = page.url
    page.get_by_test_id("lang-vi").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert page.url == post_url
    expect(page.get_by_test_id("header-menu")).to_contain_text("Tin tức")


def test_home_page_fits_a_360_px_phone(page, live_server, demo_site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 360, "height": 780})
    for path, name in [
        ("/", "cms-home-360"),
        (demo_site.news[0].url, "cms-news-360"),
        ("/tim-kiem/?q=cho", "cms-search-360"),
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 360, f"{path} scrolls sideways: {scroll_width}px"
    # The header menu stays reachable (it scrolls inside itself if it must).
    expect(page.get_by_test_id("header-menu").get_by_role("link", name="Tin tức")).to_be_attached()


def test_search_finds_a_news_post_typed_without_diacritics(page, live_server, demo_site):
    page.goto(live_server.url + "/")
    page.get_by_test_id("search-link").click()
    page.get_by_role("searchbox").fill("khoa tap huan livestream lan 3")
    page.get_by_role("searchbox").press("Enter")
    result = page.locator(".search-result").get_by_role(
        "link", name="Mở đăng ký khóa tập huấn livestream bán hàng lần 3"
    )
    expect(result).to_be_visible()
    result.click()
    expect(page.locator("h1")).to_have_text("Mở đăng ký khóa tập huấn livestream bán hàng lần 3")
