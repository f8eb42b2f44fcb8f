"""The buying API (/api/v1/market/): carts and checkout, prices, business profiles, quotes —
who may call what, and refusals in the one error shape."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from market.models import BusinessProfile
from orders.models import Order
from tests.market.buying_helpers import DELIVERY, business_buyer, tiers


@pytest.fixture
def api():
    def _as(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _as


def test_everything_needs_a_login(api):
    for url in ("/api/v1/market/carts/", "/api/v1/market/inquiries/", "/api/v1/market/business-profile/"):
        assert api().get(url).status_code in (401, 403)


def test_a_cart_from_add_to_checkout(api, promoted_stall, second_stall, buyer_user):
    client = api(buyer_user)
    b01, c01 = promoted_stall.products["B01"], second_stall.products["C01"]
    assert client.post("/api/v1/market/carts/", {"product_id": b01.pk, "quantity": 2}, format="json").status_code == 200
    body = client.post("/api/v1/market/carts/", {"product_id": c01.pk, "quantity": 1}, format="json").json()
    assert body["total"] == 390_000 and len(body["carts"]) == 2
    body = client.patch(f"/api/v1/market/carts/lines/{b01.pk}/", {"quantity": 3}, format="json").json()
    assert body["total"] == 510_000
    too_many = client.patch(f"/api/v1/market/carts/lines/{c01.pk}/", {"quantity": 81}, format="json")
    assert too_many.status_code == 409 and too_many.json()["error"]["code"] == "not_enough_stock"
    payload = {"delivery": DELIVERY, "client_key": "api-1", "expected_total": 510_000}
    placed = client.post("/api/v1/market/checkout/", payload, format="json")
    assert placed.status_code == 201
    assert sorted(o["total"] for o in placed.json()["orders"]) == [150_000, 360_000]
    again = client.post("/api/v1/market/checkout/", payload, format="json").json()
    assert sorted(o["number"] for o in again["orders"]) == sorted(o["number"] for o in placed.json()["orders"])
    assert Order.objects.count() == 2 and client.get("/api/v1/market/carts/").json()["carts"] == []


def test_the_price_shows_tiers_to_a_verified_business_only(api, promoted_stall, buyer_user, make_user):
    b01 = promoted_stall.products["B01"]
    tiers(b01, (100, 86_000))
    url = f"/api/v1/market/prices/{b01.pk}/?quantity=100"
    consumer = api(buyer_user).get(url).json()
    assert consumer["tiers"] == [] and consumer["price"]["unit_price"] == 120_000
    distributor = business_buyer(make_user, "sen@example.vn")
    verified = api(distributor).get(url).json()
    assert (
        verified["tiers"] == [{"min_quantity": 100, "unit_price": 86_000}] and verified["price"]["unit_price"] == 86_000
    )


def test_a_business_profile_and_its_review(api, make_user, organizer_user):
    user = make_user("sen@example.vn")
    bad = api(user).put(
        "/api/v1/market/business-profile/",
        {"kind": "distributor", "company": "Sen Vàng", "tax_code": "12345", "address": "Q.1"},
        format="json",
    )
    assert bad.status_code == 400 and "tax_code" in bad.json()["error"]["fields"]
    ok = api(user).put(
        "/api/v1/market/business-profile/",
        {"kind": "distributor", "company": "Sen Vàng", "tax_code": "0312345678", "address": "Q.1"},
        format="json",
    )
    assert ok.json()["state"] == "pending"
    assert api(user).get("/api/v1/market/business-profiles/").status_code == 403
    listed = api(organizer_user).get("/api/v1/market/business-profiles/").json()
    assert [p["tax_code"] for p in listed] == ["0312345678"]
    pk = listed[0]["id"]
    assert (
        api(user).post(f"/api/v1/market/business-profiles/{pk}/review/", {"verify": True}, format="json").status_code
        == 403
    )
    done = api(organizer_user).post(f"/api/v1/market/business-profiles/{pk}/review/", {"verify": True}, format="json")
    assert done.json()["state"] == "verified" and BusinessProfile.objects.get().is_verified
    code = api(organizer_user).post("/api/v1/market/invite-codes/", {"max_uses": 2}, format="json")
    assert code.status_code == 201 and code.json()["code"].startswith("CDM-")
    assert api(user).post("/api/v1/market/invite-codes/", {}, format="json").status_code == 403


def test_inquiry_quote_and_acceptance(api, promoted_stall, make_user, buyer_user):
    distributor = business_buyer(make_user, "sen@example.vn")
    b02 = promoted_stall.products["B02"]
    refused = api(buyer_user).post("/api/v1/market/inquiries/", {"product_id": b02.pk, "quantity": 30}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "business_not_verified"
    inquiry = (
        api(distributor).post("/api/v1/market/inquiries/", {"product_id": b02.pk, "quantity": 30}, format="json").json()
    )
    quote_url = f"/api/v1/market/inquiries/{inquiry['id']}/quotes/"
    terms = {
        "unit_price": 150_000,
        "min_quantity": 20,
        "tiers": [{"min_quantity": 30, "unit_price": 140_000}],
        "delivery_terms": "Giao trong 2 ngày",
        "valid_until": (timezone.now() + timedelta(days=3)).isoformat(),
    }
    assert api(buyer_user).post(quote_url, terms, format="json").status_code == 404
    quote = api(promoted_stall.user).post(quote_url, terms, format="json").json()
    inbox = api(promoted_stall.user).get("/api/v1/market/inquiries/?as=vendor").json()
    assert [i["id"] for i in inbox] == [inquiry["id"]]
    accept_url = f"/api/v1/market/quotes/{quote['id']}/accept/"
    stranger = business_buyer(make_user, "khac@example.vn", tax_code="0300000009")
    assert api(stranger).post(accept_url, {"quantity": 30, "delivery": DELIVERY}, format="json").status_code == 403
    order = api(distributor).post(accept_url, {"quantity": 30, "delivery": DELIVERY}, format="json")
    assert order.status_code == 201
    assert (order.json()["channel"], order.json()["total"]) == ("wholesale_quote", 4_200_000)
    detail = api(distributor).get(f"/api/v1/market/inquiries/{inquiry['id']}/").json()
    assert detail["state"] == "closed" and detail["quotes"][0]["order"] == order.json()["number"]
    assert api(stranger).get(f"/api/v1/market/inquiries/{inquiry['id']}/").status_code == 404


def test_the_schema_lists_the_buying_endpoints(api, buyer_user):
    schema = api(buyer_user).get("/api/schema/?format=json").json()
    paths = set(schema["paths"])
    assert {"/api/v1/market/carts/", "/api/v1/market/checkout/", "/api/v1/market/business-profile/"} <= paths
    assert any(p.startswith("/api/v1/market/quotes/") and p.endswith("/accept/") for p in paths)


def test_the_public_product_api_shows_tiers_to_verified_businesses_and_the_vendor_only(
    api, promoted_stall, buyer_user, make_user
):
    b01 = promoted_stall.products["B01"]
    tiers(b01, (100, 86_000))
    tiers(b01, (20, 99_000), kind="retailer")
    url = f"/api/v1/products/{b01.pk}/"
    pending = business_buyer(make_user, "cho@example.vn", state="pending", tax_code="0300000004")
    for outsider in (None, buyer_user, pending):
        assert api(outsider).get(url).json()["price_tiers"] == []
    distributor = business_buyer(make_user, "sen@example.vn")
    assert api(distributor).get(url).json()["price_tiers"] == [
        {"buyer_kind": "distributor", "min_quantity": 100, "unit_price": 86_000}
    ]
    assert len(api(promoted_stall.user).get(url).json()["price_tiers"]) == 2
