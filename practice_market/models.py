"""The practice market ("chợ thực hành").

* ``PracticeAccess``: a graduate's unlock, from a graduation of a course that opens the
  practice market; a revoked graduation locks it again (the row stays, with when and why).
* ``PracticeShow``: a trainee's sandbox show, one ``live.Show`` of ``owner_kind="practice"``,
  with the products of their own vendor; its orders are sandbox orders.
* ``PracticeInvite``: a classmate invited as a buyer (tiêu thụ chéo).
* ``Scenario`` → ``Persona`` and ``Beat``: the scripted audience instructors author.
* ``ScenarioRun``: one playing of a scenario into a practice show (speed, viewers, state).
* ``PracticeScore``: the 0–100 score computed from the room's event log, with its breakdown.
* ``RubricGrade`` and ``ReplayComment``: an instructor's grade and comments pinned to moments.
* ``PromotionCriteria``, ``Endorsement``, ``Promotion``, ``PromotionEvent``: the way into the
  weekly market, audited.
* ``Badge``: milestones, verifiable by code like the certificate.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


def _badge_code() -> str:
    return "HH-" + secrets.token_hex(5).upper()


class PracticeAccess(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_access")
    graduation = models.ForeignKey("learning.Graduation", on_delete=models.PROTECT, related_name="+")
    unlocked_at = models.DateTimeField(_("mở lúc"))
    locked_at = models.DateTimeField(_("khoá lại lúc"), null=True, blank=True)
    lock_reason = models.CharField(_("lý do khoá"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quyền vào chợ thực hành")
        verbose_name_plural = _("quyền vào chợ thực hành")

    def __str__(self):
        return str(self.user)

    @property
    def is_open(self) -> bool:
        return self.locked_at is None


class Scenario(ClusterableModel):
    class Difficulty(models.IntegerChoices):
        EASY = 1, _("Dễ")
        MEDIUM = 2, _("Vừa")
        HARD = 3, _("Khó")

    title = models.CharField(_("tên kịch bản"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    difficulty = models.PositiveSmallIntegerField(_("độ khó"), choices=Difficulty.choices, default=Difficulty.EASY)
    no_diacritics_percent = models.PositiveSmallIntegerField(
        _("tỉ lệ bình luận gõ không dấu (%)"), default=30, validators=[MaxValueValidator(100)]
    )
    duration_seconds = models.PositiveIntegerField(_("thời lượng (giây)"), default=300)
    is_published = models.BooleanField(_("đang dùng"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kịch bản khán giả")
        verbose_name_plural = _("kịch bản khán giả")
        ordering = ["difficulty", "title"]

    def __str__(self):
        return self.title


class Persona(models.Model):
    class Manner(models.TextChoices):
        ASKS_PRICE = "asks_price", _("Hỏi giá")
        ASKS_SHIPPING = "asks_shipping", _("Hỏi giao hàng")
        WHOLESALE = "wholesale", _("Khách sỉ")
        HESITANT = "hesitant", _("Khách lưỡng lự")
        UNHAPPY = "unhappy", _("Khách không hài lòng")
        TROLL = "troll", _("Kẻ phá rối")

    scenario = ParentalKey(Scenario, on_delete=models.CASCADE, related_name="personas")
    key = models.SlugField(_("mã nhân vật"), max_length=30, help_text=_("Dùng trong các nhịp, ví dụ: chi-lan"))
    name = models.CharField(_("tên hiển thị"), max_length=80)
    manner = models.CharField(_("kiểu khách"), max_length=16, choices=Manner.choices)
    sort_order = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("nhân vật")
        verbose_name_plural = _("nhân vật")
        ordering = ["sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["scenario", "key"], name="practice_persona_key_once")]

    def __str__(self):
        return self.name


class Beat(models.Model):
    """One moment of the script: at ``at_seconds`` a persona does something, and the host is expected to react."""

    class Action(models.TextChoices):
        COMMENT = "comment", _("Bình luận / hỏi")
        ORDER = "order", _("Chốt đơn trong bình luận")
        INSULT = "insult", _("Bình luận phá rối")
        SALE_BUY = "sale_buy", _("Mua trong flash sale")

    class Expect(models.TextChoices):
        NOTHING = "", _("Không yêu cầu")
        ANSWER = "answer", _("Trả lời trong thời hạn")
        PIN = "pin", _("Ghim sản phẩm được hỏi")
        ACCEPT = "accept", _("Nhận đơn")
        MODERATE = "moderate", _("Ẩn bình luận hoặc cấm chat kẻ phá rối")

    scenario = ParentalKey(Scenario, on_delete=models.CASCADE, related_name="beats")
    at_seconds = models.PositiveIntegerField(_("thời điểm (giây)"))
    persona_key = models.SlugField(_("nhân vật"), max_length=30)
    action = models.CharField(_("hành động"), max_length=10, choices=Action.choices, default=Action.COMMENT)
    text = models.CharField(
        _("nội dung"),
        max_length=300,
        blank=True,
        help_text=_("Có thể dùng {code}, {name}, {price}, {product} (sản phẩm của học viên) và {host}."),
    )
    expect = models.CharField(_("người dẫn cần"), max_length=10, choices=Expect.choices, blank=True)
    expect_within_seconds = models.PositiveIntegerField(_("trong vòng (giây)"), default=60)
    sort_order = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("nhịp kịch bản")
        verbose_name_plural = _("nhịp kịch bản")
        ordering = ["at_seconds", "sort_order", "pk"]

    def __str__(self):
        return f"{self.at_seconds}s · {self.persona_key} · {self.get_action_display()}"


class PracticeShow(models.Model):
    show = models.OneToOneField("live.Show", on_delete=models.PROTECT, related_name="practice")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practice_shows")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="practice_shows")
    run = models.ForeignKey("learning.CourseRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    scenario = models.ForeignKey(
        Scenario, on_delete=models.SET_NULL, null=True, blank=True, related_name="practice_shows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("buổi live thực hành")
        verbose_name_plural = _("buổi live thực hành")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.show} ({self.trainee})"


class PracticeInvite(models.Model):
    practice_show = models.ForeignKey(PracticeShow, on_delete=models.CASCADE, related_name="invites")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_invites")
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bạn học được mời")
        verbose_name_plural = _("bạn học được mời")
        constraints = [models.UniqueConstraint(fields=["practice_show", "user"], name="practice_invite_once")]

    def __str__(self):
        return f"{self.user} → {self.practice_show_id}"


class ScenarioRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Chờ chạy")
        RUNNING = "running", _("Đang chạy")
        FINISHED = "finished", _("Đã xong")
        STOPPED = "stopped", _("Đã dừng")
        FAILED = "failed", _("Lỗi")

    practice_show = models.ForeignKey(PracticeShow, on_delete=models.CASCADE, related_name="scenario_runs")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="runs")
    speed = models.FloatField(_("tốc độ"), default=1.0, validators=[MinValueValidator(0.25), MaxValueValidator(20)])
    viewers = models.PositiveIntegerField(
        _("số khán giả mô phỏng"), default=10, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    first_seq = models.BigIntegerField(_("sự kiện đầu tiên"), null=True, blank=True)
    beats_done = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # The beats as rendered for this run when it starts (placeholders filled from the trainee's
    # products, some comments without diacritics, each persona's simulated account): the
    # player plays exactly this and the score reads it back, so both see the same script.
    # A list of {"index", "at_seconds", "persona_key", "user_id", "action", "text",
    # "product_code", "quantity", "expect", "expect_within_seconds"}.
    script = models.JSONField(_("kịch bản đã dựng"), default=list, blank=True)

    class Meta:
        verbose_name = _("lượt chạy kịch bản")
        verbose_name_plural = _("lượt chạy kịch bản")
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.scenario} → {self.practice_show_id}"


class PracticeScore(models.Model):
    practice_show = models.OneToOneField(PracticeShow, on_delete=models.CASCADE, related_name="score")
    scenario_run = models.ForeignKey(ScenarioRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    total = models.PositiveSmallIntegerField(_("điểm"), validators=[MaxValueValidator(100)])
    breakdown = models.JSONField(_("chi tiết"), default=dict)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("điểm buổi thực hành")
        verbose_name_plural = _("điểm buổi thực hành")

    def __str__(self):
        return f"{self.practice_show_id}: {self.total}"


class RubricGrade(models.Model):
    practice_show = models.OneToOneField(PracticeShow, on_delete=models.CASCADE, related_name="rubric_grade")
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("điểm giảng viên"), validators=[MaxValueValidator(100)])
    comments = models.TextField(_("nhận xét"), blank=True, max_length=4000)
    graded_at = models.DateTimeField(_("chấm lúc"))

    class Meta:
        verbose_name = _("điểm giảng viên")
        verbose_name_plural = _("điểm giảng viên")

    def __str__(self):
        return f"{self.practice_show_id}: {self.grade}"


class ReplayComment(models.Model):
    practice_show = models.ForeignKey(PracticeShow, on_delete=models.CASCADE, related_name="replay_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at_seconds = models.PositiveIntegerField(_("tại giây"))
    text = models.CharField(_("nhận xét"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhận xét trên bản phát lại")
        verbose_name_plural = _("nhận xét trên bản phát lại")
        ordering = ["practice_show", "at_seconds", "pk"]

    def __str__(self):
        return f"{self.at_seconds}s: {self.text[:40]}"


class PromotionCriteria(models.Model):
    """What the organizers require for promotion (one row; edited in the admin)."""

    min_shows = models.PositiveSmallIntegerField(_("số buổi thực hành tối thiểu"), default=2)
    min_score = models.PositiveSmallIntegerField(
        _("điểm tối thiểu mỗi buổi"), default=70, validators=[MaxValueValidator(100)]
    )
    require_hardest = models.BooleanField(_("ít nhất một buổi với kịch bản khó nhất"), default=True)
    require_verified_vendor = models.BooleanField(_("chủ thể đã xác minh"), default=True)
    require_verified_product = models.BooleanField(_("có ít nhất một sản phẩm đã xác minh"), default=True)
    require_endorsement = models.BooleanField(_("có giảng viên đề cử"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tiêu chí lên chợ đêm")
        verbose_name_plural = _("tiêu chí lên chợ đêm")

    def __str__(self):
        return str(_("Tiêu chí lên chợ đêm"))


class Endorsement(models.Model):
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements")
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đề cử của giảng viên")
        verbose_name_plural = _("đề cử của giảng viên")
        constraints = [models.UniqueConstraint(fields=["trainee", "instructor"], name="practice_endorse_once")]

    def __str__(self):
        return f"{self.instructor} → {self.trainee}"


class Promotion(models.Model):
    class State(models.TextChoices):
        APPROVED = "approved", _("Đã lên chợ đêm")
        DECLINED = "declined", _("Chưa đồng ý")
        REVOKED = "revoked", _("Đã thu hồi")

    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="promotions")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="promotions")
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    evidence = models.JSONField(_("minh chứng"), default=dict)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("quyết định lúc"))

    class Meta:
        verbose_name = _("xét lên chợ đêm")
        verbose_name_plural = _("xét lên chợ đêm")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor"], condition=Q(state="approved"), name="practice_one_live_promotion_per_vendor"
            ),
        ]

    def __str__(self):
        return f"{self.vendor} · {self.get_state_display()}"


class PromotionEvent(models.Model):
    """Audit of every promotion decision (approve, decline, revoke), never edited."""

    promotion = models.ForeignKey(Promotion, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["promotion", "created_at", "pk"]

    def __str__(self):
        return f"{self.promotion_id} {self.action}"


class Badge(models.Model):
    class Kind(models.TextChoices):
        GRADUATED = "graduated", _("Tốt nghiệp khóa livestream")
        FIRST_PRACTICE = "first_practice", _("Buổi live thực hành đầu tiên")
        SCORE_90 = "score_90", _("Đạt 90 điểm thực hành")
        PROMOTED = "promoted", _("Lên chợ đêm")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges")
    kind = models.CharField(_("huy hiệu"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("mã xác minh"), max_length=16, unique=True, default=_badge_code)
    awarded_at = models.DateTimeField(_("trao lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    evidence = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("huy hiệu")
        verbose_name_plural = _("huy hiệu")
        ordering = ["awarded_at"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="practice_badge_once")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.user}"
