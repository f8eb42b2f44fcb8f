"""The buying pages: a stall's cart, checkout, my orders of a session, business profiles and their
review, inquiries and quotes — what each person sees and may do, refusals shown, nothing changed."""

from datetime import timedelta

from django.utils import timezone

from market.cart import cart_add
from market.models import BusinessProfile, Cart, Inquiry, Quote
from market.quotes import inquiry_create, quote_send
from orders.models import Order
from selling.models import DeliveryProfile
from tests.market.buying_helpers import business_buyer, tiers


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_pages_need_a_login(client):
    for url in ("/cho-dem/mua/thanh-toan/", "/cho-dem/mua/doanh-nghiep/", "/cho-dem/mua/hoi-gia/"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_consumer_fills_a_cart_and_checks_out_with_remembered_details(client, published_session, buyer_user):
    session = published_session.session
    stall = published_session.stalls[0]
    DeliveryProfile.objects.create(user=buyer_user, name="Phạm Quốc Bảo", phone="+84987654321", address="12 Hàng Bạc")
    client.force_login(buyer_user)
    page = client.get(f"/cho-dem/mua/gian-hang/{stall.vendor.slug}/?phien={session.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Bưởi đỏ Đông Cao" in body and "120.000 ₫" in body and "Hỏi giá sỉ" not in body
    url = f"/cho-dem/mua/gian-hang/{stall.vendor.slug}/gio/"
    b01 = stall.products["B01"]
    client.post(url, {"action": "add", "product": b01.pk, "quantity": "2", "phien": session.pk})
    refused = client.post(
        url, {"action": "add", "product": stall.products["B03"].pk, "quantity": "99", "phien": session.pk}, follow=True
    )
    assert any("chỉ còn 15 hộp" in m for m in _messages(refused))
    checkout = client.get("/cho-dem/mua/thanh-toan/")
    assert checkout.context["form"]["phone"].value() == "0987 654 321"
    assert "240.000 ₫" in checkout.content.decode()
    form = checkout.context["form"]
    data = {
        "name": "Phạm Quốc Bảo",
        "phone": "0987654321",
        "address": "12 Hàng Bạc",
        "note": "",
        "key": form.initial["key"],
        "expected_total": "240000",
    }
    done = client.post("/cho-dem/mua/thanh-toan/", data, follow=True)
    order = Order.objects.get(buyer=buyer_user)
    assert done.redirect_chain[-1][0] == f"/cho-dem/mua/phien/{session.pk}/don-cua-toi/"
    assert order.number in done.content.decode() and "240.000 ₫" in done.content.decode()
    client.post("/cho-dem/mua/thanh-toan/", data)  # a double tap
    assert Order.objects.filter(buyer=buyer_user).count() == 1 and not Cart.objects.filter(buyer=buyer_user).exists()


def test_a_verified_distributor_sees_tiers_at_the_stall(client, promoted_stall, make_user):
    tiers(promoted_stall.products["B01"], (100, 86_000))
    distributor = business_buyer(make_user, "sen@example.vn")
    client.force_login(distributor)
    body = client.get(f"/cho-dem/mua/gian-hang/{promoted_stall.vendor.slug}/").content.decode()
    assert "86.000 ₫" in body and "Hỏi giá sỉ" in body
    pending = business_buyer(make_user, "cho@example.vn", state="pending", tax_code="0300000002")
    client.force_login(pending)
    assert "86.000 ₫" not in client.get(f"/cho-dem/mua/gian-hang/{promoted_stall.vendor.slug}/").content.decode()


def test_business_profile_form_and_the_organizers_list(client, make_user, organizer_user):
    user = make_user("sen@example.vn")
    client.force_login(user)
    bad = client.post(
        "/cho-dem/mua/doanh-nghiep/",
        {"kind": "distributor", "company": "Sen Vàng", "tax_code": "123", "address": "Q.1"},
    )
    assert bad.status_code == 200 and bad.context["form"].errors["tax_code"] and not BusinessProfile.objects.exists()
    client.post(
        "/cho-dem/mua/doanh-nghiep/",
        {"kind": "distributor", "company": "Sen Vàng", "tax_code": "0312345678", "address": "Q.1"},
    )
    assert client.get("/cho-dem/mua/doanh-nghiep/xac-minh/").status_code == 403
    profile = BusinessProfile.objects.get()
    assert client.post(f"/cho-dem/mua/doanh-nghiep/{profile.pk}/xac-minh/", {"decision": "verify"}).status_code == 403
    client.force_login(organizer_user)
    assert "0312345678" in client.get("/cho-dem/mua/doanh-nghiep/xac-minh/").content.decode()
    client.post(f"/cho-dem/mua/doanh-nghiep/{profile.pk}/xac-minh/", {"decision": "verify"})
    profile.refresh_from_db()
    assert profile.is_verified
    created = client.post(
        "/cho-dem/mua/ma-moi/", {"kind": "distributor", "max_uses": "3", "days_valid": "10"}, follow=True
    )
    assert any(m.startswith("Mã mời mới: CDM-") for m in _messages(created))


def test_inquiry_pages_for_buyer_vendor_and_strangers(client, promoted_stall, make_user, buyer_user):
    distributor = business_buyer(make_user, "sen@example.vn")
    client.force_login(distributor)
    b01 = promoted_stall.products["B01"]
    client.post(
        f"/cho-dem/mua/gian-hang/{promoted_stall.vendor.slug}/hoi-gia/",
        {"product": b01.pk, "quantity": "200", "message": "Giá 200 hộp?"},
    )
    inquiry = Inquiry.objects.get()
    client.force_login(promoted_stall.user)
    page = client.get(f"/cho-dem/mua/hoi-gia/{inquiry.pk}/")
    assert "Sen Vàng" in page.content.decode() and page.context["quote_form"] is not None
    client.post(
        f"/cho-dem/mua/hoi-gia/{inquiry.pk}/bao-gia/",
        {
            "unit_price": "90000",
            "min_quantity": "100",
            "tier1_quantity": "200",
            "tier1_price": "85000",
            "delivery_terms": "Giao 3 ngày",
            "valid_days": "5",
        },
    )
    quote = Quote.objects.get()
    assert quote.tiers == [{"min_quantity": 200, "unit_price": 85_000}]
    client.force_login(buyer_user)
    assert client.get(f"/cho-dem/mua/hoi-gia/{inquiry.pk}/").status_code == 404
    assert client.post(f"/cho-dem/mua/bao-gia/{quote.pk}/chap-nhan/", {"quantity": "200"}).status_code == 404
    client.force_login(distributor)
    accept = {
        "quantity": "200",
        "name": "Võ Minh Tâm",
        "phone": "0912000111",
        "address": "45 Nguyễn Huệ",
        "note": "",
        "key": "x",
    }
    done = client.post(f"/cho-dem/mua/bao-gia/{quote.pk}/chap-nhan/", accept, follow=True)
    order = Order.objects.get()
    assert done.redirect_chain[-1][0] == order.get_absolute_url() and order.total == 17_000_000


def test_an_expired_quote_cannot_be_accepted_from_the_page(client, promoted_stall, make_user):
    distributor = business_buyer(make_user, "sen@example.vn")
    inquiry = inquiry_create(buyer=distributor, product_id=promoted_stall.products["B02"].pk, quantity=20)
    quote = quote_send(
        inquiry_id=inquiry.pk, actor=promoted_stall.user, unit_price=150_000, min_quantity=10, delivery_terms="Giao 2 ngày",
        valid_until=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    client.force_login(distributor)
    page = client.get(f"/cho-dem/mua/hoi-gia/{inquiry.pk}/")
    assert "Đã hết hạn" in page.content.decode() and page.context["accept_form"] is None
    accept = {
        "quantity": "20",
        "name": "Võ Minh Tâm",
        "phone": "0912000111",
        "address": "45 Nguyễn Huệ",
        "note": "",
        "key": "x",
    }
    refused = client.post(f"/cho-dem/mua/bao-gia/{quote.pk}/chap-nhan/", accept, follow=True)
    assert any("đã hết hạn" in m for m in _messages(refused)) and not Order.objects.exists()


def test_my_session_orders_are_mine_only(client, published_session, buyer_user, make_user):
    stall = published_session.stalls[1]
    cart_add(buyer=buyer_user, product_id=stall.products["C01"].pk, quantity=1, session_id=published_session.session.pk)
    client.force_login(make_user("khac@example.vn"))
    body = client.get(f"/cho-dem/mua/phien/{published_session.session.pk}/don-cua-toi/").content.decode()
    assert "Bạn chưa có đơn nào trong phiên này." in body and "HTX Chè Ba Vì" not in body


def _wholesale_terms(rf, user, product) -> str:
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    request = rf.get("/")
    request.user = user or AnonymousUser()
    return Template("{% load market_buying %}{% wholesale_terms product %}").render(
        Context({"request": request, "product": product})
    )


def test_a_products_wholesale_terms_show_to_verified_businesses_and_its_vendor_only(
    rf, promoted_stall, make_user, buyer_user
):
    b01 = promoted_stall.products["B01"]
    tiers(b01, (100, 86_000))
    tiers(b01, (20, 99_000), kind="retailer")
    pending = business_buyer(make_user, "cho@example.vn", state="pending", tax_code="0300000003")
    for outsider in (None, buyer_user, pending):
        html = _wholesale_terms(rf, outsider, b01)
        assert "86.000 ₫" not in html and "99.000 ₫" not in html
    assert "đang chờ ban tổ chức xác minh" in _wholesale_terms(rf, pending, b01)
    distributor = business_buyer(make_user, "sen@example.vn")
    html = _wholesale_terms(rf, distributor, b01)
    assert "86.000 ₫" in html and "99.000 ₫" not in html and f"?san-pham={b01.pk}" in html
    vendor_view = _wholesale_terms(rf, promoted_stall.user, b01)
    assert "86.000 ₫" in vendor_view and "99.000 ₫" in vendor_view
