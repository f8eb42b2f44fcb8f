"""The orders API: a buyer places a stall-cart order and follows it, the vendor's desk moves it,
the organizers see every order; refusals keep the error shape and change nothing."""

import pytest

from accounts.roles import Role
from orders.models import Order, OrderEvent
from vendors.models import Product

pytestmark = pytest.mark.django_db

DELIVERY = {"name": "Phạm Thu Trang", "phone": "0912000111", "address": "12 Hàng Bạc, Hoàn Kiếm"}


def _place(client, vendor, products, *, key="cart-1", lines=(("B01", 2), ("B03", 1)), **extra):
    body = {
        "vendor": vendor.slug,
        "lines": [{"product_id": products[code].pk, "quantity": q} for code, q in lines],
        "delivery": DELIVERY,
        "client_key": key,
        **extra,
    }
    return client.post("/api/v1/orders/", body, content_type="application/json")


def _act(client, number, action, key, **extra):
    return client.post(f"/api/v1/orders/{number}/transition/", {"action": action, "key": key, **extra}, content_type="application/json")


@pytest.fixture
def placed(client, stall, buyer_user):
    vendor, products = stall
    client.force_login(buyer_user)
    response = _place(client, vendor, products, expected_total=2 * 120_000 + 350_000)
    assert response.status_code == 201, response.json()
    return response.json()


