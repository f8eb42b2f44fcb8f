"""Wholesale prices: a verified business sees and pays its tier by quantity, everyone else retail —
in the stall cart and in a room's chốt đơn (the issue's "chot b01 100" at 86.000 ₫, not 108.000 ₫)."""

import pytest

from live.selectors import Participant
from live.services import chat_post
from market import pricing
from market.cart import cart_add, cart_checkout, carts_of
from orders.models import Channel
from selling import pricing as selling_pricing
from selling.models import DeliveryProfile, OrderIntent
from selling.selectors import offer_prices
from selling.services import intents
from tests.market.buying_helpers import DELIVERY, business_buyer, tiers
from vendors.models import Product

RETAIL = 108_000


@pytest.fixture
def b01(stall):
    """B01 at the issue's figures: retail 108.000 ₫; distributors 100.000 ₫ from 20, 86.000 ₫ from 100;
    retailers 98.000 ₫ from 10."""
    _vendor, products = stall
    Product.objects.filter(pk=products["B01"].pk).update(price=RETAIL)
    product = Product.objects.get(pk=products["B01"].pk)
    tiers(product, (20, 100_000), (100, 86_000))
    tiers(product, (10, 98_000), kind="retailer")
    return product


@pytest.fixture
def distributor(make_user):
    return business_buyer(make_user, "sen.vang@example.vn")


@pytest.mark.parametrize(
    "quantity, unit_price, tier_min",
    [
        (1, RETAIL, None),
        (19, RETAIL, None),
        (20, 100_000, 20),
        (99, 100_000, 20),
        (100, 86_000, 100),
        (5000, 86_000, 100),
    ],
)
def test_a_verified_distributor_pays_the_tier_its_quantity_reaches(b01, distributor, quantity, unit_price, tier_min):
    price = pricing.price_for_buyer(buyer=distributor, product=b01, quantity=quantity)
    assert (price.unit_price, price.tier_min, price.retail) == (unit_price, tier_min, RETAIL)


def test_a_retailer_gets_the_retailers_tiers_not_the_distributors(b01, make_user):
    retailer = business_buyer(make_user, "tap.hoa@example.vn", kind="retailer", tax_code="0301112223")
    assert pricing.price_for_buyer(buyer=retailer, product=b01, quantity=100).unit_price == 98_000
    assert [t.min_quantity for t in pricing.visible_tiers(retailer, b01)] == [10]


@pytest.mark.parametrize("state", ["pending", "rejected"])
def test_an_unverified_business_sees_and_pays_retail_only(b01, make_user, state):
    waiting = business_buyer(make_user, "cho@example.vn", state=state)
    assert pricing.visible_tiers(waiting, b01) == []
    assert pricing.price_for_buyer(buyer=waiting, product=b01, quantity=100).unit_price == RETAIL
    assert pricing.chot_don_price(buyer_id=waiting.pk, product=b01, quantity=100) is None


def test_a_consumer_sees_no_tiers(b01, buyer_user):
    assert pricing.visible_tiers(buyer_user, b01) == []
    assert pricing.price_for_buyer(buyer=buyer_user, product=b01, quantity=500).unit_price == RETAIL


def test_a_tier_above_retail_is_never_charged(stall, distributor):
    _vendor, products = stall
    tiers(products["B02"], (5, 999_000))
    assert pricing.price_for_buyer(buyer=distributor, product=products["B02"], quantity=10).unit_price == 180_000


def test_the_cart_charges_the_tier_and_the_order_keeps_it(b01, distributor, stall):
    Product.objects.filter(pk=b01.pk).update(verified_at="2026-01-01T00:00:00Z")
    cart_add(buyer=distributor, product_id=b01.pk, quantity=100)
    (priced,) = carts_of(buyer=distributor)
    assert priced.total == 8_600_000
    (order,) = cart_checkout(buyer=distributor, delivery=DELIVERY, client_key="k1", expected_total=8_600_000)
    line = order.lines.get()
    assert (order.channel, line.unit_price, line.quantity, order.total) == (Channel.STALL_CART, 86_000, 100, 8_600_000)


# ----------------------------------------------------------------------------- chốt đơn in a room


