"""Show analytics: every figure of a known show, exactly, in a bounded number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from live.models import Show, ViewerSample
from selling.analytics import show_analytics, show_timeline
from selling.models import OrderIntent
from tests.selling import analytics_scenario as scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_show(make_user, selling_show):
    data = scenario.build(make_user, selling_show)
    selling_show.refresh_from_db()
    return selling_show, data


def test_headline_figures(ended_show, django_assert_max_num_queries):
    show, _data = ended_show
    with django_assert_max_num_queries(6):
        stats = show_analytics(show)
    got = {key: getattr(stats, key) for key in scenario.EXPECTED}
    assert got == scenario.EXPECTED
    assert stats.is_final
    assert stats.confirmation_rate == pytest.approx(2 / 6)
    assert stats.intents_by_status == {"pending": 1, "claimed": 1, "confirmed": 2, "declined": 1, "cancelled": 1}


def test_viewers_per_minute_fill_empty_minutes_with_zero(ended_show):
    show, _data = ended_show
    stats = show_analytics(show)
    assert [p.viewers for p in stats.viewers] == [5, 12, 20, 18, 0, 9, 0, 0, 0, 0, 4]
    assert [p.minute for p in stats.viewers] == list(range(11))


def test_per_product_and_flash_sales(ended_show):
    show, data = ended_show
    stats = show_analytics(show)
    rows = [(p.code, p.name, p.intents, p.confirmed_quantity, p.revenue) for p in stats.products]
    assert rows == [
        ("B01", "Bưởi đỏ Đông Cao", 2, 2, 240_000),
        ("B02", "Mật ong hoa nhãn", 2, 0, 0),
        ("B03", "Trà sen Tây Hồ", 2, 1, 300_000),
    ]
    assert [(s.code, s.sale_price, s.sold, s.quantity, s.end_reason) for s in stats.flash_sales] == [
        ("B03", 300_000, 3, 5, "time")
    ]


def test_live_show_counts_so_far(selling_show, make_user):
    """While live, the minutes run to now and the figures are not final."""
    now = timezone.now()
    Show.objects.filter(pk=selling_show.pk).update(state=Show.State.LIVE, started_at=now - timedelta(minutes=2))
    selling_show.refresh_from_db()
    ViewerSample.objects.create(
        room=selling_show.room, minute=(now - timedelta(minutes=1)).replace(second=0, microsecond=0), viewers=7
    )
    stats = show_analytics(selling_show, now=now)
    assert not stats.is_final
    assert stats.minutes == 3
    assert stats.peak_viewers == 7
    assert stats.average_viewers == pytest.approx(round(7 / 3, 1))
    assert stats.intents == stats.revenue == stats.average_order_value == 0
    assert stats.confirmation_rate == 0


def test_scheduled_show_has_no_minutes(selling_show):
    stats = show_analytics(selling_show)
    assert (stats.minutes, stats.peak_viewers, stats.average_viewers, stats.viewers) == (0, 0, 0.0, [])


def test_a_later_intent_does_not_make_an_earlier_buyer_returning(ended_show):
    """Returning means an order *before* this show: Chi ordered only in a later show of this host."""
    show, data = ended_show
    stats = show_analytics(show)
    assert stats.returning_buyers == 2
    later = Show.objects.get(title="Phiên tuần sau")  # had An's earlier order been in the later show instead
    OrderIntent.objects.filter(buyer=data["an"]).exclude(show=show).update(show=later)
    assert show_analytics(show).returning_buyers == 1


def test_timeline_in_order_with_offsets_and_deleted_text_hidden(ended_show):
    show, _data = ended_show
    items, truncated = show_timeline(show)
    assert not truncated
    lines = [(i.clock, i.kind, i.who, i.text) for i in items]
    assert lines == [
        ("01:05", "chat", "Nguyễn Văn An", "chốt B01 2"),
        ("01:06", "intent_created", "Nguyễn Văn An", "Đặt B01 × 2 (chốt đơn)"),
        ("02:10", "chat", "Trần Thị Bình", "B01 giá bao nhiêu?"),
        ("02:20", "intent_confirmed", "Nguyễn Văn An", "Xác nhận B01 × 2, 240.000 ₫"),
        ("03:00", "chat", "Trần Thị Bình", ""),
        ("03:20", "chat", "Lê Minh Chi", "chot b09 3"),
        ("04:00", "chat", "Lê Thị Hồng Nhung", "Chào cả nhà, chốt B02 1 nhé"),
        ("04:10", "chat", "Lê Minh Chi", "đẹp quá"),
        ("05:20", "chat", "Trần Thị Bình", "2 b02"),
        ("05:21", "intent_created", "Trần Thị Bình", "Đặt B02 × 2 (chốt đơn)"),
        ("06:00", "intent_declined", "Trần Thị Bình", "Từ chối B02 × 2: Hết hàng loại này"),
        ("06:10", "sale_scheduled", "", "Flash sale B03: 5 suất giá 300.000 ₫"),
        ("06:40", "sale_open", "", "Flash sale B03 mở bán"),
        ("06:45", "intent_created", "Trần Thị Bình", "Đặt B03 × 1 (flash sale)"),
        ("06:50", "intent_created", "Lê Minh Chi", "Đặt B03 × 2 (flash sale)"),
        ("07:30", "intent_confirmed", "Trần Thị Bình", "Xác nhận B03 × 1, 300.000 ₫"),
        ("08:20", "intent_created", "Phạm Văn Dũng", "Đặt B01 × 1 (chốt đơn)"),
        ("08:40", "sale_ended", "", "Flash sale B03 kết thúc: bán 3/5 (Hết giờ)"),
        ("09:00", "intent_cancelled", "Phạm Văn Dũng", "Người mua huỷ B01 × 1"),
        ("09:20", "intent_created", "Nguyễn Văn An", "Đặt B02 × 1 (chốt đơn)"),
    ]
    deleted = [i for i in items if i.deleted]
    assert len(deleted) == 1 and deleted[0].text == ""
    assert [i.minute for i in items][:3] == [1, 1, 2]


def test_timeline_limit_reports_truncation(ended_show):
    show, _data = ended_show
    items, truncated = show_timeline(show, limit=3)
    assert truncated and len(items) == 3


def _event(show, kind, payload, seconds):
    from django.db.models import F

    from live.models import Room, RoomEvent

    Room.objects.filter(pk=show.room.pk).update(last_seq=F("last_seq") + 1)
    seq = Room.objects.filter(pk=show.room.pk).values_list("last_seq", flat=True).get()
    return RoomEvent.objects.create(
        room_id=show.room.pk, seq=seq, kind=kind, payload=payload, created_at=scenario.T0 + timedelta(seconds=seconds)
    )


def test_timeline_has_pins_and_state_changes(ended_show):
    show, data = ended_show
    chat = show.room.events.get(kind="chat", payload__text="chốt B01 2")
    deleted = show.room.events.get(kind="chat", deleted_at__isnull=False)
    _event(show, "show.state", {"state": "live"}, 0)
    _event(show, "pin", {"message": {"seq": chat.seq, "name": "Nguyễn Văn An", "text": "chốt B01 2"}}, 70)
    _event(show, "pin", {"message": {"seq": deleted.seq, "name": "Trần Thị Bình", "text": "em lấy 3 hộp B03 nha"}}, 185)
    _event(show, "product.pinned", {"offer": {"id": data["offers"]["B02"].pk}}, 300)
    _event(show, "product.pinned", {"offer_id": data["offers"]["B03"].pk}, 380)
    _event(show, "product.pinned", {"offer": None}, 600)
    _event(show, "show.state", {"state": "ended"}, 630)
    _event(show, "reaction", {"heart": 3}, 631)  # not on the replay
    items, _truncated = show_timeline(show)
    lines = [(i.clock, i.text) for i in items if i.kind in ("pin", "product_pin", "show_state")]
    assert lines == [
        ("00:00", "Bắt đầu phát"),
        ("01:10", "Ghim bình luận: chốt B01 2"),
        ("03:05", "Ghim một bình luận (đã bị xoá)"),
        ("05:00", "Ghim sản phẩm B02"),
        ("06:20", "Ghim sản phẩm B03"),
        ("10:00", "Bỏ ghim sản phẩm"),
        ("10:30", "Kết thúc buổi phát"),
    ]
    assert "em lấy 3 hộp B03 nha" not in [i.text for i in items]


def test_clock_before_the_start_and_past_an_hour():
    from selling.analytics import TimelineItem

    before = TimelineItem(at=scenario.T0, offset=-30, kind="chat")
    long = TimelineItem(at=scenario.T0, offset=3725, kind="chat")
    assert (before.clock, before.minute) == ("-00:30", 0)
    assert (long.clock, long.minute) == ("62:05", 62)


def test_a_code_the_parser_cannot_read_does_not_break_the_figures(ended_show):
    """Product codes like "BUOI" pass the product form but are not chat-orderable codes."""
    show, data = ended_show
    product = data["offers"]["B02"].product
    product.code = "BUOI"
    product.save(update_fields=["code"])
    stats = show_analytics(show)
    # "2 b02" is still read as an order, of a code not on offer: counted, not parsed.
    assert (stats.order_comments, stats.parsed_comments) == (3, 1)
    assert [p.code for p in stats.products] == ["B01", "BUOI", "B03"]
