"""Orders, their lines, their append-only history, and disputes.

* ``Order``: one buyer, one vendor, lines priced as sold, delivery details as given, a
  channel and a source reference (which show or session it came from), a ``sandbox``
  flag for practice orders. Its ``status`` only changes through
  ``orders.services.order_transition`` over the table in ``orders.lifecycle``.
* ``OrderLine``: product, code, name and unit price as sold, quantity.
* ``OrderEvent``: every change (placement, each transition, each dispute step, each
  organizer step) with who, when, from, to and why. The database refuses UPDATE and
  DELETE on it (triggers in migration 0002, on PostgreSQL and SQLite).
* ``Dispute`` and ``DisputePhoto``: a buyer's complaint after receipt, the vendor's
  answer, the organizers' decision.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage


class Status(models.TextChoices):
    """Named the way Vietnamese buyers read them on the marketplaces they use."""

    PLACED = "placed", _("Chờ xác nhận")
    CONFIRMED = "confirmed", _("Chờ lấy hàng")
    SHIPPED = "shipped", _("Đang giao")
    RECEIVED = "received", _("Đã giao, chờ thanh toán")
    PAYMENT_RECORDED = "payment_recorded", _("Chờ người mua xác nhận thanh toán")
    COMPLETED = "completed", _("Hoàn thành")
    CANCELLED = "cancelled", _("Đã hủy")
    DECLINED = "declined", _("Shop từ chối")
    REFUSED = "refused", _("Không nhận hàng")
    RETURNED = "returned", _("Trả hàng")


class Channel(models.TextChoices):
    CHOT_DON = "chot_don", _("Chốt đơn trong phòng live")
    FLASH_SALE = "flash_sale", _("Flash sale")
    STALL_CART = "stall_cart", _("Giỏ hàng gian hàng")
    WHOLESALE_QUOTE = "wholesale_quote", _("Báo giá sỉ")
    STAFF = "staff", _("Ban tổ chức đặt hộ")


class ActorRole(models.TextChoices):
    BUYER = "buyer", _("Người mua")
    VENDOR = "vendor", _("Chủ thể")
    ORGANIZER = "organizer", _("Ban tổ chức")
    SYSTEM = "system", _("Hệ thống")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Tiền mặt khi nhận hàng")
    TRANSFER = "transfer", _("Chuyển khoản")


class Order(models.Model):
    #: Not stored: ``order_place`` sets it on the order it returns for a key it already placed.
    replayed = False

    number = models.CharField(_("mã đơn"), max_length=20, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người mua"), on_delete=models.PROTECT, related_name="orders"
    )
    vendor = models.ForeignKey("vendors.Vendor", verbose_name=_("chủ thể"), on_delete=models.PROTECT, related_name="orders")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    client_key = models.CharField(_("khoá chống lặp khi đặt"), max_length=64)
    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    source_kind = models.CharField(_("nguồn"), max_length=16, blank=True, help_text=_("show, session, quote…"))
    source_id = models.BigIntegerField(_("mã nguồn"), null=True, blank=True)
    source_label = models.CharField(_("nguồn (tên)"), max_length=200, blank=True)
    sandbox = models.BooleanField(_("đơn thực hành"), default=False, db_index=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.PLACED)
    total = models.PositiveBigIntegerField(_("tổng tiền (đồng)"))
    delivery_name = models.CharField(_("người nhận"), max_length=120)
    delivery_phone = models.CharField(_("điện thoại nhận hàng"), max_length=20)
    delivery_address = models.CharField(_("địa chỉ nhận hàng"), max_length=300)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    carrier = models.CharField(_("đơn vị vận chuyển"), max_length=80, blank=True)
    tracking_code = models.CharField(_("mã vận đơn"), max_length=80, blank=True)
    own_delivery = models.BooleanField(_("shop tự giao"), default=False)
    goods_match = models.BooleanField(_("hàng đúng mô tả"), null=True, blank=True)
    payment_method = models.CharField(_("hình thức thanh toán"), max_length=10, choices=PaymentMethod.choices, blank=True)
    paid_amount = models.PositiveBigIntegerField(_("số tiền đã thu (đồng)"), null=True, blank=True)
    placed_at = models.DateTimeField(_("đặt lúc"), db_index=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("giao đi lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("nhận hàng lúc"), null=True, blank=True)
    payment_recorded_at = models.DateTimeField(_("ghi nhận thanh toán lúc"), null=True, blank=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True, help_text=_("hủy, từ chối, trả hàng"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("đơn hàng")
        verbose_name_plural = _("đơn hàng")
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["placed_by", "client_key"], name="orders_order_place_once"),
            models.CheckConstraint(condition=Q(total__gte=0), name="orders_order_total_not_negative"),
        ]
        indexes = [
            models.Index(fields=["buyer", "sandbox", "-placed_at"], name="orders_buyer_idx"),
            models.Index(fields=["vendor", "sandbox", "status"], name="orders_vendor_status_idx"),
            models.Index(fields=["source_kind", "source_id"], name="orders_source_idx"),
            models.Index(fields=["status", "sandbox", "placed_at"], name="orders_status_idx"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("orders:detail", kwargs={"number": self.number})

    @property
    def is_open(self) -> bool:
        from orders.lifecycle import TERMINAL

        return self.status not in TERMINAL


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey("vendors.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="+")
    product_code = models.CharField(_("mã sản phẩm"), max_length=20)
    product_name = models.CharField(_("tên sản phẩm"), max_length=200)
    unit = models.CharField(_("đơn vị tính"), max_length=30, blank=True)
    unit_price = models.PositiveBigIntegerField(_("đơn giá (đồng)"))
    quantity = models.PositiveIntegerField(_("số lượng"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("dòng đơn hàng")
        verbose_name_plural = _("dòng đơn hàng")
        ordering = ["order", "pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_line_quantity_positive")]

    def __str__(self):
        return f"{self.product_code} × {self.quantity}"

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


class OrderEvent(models.Model):
    """One row per change, never updated or deleted (the database refuses both)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("hành động"), max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_role = models.CharField(_("vai trò"), max_length=10, choices=ActorRole.choices)
    from_status = models.CharField(_("từ trạng thái"), max_length=20, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=20, blank=True)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)
    key = models.CharField(_("khoá chống lặp"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("lúc"), db_index=True)

    class Meta:
        verbose_name = _("lịch sử đơn hàng")
        verbose_name_plural = _("lịch sử đơn hàng")
        ordering = ["order", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "key"], condition=~Q(key=""), name="orders_event_key_once"),
        ]

    def __str__(self):
        return f"{self.order_id} {self.action} {self.from_status}→{self.to_status}"


