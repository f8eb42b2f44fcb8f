"""Live shows and their rooms.

A ``Show`` is what people see in a programme (title, host, schedule, state). Each show
has exactly one ``Room``: the place where the socket protocol happens. Everything the
room broadcasts in order (chat, deletions, pins, state changes, moderation notices) is a
``RoomEvent`` numbered by the room's own sequence, saved *before* it is broadcast, so a
client that missed frames asks for ``seq > n`` and gets exactly the gap from here.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Show(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Sắp diễn ra")
        LIVE = "live", _("Đang phát")
        ENDED = "ended", _("Đã kết thúc")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Công khai")
        INVITED = "invited", _("Chỉ khách mời")

    title = models.CharField(_("tiêu đề"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dẫn"), on_delete=models.PROTECT, related_name="hosted_shows"
    )
    host_display_name = models.CharField(_("tên hiển thị của người dẫn"), max_length=120, blank=True)
    scheduled_start = models.DateTimeField(_("bắt đầu dự kiến"))
    scheduled_end = models.DateTimeField(_("kết thúc dự kiến"))
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.SCHEDULED)
    audience = models.CharField(_("khán giả"), max_length=12, choices=Audience.choices, default=Audience.PUBLIC)

    class VideoMode(models.TextChoices):
        URL = "url", _("Địa chỉ luồng")
        CAMERA = "camera", _("Camera trình duyệt")

    video_url = models.URLField(
        _("địa chỉ video"),
        max_length=500,
        blank=True,
        help_text=_("Luồng HLS/MP4 hoặc trang nhúng YouTube/Facebook của buổi phát."),
    )
    video_mode = models.CharField(
        _("nguồn video"),
        max_length=8,
        choices=VideoMode.choices,
        default=VideoMode.URL,
        help_text=_("Địa chỉ luồng (dùng địa chỉ video ở trên) hoặc camera của người dẫn qua trình duyệt (WebRTC)."),
    )
    owner_kind = models.CharField(
        _("loại chủ phòng"),
        max_length=40,
        default="standalone",
        help_text=_("Ứng dụng sở hữu phòng (chợ thực hành, chợ phiên…); quyết định ai được dẫn, ai được vào."),
    )
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("buổi livestream")
        verbose_name_plural = _("buổi livestream")
        ordering = ["-scheduled_start"]

    def __str__(self):
        return self.title

    def clean(self):
        """The admin's form checks a stream URL as the console does (live.video.video_source)."""
        super().clean()
        if self.video_url:
            from config.errors import ApplicationError
            from live.video import https_only, video_source

            try:
                video_source(self.video_url, require_https=https_only())
            except ApplicationError as exc:
                raise ValidationError({"video_url": exc.message}) from exc

    @property
    def host_name(self) -> str:
        return self.host_display_name or self.host.get_full_name() or self.host.email


class Room(models.Model):
    """The socket room of a show. ``last_seq`` is the room's sequence counter."""

    show = models.OneToOneField(Show, verbose_name=_("buổi livestream"), on_delete=models.CASCADE, related_name="room")
    last_seq = models.BigIntegerField(_("số thứ tự cuối"), default=0)
    slow_mode_seconds = models.PositiveIntegerField(_("chế độ chậm (giây)"), default=0)
    pinned_seq = models.BigIntegerField(_("bình luận được ghim"), null=True, blank=True)
    reaction_counts = models.JSONField(_("số lượt thả cảm xúc"), default=dict, blank=True)

    class Meta:
        verbose_name = _("phòng live")
        verbose_name_plural = _("phòng live")

    def __str__(self):
        return str(self.show)


class RoomRole(models.Model):
    """A role in one room other than the host (who is the show's ``host``)."""

    class Role(models.TextChoices):
        COHOST = "cohost", _("Đồng dẫn")
        MODERATOR = "moderator", _("Người kiểm duyệt")
        GUEST = "guest", _("Khách mời")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_roles")
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò trong phòng")
        verbose_name_plural = _("vai trò trong phòng")
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="live_roomrole_unique_user")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class RoomEvent(models.Model):
    """One numbered broadcast of a room; chat messages are events of kind ``chat``."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField(_("số thứ tự"))
    kind = models.CharField(_("loại"), max_length=32)
    payload = models.JSONField(_("nội dung"), default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(_("đã xoá lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("sự kiện trong phòng")
        verbose_name_plural = _("sự kiện trong phòng")
        ordering = ["room", "seq"]
        constraints = [models.UniqueConstraint(fields=["room", "seq"], name="live_roomevent_unique_seq")]

    def __str__(self):
        return f"#{self.seq} {self.kind}"


class Sanction(models.Model):
    """A mute (until a time, or for the whole show) or a ban (cannot rejoin)."""

    class Kind(models.TextChoices):
        MUTE = "mute", _("Tắt tiếng")
        BAN = "ban", _("Cấm vào phòng")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="sanctions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_sanctions")
    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices)
    until = models.DateTimeField(_("đến"), null=True, blank=True, help_text=_("Để trống: đến hết buổi."))
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("gỡ lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("xử lý vi phạm")
        verbose_name_plural = _("xử lý vi phạm")
        indexes = [models.Index(fields=["room", "user", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.user}"


class BannedWord(models.Model):
    """A word or phrase refused in every room's chat; matched without diacritics or case."""

    phrase = models.CharField(_("từ/cụm từ cấm"), max_length=100, unique=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("từ cấm")
        verbose_name_plural = _("từ cấm")
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase


class Report(models.Model):
    """A viewer's report of a chat message, queued for the room's moderators."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ xử lý")
        RESOLVED = "resolved", _("Đã xử lý")
        DISMISSED = "dismissed", _("Bỏ qua")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="reports")
    message_seq = models.BigIntegerField(_("bình luận số"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo vi phạm")
        verbose_name_plural = _("báo cáo vi phạm")
        ordering = ["status", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["room", "message_seq", "reporter"], name="live_report_once_per_user")
        ]

    def __str__(self):
        return f"#{self.message_seq} · {self.get_status_display()}"


class ViewerSample(models.Model):
    """The room's viewer count, one row per minute (the most seen that minute), for analytics.

    Every process's hub knows the room-wide count (its own sockets plus the others'
    announcements), so each writes the same minute; the service keeps the maximum.
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="viewer_samples")
    minute = models.DateTimeField(_("phút"))
    viewers = models.PositiveIntegerField(_("người xem"))

    class Meta:
        verbose_name = _("số người xem theo phút")
        verbose_name_plural = _("số người xem theo phút")
        ordering = ["room", "minute"]
        constraints = [models.UniqueConstraint(fields=["room", "minute"], name="live_viewersample_unique_minute")]

    def __str__(self):
        return f"{self.minute:%H:%M} · {self.viewers}"
