"""The order pages: "Đơn hàng của tôi", the order page's actions, the vendor's desk, CSV, slip, attestation."""

import csv
import io
import uuid

import pytest
from django.urls import reverse

from accounts.roles import Role
from orders import services as order_services
from orders.attestation import STATEMENT, order_attestation
from orders.models import Channel, Dispute, Order, OrderEvent, Status
from vendors import services as vendor_services
from vendors.districts import District
from vendors.models import VendorKind

DELIVERY = {"name": "Phạm Thu Trang", "phone": "0912000111", "address": "12 Hàng Bạc, Hoàn Kiếm"}
BADGE = str(STATEMENT)


def place(stall, buyer, code="B01", quantity=2, *, sandbox=False, delivery=None, note="", source_id=None, label=""):
    vendor, products = stall
    return order_services.order_place(
        buyer_id=buyer.pk, vendor_id=vendor.pk, placed_by_id=buyer.pk, client_key=uuid.uuid4().hex,
        channel=Channel.CHOT_DON if sandbox else Channel.STALL_CART,
        lines=[order_services.LineRequest(product_id=products[code].pk, quantity=quantity)],
        delivery=delivery or DELIVERY, note=note, sandbox=sandbox,
        source_kind="show" if source_id else "", source_id=source_id, source_label=label,
    )


def move(order, action, user, role, **kw):
    order, _ = order_services.order_transition(order_id=order.pk, action=action, actor=user, role=role, key=uuid.uuid4().hex, **kw)
    return order


def to_received(order, vendor_user, buyer_user, match=True):
    move(order, "confirm", vendor_user, "vendor")
    move(order, "ship", vendor_user, "vendor", data={"carrier": "GHTK", "tracking_code": "GH123"})
    return move(order, "confirm_receipt", buyer_user, "buyer", data={"goods_match": match})


def act(client, order, action, key=None, follow=False, **fields):
    data = {"action": action, "key": key or uuid.uuid4().hex, **fields}
    return client.post(reverse("orders:act", args=[order.number]), data, follow=follow)


@pytest.fixture
def order(stall, buyer_user):
    return place(stall, buyer_user)


@pytest.fixture
def other_vendor_user(make_user):
    user = make_user("htxkhac@example.vn", roles=[Role.VENDOR], full_name="Đỗ Văn Khải")
    vendor_services.vendor_create(
        user=user, legal_name="HTX Chè Ba Vì", kind=VendorKind.COOPERATIVE, registration_number="0107654321",
        district=District.BA_VI, commune="Ba Trại", address="Ba Trại, Ba Vì", phone="0912999888",
        email="htx.bavi@example.vn", representative="Đỗ Văn Khải",
    )
    return user


# ----------------------------------------------------------------------------- who may see


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, order):
    for url in (reverse("orders:mine"), order.get_absolute_url(), reverse("orders:desk"), reverse("orders:desk_csv"),
                reverse("orders:slip", args=[order.number])):
        response = client.get(url)
        assert response.status_code == 302 and "/tai-khoan/login/" in response["Location"], url
    response = act(client, order, "buyer_cancel")
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).status == Status.PLACED


@pytest.mark.django_db
def test_another_buyer_gets_404_and_cannot_act(client, order, make_user):
    stranger = make_user("khac@example.vn", roles=[Role.CONSUMER])
    client.force_login(stranger)
    assert client.get(order.get_absolute_url()).status_code == 404
    assert act(client, order, "buyer_cancel").status_code == 404
    assert order.number not in client.get(reverse("orders:mine")).content.decode()
    assert Order.objects.get(pk=order.pk).status == Status.PLACED


