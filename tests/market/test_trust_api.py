"""The trust API: reviews, records, flags (who may do what; refusals change nothing)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from market.models import BuyerFlag, Review
from orders.models import Order
from tests.market.trust_helpers import complete, place

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def completed(stall, vendor_user, buyer_user):
    _vendor, products = stall
    return complete(place(buyer_user, products["B01"]), vendor_user=vendor_user, at=timezone.now() - timedelta(days=3))


def test_review_reply_hide_and_read_through_the_api(completed, stall, buyer_user, vendor_user, organizer_user):
    vendor, products = stall
    buyer = client_for(buyer_user)
    body = {"order": completed.number, "product_id": products["B01"].pk, "stars": 4, "text": "Ngon"}
    created = buyer.post("/api/v1/market/reviews/", body, format="json")
    assert created.status_code == 201, created.json()
    review = created.json()
    assert (review["stars"], review["reviewer"], review["verified_purchase"], review["vendor"]) == (
        4,
        "Phạm Q. B.",
        True,
        vendor.slug,
    )
    again = buyer.post("/api/v1/market/reviews/", body, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_done"

    assert (
        buyer.post(f"/api/v1/market/reviews/{review['id']}/reply/", {"reply": "Tôi"}, format="json").status_code == 403
    )
    replied = client_for(vendor_user).post(
        f"/api/v1/market/reviews/{review['id']}/reply/", {"reply": "Cảm ơn ạ"}, format="json"
    )
    assert replied.status_code == 200 and replied.json()["reply"] == "Cảm ơn ạ"

    listed = buyer.get(f"/api/v1/market/reviews/?vendor={vendor.slug}").json()
    assert [r["id"] for r in listed["results"]] == [review["id"]]
    assert (
        client_for(vendor_user)
        .post(f"/api/v1/market/reviews/{review['id']}/hide/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    hidden = client_for(organizer_user).post(
        f"/api/v1/market/reviews/{review['id']}/hide/", {"reason": "Xúc phạm"}, format="json"
    )
    assert hidden.status_code == 200 and hidden.json()["hidden"] is True
    assert buyer.get(f"/api/v1/market/reviews/?product={products['B01'].pk}").json()["results"] == []

    record = buyer.get(f"/api/v1/market/vendors/{vendor.slug}/record/").json()
    assert (record["orders"], record["confirmed_on_time"], record["confirm_due"], record["rating"]["count"]) == (
        1,
        1,
        1,
        0,
    )


def test_a_review_without_a_completed_order_is_refused(stall, buyer_user):
    _vendor, products = stall
    order = place(buyer_user, products["B02"])
    refused = client_for(buyer_user).post(
        "/api/v1/market/reviews/", {"order": order.number, "product_id": products["B02"].pk, "stars": 5}, format="json"
    )
    assert refused.status_code == 409 and "chưa hoàn thành" in refused.json()["error"]["message"]
    assert not Review.objects.exists()
    assert APIClient().get("/api/v1/market/reviews/").status_code in (401, 403)


def test_buyer_records_and_blocking_through_the_api(
    completed, stall, buyer_user, vendor_user, organizer_user, make_user
):
    _vendor, products = stall
    # The vendor the buyer ordered from may read the record; a vendor without orders from them may not.
    record = client_for(vendor_user).get(f"/api/v1/market/buyers/{buyer_user.pk}/record/")
    assert record.status_code == 200 and (record.json()["orders"], record.json()["completed"]) == (1, 1)
    other = make_user("khac@example.vn", roles=["vendor"])
    assert client_for(other).get(f"/api/v1/market/buyers/{buyer_user.pk}/record/").status_code == 404

    flag = {"buyer_id": buyer_user.pk, "level": "blocked", "reason": "Bom hàng nhiều lần"}
    assert client_for(vendor_user).post("/api/v1/market/buyer-flags/", flag, format="json").status_code == 403
    bad = client_for(organizer_user).post("/api/v1/market/buyer-flags/", {**flag, "reason": ""}, format="json")
    assert bad.status_code == 400 and not BuyerFlag.objects.exists()
    done = client_for(organizer_user).post("/api/v1/market/buyer-flags/", flag, format="json")
    assert done.status_code == 200 and done.json()["flag"]["level"] == "blocked"
    listed = client_for(organizer_user).get("/api/v1/market/buyer-flags/").json()["results"]
    assert [(r["buyer_id"], r["level"]) for r in listed] == [(buyer_user.pk, "blocked")]

    # The blocked buyer's stall-cart order is refused with the message; nothing placed.
    before = Order.objects.count()
    placed = client_for(buyer_user).post(
        "/api/v1/orders/",
        {
            "vendor": _vendor.slug,
            "lines": [{"product_id": products["B01"].pk, "quantity": 1}],
            "delivery": {"name": "Phạm Quốc Bảo", "phone": "0987654321", "address": "12 Hàng Bạc"},
            "client_key": "k-blocked-1",
        },
        format="json",
    )
    assert placed.status_code == 403 and placed.json()["error"]["code"] == "buyer_blocked"
    assert "tạm chặn mua hàng" in placed.json()["error"]["message"]
    assert Order.objects.count() == before


def test_the_trust_api_is_in_the_openapi_document(organizer_user):
    schema = client_for(organizer_user).get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/market/reviews/", "/api/v1/market/buyer-flags/", "/api/v1/market/vendors/{slug}/record/"):
        assert path in text
