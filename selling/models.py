"""What a live room sells and what buyers ordered in it.

* ``ShowOffer``: a vendor's product on offer in one show, with the units set aside for
  the show (``stock_left`` goes down as orders are confirmed or flash-sale units taken);
  at most one offer per show is pinned.
* ``FlashSale``: a timed sale on one offer. ``sold`` never exceeds ``quantity``: the
  service takes units under a row lock and a check constraint guards the table.
* ``OrderIntent``: one buyer's wish for one product, from a chat comment (chốt đơn) or a
  flash-sale tap. The host's order board moves it: pending → claimed → confirmed or
  declined (the buyer may cancel while it is pending).
* ``OrderAction``: every order-changing action with the client's idempotency key; a
  replay of a key returns the first outcome and changes nothing. It is also the intent's
  status history, which is never deleted.
* ``DeliveryProfile``: the buyer's remembered delivery details.

An intent the host accepts becomes an order through ``orders.services.order_place`` (its
``order`` link); from then on the order's lifecycle lives in ``orders``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ShowOffer(models.Model):
    show = models.ForeignKey(
        "live.Show", verbose_name=_("buổi livestream"), on_delete=models.CASCADE, related_name="offers"
    )
    product = models.ForeignKey(
        "vendors.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="show_offers"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    stock_left = models.PositiveIntegerField(_("còn lại cho buổi này"), default=0)
    is_pinned = models.BooleanField(_("đang ghim"), default=False)
    pinned_at = models.DateTimeField(_("ghim lúc"), null=True, blank=True)
    is_active = models.BooleanField(_("đang chào bán"), default=True)
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sản phẩm chào bán trong buổi live")
        verbose_name_plural = _("sản phẩm chào bán trong buổi live")
        ordering = ["show", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["show", "product"], name="selling_offer_unique_product"),
            models.UniqueConstraint(fields=["show"], condition=Q(is_pinned=True), name="selling_offer_one_pinned"),
        ]

    def __str__(self):
        return f"{self.product.code} · {self.show}"


class FlashSale(models.Model):
    class EndReason(models.TextChoices):
        SOLD_OUT = "sold_out", _("Hết hàng")
        TIME = "time", _("Hết giờ")
        CANCELLED = "cancelled", _("Người dẫn huỷ")
        SHOW_ENDED = "show_ended", _("Buổi phát kết thúc")

    offer = models.ForeignKey(
        ShowOffer, verbose_name=_("sản phẩm"), on_delete=models.CASCADE, related_name="flash_sales"
    )
    sale_price = models.PositiveBigIntegerField(_("giá sale (đồng)"), validators=[MinValueValidator(1)])
    quantity = models.PositiveIntegerField(_("số lượng"), validators=[MinValueValidator(1)])
    per_buyer_cap = models.PositiveIntegerField(_("tối đa mỗi người"), validators=[MinValueValidator(1)])
    countdown_seconds = models.PositiveIntegerField(
        _("đếm ngược (giây)"), validators=[MinValueValidator(10), MaxValueValidator(300)]
    )
    duration_seconds = models.PositiveIntegerField(
        _("thời gian mở bán (giây)"), validators=[MinValueValidator(60), MaxValueValidator(1200)]
    )
    sold = models.PositiveIntegerField(_("đã bán"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    opens_at = models.DateTimeField(_("mở bán lúc"))
    closes_at = models.DateTimeField(_("đóng lúc"))
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    end_reason = models.CharField(_("lý do kết thúc"), max_length=12, choices=EndReason.choices, blank=True)

    class Meta:
        verbose_name = _("flash sale")
        verbose_name_plural = _("flash sale")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(sold__lte=F("quantity")), name="selling_flashsale_never_oversold"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="selling_flashsale_closes_after_open"
            ),
        ]

    def __str__(self):
        return f"{self.offer} · {self.sale_price}"


class OrderIntent(models.Model):
    class Source(models.TextChoices):
        CHAT = "chat", _("Bình luận chốt đơn")
        FLASH_SALE = "flash_sale", _("Flash sale")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xử lý")
        CLAIMED = "claimed", _("Đang xử lý")
        CONFIRMED = "confirmed", _("Đã xác nhận")
        DECLINED = "declined", _("Đã từ chối")
        CANCELLED = "cancelled", _("Người mua đã huỷ")

    OPEN_STATUSES = (Status.PENDING, Status.CLAIMED)

    show = models.ForeignKey(
        "live.Show", verbose_name=_("buổi livestream"), on_delete=models.PROTECT, related_name="order_intents"
    )
    offer = models.ForeignKey(ShowOffer, verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="intents")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người mua"), on_delete=models.PROTECT, related_name="order_intents"
    )
    source = models.CharField(_("nguồn"), max_length=12, choices=Source.choices)
    flash_sale = models.ForeignKey(
        FlashSale, verbose_name=_("flash sale"), on_delete=models.PROTECT, null=True, blank=True, related_name="intents"
    )
    chat_seq = models.BigIntegerField(_("bình luận số"), null=True, blank=True)
    comment = models.CharField(_("bình luận"), max_length=4096, blank=True)
    product_code = models.CharField(_("mã sản phẩm"), max_length=20)
    product_name = models.CharField(_("tên sản phẩm"), max_length=200)
    unit_price = models.PositiveBigIntegerField(_("đơn giá (đồng)"))
    quantity = models.PositiveIntegerField(_("số lượng"), validators=[MinValueValidator(1)])
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(_("nhận xử lý lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decline_reason = models.CharField(_("lý do từ chối"), max_length=300, blank=True)
    delivery_name = models.CharField(_("người nhận"), max_length=120, blank=True)
    delivery_phone = models.CharField(_("điện thoại nhận hàng"), max_length=20, blank=True)
    delivery_address = models.CharField(_("địa chỉ nhận hàng"), max_length=300, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("đơn hàng"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intent",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ý định đặt hàng")
        verbose_name_plural = _("ý định đặt hàng")
        ordering = ["show", "created_at", "pk"]
        indexes = [models.Index(fields=["show", "status"]), models.Index(fields=["show", "buyer"])]

    def __str__(self):
        return f"{self.product_code} × {self.quantity} · {self.buyer}"

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity


class OrderAction(models.Model):
    """One order-changing action; ``(actor, key)`` makes a replay return the first outcome."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Tạo")
        BUY = "buy", _("Mua flash sale")
        UPDATE = "update", _("Người mua sửa")
        CANCEL = "cancel", _("Người mua huỷ")
        CLAIM = "claim", _("Nhận xử lý")
        RELEASE = "release", _("Trả lại")
        CONFIRM = "confirm", _("Xác nhận")
        DECLINE = "decline", _("Từ chối")

    intent = models.ForeignKey(OrderIntent, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("hành động"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("khoá chống lặp"), max_length=64)
    outcome = models.JSONField(_("kết quả"), default=dict)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thao tác đơn hàng")
        verbose_name_plural = _("thao tác đơn hàng")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="selling_action_unique_key")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.key}"


class DeliveryProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_profile")
    name = models.CharField(_("người nhận"), max_length=120)
    phone = models.CharField(_("điện thoại"), max_length=20)
    address = models.CharField(_("địa chỉ"), max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thông tin giao hàng")
        verbose_name_plural = _("thông tin giao hàng")

    def __str__(self):
        return f"{self.name} · {self.phone}"
