"""The README's demo distributor and retailer are verified businesses as soon as `make run` seeds."""

import pytest

from accounts.roles import Role
from market import demo
from market.models import BusinessProfile
from market.pricing import wholesale_kind


@pytest.mark.django_db
def test_the_demo_distributor_and_retailer_are_verified_through_the_services_once(make_user, organizer_user):
    distributor = make_user("nhaphanphoi@demo.chodem.vn", roles=[Role.DISTRIBUTOR])
    retailer = make_user("nhabanle@demo.chodem.vn", roles=[Role.RETAILER])
    said = []
    demo._demo_businesses(organizer_user, said.append)
    demo._demo_businesses(organizer_user, said.append)  # seeding again changes nothing
    assert (wholesale_kind(distributor), wholesale_kind(retailer)) == ("distributor", "retailer")
    profile = BusinessProfile.objects.get(user=distributor)
    assert (profile.tax_code, profile.reviewed_by) == ("0109876543", organizer_user)
    assert BusinessProfile.objects.count() == 2 and len(said) == 4


@pytest.mark.django_db
def test_the_demo_distributor_has_a_quote_to_accept_and_the_buyer_a_cart_next_friday(
    make_user, organizer_user, buyer_user, published_session, monkeypatch
):
    from market import quotes
    from market.models import Cart, Quote

    distributor = make_user("nhaphanphoi@demo.chodem.vn", roles=[Role.DISTRIBUTOR])
    host = published_session.stalls[0].user
    monkeypatch.setattr(demo, "DEMO_VENDOR_HOST", host.email)
    monkeypatch.setattr(demo, "DEMO_CONSUMER", buyer_user.email)
    said = []
    demo._demo_businesses(organizer_user, said.append)
    for _ in range(2):  # seeding again changes nothing
        demo._demo_quote(said.append)
        demo._demo_cart(published_session.session, said.append)
    quote = Quote.objects.get(inquiry__buyer=distributor)
    assert quote.state == Quote.State.SENT and quote.inquiry.vendor == published_session.stalls[0].vendor
    delivery = {"name": "Đỗ Mạnh Hùng", "phone": "0904000005", "address": "Số 18 Nguyễn Văn Cừ, Long Biên, Hà Nội"}
    order = quotes.quote_accept(quote_id=quote.pk, buyer=distributor, quantity=100, delivery=delivery)
    assert order.total == 100 * quotes.quote_unit_price(quote, 100) < 100 * quote.inquiry.product.price
    cart = Cart.objects.get(buyer=buyer_user)
    assert cart.session == published_session.session and cart.lines.count() == 2


@pytest.mark.django_db
def test_the_demo_cart_skips_a_product_with_too_little_left(buyer_user, published_session, monkeypatch):
    """A fresh seed said "Không đủ hàng: … chỉ còn 1 quả" and the README's waiting cart had a line missing."""
    from django.db.models import F

    from market.models import ApplicationProduct, Cart
    from vendors.models import Product

    monkeypatch.setattr(demo, "DEMO_CONSUMER", buyer_user.email)
    offered = ApplicationProduct.objects.filter(application__session=published_session.session).order_by(
        "application__vendor_id", "pk"
    )
    assert offered.count() >= 3
    nearly_gone = offered.first().product
    Product.objects.filter(pk=nearly_gone.pk).update(stock_reserved=F("stock") - 1)
    said = []
    demo._demo_cart(published_session.session, said.append)
    cart = Cart.objects.get(buyer=buyer_user)
    assert cart.lines.count() == 2 and not cart.lines.filter(product=nearly_gone).exists()
    assert not any("Không đủ hàng" in line for line in said)