class Dispute(models.Model):
    class Reason(models.TextChoices):
        WRONG_GOODS = "wrong_goods", _("Giao sai hàng")
        QUALITY = "quality", _("Chất lượng không như mô tả")
        QUANTITY = "quantity", _("Thiếu số lượng")
        DAMAGED = "damaged", _("Hàng bị hư hỏng")

    class State(models.TextChoices):
        OPEN = "open", _("Chờ shop trả lời")
        ANSWERED = "answered", _("Chờ ban tổ chức quyết định")
        ESCALATED = "escalated", _("Quá hạn, ban tổ chức xử lý")
        DECIDED = "decided", _("Đã giải quyết")

    class Decision(models.TextChoices):
        REFUND = "refund", _("Hoàn tiền")
        REPLACEMENT = "replacement", _("Đổi hàng")
        PARTIAL_REFUND = "partial_refund", _("Hoàn tiền một phần")
        REJECTED = "rejected", _("Không chấp nhận khiếu nại")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("lý do"), max_length=16, choices=Reason.choices)
    text = models.TextField(_("mô tả"), max_length=2000)
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("mở lúc"))
    answer_due_at = models.DateTimeField(_("hạn shop trả lời"))
    vendor_answer = models.TextField(_("shop trả lời"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("chuyển ban tổ chức lúc"), null=True, blank=True)
    decision = models.CharField(_("quyết định"), max_length=16, choices=Decision.choices, blank=True)
    decision_reason = models.CharField(_("lý do quyết định"), max_length=500, blank=True)
    refund_amount = models.PositiveBigIntegerField(_("số tiền hoàn (đồng)"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khiếu nại")
        verbose_name_plural = _("khiếu nại")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=~Q(state="decided"), name="orders_dispute_one_open_per_order"
            ),
        ]

    def __str__(self):
        return f"{self.order_id} · {self.get_reason_display()}"


class DisputePhoto(models.Model):
    """A buyer's photo of the goods: private (never on a public URL), checked by content."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(storage=private_storage, upload_to="disputes/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh khiếu nại")
        verbose_name_plural = _("ảnh khiếu nại")
        ordering = ["dispute", "pk"]

    def __str__(self):
        return f"{self.dispute_id} · {self.file.name}"
