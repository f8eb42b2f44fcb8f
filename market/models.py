"""The weekly night market ("Chợ đêm trên mây").

* ``Seller``: a vendor promoted by the practice market (admitted by signal), may apply.
* ``Session``: one evening (default Friday 20:00–22:00, Asia/Ho_Chi_Minh), its state and theme,
  how many parallel stages and how long a slot is.
* ``Application`` (+ ``ApplicationProduct``): a seller asks for a slot with the products it will sell
  (verified products with a current dossier only).
* ``Slot``: a stall's time on a stage; becomes a ``live.Show`` of ``owner_kind="market"``.
* ``BusinessProfile`` and ``InviteCode``: distributors and retailers the organizers verify.
* ``Cart`` (+ ``CartLine``): a buyer's cart at one stall; checkout goes through ``orders.order_place``.
* ``Inquiry`` and ``Quote``: wholesale terms asked and answered; an accepted quote becomes an order.
* ``Review``: a verified purchase's stars and words, for the vendor and the product (one per order
  and product), the vendor's one reply, the organizers' hiding.
* ``BuyerFlag``: the organizers' flag or block on a buyer (each change audited in ``BuyerFlagEvent``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Seller(models.Model):
    vendor = models.OneToOneField("vendors.Vendor", on_delete=models.CASCADE, related_name="market_seller")
    promotion = models.ForeignKey(
        "practice_market.Promotion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    admitted_at = models.DateTimeField(_("được vào chợ lúc"))
    withdrawn_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("gian hàng chợ đêm")
        verbose_name_plural = _("gian hàng chợ đêm")

    def __str__(self):
        return str(self.vendor)


class Session(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        OPEN = "open", _("Nhận đăng ký")
        PUBLISHED = "published", _("Đã công bố lịch")
        LIVE = "live", _("Đang diễn ra")
        ENDED = "ended", _("Đã kết thúc")

    title = models.CharField(_("tên phiên chợ"), max_length=200)
    theme = models.CharField(_("chủ đề"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT)
    stages = models.PositiveSmallIntegerField(
        _("số sân khấu song song"), default=3, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("độ dài mỗi lượt (phút)"), default=30, validators=[MinValueValidator(10), MaxValueValidator(120)]
    )
    is_special = models.BooleanField(_("phiên đặc biệt"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phiên chợ đêm")
        verbose_name_plural = _("phiên chợ đêm")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="market_session_ends_after_start")
        ]

    def __str__(self):
        return self.title


class Application(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Chờ duyệt")
        ACCEPTED = "accepted", _("Đã nhận")
        DECLINED = "declined", _("Không nhận")
        WITHDRAWN = "withdrawn", _("Đã rút")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="applications")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="market_applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    decline_reason = models.CharField(_("lý do"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký gian hàng")
        verbose_name_plural = _("đăng ký gian hàng")
        constraints = [models.UniqueConstraint(fields=["session", "vendor"], name="market_apply_once_per_session")]

    def __str__(self):
        return f"{self.vendor} · {self.session}"


class ApplicationProduct(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="products")
    product = models.ForeignKey("vendors.Product", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "product"], name="market_apply_product_once")]

    def __str__(self):
        return f"{self.application_id} · {self.product_id}"


class Slot(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="slot")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="market_slots")
    stage = models.PositiveSmallIntegerField(_("sân khấu"))
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    show = models.OneToOneField(
        "live.Show", on_delete=models.PROTECT, null=True, blank=True, related_name="market_slot"
    )

    class Meta:
        verbose_name = _("lượt gian hàng")
        verbose_name_plural = _("lượt gian hàng")
        ordering = ["session", "starts_at", "stage"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="market_slot_ends_after_start"),
            models.UniqueConstraint(fields=["session", "stage", "starts_at"], name="market_slot_stage_once"),
        ]

    def __str__(self):
        return f"{self.session} · {self.vendor} · {self.stage}"


class BusinessProfile(models.Model):
    class Kind(models.TextChoices):
        DISTRIBUTOR = "distributor", _("Nhà phân phối")
        RETAILER = "retailer", _("Nhà bán lẻ")

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ xác minh")
        VERIFIED = "verified", _("Đã xác minh")
        REJECTED = "rejected", _("Không xác minh")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="business_profile")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    company = models.CharField(_("tên doanh nghiệp"), max_length=200)
    tax_code = models.CharField(_("mã số thuế"), max_length=14)
    address = models.CharField(_("địa chỉ"), max_length=300)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)
    invite_code = models.ForeignKey(
        "InviteCode", on_delete=models.SET_NULL, null=True, blank=True, related_name="profiles"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ doanh nghiệp mua sỉ")
        verbose_name_plural = _("hồ sơ doanh nghiệp mua sỉ")

    def __str__(self):
        return self.company

    @property
    def is_verified(self) -> bool:
        return self.state == self.State.VERIFIED


class InviteCode(models.Model):
    code = models.CharField(_("mã mời"), max_length=24, unique=True)
    kind = models.CharField(_("dành cho"), max_length=12, choices=BusinessProfile.Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    max_uses = models.PositiveIntegerField(_("số lần dùng tối đa"), default=1)
    uses = models.PositiveIntegerField(_("đã dùng"), default=0)
    expires_at = models.DateTimeField(_("hết hạn"))

    class Meta:
        verbose_name = _("mã mời nhà phân phối")
        verbose_name_plural = _("mã mời nhà phân phối")
        constraints = [models.CheckConstraint(condition=Q(uses__lte=F("max_uses")), name="market_invite_within_uses")]

    def __str__(self):
        return self.code


class Cart(models.Model):
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_carts")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="carts")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("giỏ hàng")
        verbose_name_plural = _("giỏ hàng")
        constraints = [models.UniqueConstraint(fields=["buyer", "vendor"], name="market_one_cart_per_stall")]

    def __str__(self):
        return f"{self.buyer} · {self.vendor}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("vendors.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("số lượng"), validators=[MinValueValidator(1)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cart", "product"], name="market_cart_product_once")]

    def __str__(self):
        return f"{self.product_id} × {self.quantity}"


class Inquiry(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Chờ báo giá")
        QUOTED = "quoted", _("Đã báo giá")
        CLOSED = "closed", _("Đã đóng")

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="market_inquiries")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="market_inquiries")
    product = models.ForeignKey("vendors.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("số lượng dự kiến"), validators=[MinValueValidator(1)])
    message = models.CharField(_("lời nhắn"), max_length=1000, blank=True)
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hỏi giá sỉ")
        verbose_name_plural = _("hỏi giá sỉ")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.buyer} → {self.vendor}: {self.product_id}"


class Quote(models.Model):
    class State(models.TextChoices):
        SENT = "sent", _("Đã gửi")
        ACCEPTED = "accepted", _("Đã chấp nhận")
        WITHDRAWN = "withdrawn", _("Đã rút")

    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="quotes")
    unit_price = models.PositiveBigIntegerField(_("đơn giá (đồng)"))
    min_quantity = models.PositiveIntegerField(_("số lượng tối thiểu"), validators=[MinValueValidator(1)])
    tiers = models.JSONField(_("bậc giá"), default=list, blank=True, help_text=_("[{min_quantity, unit_price}]"))
    delivery_terms = models.CharField(_("điều kiện giao hàng"), max_length=500)
    valid_until = models.DateTimeField(_("hiệu lực đến"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.SENT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="quote")

    class Meta:
        verbose_name = _("báo giá sỉ")
        verbose_name_plural = _("báo giá sỉ")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.inquiry_id}: {self.unit_price}"


class Review(models.Model):
    """A buyer's stars and words on one product of a completed order (and so on its vendor).

    One per order and product; the vendor may reply once; organizers may hide an abusive one
    with a reason (hidden ones stay for the record, shown to nobody but organizers).
    """

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="reviews")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="reviews")
    product = models.ForeignKey(
        "vendors.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    stars = models.PositiveSmallIntegerField(_("số sao"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("nhận xét"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reply = models.TextField(_("shop trả lời"), max_length=2000, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("ẩn lúc"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("lý do ẩn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="market_review_stars_1_5"),
            models.UniqueConstraint(fields=["order", "product"], name="market_review_once_per_order_product"),
        ]
        indexes = [models.Index(fields=["vendor", "hidden_at", "-created_at"], name="market_review_vendor_idx")]

    def __str__(self):
        return f"{self.stars}★ {self.vendor}"


class BuyerFlag(models.Model):
    class Level(models.TextChoices):
        FLAGGED = "flagged", _("Cần lưu ý")
        BLOCKED = "blocked", _("Chặn mua")

    buyer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_flag")
    level = models.CharField(_("mức"), max_length=8, choices=Level.choices)
    reason = models.CharField(_("lý do"), max_length=300)
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField()

    class Meta:
        verbose_name = _("người mua bị lưu ý")
        verbose_name_plural = _("người mua bị lưu ý")

    def __str__(self):
        return f"{self.buyer} · {self.get_level_display()}"


class BuyerFlagEvent(models.Model):
    """The audit of the organizers' flags and blocks: one row per change, never edited."""

    class Level(models.TextChoices):
        FLAGGED = "flagged", _("Cần lưu ý")
        BLOCKED = "blocked", _("Chặn mua")
        CLEARED = "cleared", _("Bỏ lưu ý")

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_flag_events")
    level = models.CharField(_("mức"), max_length=8, choices=Level.choices)
    reason = models.CharField(_("lý do"), max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("lúc"))

    class Meta:
        verbose_name = _("lịch sử lưu ý người mua")
        verbose_name_plural = _("lịch sử lưu ý người mua")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.buyer_id} · {self.level}"