@pytest.fixture
def say(selling_show, django_capture_on_commit_callbacks, settings):
    settings.LIVE = {**getattr(settings, "LIVE", {}), "USER_CHAT_RULES": [(1000, 1)]}

    def _say(user, text):
        with django_capture_on_commit_callbacks(execute=True):
            actor = Participant(user_id=user.pk, name=user.get_full_name(), role="viewer")
            return chat_post(room_id=selling_show.room.pk, actor=actor, text=text)

    return _say


def test_the_issues_chot_b01_100_is_charged_86_000_a_unit_to_a_verified_distributor(
    b01, distributor, say, selling_show, vendor_user
):
    assert pricing.chot_don_price in selling_pricing._resolvers  # registered by MarketConfig.ready
    DeliveryProfile.objects.create(user=distributor, name="Võ Minh Tâm", phone="+84912000111", address="45 Nguyễn Huệ")
    say(distributor, "chot b01 100")
    intent = OrderIntent.objects.get(buyer=distributor)
    assert (intent.unit_price, intent.total) == (86_000, 8_600_000)
    host = Participant(user_id=vendor_user.pk, name="host", role="host")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("live.broadcast.publish", lambda *a, **k: None)
        intents.board_confirm(room_id=selling_show.room.pk, actor=host, intent_id=intent.pk, key="confirm-1")
    intent.refresh_from_db()
    assert intent.order.total == 8_600_000
    assert intent.order.lines.get().unit_price == 86_000


def test_changing_the_quantity_reprices_the_intent(b01, distributor, say):
    say(distributor, "chot b01 100")
    say(distributor, "chot b01 5")
    intent = OrderIntent.objects.get(buyer=distributor)
    assert (intent.quantity, intent.unit_price) == (5, RETAIL)


def test_a_consumers_chot_don_stays_at_retail(b01, buyer_user, say):
    say(buyer_user, "chot b01 100")
    assert OrderIntent.objects.get(buyer=buyer_user).unit_price == RETAIL


def test_selling_without_resolvers_charges_the_catalogue_price(b01, distributor):
    saved = list(selling_pricing._resolvers)
    selling_pricing._resolvers.clear()
    try:
        assert selling_pricing.unit_price(buyer_id=distributor.pk, product=b01, quantity=100) == RETAIL
    finally:
        selling_pricing._resolvers.extend(saved)


# ----------------------------------------------------------------------------- the pinned card


def test_the_card_tells_a_verified_distributor_the_tiers_its_chot_don_is_charged(
    b01, distributor, buyer_user, make_user, selling_show, django_assert_num_queries
):
    room_id = selling_show.room.pk
    offer_b01 = selling_show.offers.get(product=b01).pk
    as_viewer = lambda user: Participant(user_id=user.pk if user else None, name="x", role="viewer")  # noqa: E731
    expected = [{"min_quantity": 20, "unit_price": 100_000}, {"min_quantity": 100, "unit_price": 86_000}]
    with django_assert_num_queries(4):  # the room's show, the business kind, the offers, the tiers: not one per offer
        assert offer_prices(room_id=room_id, actor=as_viewer(distributor)) == {"prices": {offer_b01: expected}}
    retailer = business_buyer(make_user, "tap.hoa@example.vn", kind="retailer", tax_code="0398765432")
    assert offer_prices(room_id=room_id, actor=as_viewer(retailer)) == {
        "prices": {offer_b01: [{"min_quantity": 10, "unit_price": 98_000}]}
    }
    waiting = business_buyer(make_user, "cho.duyet@example.vn", state="submitted", tax_code="0311111111")
    for nobody_wholesale in (buyer_user, waiting, None):
        assert offer_prices(room_id=room_id, actor=as_viewer(nobody_wholesale)) == {"prices": {}}


def test_the_card_leaves_out_a_tier_that_is_not_below_retail(b01, distributor, selling_show):
    tiers(b01, (50, RETAIL), (500, RETAIL + 1_000))  # what price_for never charges
    prices = offer_prices(room_id=selling_show.room.pk, actor=Participant(user_id=distributor.pk, name="x", role="viewer"))
    assert [t["min_quantity"] for t in next(iter(prices["prices"].values()))] == [20, 100]