def test_every_endpoint_refuses_anonymous_callers(client, placed):
    client.logout()
    number = placed["number"]
    for method, url in [
        ("get", "/api/v1/orders/"), ("post", "/api/v1/orders/"), ("get", "/api/v1/orders/desk/"),
        ("get", "/api/v1/orders/console/"), ("get", f"/api/v1/orders/{number}/"),
        ("post", f"/api/v1/orders/{number}/transition/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert response.json()["error"]["code"] == "not_authenticated"


def test_a_buyer_places_a_stall_cart_order_once_and_sees_it_with_its_timeline(client, stall, buyer_user, placed):
    vendor, products = stall
    assert placed["status"] == "placed" and placed["status_name"] == "Chờ xác nhận"
    assert placed["channel"] == "stall_cart" and placed["total"] == 590_000 and placed["items"] == 3
    assert [(line["product_code"], line["quantity"], line["line_total"]) for line in placed["lines"]] == [
        ("B01", 2, 240_000), ("B03", 1, 350_000),
    ]
    assert placed["delivery"] == {**DELIVERY, "phone": "+84912000111"}
    assert [e["action"] for e in placed["timeline"]] == ["place"]
    assert placed["my_roles"] == ["buyer"]
    assert {a["action"] for a in placed["allowed_actions"]} == {"buyer_cancel"}
    # The same key again: the same order, nothing reserved twice.
    again = _place(client, vendor, products, expected_total=590_000)
    assert again.status_code == 200 and again.json()["number"] == placed["number"]
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=products["B01"].pk).stock_reserved == 2
    mine = client.get("/api/v1/orders/").json()
    assert [o["number"] for o in mine["results"]] == [placed["number"]]
    assert client.get("/api/v1/orders/", {"status": "shipped"}).json()["count"] == 0
    detail = client.get(f"/api/v1/orders/{placed['number']}/").json()
    assert detail["number"] == placed["number"] and detail["timeline"][0]["actor_role"] == "buyer"


def test_bad_placements_are_refused_with_a_clear_message_and_change_nothing(client, stall, buyer_user, make_user):
    vendor, products = stall
    client.force_login(buyer_user)
    forged = _place(client, vendor, products, key="forged", expected_total=1_000)
    assert forged.status_code == 400 and forged.json()["error"]["code"] == "total_mismatch"
    assert "590.000" in forged.json()["error"]["message"]
    too_many = _place(client, vendor, products, key="many", lines=(("B03", 16),))
    assert too_many.status_code == 409 and too_many.json()["error"]["code"] == "not_enough_stock"
    assert "còn 15" in too_many.json()["error"]["message"]
    no_address = _place(client, vendor, products, key="addr", delivery={**DELIVERY, "address": " "})
    assert no_address.status_code == 400 and "delivery.address" in no_address.json()["error"]["fields"]
    other = make_user("khac@example.vn", full_name="Chủ thể khác", roles=[Role.VENDOR])
    from vendors import services as vendor_services
    from vendors.districts import District
    from vendors.models import VendorKind

    other_vendor = vendor_services.vendor_create(
        user=other, legal_name="HTX Khác", kind=VendorKind.COOPERATIVE, registration_number="0109999999",
        district=District.ME_LINH, commune="Tráng Việt", address="Thôn Khác", phone="0912999999",
        email="khac@example.vn", representative="Người Khác",
    )
    foreign = _place(client, other_vendor, products, key="foreign")
    assert foreign.status_code == 400 and "không thuộc chủ thể" in foreign.json()["error"]["message"]
    shape = _place(client, vendor, products, key="", lines=())
    assert shape.status_code == 400 and {"client_key", "lines"} <= set(shape.json()["error"]["fields"])
    assert Order.objects.count() == 0 and OrderEvent.objects.count() == 0
    assert set(Product.objects.values_list("stock_reserved", flat=True)) == {0}


def test_the_whole_path_through_the_api_with_roles_inferred(client, stall, buyer_user, vendor_user, placed):
    number = placed["number"]
    client.force_login(vendor_user)
    desk = client.get("/api/v1/orders/desk/", {"status": "placed"}).json()
    assert [o["number"] for o in desk["results"]] == [number] and desk["results"][0]["buyer_name"] == "Phạm Thu Trang"
    assert client.get("/api/v1/orders/desk/", {"status": "confirmed"}).json()["count"] == 0
    assert client.get("/api/v1/orders/desk/", {"source": "show:1"}).json()["count"] == 0
    step = _act(client, number, "confirm", "v-1").json()
    assert step["replayed"] is False and step["order"]["status"] == "confirmed"
    assert _act(client, number, "confirm", "v-1").json()["replayed"] is True
    shipped = _act(client, number, "ship", "v-2", data={"carrier": "GHTK", "tracking_code": "S123"}).json()["order"]
    assert (shipped["status"], shipped["carrier"], shipped["tracking_code"]) == ("shipped", "GHTK", "S123")
    client.force_login(buyer_user)
    assert _act(client, number, "confirm_receipt", "b-1", data={"goods_match": True}).json()["order"]["status"] == "received"
    client.force_login(vendor_user)
    paid = _act(client, number, "record_payment", "v-3", data={"method": "cash", "amount": 590_000}).json()["order"]
    assert paid["status"] == "payment_recorded" and paid["paid_amount"] == 590_000
    client.force_login(buyer_user)
    done = _act(client, number, "acknowledge_payment", "b-2").json()["order"]
    assert done["status"] == "completed" and done["status_name"] == "Hoàn thành"
    assert [e["action"] for e in done["timeline"]] == [
        "place", "confirm", "ship", "confirm_receipt", "record_payment", "acknowledge_payment",
    ]
    assert [e["actor_role"] for e in done["timeline"]] == ["buyer", "vendor", "vendor", "buyer", "vendor", "buyer"]
    products = stall[1]
    b01 = Product.objects.get(pk=products["B01"].pk)
    assert (b01.stock, b01.stock_reserved) == (298, 0)


def test_refused_transitions_keep_the_error_shape_and_change_nothing(client, stall, buyer_user, vendor_user, make_user, placed):
    number = placed["number"]
    # The buyer cannot confirm their own order as the vendor (the service checks the role).
    client.force_login(buyer_user)
    as_vendor = _act(client, number, "confirm", "b-x", **{"as": "vendor"})
    assert as_vendor.status_code == 404
    not_theirs = _act(client, number, "confirm", "b-y")
    assert not_theirs.status_code == 403 and not_theirs.json()["error"]["code"] == "forbidden"
    client.force_login(vendor_user)
    early = _act(client, number, "record_payment", "v-x", data={"method": "cash"})
    assert early.status_code == 409 and early.json()["error"]["code"] == "transition_not_allowed"
    assert "Chờ xác nhận" in early.json()["error"]["message"]
    no_reason = _act(client, number, "decline", "v-y")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    unknown = _act(client, number, "teleport", "v-z")
    assert unknown.status_code == 400 and "action" in unknown.json()["error"]["fields"]
    # A stranger cannot see or move it: the same 404 as a number that does not exist.
    client.force_login(make_user("la@example.vn"))
    assert client.get(f"/api/v1/orders/{number}/").status_code == 404
    assert _act(client, number, "buyer_cancel", "s-1").status_code == 404
    assert client.get("/api/v1/orders/CDM-00-999999/").status_code == 404
    assert client.get("/api/v1/orders/desk/").status_code == 403
    assert client.get("/api/v1/orders/console/").status_code == 403
    order = Order.objects.get(number=number)
    assert order.status == "placed" and order.events.count() == 1


def test_organizers_list_every_order_and_step_in(client, stall, organizer_user, placed):
    vendor, _products = stall
    client.force_login(organizer_user)
    listed = client.get("/api/v1/orders/console/", {"status": "placed", "vendor": vendor.slug, "channel": "stall_cart"}).json()
    assert [o["number"] for o in listed["results"]] == [placed["number"]]
    assert client.get("/api/v1/orders/console/", {"channel": "flash_sale"}).json()["count"] == 0
    assert client.get("/api/v1/orders/console/", {"status": "nonsense"}).status_code == 400
    detail = client.get(f"/api/v1/orders/{placed['number']}/").json()
    assert detail["my_roles"] == ["organizer"] and {a["action"] for a in detail["allowed_actions"]} == {"organizer_cancel"}
    cancelled = _act(client, placed["number"], "organizer_cancel", "o-1", reason="Người mua gọi điện xin hủy").json()["order"]
    assert cancelled["status"] == "cancelled" and cancelled["timeline"][-1]["reason"] == "Người mua gọi điện xin hủy"
    assert set(Product.objects.filter(vendor=vendor).values_list("stock_reserved", flat=True)) == {0}


def test_a_vendor_of_several_stalls_picks_one_and_cannot_read_another(client, stall, vendor_user, placed, make_user):
    vendor, _products = stall
    client.force_login(vendor_user)
    assert client.get("/api/v1/orders/desk/", {"vendor": vendor.slug}).json()["count"] == 1
    assert client.get("/api/v1/orders/desk/", {"vendor": "not-mine"}).status_code == 404
    assert client.get("/api/v1/orders/desk/", {"practice": "true"}).json()["count"] == 0
