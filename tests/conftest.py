"""Fixtures shared by the whole suite."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_create
from live.services import show_create
from selling.models import ShowOffer
from selling.services.offers import allocation_take
from vendors import services as vendor_services
from vendors.districts import District
from vendors.models import OcopGroup, VendorKind

PASSWORD = "Mat-khau-an-toan-2026"


@pytest.fixture(scope="session", autouse=True)
def _flush_may_clear_order_history():
    """The order history refuses DELETE at the database (``orders.history_guard``); the
    suite's flush between transactional tests on SQLite is the one thing allowed to.
    (PostgreSQL flushes with TRUNCATE, which the row trigger does not see.)"""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from orders.history_guard import history_unlocked

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with history_unlocked():
            return original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def _vietnamese_first():
    """Services called outside a request (tasks, the worker) speak the active language: start
    every test in Vietnamese, whatever an earlier test in the same worker left active."""
    from django.utils import translation

    with translation.override("vi"):
        yield


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


# --- selling in a live room: a vendor's stall (products B01–B03) and a show offering them ---

STALL_PRODUCTS = [
    # code, name, price, stock, stars
    ("B01", "Bưởi đỏ Đông Cao", 120_000, 300, 4),
    ("B02", "Mật ong hoa nhãn", 180_000, 40, 3),
    ("B03", "Trà sen Tây Hồ", 350_000, 15, 5),
]


@pytest.fixture
def stall(vendor_user):
    """The vendor of ``vendor_user`` with three products; returns (vendor, {code: product})."""
    vendor = vendor_services.vendor_create(
        user=vendor_user,
        legal_name="HTX Bưởi đỏ Đông Cao",
        kind=VendorKind.COOPERATIVE,
        registration_number="0101234567",
        district=District.ME_LINH,
        commune="Tráng Việt",
        address="Thôn Đông Cao, xã Tráng Việt, huyện Mê Linh",
        phone="0912345678",
        email="htx.dongcao@example.vn",
        representative="Nguyễn Văn Hòa",
    )
    products = {}
    for code, name, price, stock, stars in STALL_PRODUCTS:
        products[code] = vendor_services.product_create(
            vendor=vendor,
            actor=vendor_user,
            name=name,
            code=code,
            group=OcopGroup.FOOD,
            stars=stars,
            price=price,
            unit="hộp",
            stock=stock,
        )
    return vendor, products


@pytest.fixture
def selling_show(stall, vendor_user):
    """A public show hosted by ``vendor_user`` with B01–B03 on offer, each holding the product's
    whole stock as its allocation (``orders.stock``), as the host's "choose products" does."""
    _vendor, products = stall
    now = timezone.now()
    show = show_create(
        title="Phiên chợ đêm thử", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=2)
    )
    for position, product in enumerate(products.values()):
        units = allocation_take(product_id=product.pk, sandbox=False)
        ShowOffer.objects.create(show=show, product=product, position=position, stock_left=units)
    return show


@pytest.fixture(autouse=True)
def _fresh_admission_rooms():
    """Anonymous sockets are admitted from rooms read a moment ago: every test starts without."""
    from live import admission

    admission.forget_recent_rooms()
    yield
    admission.forget_recent_rooms()


@pytest.fixture(autouse=True)
def _fresh_offered_codes():
    """The codes on offer are cached per process for a moment: every test starts without."""
    from selling import selectors

    selectors.offered_codes_forget()
    yield
    selectors.offered_codes_forget()
