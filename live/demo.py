"""Demo live shows: one on air with some chat, one announced for next Friday evening.

The scheduled show is the night market the home page announces (``cms/demo.py`` seeds the
same Friday 19:30), and the host quotes the pomelo's price as the catalogue has it. Dates
are relative to the day the demo is seeded; a second seed moves a scheduled show whose day
has passed to the next Friday instead of leaving it in the past.
"""

from datetime import datetime, time, timedelta

from django.apps import apps
from django.utils import timezone

from accounts.models import User
from core.money import format_vnd
from live import services
from live.models import BannedWord, Show
from live.selectors import Participant

LIVE_TITLE = "Livestream: Bưởi đỏ Đông Cao vào mùa"
SCHEDULED_TITLE = "Phiên chợ đêm thứ Sáu: Bưởi đỏ và gạo thơm Mê Linh"
HOST_NAME = "HTX Bưởi đỏ Đông Cao"
#: The product the host talks about (the demo vendor's, see vendors/demo.py).
QUOTED_CODE = "B01"
CHAT = [
    ("chuthe@demo.chodem.vn", "Chào cả nhà! Hôm nay em mang bưởi đỏ Đông Cao vừa hái sáng nay ạ 🍊"),
    ("nguoimua@demo.chodem.vn", "Bưởi này bao nhiêu một quả vậy chị?"),
    ("chuthe@demo.chodem.vn", "Dạ bưởi mã B01, quả 1,2–1,5 kg giá {price}, mua 3 quả được miễn phí giao nội thành ạ."),
    ("nhaphanphoi@demo.chodem.vn", "Bên mình lấy sỉ 200 quả cho Tết được không?"),
    ("nhabanle@demo.chodem.vn", "Có giấy chứng nhận OCOP 4 sao không chị?"),
]


def next_friday_evening(now=None) -> datetime:
    """19:30 (Hanoi time) on the next Friday after today: the weekly night market."""
    today = timezone.localdate(now)
    days_ahead = (4 - today.weekday()) % 7 or 7
    return timezone.make_aware(datetime.combine(today + timedelta(days=days_ahead), time(19, 30)))


def _quoted_price(host) -> str:
    """The catalogue price of the product the host quotes (the vendors demo may be absent)."""
    try:
        product_model = apps.get_model("vendors", "Product")
    except LookupError:
        return "120.000 ₫"
    price = (
        product_model.objects.filter(vendor__members__user=host, code=QUOTED_CODE)
        .values_list("price", flat=True)
        .first()
    )
    return format_vnd(price) if price else "120.000 ₫"


def seed(log):
    host = User.objects.filter(email="chuthe@demo.chodem.vn").first()
    if host is None:
        log("live: demo vendor missing, skipped")
        return
    now = timezone.now()
    show = Show.objects.filter(title=LIVE_TITLE).first()
    if show is None:
        show = services.show_create(
            title=LIVE_TITLE,
            host=host,
            host_display_name=HOST_NAME,
            description="Bưởi đỏ Đông Cao (Mê Linh, Hà Nội), sản phẩm OCOP 4 sao, thu hoạch tại vườn.",
            scheduled_start=now - timedelta(minutes=10),
            scheduled_end=now + timedelta(hours=2),
        )
        host_p = Participant(user_id=host.pk, name=show.host_name, role="host")
        services.show_start(room_id=show.room.pk, actor=host_p)
        price = _quoted_price(host)
        for email, text in CHAT:
            user = User.objects.get(email=email)
            role = "host" if user.pk == host.pk else "viewer"
            name = show.host_name if role == "host" else user.get_full_name()
            services.chat_post(
                room_id=show.room.pk,
                actor=Participant(user_id=user.pk, name=name, role=role),
                text=text.format(price=price),
            )
    friday = next_friday_evening(now)
    scheduled = Show.objects.filter(title=SCHEDULED_TITLE).first()
    if scheduled is None:
        services.show_create(
            title=SCHEDULED_TITLE,
            host=host,
            host_display_name=HOST_NAME,
            description="Bưởi đỏ Đông Cao, gạo thơm và ổi lê Mê Linh trong phiên chợ đêm OCOP tối thứ Sáu.",
            scheduled_start=friday,
            scheduled_end=friday + timedelta(hours=2),
        )
    elif scheduled.state == Show.State.SCHEDULED and scheduled.scheduled_start < now:
        Show.objects.filter(pk=scheduled.pk).update(scheduled_start=friday, scheduled_end=friday + timedelta(hours=2))
    for phrase in ("lừa đảo", "hàng giả"):
        BannedWord.objects.get_or_create(phrase=phrase)
    log(
        f"live: open /phong-live/{show.pk}/ (viewer) and /phong-live/{show.pk}/dieu-khien/ (host chuthe@demo.chodem.vn)"
    )
