"""Fixtures for selling in a live room: a vendor's stall (products B01–B03) and a show offering them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from live.services import show_create
from selling.models import ShowOffer
from vendors import services as vendor_services
from vendors.districts import District
from vendors.models import OcopGroup, VendorKind

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
    """A public show hosted by ``vendor_user`` with B01–B03 on offer (stock for the show = product stock)."""
    _vendor, products = stall
    now = timezone.now()
    show = show_create(
        title="Phiên chợ đêm thử", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=2)
    )
    for position, product in enumerate(products.values()):
        ShowOffer.objects.create(show=show, product=product, position=position, stock_left=product.stock)
    return show


# --- orders (chốt đơn, the order board) ------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_offered_codes():
    """The codes on offer are cached per process for a moment: every test starts without."""
    from selling import orders

    orders.offered_codes_forget()
    yield
    orders.offered_codes_forget()


@pytest.fixture
def published(monkeypatch):
    """Every publish made after commit, as (room_id, frame, to)."""
    from live import broadcast

    sent = []
    monkeypatch.setattr(broadcast, "publish", lambda room_id, frame, *, staff_only=False, to=None: sent.append((room_id, frame, to)))
    return sent


@pytest.fixture
def as_participant():
    """``as_participant(user, "host")``: the room identity a socket would have."""
    from live.selectors import Participant

    def _make(user, role="viewer"):
        return Participant(user_id=user.pk, name=user.get_full_name(), role=role)

    return _make