@pytest.mark.django_db
def test_a_member_of_another_vendor_gets_404_everywhere(client, order, stall, other_vendor_user):
    client.force_login(other_vendor_user)
    assert client.get(order.get_absolute_url()).status_code == 404
    assert client.get(reverse("orders:slip", args=[order.number])).status_code == 404
    assert act(client, order, "confirm").status_code == 404
    vendor, _ = stall
    assert client.get(reverse("orders:desk"), {"vendor": vendor.pk}).status_code == 404
    assert client.get(reverse("orders:desk_csv"), {"vendor": vendor.pk}).status_code == 404
    page = client.get(reverse("orders:desk")).content.decode()
    assert "HTX Chè Ba Vì" in page and order.number not in page
    response = client.post(reverse("orders:desk_bulk"), {"vendor": vendor.pk, "action": "confirm", "numbers": [order.number]})
    assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).status == Status.PLACED


@pytest.mark.django_db
def test_a_buyer_without_a_vendor_has_no_desk(client, buyer_user):
    client.force_login(buyer_user)
    assert client.get(reverse("orders:desk")).status_code == 404


# ----------------------------------------------------------------------------- the buyer's list and page


@pytest.mark.django_db
def test_my_orders_lists_real_orders_only_and_filters_by_state(client, stall, buyer_user, vendor_user):
    placed = place(stall, buyer_user, "B01", 1)
    confirmed = move(place(stall, buyer_user, "B02", 1), "confirm", vendor_user, "vendor")
    practice = place(stall, buyer_user, "B03", 1, sandbox=True)
    client.force_login(buyer_user)
    page = client.get(reverse("orders:mine")).content.decode()
    assert placed.number in page and confirmed.number in page and practice.number not in page
    page = client.get(reverse("orders:mine"), {"state": "confirmed"}).content.decode()
    assert confirmed.number in page and placed.number not in page
    assert 'aria-current="page">Chờ lấy hàng' in page
    assert placed.number in client.get(reverse("orders:mine"), {"state": "nonsense"}).content.decode()


