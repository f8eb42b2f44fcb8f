"""The analytics page, its CSV and the replay: who may see them and what they show."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.roles import Role
from live.models import RoomRole
from live.services import room_role_set
from tests.selling import analytics_scenario as scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_show(make_user, selling_show):
    data = scenario.build(make_user, selling_show)
    selling_show.refresh_from_db()
    return selling_show, data


def _urls(show):
    return [
        reverse("selling:show_analytics", args=[show.pk]),
        reverse("selling:show_analytics_csv", args=[show.pk]),
        reverse("selling:show_replay", args=[show.pk]),
    ]


def test_urls_are_under_ban_hang(selling_show):
    assert _urls(selling_show) == [
        f"/ban-hang/buoi/{selling_show.pk}/thong-ke/",
        f"/ban-hang/buoi/{selling_show.pk}/thong-ke.csv",
        f"/ban-hang/buoi/{selling_show.pk}/phat-lai/",
    ]


def test_anonymous_is_sent_to_log_in(client, selling_show):
    for url in _urls(selling_show):
        response = client.get(url)
        assert response.status_code == 302
        assert "/tai-khoan/login/" in response["Location"]


def test_buyers_and_moderators_are_refused(client, selling_show, buyer_user, make_user):
    moderator = make_user("kiemduyet@example.vn", roles=[Role.CONSUMER])
    room_role_set(room=selling_show.room, user=moderator, role=RoomRole.Role.MODERATOR)
    for user in (buyer_user, moderator):
        client.force_login(user)
        for url in _urls(selling_show):
            assert client.get(url).status_code == 403, (user, url)


def test_host_cohost_organizer_and_staff_may_look(client, selling_show, vendor_user, organizer_user, make_user):
    cohost = make_user("dongdan@example.vn", roles=[Role.VENDOR])
    room_role_set(room=selling_show.room, user=cohost, role=RoomRole.Role.COHOST)
    organizer_without_staff = make_user("btc2@example.vn", roles=[Role.ORGANIZER])
    staff = make_user("nhanvien@example.vn", is_staff=True)
    for user in (vendor_user, cohost, organizer_user, organizer_without_staff, staff):
        client.force_login(user)
        for url in _urls(selling_show):
            assert client.get(url).status_code == 200, (user, url)


def test_page_shows_figures_charts_and_tables(client, ended_show):
    show, _data = ended_show
    client.force_login(show.host)
    html = client.get(reverse("selling:show_analytics", args=[show.pk])).content.decode()
    assert 'data-kpi="peak_viewers">20<' in html
    assert 'data-kpi="average_viewers">6,2<' in html
    assert 'data-kpi="chat_messages">6<' in html
    assert 'data-kpi="order_comments">3 (2)<' in html
    assert 'data-kpi="intents">6<' in html
    assert 'data-kpi="confirmations">2 · 33,3 %<' in html
    assert 'data-kpi="buyers">4 (2)<' in html
    assert 'data-kpi="revenue">540.000 ₫<' in html
    assert 'data-kpi="average_order_value">270.000 ₫<' in html
    # Three charts (Chart.js from the site's static files), described for screen readers, their
    # data given by json_script (no inline script: CSP).
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count("<canvas ") == 3
    assert main.count('role="img"') == 3
    assert 'aria-label="11 phút; cao nhất 20 người, trung bình 6,2 người.' in main
    assert '<script id="show-analytics-data" type="application/json">' in html
    assert "/static/vendor/chart.js/chart.umd.min.js" in html and "<script>" not in html
    # The numbers behind the charts are in tables too.
    assert (
        '<tr data-code="B03"><td>B03</td><td class="wrap">Trà sen Tây Hồ</td><td class="num">2</td><td class="num">1</td><td class="num">300.000 ₫</td></tr>'
        in html
    )
    assert "<td>3/5</td>" not in html and '<td class="num">3/5</td>' in html
    assert "Hết giờ" in html


def test_live_show_says_so_far(client, selling_show):
    from django.utils import timezone

    from live.models import Show

    Show.objects.filter(pk=selling_show.pk).update(state=Show.State.LIVE, started_at=timezone.now())
    client.force_login(selling_show.host)
    html = client.get(reverse("selling:show_analytics", args=[selling_show.pk])).content.decode()
    assert 'data-testid="so-far"' in html


def test_csv_has_summary_and_product_rows(client, ended_show):
    show, _data = ended_show
    client.force_login(show.host)
    response = client.get(reverse("selling:show_analytics_csv", args=[show.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="thong-ke-buoi-{show.pk}.csv"' in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    summary = {row[0]: row[1] for row in rows[1:16]}
    assert rows[0] == ["Chỉ số", "Giá trị"]
    assert summary["Buổi phát"] == "Phiên chợ đêm thử"
    assert summary["Người xem cao nhất"] == "20"
    assert summary["Người xem trung bình"] == "6.2"
    assert summary["Bình luận chốt đơn"] == "3"
    assert summary["Bình luận chốt đơn đọc được"] == "2"
    assert summary["Tỉ lệ xác nhận (%)"] == "33.3"
    assert summary["Người mua quay lại"] == "2"
    assert summary["Doanh thu (đồng)"] == "540000"
    assert summary["Giá trị đơn trung bình (đồng)"] == "270000"
    header = rows.index(["Mã", "Sản phẩm", "Ý định đặt hàng", "Số lượng đã xác nhận", "Doanh thu (đồng)"])
    assert rows[header + 1 : header + 4] == [
        ["B01", "Bưởi đỏ Đông Cao", "2", "2", "240000"],
        ["B02", "Mật ong hoa nhãn", "2", "0", "0"],
        ["B03", "Trà sen Tây Hồ", "2", "1", "300000"],
    ]
    assert rows[-1][1:] == ["B03", "300000", "3", "5", "Hết giờ"]


def test_csv_cells_cannot_run_as_formulas(client, ended_show):
    show, data = ended_show
    product = data["offers"]["B01"].product
    product.name = "=HYPERLINK(1)"
    product.save(update_fields=["name"])
    client.force_login(show.host)
    body = client.get(reverse("selling:show_analytics_csv", args=[show.pk])).content.decode()
    assert "'=HYPERLINK(1)" in body


def test_replay_shows_chat_in_order_with_offsets_and_hides_deleted_text(client, ended_show):
    show, _data = ended_show
    client.force_login(show.host)
    html = client.get(reverse("selling:show_replay", args=[show.pk])).content.decode()
    order = ["chốt B01 2", "B01 giá bao nhiêu?", "chot b09 3", "đẹp quá", "2 b02"]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert ">01:05</time>" in html and ">05:20</time>" in html
    # The deleted comment keeps its place and loses its text.
    assert "em lấy 3 hộp B03 nha" not in html
    assert "Bình luận đã bị xoá" in html
    assert 'data-minute="3" data-kind="chat"' in html
    # Orders and flash sales are on the same timeline.
    assert "Xác nhận B01 × 2, 240.000 ₫" in html
    assert "Flash sale B03 kết thúc: bán 3/5 (Hết giờ)" in html
    assert 'max="9"' in html  # the slider runs to the last minute with something in it
    assert "js/selling/replay.js" in html


def test_pages_in_english(client, ended_show):
    show, _data = ended_show
    client.force_login(show.host)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("selling:show_analytics", args=[show.pk])).content.decode()
    assert "Show analytics" in html and "Peak viewers" in html and "Revenue by product" in html
    replay = client.get(reverse("selling:show_replay", args=[show.pk])).content.decode()
    assert "Confirmed B01 × 2, 240.000 ₫" in replay
    assert "Comment deleted" in replay
    assert '"play": "Play"' in replay


def test_page_reads_a_bounded_number_of_queries(client, ended_show, django_assert_max_num_queries):
    """Session, user, show, the service's six and the site layout's menus and settings (about 8):
    a fixed number, not one per comment or intent."""
    show, _data = ended_show
    client.force_login(show.host)
    # The first page a test renders also creates the site's menu and contact settings.
    client.get(reverse("selling:show_analytics", args=[show.pk]))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("selling:show_analytics", args=[show.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("selling:show_replay", args=[show.pk])).status_code == 200
