"""Browser tests: pytest-playwright driving Debian's Chromium.

Playwright's sync API runs an event loop in the test thread, so Django's
async-safety guard is relaxed here and only here.
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def login(live_server):
    """Log a page in through the real log-in form."""

    def _login(page, email, password):
        page.goto(f"{live_server.url}/tai-khoan/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")  # not the header's language or log-out buttons
        page.wait_for_load_state()

    return _login


@pytest.fixture
def asgi_server(transactional_db):
    """A real daphne process on the test database: the room pages open a WebSocket."""
    from tests.live.servers import free_port, start_daphne, stop

    port = free_port()
    proc = start_daphne(port)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


def logged_in_context(browser, base, user=None, **kwargs):
    """A browser context carrying a real session of ``user`` (the log-in form has tests of its own)."""
    from django.test import Client

    context = browser.new_context(**{"locale": "vi-VN", **kwargs})
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    return context


def console_and_phone(browser, base, show, host_user, buyer_user, *, host_viewport=None):
    """The host's console in a desktop browser and the show's page on the buyer's 360 px phone, both connected.

    Returns ``(host_ctx, buyer_ctx, host, buyer)``.
    """
    from playwright.sync_api import expect

    host_ctx = logged_in_context(browser, base, host_user, **({"viewport": host_viewport} if host_viewport else {}))
    buyer_ctx = logged_in_context(browser, base, buyer_user, viewport={"width": 360, "height": 740})
    host, buyer = host_ctx.new_page(), buyer_ctx.new_page()
    host.goto(f"{base}/phong-live/{show.pk}/dieu-khien/")
    expect(host.locator("[data-live-status]")).to_have_text("Đã kết nối")
    buyer.goto(f"{base}/phong-live/{show.pk}/")
    expect(buyer.locator("[data-live-status]")).to_have_text("Đã kết nối")
    return host_ctx, buyer_ctx, host, buyer