@pytest.mark.django_db
def test_the_order_page_shows_lines_total_delivery_progress_and_timeline(client, order, buyer_user, vendor_user):
    move(order, "confirm", vendor_user, "vendor")
    client.force_login(buyer_user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Bưởi đỏ Đông Cao" in page and "240.000 ₫" in page and "12 Hàng Bạc, Hoàn Kiếm" in page
    assert "Shop đã xác nhận đơn và đang chuẩn bị hàng" in page
    # progress: the first step done (✓ and words), the second the current one (aria-current), the rest to come
    assert page.count("order-progress__step--done") == 1 and page.count('aria-current="step"') == 1
    assert "(đang ở bước này)" in page and "(đã xong)" in page
    # the buyer is offered no action here (nothing to do until it is shipped), and no vendor action
    assert 'data-action="confirm_receipt"' not in page and 'data-action="ship"' not in page


@pytest.mark.django_db
def test_the_buyer_cancels_before_confirmation_but_not_after(client, stall, buyer_user, vendor_user):
    client.force_login(buyer_user)
    first = place(stall, buyer_user, "B03", 3)
    page = client.get(first.get_absolute_url()).content.decode()
    assert 'data-action="buyer_cancel"' in page
    response = act(client, first, "buyer_cancel", reason="Đặt nhầm")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Status.CANCELLED
    stall[1]["B03"].refresh_from_db()
    assert stall[1]["B03"].stock_reserved == 0  # the units went back
    second = move(place(stall, buyer_user, "B03", 1), "confirm", vendor_user, "vendor")
    response = act(client, second, "buyer_cancel")
    assert response.status_code == 409
    assert "Không thể “Người mua hủy đơn” khi đơn đang “Chờ lấy hàng”" in response.content.decode()
    assert Order.objects.get(pk=second.pk).status == Status.CONFIRMED


@pytest.mark.django_db
def test_the_buyer_confirms_receipt_then_acknowledges_payment_and_sees_the_badge(client, order, buyer_user, vendor_user):
    move(order, "confirm", vendor_user, "vendor")
    move(order, "ship", vendor_user, "vendor", data={"own_delivery": True})
    client.force_login(buyer_user)
    # confirming receipt needs the yes/no on the goods
    response = act(client, order, "confirm_receipt")
    assert response.status_code == 400 and "Hãy cho biết hàng có đúng mô tả không." in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Status.SHIPPED
    assert act(client, order, "confirm_receipt", goods_match="yes").status_code == 302
    order.refresh_from_db()
    assert order.status == Status.RECEIVED and order.goods_match is True
    move(order, "record_payment", vendor_user, "vendor", data={"method": "cash"})
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Shop ghi nhận đã thu 240.000 ₫ (Tiền mặt khi nhận hàng)" in page
    assert BADGE not in page
    response = act(client, order, "acknowledge_payment")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Hoàn thành" in page and BADGE in page
    assert page.count("order-progress__step--done") == 6
    assert BADGE in client.get(reverse("orders:mine")).content.decode()


@pytest.mark.django_db
def test_goods_not_matching_means_no_badge(client, order, buyer_user, vendor_user):
    to_received(order, vendor_user, buyer_user, match=False)
    move(order, "record_payment", vendor_user, "vendor", data={"method": "transfer"})
    move(order, "acknowledge_payment", buyer_user, "buyer")
    client.force_login(buyer_user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Hoàn thành" in page and "hàng KHÔNG đúng mô tả" in page and BADGE not in page


@pytest.mark.django_db
def test_a_transition_not_in_the_table_is_refused_on_the_page_and_nothing_changes(client, order, buyer_user):
    client.force_login(buyer_user)
    events = OrderEvent.objects.count()
    response = act(client, order, "acknowledge_payment")
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="order-error"' in body and "Chờ xác nhận" in body
    # a buyer asking for a vendor's move is refused in words too
    response = act(client, order, "confirm")
    assert response.status_code == 403 and "Bạn không được làm thao tác này" in response.content.decode()
    assert OrderEvent.objects.count() == events
    assert Order.objects.get(pk=order.pk).status == Status.PLACED


@pytest.mark.django_db
def test_a_replayed_key_changes_nothing(client, order, vendor_user):
    client.force_login(vendor_user)
    key = uuid.uuid4().hex
    assert act(client, order, "confirm", key=key).status_code == 302
    response = act(client, order, "confirm", key=key, follow=True)
    assert "đã được ghi nhận trước đó" in response.content.decode()
    assert OrderEvent.objects.filter(order=order, action="confirm").count() == 1
    # the same key for another action is refused
    response = act(client, order, "ship", key=key, own_delivery="on")
    assert response.status_code == 400
    assert Order.objects.get(pk=order.pk).status == Status.CONFIRMED


@pytest.mark.django_db
def test_each_form_carries_a_fresh_key(client, order, buyer_user):
    client.force_login(buyer_user)
    first = client.get(order.get_absolute_url()).content.decode()
    second = client.get(order.get_absolute_url()).content.decode()
    key = first.split('name="key" value="')[1].split('"')[0]
    assert len(key) == 32 and key not in second


# ----------------------------------------------------------------------------- the vendor's actions


@pytest.mark.django_db
def test_the_vendor_declines_only_with_a_reason(client, order, vendor_user):
    client.force_login(vendor_user)
    response = act(client, order, "decline")
    assert response.status_code == 400 and "Hãy ghi lý do." in response.content.decode()
    assert act(client, order, "decline", reason="Hết hàng loại 1").status_code == 302
    order.refresh_from_db()
    assert order.status == Status.DECLINED
    assert OrderEvent.objects.get(order=order, action="decline").reason == "Hết hàng loại 1"


@pytest.mark.django_db
def test_the_vendor_ships_records_payment_and_handles_a_refused_parcel(client, stall, buyer_user, vendor_user):
    client.force_login(vendor_user)
    order = move(place(stall, buyer_user), "confirm", vendor_user, "vendor")
    response = act(client, order, "ship")
    assert response.status_code == 400 and "Shop tự giao" in response.content.decode()
    assert act(client, order, "ship", carrier="Viettel Post", tracking_code="VTP42").status_code == 302
    order.refresh_from_db()
    assert (order.status, order.carrier, order.tracking_code) == (Status.SHIPPED, "Viettel Post", "VTP42")
    # payment on a parcel not yet received is not allowed
    assert act(client, order, "record_payment", method="cash").status_code == 409
    assert act(client, order, "refuse_at_door", reason="Người mua không nghe máy").status_code == 302
    assert act(client, order, "return_received").status_code == 302
    order.refresh_from_db()
    assert order.status == Status.RETURNED
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="order-closed"' in page and "Người mua không nhận hàng khi giao" in page

    paid = to_received(place(stall, buyer_user), vendor_user, buyer_user)
    response = act(client, paid, "record_payment")
    assert response.status_code == 400 and "Hãy chọn hình thức thanh toán." in response.content.decode()
    assert act(client, paid, "record_payment", method="transfer").status_code == 302
    paid.refresh_from_db()
    assert (paid.status, paid.paid_amount, paid.payment_method) == (Status.PAYMENT_RECORDED, 240_000, "transfer")


@pytest.mark.django_db
def test_the_vendor_cancels_a_confirmed_order_with_a_reason(client, order, vendor_user):
    client.force_login(vendor_user)
    move(order, "confirm", vendor_user, "vendor")
    assert act(client, order, "vendor_cancel", reason="Bưởi bị dập").status_code == 302
    assert Order.objects.get(pk=order.pk).status == Status.CANCELLED


# ----------------------------------------------------------------------------- the desk


@pytest.mark.django_db
def test_the_desk_filters_by_state_and_show_and_keeps_practice_on_its_own_tab(client, stall, buyer_user, vendor_user):
    in_show = place(stall, buyer_user, "B01", 1, source_id=7, label="Phiên chợ đêm 7")
    elsewhere = move(place(stall, buyer_user, "B02", 1), "confirm", vendor_user, "vendor")
    practice = place(stall, buyer_user, "B03", 1, sandbox=True)
    client.force_login(vendor_user)
    page = client.get(reverse("orders:desk")).content.decode()
    assert in_show.number in page and elsewhere.number in page and practice.number not in page
    assert "Thực hành (1)" in page and "Phiên chợ đêm 7" in page
    page = client.get(reverse("orders:desk"), {"state": "confirmed"}).content.decode()
    assert elsewhere.number in page and in_show.number not in page
    page = client.get(reverse("orders:desk"), {"source": "show:7"}).content.decode()
    assert in_show.number in page and elsewhere.number not in page
    page = client.get(reverse("orders:desk"), {"tab": "practice"}).content.decode()
    assert practice.number in page and in_show.number not in page and 'data-testid="practice-note"' in page


@pytest.mark.django_db
def test_bulk_confirm_and_ship_report_each_order(client, stall, buyer_user, vendor_user):
    a, b = place(stall, buyer_user, "B01", 1), place(stall, buyer_user, "B02", 1)
    done = move(move(place(stall, buyer_user, "B03", 1), "confirm", vendor_user, "vendor"), "ship", vendor_user, "vendor",
                data={"own_delivery": True})
    client.force_login(vendor_user)
    keys = {f"key-confirm-{o.number}": uuid.uuid4().hex for o in (a, b, done)}
    response = client.post(reverse("orders:desk_bulk"), {"action": "confirm", "numbers": [a.number, b.number, done.number], **keys},
                           follow=True)
    body = response.content.decode()
    assert f"2 đơn thành công ({a.number}, {b.number})" in body
    assert f"{done.number}: không thực hiện được." in body and "Đang giao" in body
    assert [o.status for o in Order.objects.filter(pk__in=[a.pk, b.pk])] == [Status.CONFIRMED] * 2
    # replaying the same bulk form changes nothing twice
    response = client.post(reverse("orders:desk_bulk"), {"action": "confirm", "numbers": [a.number, b.number], **keys}, follow=True)
    assert "đã được ghi nhận trước đó" in response.content.decode()
    assert OrderEvent.objects.filter(action="confirm", order__in=[a, b]).count() == 2
    # ship: one with a carrier, one by the shop itself, and one with neither (refused alone)
    c = move(place(stall, buyer_user, "B01", 2), "confirm", vendor_user, "vendor")
    form = {
        "action": "ship", "numbers": [a.number, b.number, c.number],
        f"carrier-{a.number}": "GHN", f"tracking-{a.number}": "GHN1", f"own-{b.number}": "on",
        **{f"key-ship-{o.number}": uuid.uuid4().hex for o in (a, b, c)},
    }
    body = client.post(reverse("orders:desk_bulk"), form, follow=True).content.decode()
    assert f"{c.number}: không thực hiện được. Hãy ghi đơn vị vận chuyển và mã vận đơn" in body
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.status, a.carrier, a.tracking_code) == (Status.SHIPPED, "GHN", "GHN1")
    assert (b.status, b.own_delivery) == (Status.SHIPPED, True)
    assert c.status == Status.CONFIRMED


@pytest.mark.django_db
def test_bulk_without_a_choice_or_with_an_unknown_action_changes_nothing(client, order, vendor_user):
    client.force_login(vendor_user)
    body = client.post(reverse("orders:desk_bulk"), {"action": "confirm"}, follow=True).content.decode()
    assert "Hãy chọn ít nhất một đơn hàng." in body
    body = client.post(reverse("orders:desk_bulk"), {"action": "refund", "numbers": [order.number]}, follow=True).content.decode()
    assert "Thao tác không hợp lệ." in body
    assert Order.objects.get(pk=order.pk).status == Status.PLACED


@pytest.mark.django_db
def test_a_member_of_several_vendors_picks_one(client, stall, vendor_user, buyer_user):
    second = vendor_services.vendor_create(
        user=vendor_user, legal_name="Tổ hợp tác Mật ong Sóc Sơn", kind=VendorKind.COOPERATIVE, registration_number="0109999999",
        district=District.SOC_SON, commune="Minh Trí", address="Minh Trí, Sóc Sơn", phone="0912111222",
        email="ong@example.vn", representative="Lê Thị Hồng Nhung",
    )
    order = place(stall, buyer_user)
    client.force_login(vendor_user)
    page = client.get(reverse("orders:desk")).content.decode()
    assert "Chọn chủ thể" in page and order.number not in page
    assert order.number in client.get(reverse("orders:desk"), {"vendor": stall[0].pk}).content.decode()
    assert order.number not in client.get(reverse("orders:desk"), {"vendor": second.pk}).content.decode()


@pytest.mark.django_db
def test_the_csv_has_the_filtered_orders_and_cannot_run_formulas(client, stall, buyer_user, vendor_user):
    evil = place(stall, buyer_user, delivery={**DELIVERY, "name": "=HYPERLINK(\"http://x\",\"bấm\")"}, note="+1+1")
    confirmed = move(place(stall, buyer_user, "B02", 1), "confirm", vendor_user, "vendor")
    client.force_login(vendor_user)
    response = client.get(reverse("orders:desk_csv"), {"state": "placed"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mã đơn" and len(rows) == 2
    row = rows[1]
    assert row[0] == evil.number and row[3].startswith("'=HYPERLINK") and row[12] == "'+1+1" and row[7] == "240000"
    assert confirmed.number not in response.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_the_packing_slip_is_for_the_vendor(client, order, vendor_user, buyer_user):
    client.force_login(vendor_user)
    page = client.get(reverse("orders:slip", args=[order.number])).content.decode()
    assert "Phiếu giao hàng" in page and "Phạm Thu Trang" in page and "240.000 ₫" in page and "@media print" not in page
    assert "print-slip" in page
    client.force_login(buyer_user)
    assert client.get(reverse("orders:slip", args=[order.number])).status_code == 404


# ----------------------------------------------------------------------------- attestation


@pytest.mark.django_db
def test_attestation_needs_every_part_of_the_statement(stall, buyer_user, vendor_user, organizer_user):
    def attest(order):
        order.refresh_from_db()
        return order_attestation(order, order.events.all(), order.disputes.all())

    order = place(stall, buyer_user)
    move(order, "confirm", vendor_user, "vendor")
    move(order, "ship", vendor_user, "vendor", data={"own_delivery": True})
    # an organizer records receipt from the buyer's call and confirms payment on their word: attested
    move(order, "record_receipt", organizer_user, "organizer", reason="Gọi điện lúc 9h", data={"goods_match": True})
    assert not attest(order)
    move(order, "record_payment", vendor_user, "vendor", data={"method": "cash"})
    assert not attest(order)
    move(order, "confirm_payment_for_buyer", organizer_user, "organizer", reason="Người mua xác nhận qua điện thoại")
    result = attest(order)
    assert result.attested and result.missing == []
    # an undecided dispute withdraws it
    Dispute.objects.create(order=order, opened_by=buyer_user, reason="quality", text="Bưởi khô", opened_at=order.completed_at,
                           answer_due_at=order.completed_at)
    result = attest(order)
    assert not result.attested and "khiếu nại" in str(result.missing[0])
    # a dispute the organizers rejected leaves the statement true; one they upheld withdraws it for good
    dispute = order.disputes.get()
    Dispute.objects.filter(pk=dispute.pk).update(state="decided", decision=Dispute.Decision.REJECTED)
    assert attest(order).attested
    for upheld in (Dispute.Decision.PARTIAL_REFUND, Dispute.Decision.REPLACEMENT, Dispute.Decision.REFUND):
        Dispute.objects.filter(pk=dispute.pk).update(decision=upheld)
        result = attest(order)
        assert not result.attested and result.missing == [
            "Ban tổ chức đã chấp nhận khiếu nại của người mua về đơn này (hoàn tiền hoặc đổi hàng)."
        ]

    practice = place(stall, buyer_user, "B02", 1, sandbox=True)
    to_received(practice, vendor_user, buyer_user)
    move(practice, "record_payment", vendor_user, "vendor", data={"method": "cash"})
    move(practice, "acknowledge_payment", buyer_user, "buyer")
    assert not attest(practice)


@pytest.mark.django_db
def test_the_pages_read_in_english_too(client, order, buyer_user, vendor_user, settings):
    to_received(order, vendor_user, buyer_user)
    move(order, "record_payment", vendor_user, "vendor", data={"method": "cash"})
    move(order, "acknowledge_payment", buyer_user, "buyer")
    client.force_login(buyer_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(order.get_absolute_url()).content.decode()
    assert "The organizers confirm: the buyer received the right goods, of the right quality, and paid in full" in page
    assert "Order history" in page and "The buyer confirmed paying in full" in page
    assert "My orders" in client.get(reverse("orders:mine")).content.decode()


@pytest.mark.django_db
def test_the_header_leads_to_my_orders_and_a_seller_to_the_desk(client, buyer_user, vendor_user, stall):
    client.force_login(buyer_user)
    page = client.get(reverse("orders:mine")).content.decode()
    assert 'data-testid="orders-link"' in page and 'data-testid="desk-link"' not in page
    client.force_login(vendor_user)
    assert 'data-testid="desk-link"' in client.get(reverse("orders:mine")).content.decode()


@pytest.mark.django_db
def test_the_dispute_link_is_offered_within_the_window_when_the_dispute_page_exists(client, order, buyer_user, vendor_user):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(buyer_user)
    assert 'data-testid="dispute-link"' not in client.get(order.get_absolute_url()).content.decode()  # not received yet
    to_received(order, vendor_user, buyer_user)
    url = reverse("orders:dispute_open", args=[order.number])
    page = client.get(order.get_absolute_url()).content.decode()
    assert f'href="{url}" data-testid="dispute-link"' in page
    Order.objects.filter(pk=order.pk).update(received_at=timezone.now() - timedelta(days=8))
    assert 'data-testid="dispute-link"' not in client.get(order.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_dispute_link_closes_with_the_window_and_while_one_is_undecided(client, order, buyer_user, vendor_user, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from orders import views

    monkeypatch.setattr(views, "_dispute_url", lambda order: f"/don-hang/{order.number}/khieu-nai/")
    to_received(order, vendor_user, buyer_user)
    client.force_login(buyer_user)
    assert 'data-testid="dispute-link"' in client.get(order.get_absolute_url()).content.decode()
    dispute = Dispute.objects.create(order=order, opened_by=buyer_user, reason="quality", text="Bưởi khô",
                                     opened_at=timezone.now(), answer_due_at=timezone.now())
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="dispute-link"' not in page
    assert 'data-testid="order-disputes"' in page and "Chất lượng không như mô tả" in page and "Chờ shop trả lời" in page
    Dispute.objects.filter(pk=dispute.pk).update(state="decided")
    Order.objects.filter(pk=order.pk).update(received_at=timezone.now() - timedelta(days=8))
    assert 'data-testid="dispute-link"' not in client.get(order.get_absolute_url()).content.decode()
    client.force_login(vendor_user)
    Order.objects.filter(pk=order.pk).update(received_at=timezone.now())
    assert 'data-testid="dispute-link"' not in client.get(order.get_absolute_url()).content.decode()  # the buyer's only


@pytest.mark.django_db
def test_a_refused_ship_keeps_what_the_vendor_typed(client, order, vendor_user):
    move(order, "confirm", vendor_user, "vendor")
    client.force_login(vendor_user)
    response = act(client, order, "ship", carrier="Viettel Post")
    assert response.status_code == 400 and 'value="Viettel Post"' in response.content.decode()


@pytest.mark.django_db
def test_the_timeline_tells_each_organizer_step_in_plain_words(client, order, buyer_user, vendor_user, organizer_user):
    move(order, "confirm", vendor_user, "vendor")
    move(order, "ship", vendor_user, "vendor", data={"own_delivery": True})
    order_services.order_note(order_id=order.pk, actor=organizer_user, role="organizer", key=uuid.uuid4().hex,
                              action="contact", reason="Đã gọi cho người mua và shop, hàng đang trên đường")
    move(order, "record_receipt", organizer_user, "organizer", reason="Người mua gọi đường dây nóng",
         data={"goods_match": True})
    client.force_login(buyer_user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Ban tổ chức: Đã gọi cho người mua và shop, hàng đang trên đường" in page
    assert "Ban tổ chức đã gọi điện cho người mua và ghi nhận người mua đã nhận hàng: hàng đúng mô tả" in page
    assert "Lý do: Người mua gọi đường dây nóng" in page
    assert page.count("order-timeline__item--organizer") == 2
    # the organizer reads the same page (and is offered none of the buyer's or vendor's buttons)
    client.force_login(organizer_user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Người mua gọi đường dây nóng" in page and 'data-testid="order-actions"' not in page


@pytest.mark.django_db
def test_a_step_without_a_move_says_who_as_the_buyer_would(client, order, buyer_user, vendor_user):
    order_services.order_note(order_id=order.pk, actor=vendor_user, role="vendor", key=uuid.uuid4().hex,
                              action="dispute_answered", reason="Trả lời khiếu nại: shop sẽ đổi hàng")
    client.force_login(buyer_user)
    assert "Shop: Trả lời khiếu nại: shop sẽ đổi hàng" in client.get(order.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_organizers_reach_the_console_from_the_header_and_everyone_their_work_from_the_profile(
    client, organizer_user, vendor_user, buyer_user, stall
):
    console = reverse("orders:console")
    client.force_login(organizer_user)
    assert f'href="{console}"' in client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="workspace-console"' in client.get(reverse("accounts:profile")).content.decode()
    client.force_login(vendor_user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("orders:desk")}"' in page and f'href="{console}"' not in page
    client.force_login(buyer_user)
    home = client.get(reverse("notifications:list")).content.decode()
    assert f'href="{reverse("orders:mine")}"' in home and f'href="{console}"' not in home
