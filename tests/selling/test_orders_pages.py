"""The orders placed in a show, as a page and as CSV, for its hosts and the organizers only."""

import csv
import io

import pytest
from django.urls import reverse

from live.models import RoomRole
from selling.services import intents
from tests.selling.helpers import chat_intent, order_accept


@pytest.fixture
def confirmed(selling_show, buyer_user, vendor_user, as_participant):
    """Two confirmed orders, one with delivery details a prankster typed as formulas."""
    buyer = as_participant(buyer_user)
    made = []
    for code, quantity, delivery in [
        ("B01", 2, ("Phạm Quốc Bảo", "+84987654321", "12 Hàng Bạc, Hoàn Kiếm")),
        ("B03", 1, ("=HYPERLINK(\"http://x.example\",\"bấm\")", "0912000222", "@SUM(A1:A9)")),
    ]:
        name, phone, address = delivery
        intent = chat_intent(selling_show, buyer_user, code, quantity, delivery={"name": name, "phone": phone, "address": address})
        intents.order_update(  # the buyer's note on the card
            room_id=selling_show.room.pk, actor=buyer, intent_id=intent.pk, key=f"note-{code}", quantity=quantity, note="-1+1"
        )
        order_accept(selling_show, vendor_user, intent)
        made.append(intent)
    return made


def _urls(show):
    return f"/ban-hang/buoi/{show.pk}/don-hang/", f"/ban-hang/buoi/{show.pk}/don-hang.csv"


def test_the_host_sees_the_list_with_totals(client, selling_show, vendor_user, confirmed):
    client.force_login(vendor_user)
    page = client.get(_urls(selling_show)[0])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bưởi đỏ Đông Cao" in html and "Trà sen Tây Hồ" in html
    assert "590.000" in html  # 2 × 120.000 + 350.000
    assert "0987 654 321" in html
    assert "=HYPERLINK(&quot;" in html  # shown as text, escaped


def test_csv_has_a_bom_every_order_and_defused_formulas(client, selling_show, vendor_user, confirmed):
    client.force_login(vendor_user)
    response = client.get(_urls(selling_show)[1])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    header, first, second = rows
    assert header[:4] == ["Mã đơn", "Đặt lúc", "Trạng thái", "Người mua"]
    assert first[0].startswith("CDM-") and first[2] == "Chờ xác nhận"
    assert first[5:10] == ["B01", "Bưởi đỏ Đông Cao", "2", "120000", "240000"]
    assert first[10:13] == ["Phạm Quốc Bảo", "0987 654 321", "12 Hàng Bạc, Hoàn Kiếm"]
    assert second[10] == "'=HYPERLINK(\"http://x.example\",\"bấm\")"
    assert second[12] == "'@SUM(A1:A9)"
    assert second[13] == "'-1+1"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_organizers_and_cohosts_may_see_it(client, selling_show, organizer_user, make_user, confirmed):
    cohost = make_user(full_name="Đỗ Minh Anh")
    RoomRole.objects.create(room=selling_show.room, user=cohost, role=RoomRole.Role.COHOST)
    for user in (organizer_user, cohost):
        client.force_login(user)
        for url in _urls(selling_show):
            assert client.get(url).status_code == 200


def test_others_are_refused(client, selling_show, buyer_user, make_user, confirmed):
    for url in _urls(selling_show):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    moderator = make_user(full_name="Kiểm Duyệt")
    RoomRole.objects.create(room=selling_show.room, user=moderator, role=RoomRole.Role.MODERATOR)
    for user in (buyer_user, moderator):
        client.force_login(user)
        for url in _urls(selling_show):
            assert client.get(url).status_code == 403
    assert client.get("/ban-hang/buoi/999999/don-hang/").status_code == 404


def test_an_empty_show_says_so(client, selling_show, vendor_user):
    client.force_login(vendor_user)
    assert "Chưa có đơn nào." in client.get(_urls(selling_show)[0]).content.decode()
    body = client.get(_urls(selling_show)[1]).content.decode("utf-8")
    assert len(list(csv.reader(io.StringIO(body[1:])))) == 1
