"""Products on show: who may choose and pin them, one pinned card, what a joining client reads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import ApplicationError
from live.models import RoomEvent
from live.services import show_create
from selling import room as selling_room
from selling import selectors
from selling.models import ShowOffer
from selling.services import offers
from tests.selling.helpers import as_participant, chat_intent
from vendors.models import Photo

pytestmark = pytest.mark.django_db


def _cooperative_with_product(user, *, legal_name: str, registration_number: str, code: str):
    """Another cooperative with ``user`` as its member, selling one product under ``code``."""
    from vendors import services as vendor_services
    from vendors.districts import District
    from vendors.models import OcopGroup, VendorKind

    vendor = vendor_services.vendor_create(
        user=user, legal_name=legal_name, kind=VendorKind.COOPERATIVE, registration_number=registration_number,
        district=District.BA_VI, commune="Ba Trại", address="Ba Vì", phone="0912000000", email="khac@example.vn",
        representative="Trần Văn Khác",
    )
    return vendor_services.product_create(
        vendor=vendor, actor=user, name="Chè Ba Vì", code=code, group=OcopGroup.BEVERAGE, stars=3,
        price=90_000, unit="gói", stock=10,
    )


def _offer(show, code):
    return ShowOffer.objects.get(show=show, product__code=code)


def test_host_offers_only_products_of_their_own_vendors(selling_show, stall, vendor_user, make_user):
    _vendor, products = stall
    offerable = {p.code for p in selectors.products_offerable(show=selling_show)}
    assert offerable == {"B01", "B02", "B03"}
    from accounts.roles import Role

    other = make_user("khac@example.vn", roles=[Role.VENDOR])
    foreign = _cooperative_with_product(other, legal_name="HTX Khác", registration_number="0109999999", code="C01")
    host = as_participant(vendor_user, selling_show)
    with pytest.raises(ApplicationError) as exc:
        offers.offers_set(room_id=selling_show.room.pk, actor=host, product_ids=[products["B01"].pk, foreign.pk])
    assert exc.value.code == "not_found"
    assert ShowOffer.objects.filter(show=selling_show, product=foreign).count() == 0


def test_viewer_cannot_choose_or_pin_products(selling_show, stall, buyer_user):
    _vendor, products = stall
    viewer = as_participant(buyer_user, selling_show)
    with pytest.raises(ApplicationError) as exc:
        offers.offers_set(room_id=selling_show.room.pk, actor=viewer, product_ids=[products["B01"].pk])
    assert exc.value.code == "forbidden"
    with pytest.raises(ApplicationError) as exc:
        offers.offer_pin(room_id=selling_show.room.pk, actor=viewer, offer_id=_offer(selling_show, "B01").pk)
    assert exc.value.code == "forbidden"
    assert ShowOffer.objects.filter(show=selling_show, is_pinned=True).count() == 0
    assert ShowOffer.objects.filter(show=selling_show, is_active=True).count() == 3


def test_offers_set_adds_reorders_and_removes_keeping_offers_with_orders(selling_show, stall, vendor_user, buyer_user):
    _vendor, products = stall
    host = as_participant(vendor_user, selling_show)
    b01, b02, b03 = (_offer(selling_show, c) for c in ("B01", "B02", "B03"))
    chat_intent(selling_show, buyer_user, "B02", 1)  # B02 has an order now
    cards = offers.offers_set(room_id=selling_show.room.pk, actor=host, product_ids=[products["B03"].pk, products["B01"].pk])
    assert [c["code"] for c in cards] == ["B03", "B01"]
    assert not ShowOffer.objects.filter(pk=b02.pk, is_active=True).exists()  # kept for its order, switched off
    assert ShowOffer.objects.filter(pk=b02.pk).exists()
    # B02 back on offer: the same row again, stock as it was.
    cards = offers.offers_set(room_id=selling_show.room.pk, actor=host, product_ids=[products["B02"].pk])
    assert [c["id"] for c in cards] == [b02.pk]
    assert not ShowOffer.objects.filter(pk__in=[b01.pk, b03.pk]).exists()  # no orders: gone
    event = RoomEvent.objects.filter(room=selling_show.room, kind="offers").latest("seq")
    assert [c["code"] for c in event.payload["offers"]] == ["B02"]


def test_a_new_offer_holds_what_is_left_of_the_one_stock_and_gives_it_back(selling_show, stall, vendor_user):
    """Two shows never hold the same units: the second gets what the first did not hold."""
    from live.services import show_end

    _vendor, products = stall
    host = as_participant(vendor_user, selling_show)
    offers.offers_set(room_id=selling_show.room.pk, actor=host, product_ids=[products["B01"].pk, products["B02"].pk])
    products["B03"].refresh_from_db()
    assert (products["B03"].stock, products["B03"].stock_reserved) == (15, 0)  # B03 left the show: released
    now = timezone.now()
    second = show_create(title="Phiên thứ hai", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))
    second_host = as_participant(vendor_user, second)
    cards = offers.offers_set(room_id=second.room.pk, actor=second_host, product_ids=[products["B01"].pk, products["B03"].pk])
    assert {c["code"]: c["stock_left"] for c in cards} == {"B01": 0, "B03": 15}
    show_end(room_id=selling_show.room.pk, actor=host)
    products["B01"].refresh_from_db()
    assert (products["B01"].stock, products["B01"].stock_reserved) == (300, 0)  # the ended show gave its 300 back


def test_one_pinned_at_a_time_and_everyone_gets_the_event(selling_show, vendor_user):
    host = as_participant(vendor_user, selling_show)
    b01, b02 = _offer(selling_show, "B01"), _offer(selling_show, "B02")
    offers.offer_pin(room_id=selling_show.room.pk, actor=host, offer_id=b01.pk)
    card = offers.offer_pin(room_id=selling_show.room.pk, actor=host, offer_id=b02.pk)
    assert list(ShowOffer.objects.filter(show=selling_show, is_pinned=True).values_list("pk", flat=True)) == [b02.pk]
    assert card["code"] == "B02" and card["price"] == 180_000
    event = RoomEvent.objects.filter(room=selling_show.room, kind="product.pinned").latest("seq")
    assert event.payload["offer_id"] == b02.pk and event.payload["card"]["name"] == "Mật ong hoa nhãn"
    offers.offer_pin(room_id=selling_show.room.pk, actor=host, offer_id=None)
    assert not ShowOffer.objects.filter(show=selling_show, is_pinned=True).exists()
    assert selling_room.room_state(show_id=selling_show.pk)["pinned_offer_id"] is None


def test_database_refuses_a_second_pinned_offer(selling_show):
    from django.db import IntegrityError, transaction

    ShowOffer.objects.filter(pk=_offer(selling_show, "B01").pk).update(is_pinned=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShowOffer.objects.filter(pk=_offer(selling_show, "B02").pk).update(is_pinned=True)


def test_pinning_an_offer_of_another_show_is_refused(selling_show, vendor_user, stall):
    from datetime import timedelta

    from django.utils import timezone

    from live.services import show_create

    other = show_create(title="Buổi khác", host=vendor_user, scheduled_start=timezone.now(),
                        scheduled_end=timezone.now() + timedelta(hours=1))
    foreign = ShowOffer.objects.create(show=other, product=stall[1]["B01"], stock_left=5)
    with pytest.raises(ApplicationError) as exc:
        offers.offer_pin(room_id=selling_show.room.pk, actor=as_participant(vendor_user, selling_show), offer_id=foreign.pk)
    assert exc.value.code == "not_found"


def test_late_joiner_reads_the_pinned_card(selling_show, vendor_user, stall):
    from datetime import timedelta

    from django.utils import timezone

    b01 = _offer(selling_show, "B01")
    product = stall[1]["B01"]
    product.verified_at = timezone.now()
    product.verified_until = timezone.localdate() + timedelta(days=30)
    product.save()
    Photo.objects.create(vendor=product.vendor, product=product, image="vendors/photos/b01.jpg", thumbnail="vendors/thumbs/b01.jpg")
    offers.offer_pin(room_id=selling_show.room.pk, actor=as_participant(vendor_user, selling_show), offer_id=b01.pk)
    state = selling_room.room_state(show_id=selling_show.pk)
    assert state["pinned_offer_id"] == b01.pk
    card = next(c for c in state["offers"] if c["id"] == b01.pk)
    assert card == {
        "id": b01.pk, "product_id": product.pk, "code": "B01", "name": "Bưởi đỏ Đông Cao",
        "photo": "/media/vendors/thumbs/b01.jpg", "price": 120_000, "unit": "hộp", "stars": 4, "verified": True,
        "stock_left": 300, "pinned": True,
    }
    assert [c["code"] for c in state["offers"]] == ["B01", "B02", "B03"]
    assert state["sale"] is None and state["now"]
    unverified = next(c for c in state["offers"] if c["code"] == "B02")
    assert unverified["verified"] is False and unverified["photo"] is None


def test_console_context_lists_the_hosts_products(selling_show, vendor_user, buyer_user):
    host = as_participant(vendor_user, selling_show)
    context = selling_room.offers_page_context(show=selling_show, participant=host, console=True)
    assert [p["code"] for p in context["products"]] == ["B01", "B02", "B03"]
    assert all(p["on_offer"] for p in context["products"])
    viewer = as_participant(buyer_user, selling_show)
    context = selling_room.offers_page_context(show=selling_show, participant=viewer, console=False)
    assert context["products"] == [] and context["strings"]["buy"]


def test_viewer_page_shows_the_pinned_card_and_console_shows_the_picker(client, selling_show, vendor_user, buyer_user):
    from django.urls import reverse

    b01 = _offer(selling_show, "B01")
    offers.offer_pin(room_id=selling_show.room.pk, actor=as_participant(vendor_user, selling_show), offer_id=b01.pk)
    client.force_login(buyer_user)
    html = client.get(reverse("live:show_watch", args=[selling_show.pk])).content.decode()
    assert "Bưởi đỏ Đông Cao" in html and "120.000 ₫" in html and "Còn 300 hộp" in html
    assert 'id="selling-offers-strings"' in html and "data-sale-buy" in html
    assert "data-offers-picker" not in html
    client.force_login(vendor_user)
    html = client.get(reverse("live:show_console", args=[selling_show.pk])).content.decode()
    assert html.count('name="product"') == 3 and "data-sale-form" in html
    assert 'min="10" max="300"' in html and 'min="60" max="1200"' in html


def test_two_products_answering_to_one_code_cannot_both_be_on_offer(selling_show, stall, vendor_user):
    """The host belongs to two cooperatives, each with a "B01": a buyer's "chốt B01 2" could
    only reach one of them, so the host is told to offer one, and nothing changes."""
    _vendor, products = stall
    other_b01 = _cooperative_with_product(vendor_user, legal_name="HTX Cam Canh", registration_number="0107777777", code="b01")
    host = as_participant(vendor_user, selling_show)
    with pytest.raises(ApplicationError) as exc:
        offers.offers_set(room_id=selling_show.room.pk, actor=host, product_ids=[products["B01"].pk, other_b01.pk])
    assert exc.value.code == "invalid"
    assert "B01" in exc.value.message.upper() and "một lần" in exc.value.message
    assert sorted(ShowOffer.objects.filter(show=selling_show).values_list("product__code", flat=True)) == ["B01", "B02", "B03"]
