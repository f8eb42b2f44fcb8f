"""Wholesale inquiries and quotes: only verified businesses ask, a member of the vendor answers,
only the asker accepts a valid quote, and it becomes an order through ``order_place``."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import ApplicationError
from market.models import Inquiry, Quote
from market.quotes import inquiry_create, quote_accept, quote_send, quote_withdraw
from orders.models import Channel, Order
from tests.market.buying_helpers import DELIVERY, business_buyer


@pytest.fixture
def distributor(make_user):
    return business_buyer(make_user, "sen.vang@example.vn")


@pytest.fixture
def inquiry(promoted_stall, distributor):
    return inquiry_create(
        buyer=distributor, product_id=promoted_stall.products["B01"].pk, quantity=150, message="Giá sỉ 150 hộp?"
    )


def _send(inquiry, actor, **overrides):
    values = {
        "unit_price": 95_000,
        "min_quantity": 50,
        "tiers": [{"min_quantity": 100, "unit_price": 88_000}, {"min_quantity": 200, "unit_price": 82_000}],
        "delivery_terms": "Giao trong 3 ngày tại Hà Nội, miễn phí vận chuyển",
        "valid_until": timezone.now() + timedelta(days=7),
    }
    values.update(overrides)
    return quote_send(inquiry_id=inquiry.pk, actor=actor, **values)


def test_an_accepted_quote_becomes_an_order_at_the_tier_its_quantity_reaches(inquiry, promoted_stall, distributor):
    quote = _send(inquiry, promoted_stall.user)
    order = quote_accept(quote_id=quote.pk, buyer=distributor, quantity=150, delivery=DELIVERY)
    line = order.lines.get()
    assert (order.channel, order.source_kind, order.source_id) == (Channel.WHOLESALE_QUOTE, "quote", quote.pk)
    assert (line.product_code, line.quantity, line.unit_price, order.total) == ("B01", 150, 88_000, 13_200_000)
    assert order.events.get().action == "place"
    quote.refresh_from_db()
    inquiry.refresh_from_db()
    assert (quote.state, quote.order_id, inquiry.state) == ("accepted", order.pk, "closed")
    again = quote_accept(quote_id=quote.pk, buyer=distributor, quantity=150, delivery=DELIVERY)
    assert again.pk == order.pk and Order.objects.count() == 1


def test_an_expired_quote_is_refused_and_nothing_changes(inquiry, promoted_stall, distributor):
    quote = _send(inquiry, promoted_stall.user)
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ApplicationError) as refused:
        quote_accept(quote_id=quote.pk, buyer=distributor, quantity=150, delivery=DELIVERY)
    assert refused.value.code == "quote_expired" and "đã hết hạn" in refused.value.message
    quote.refresh_from_db()
    assert quote.state == "sent" and not Order.objects.exists()


def test_someone_elses_quote_is_refused(inquiry, promoted_stall, make_user):
    quote = _send(inquiry, promoted_stall.user)
    other = business_buyer(make_user, "khac@example.vn", tax_code="0309998887")
    with pytest.raises(ApplicationError) as refused:
        quote_accept(quote_id=quote.pk, buyer=other, quantity=150, delivery=DELIVERY)
    assert refused.value.status == 403 and "chỉ người hỏi giá" in refused.value.message
    assert not Order.objects.exists()


def test_below_the_minimum_and_withdrawn_quotes_are_refused(inquiry, promoted_stall, distributor):
    quote = _send(inquiry, promoted_stall.user)
    with pytest.raises(ApplicationError) as below:
        quote_accept(quote_id=quote.pk, buyer=distributor, quantity=49, delivery=DELIVERY)
    assert below.value.code == "below_minimum"
    newer = _send(inquiry, promoted_stall.user, unit_price=93_000)  # the earlier quote is withdrawn
    with pytest.raises(ApplicationError) as withdrawn:
        quote_accept(quote_id=quote.pk, buyer=distributor, quantity=60, delivery=DELIVERY)
    assert withdrawn.value.code == "quote_not_open"
    quote_withdraw(quote_id=newer.pk, actor=promoted_stall.user)
    with pytest.raises(ApplicationError):
        quote_accept(quote_id=newer.pk, buyer=distributor, quantity=60, delivery=DELIVERY)
    assert not Order.objects.exists()


def test_only_a_verified_business_may_ask(promoted_stall, buyer_user, make_user):
    pending = business_buyer(make_user, "cho@example.vn", state="pending", tax_code="0301234000")
    for asker in (buyer_user, pending):
        with pytest.raises(ApplicationError) as refused:
            inquiry_create(buyer=asker, product_id=promoted_stall.products["B01"].pk, quantity=100)
        assert refused.value.code == "business_not_verified"
    assert not Inquiry.objects.exists()


def test_only_the_vendors_members_answer_and_with_sound_terms(inquiry, second_stall, promoted_stall):
    with pytest.raises(ApplicationError) as stranger:
        _send(inquiry, second_stall.user)
    assert stranger.value.status == 404
    bad = [
        {"valid_until": timezone.now() - timedelta(hours=1)},
        {"delivery_terms": "  "},
        {"unit_price": 0},
        {"tiers": [{"min_quantity": 10, "unit_price": 80_000}]},  # not above the minimum of 50
        {"tiers": [{"min_quantity": 100, "unit_price": 99_000}]},  # dearer than the quote's price
    ]
    for overrides in bad:
        with pytest.raises(ApplicationError):
            _send(inquiry, promoted_stall.user, **overrides)
    assert not Quote.objects.exists()
