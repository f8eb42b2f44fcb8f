"""Fixtures shared by the whole suite."""

import pytest

from accounts.roles import Role
from accounts.services import user_create

PASSWORD = "Mat-khau-an-toan-2026"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and throttles live in the cache: every test starts with none spent."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _wagtail_site_after_flush(request):
    """Transactional tests start on a flushed database: give them the rows migrations made."""
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from tests.wagtail_site import ensure_default_site

        ensure_default_site()


@pytest.fixture
def make_user(db):
    """Build a user with roles: ``make_user("an@x.vn", roles=[Role.VENDOR])``."""
    counter = iter(range(1, 10_000))

    def _make(email=None, *, roles=(), full_name="Nguyễn Văn An", phone=None, password=PASSWORD, **extra):
        n = next(counter)
        return user_create(
            email=email or f"user{n}@example.vn", password=password, full_name=full_name, phone=phone, roles=roles, **extra
        )

    return _make


@pytest.fixture
def vendor_user(make_user):
    return make_user("chuthe@example.vn", roles=[Role.VENDOR], full_name="Lê Thị Hồng Nhung", phone="+84912345678")


@pytest.fixture
def instructor_user(make_user):
    return make_user("giangvien@example.vn", roles=[Role.INSTRUCTOR], full_name="Nguyễn Văn Minh", is_staff=True)


@pytest.fixture
def organizer_user(make_user):
    return make_user("bantochuc@example.vn", roles=[Role.ORGANIZER], full_name="Trần Thị Thu Hà", is_staff=True)


@pytest.fixture
def buyer_user(make_user):
    return make_user("nguoimua@example.vn", roles=[Role.CONSUMER], full_name="Phạm Quốc Bảo")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last.

    Playwright's sync API leaves an event loop running in the main thread for the rest
    of the session, after which pytest-asyncio cannot start the loops of the WebSocket
    tests. pytest-django has already put transactional tests after the others; this
    stable sort keeps that order and only moves the browser tests to the very end.
    """
    items.sort(key=lambda item: "/tests/browser/" in str(item.path))
