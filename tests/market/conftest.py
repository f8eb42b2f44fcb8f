"""Shared fixtures of the weekly market's tests (every market engineer reuses them: keep them stable).

* ``promoted_stall``: the vendor of ``vendor_user`` (tests/conftest.py ``stall``: HTX Bưởi đỏ Đông
  Cao, Mê Linh, products B01–B03), every product verified, the vendor promoted by the practice
  market (a ``Seller`` through the ``vendor_promoted`` signal).
* ``second_stall``: another promoted vendor (HTX Chè Ba Vì, Ba Vì) of ``second_vendor_user``,
  verified products C01 "Chè shan tuyết Ba Vì" 150.000 ₫ and C02 "Mật ong rừng Ba Vì" 220.000 ₫.
* ``open_session``: next Friday's session (20:00–22:00 Hanoi time, 2 stages, 30-minute slots),
  open for applications, made by ``organizer_user``.
* ``published_session``: ``open_session`` with both stalls applied, assigned 20:00–20:30 (stage 1:
  ``promoted_stall``, stage 2: ``second_stall``) and published through the services, so each slot
  has its ``live.Show`` (``owner_kind="market"``) with the applied products on offer.

Helpers: ``promote(vendor, trainee, organizer)``, ``verify(*products)``, ``unverified_product(vendor,
actor)``. Each ``Stall`` carries ``vendor``, ``user`` (its owner), ``products`` ({code: Product}) and,
once published, ``slot`` (whose ``show`` is the stall's room).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from accounts.roles import Role
from vendors import services as vendor_services
from vendors.districts import District
from vendors.models import OcopGroup, Product, VendorKind


@dataclass
class Stall:
    vendor: object
    user: object
    products: dict
    slot: object = None

    @property
    def show(self):
        return self.slot.show if self.slot is not None else None


@dataclass
class PublishedSession:
    session: object
    organizer: object
    stalls: list = field(default_factory=list)


def verify(*products, until: datetime.date | None = None) -> None:
    """Mark products verified (as an approved, current dossier leaves them) until ``until`` (open-ended by default)."""
    Product.objects.filter(pk__in=[p.pk for p in products]).update(verified_at=timezone.now(), verified_until=until)
    for product in products:
        product.refresh_from_db()


def promote(vendor, trainee, organizer):
    """The practice market's approval: a Promotion row and its signal (the market admits a Seller)."""
    from practice_market.models import Promotion
    from practice_market.signals import vendor_promoted

    promotion = Promotion.objects.create(
        trainee=trainee,
        vendor=vendor,
        state=Promotion.State.APPROVED,
        decided_by=organizer,
        decided_at=timezone.now(),
        evidence={"tests": True},
    )
    vendor_promoted.send(sender=Promotion, promotion=promotion)
    return promotion


def unverified_product(vendor, actor, *, code="X09", name="Nem chua chưa xác minh"):
    return vendor_services.product_create(
        vendor=vendor, actor=actor, name=name, code=code, group=OcopGroup.FOOD, stars=3, price=50_000, unit="gói",
        stock=20,
    )  # fmt: skip


def next_market_day() -> datetime.date:
    """Next Friday strictly after today (so its 20:00 is always ahead)."""
    from market.timetable import next_friday

    return next_friday(today=timezone.localdate() + datetime.timedelta(days=1))


@pytest.fixture
def promoted_stall(stall, vendor_user, organizer_user) -> Stall:
    vendor, products = stall
    verify(*products.values())
    promote(vendor, vendor_user, organizer_user)
    return Stall(vendor=vendor, user=vendor_user, products=products)


@pytest.fixture
def second_vendor_user(make_user):
    return make_user("chebavi@example.vn", roles=[Role.VENDOR], full_name="Đinh Văn Sơn", phone="+84987654321")


@pytest.fixture
def second_stall(second_vendor_user, organizer_user) -> Stall:
    vendor = vendor_services.vendor_create(
        user=second_vendor_user,
        legal_name="HTX Chè Ba Vì",
        kind=VendorKind.COOPERATIVE,
        registration_number="0109876543",
        district=District.BA_VI,
        commune="Vân Hòa",
        address="Thôn Muôn, xã Vân Hòa, huyện Ba Vì",
        phone="0987654321",
        email="htx.chebavi@example.vn",
        representative="Đinh Văn Sơn",
    )
    products = {}
    for code, name, price, stock, stars in (
        ("C01", "Chè shan tuyết Ba Vì", 150_000, 80, 4),
        ("C02", "Mật ong rừng Ba Vì", 220_000, 30, 3),
    ):
        products[code] = vendor_services.product_create(
            vendor=vendor, actor=second_vendor_user, name=name, code=code, group=OcopGroup.BEVERAGE, stars=stars,
            price=price, unit="gói", stock=stock,
        )  # fmt: skip
    verify(*products.values())
    promote(vendor, second_vendor_user, organizer_user)
    return Stall(vendor=vendor, user=second_vendor_user, products=products)


@pytest.fixture
def open_session(organizer_user):
    from market import timetable

    session = timetable.session_create(
        actor=organizer_user, title="Chợ đêm thứ Sáu", theme="Đặc sản mùa đông", day=next_market_day(), stages=2,
        slot_minutes=30,
    )  # fmt: skip
    return timetable.session_open(actor=organizer_user, session=session)


@pytest.fixture
def published_session(open_session, promoted_stall, second_stall, organizer_user, django_capture_on_commit_callbacks):
    from market import timetable

    session = open_session
    for stage, st in enumerate((promoted_stall, second_stall), start=1):
        application = timetable.application_submit(
            actor=st.user, session=session, vendor=st.vendor, product_ids=[p.pk for p in st.products.values()]
        )
        st.slot = timetable.slot_assign(
            actor=organizer_user, application=application, stage=stage, starts_at=session.starts_at
        )
    with django_capture_on_commit_callbacks(execute=True):
        session = timetable.session_publish(actor=organizer_user, session=session)
    for st in (promoted_stall, second_stall):
        st.slot.refresh_from_db()
    return PublishedSession(session=session, organizer=organizer_user, stalls=[promoted_stall, second_stall])
