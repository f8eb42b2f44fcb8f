"""Demo live shows: one on air with some chat, one scheduled for next Friday evening."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from live import services
from live.models import BannedWord, Show
from live.selectors import Participant

LIVE_TITLE = "Livestream: Bưởi đỏ Đông Cao vào mùa"
SCHEDULED_TITLE = "Chợ phiên thứ Sáu: Chè Shan tuyết và mật ong bạc hà"
CHAT = [
    ("chuthe@demo.chodem.vn", "Chào cả nhà! Hôm nay em mang bưởi đỏ Đông Cao vừa hái sáng nay ạ 🍊"),
    ("nguoimua@demo.chodem.vn", "Bưởi này bao nhiêu một quả vậy chị?"),
    ("chuthe@demo.chodem.vn", "Dạ quả 1,2–1,5 kg giá 120.000 ₫, mua 3 quả được miễn phí giao nội thành ạ."),
    ("nhaphanphoi@demo.chodem.vn", "Bên mình lấy sỉ 200 quả cho Tết được không?"),
    ("nhabanle@demo.chodem.vn", "Có giấy chứng nhận OCOP 4 sao không chị?"),
]


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
            host_display_name="HTX Bưởi đỏ Đông Cao",
            description="Bưởi đỏ Đông Cao (Mê Linh, Hà Nội), sản phẩm OCOP 4 sao, thu hoạch tại vườn.",
            scheduled_start=now - timedelta(minutes=10),
            scheduled_end=now + timedelta(days=365),
        )
        host_p = Participant(user_id=host.pk, name=show.host_name, role="host")
        services.show_start(room_id=show.room.pk, actor=host_p)
        for email, text in CHAT:
            user = User.objects.get(email=email)
            role = "host" if user.pk == host.pk else "viewer"
            name = show.host_name if role == "host" else user.get_full_name()
            services.chat_post(room_id=show.room.pk, actor=Participant(user_id=user.pk, name=name, role=role), text=text)
    if not Show.objects.filter(title=SCHEDULED_TITLE).exists():
        services.show_create(
            title=SCHEDULED_TITLE,
            host=host,
            host_display_name="HTX Chè Shan tuyết Ba Vì",
            scheduled_start=now + timedelta(days=7),
            scheduled_end=now + timedelta(days=7, hours=2),
        )
    for phrase in ("lừa đảo", "hàng giả"):
        BannedWord.objects.get_or_create(phrase=phrase)
    log(f"live: open /phong-live/{show.pk}/ (viewer) and /phong-live/{show.pk}/dieu-khien/ (host chuthe@demo.chodem.vn)")
