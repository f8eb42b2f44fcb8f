"""Who sells what, and is it verified?

A ``Vendor`` (chủ thể OCOP) has members (owner, staff), OCOP ``Product``s and a
dossier of ``Document``s. Organizers review documents; every review step is kept
in ``DocumentReview`` (the audit trail). A product is *verified* while every
document its group requires is approved and not expired: the services store the
window (``verified_at`` .. ``verified_until``) so the badge turns itself off on
expiry without a background job.

``search_text`` / ``name_folded`` hold diacritic-free, lower-case words
(``core.text.fold``) padded with spaces, so a folded query word ``w`` matches the
start of a word with ``contains=" " + w`` on SQLite and PostgreSQL alike.
"""

import datetime

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.product_codes import validate_product_code
from vendors.districts import District


def private_storage():
    """The storage for dossiers: outside MEDIA_ROOT, served only by permission-checked views."""
    return storages["private"]


class VendorKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    HOUSEHOLD = "household", _("Hộ kinh doanh")
    PRODUCTION_GROUP = "production_group", _("Tổ hợp tác / tổ sản xuất")


class Vendor(models.Model):
    legal_name = models.CharField(_("tên chủ thể"), max_length=200)
    slug = models.SlugField(_("đường dẫn"), max_length=220, unique=True)
    kind = models.CharField(_("loại hình"), max_length=20, choices=VendorKind.choices)
    registration_number = models.CharField(
        _("mã số thuế / số đăng ký"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Z-]{6,20}$", _("Chỉ gồm chữ số, chữ in hoa và dấu gạch ngang (6–20 ký tự)."))],
    )
    district = models.CharField(_("quận / huyện / thị xã"), max_length=20, choices=District.choices, db_index=True)
    commune = models.CharField(_("xã / phường"), max_length=100, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255)
    phone = models.CharField(_("điện thoại liên hệ"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail liên hệ"), blank=True)
    representative = models.CharField(_("người đại diện"), max_length=150)
    story = models.TextField(_("câu chuyện sản phẩm"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="vendors/logos/", blank=True)
    name_folded = models.CharField(max_length=260, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chủ thể OCOP")
        verbose_name_plural = _("chủ thể OCOP")
        ordering = ["legal_name"]

    def __str__(self):
        return self.legal_name

    def get_absolute_url(self):
        return reverse("vendors:vendor_detail", kwargs={"slug": self.slug})


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Chủ sở hữu")
    STAFF = "staff", _("Nhân viên")


class VendorMember(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_memberships")
    role = models.CharField(_("vai trò"), max_length=10, choices=MemberRole.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thành viên chủ thể")
        verbose_name_plural = _("thành viên chủ thể")
        constraints = [models.UniqueConstraint(fields=["vendor", "user"], name="vendor_member_once")]

    def __str__(self):
        return f"{self.user} · {self.vendor} ({self.get_role_display()})"


class OcopGroup(models.TextChoices):
    FOOD = "food", _("Thực phẩm")
    BEVERAGE = "beverage", _("Đồ uống")
    HERBAL = "herbal", _("Thảo dược")
    TEXTILE = "textile", _("Vải và may mặc")
    HANDICRAFT = "handicraft", _("Lưu niệm, nội thất, trang trí")
    TOURISM = "tourism", _("Dịch vụ du lịch cộng đồng và điểm du lịch")


class CertificateLevel(models.TextChoices):
    DISTRICT = "district", _("Cấp huyện")
    CITY = "city", _("Cấp thành phố")
    NATIONAL = "national", _("Cấp quốc gia")


# The one product-code rule (core.product_codes): what a vendor saves, a buyer can order by chat.
PRODUCT_CODE_VALIDATOR = validate_product_code


class ProductQuerySet(models.QuerySet):
    def verified(self, on: datetime.date | None = None):
        """Products whose badge is on today: reviewed and no required document expired."""
        on = on or timezone.localdate()
        return self.filter(verified_at__isnull=False).filter(Q(verified_until__isnull=True) | Q(verified_until__gte=on))


class Product(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("tên sản phẩm"), max_length=200)
    code = models.CharField(
        _("mã sản phẩm"), max_length=8, validators=[PRODUCT_CODE_VALIDATOR], help_text=_("Mã ngắn đọc khi livestream, ví dụ B01.")
    )
    group = models.CharField(_("nhóm sản phẩm OCOP"), max_length=20, choices=OcopGroup.choices, db_index=True)
    stars = models.PositiveSmallIntegerField(
        _("số sao OCOP"), validators=[MinValueValidator(3), MaxValueValidator(5)], db_index=True
    )
    certificate_number = models.CharField(_("số giấy chứng nhận OCOP"), max_length=60, blank=True)
    certificate_year = models.PositiveSmallIntegerField(
        _("năm công nhận"), null=True, blank=True, validators=[MinValueValidator(2018), MaxValueValidator(2100)]
    )
    certificate_level = models.CharField(_("cấp công nhận"), max_length=10, choices=CertificateLevel.choices, blank=True)
    price = models.PositiveBigIntegerField(_("giá bán lẻ (đồng)"))
    unit = models.CharField(_("đơn vị tính"), max_length=30, default="hộp")
    stock = models.PositiveIntegerField(_("tồn kho"), default=0)
    # Units held for open orders and for shows' offers (orders.stock is the only writer);
    # what any channel may still sell is ``stock - stock_reserved``.
    stock_reserved = models.PositiveIntegerField(_("đang giữ cho đơn hàng"), default=0, editable=False)
    description = models.TextField(_("mô tả"), blank=True)
    shelf_life = models.CharField(_("hạn sử dụng"), max_length=100, blank=True)
    ingredients = models.TextField(_("thành phần"), blank=True)
    origin = models.CharField(_("xuất xứ"), max_length=200, blank=True)
    name_folded = models.CharField(max_length=260, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    verified_at = models.DateTimeField(_("xác minh lúc"), null=True, blank=True, editable=False)
    verified_until = models.DateField(_("xác minh đến"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("sản phẩm OCOP")
        verbose_name_plural = _("sản phẩm OCOP")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "code"], name="product_code_unique_per_vendor"),
            models.CheckConstraint(condition=Q(stars__gte=3, stars__lte=5), name="product_stars_3_to_5"),
            models.CheckConstraint(condition=Q(stock_reserved__lte=F("stock")), name="product_reserved_within_stock"),
        ]
        indexes = [models.Index(fields=["verified_until", "verified_at"], name="product_verified_idx")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("vendors:product_detail", kwargs={"slug": self.vendor.slug, "code": self.code})

    @property
    def is_verified(self) -> bool:
        if self.verified_at is None:
            return False
        return self.verified_until is None or self.verified_until >= timezone.localdate()


class BuyerKind(models.TextChoices):
    DISTRIBUTOR = "distributor", _("Nhà phân phối")
    RETAILER = "retailer", _("Nhà bán lẻ")


class PriceTier(models.Model):
    """A wholesale price for distributors or retailers from a minimum quantity up."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_tiers")
    buyer_kind = models.CharField(_("dành cho"), max_length=12, choices=BuyerKind.choices)
    min_quantity = models.PositiveIntegerField(_("số lượng tối thiểu"), validators=[MinValueValidator(1)])
    unit_price = models.PositiveBigIntegerField(_("đơn giá (đồng)"))

    class Meta:
        verbose_name = _("giá sỉ")
        verbose_name_plural = _("giá sỉ")
        ordering = ["buyer_kind", "min_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["product", "buyer_kind", "min_quantity"], name="price_tier_once")
        ]

    def __str__(self):
        return f"{self.get_buyer_kind_display()} ≥ {self.min_quantity}: {self.unit_price}"


class Photo(models.Model):
    """A public photo of a vendor (``product`` empty) or of one of its products; re-encoded on upload."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="photos")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos", null=True, blank=True)
    image = models.ImageField(_("ảnh"), upload_to="vendors/photos/")
    thumbnail = models.ImageField(upload_to="vendors/thumbs/")
    caption = models.CharField(_("chú thích"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.caption or f"{self.vendor} #{self.pk}"


class DocumentKind(models.TextChoices):
    ORIGIN = "origin", _("Giấy tờ chứng minh nguồn gốc")
    FOOD_SAFETY = "food_safety", _("Giấy chứng nhận an toàn thực phẩm")
    OCOP_CERTIFICATE = "ocop_certificate", _("Giấy chứng nhận OCOP")
    STAMP_LABEL = "stamp_label", _("Tem, nhãn chất lượng")
    TRACEABILITY = "traceability", _("Mã truy xuất nguồn gốc")


# Which documents a product needs (its own or its vendor's) before it is verified.
REQUIRED_DOCUMENTS = {
    OcopGroup.FOOD: (DocumentKind.OCOP_CERTIFICATE, DocumentKind.ORIGIN, DocumentKind.FOOD_SAFETY),
    OcopGroup.BEVERAGE: (DocumentKind.OCOP_CERTIFICATE, DocumentKind.ORIGIN, DocumentKind.FOOD_SAFETY),
    OcopGroup.HERBAL: (DocumentKind.OCOP_CERTIFICATE, DocumentKind.ORIGIN, DocumentKind.FOOD_SAFETY),
    OcopGroup.TEXTILE: (DocumentKind.OCOP_CERTIFICATE, DocumentKind.ORIGIN),
    OcopGroup.HANDICRAFT: (DocumentKind.OCOP_CERTIFICATE, DocumentKind.ORIGIN),
    OcopGroup.TOURISM: (DocumentKind.OCOP_CERTIFICATE, DocumentKind.ORIGIN),
}


# Kinds that certify one product and so must be filed against it (an OCOP certificate names its product).
PRODUCT_ONLY_DOCUMENTS = (DocumentKind.OCOP_CERTIFICATE,)


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Bị từ chối")
    NEEDS_MORE = "needs_more", _("Cần bổ sung")
    SUPERSEDED = "superseded", _("Đã thay bằng bản mới")


class DocumentQuerySet(models.QuerySet):
    def current(self):
        """The documents still in play (a re-upload supersedes the previous one)."""
        return self.exclude(status=DocumentStatus.SUPERSEDED)


class Document(models.Model):
    """One dossier document. The file is private; re-uploading creates a new document that supersedes this one."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="documents")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="documents", null=True, blank=True)
    kind = models.CharField(_("loại giấy tờ"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("số hiệu / mã"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày cấp"))
    expires_on = models.DateField(_("ngày hết hạn"), null=True, blank=True)
    file = models.FileField(_("tệp"), storage=private_storage, upload_to="dossiers/%Y/%m/")
    thumbnail = models.FileField(storage=private_storage, upload_to="dossiers/thumbs/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=50, editable=False)
    size = models.PositiveIntegerField(editable=False, default=0)
    original_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.PENDING, db_index=True
    )
    review_note = models.TextField(_("ghi chú của ban tổ chức"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    expiry_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("giấy tờ hồ sơ")
        verbose_name_plural = _("giấy tờ hồ sơ")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="document_expires_after_issue",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.vendor}"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def next_step(self) -> str:
        """What the vendor should do now, in plain words."""
        if self.status == DocumentStatus.PENDING:
            return _("Chờ ban tổ chức duyệt, bạn chưa cần làm gì.")
        if self.status in (DocumentStatus.REJECTED, DocumentStatus.NEEDS_MORE):
            return _("Đọc ghi chú của ban tổ chức và tải lên bản mới.")
        if self.status == DocumentStatus.APPROVED and self.is_expired:
            return _("Giấy tờ đã hết hạn: tải lên bản còn hiệu lực.")
        if self.status == DocumentStatus.APPROVED and self.expires_on and (
            self.expires_on - timezone.localdate()
        ).days <= settings.VENDORS_EXPIRY_REMINDER_DAYS:
            return _("Sắp hết hạn: chuẩn bị và tải lên bản gia hạn.")
        if self.status == DocumentStatus.APPROVED:
            return _("Đã duyệt, không cần làm gì.")
        return ""


class ReviewAction(models.TextChoices):
    SUBMITTED = "submitted", _("Nộp")
    APPROVED = "approved", _("Duyệt")
    REJECTED = "rejected", _("Từ chối")
    NEEDS_MORE = "needs_more", _("Yêu cầu bổ sung")
    SUPERSEDED = "superseded", _("Thay bằng bản mới")
    REMINDED = "reminded", _("Nhắc sắp hết hạn")


class DocumentReview(models.Model):
    """The audit trail: who did what to which document, when and why. Rows are only ever added."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="reviews")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("thao tác"), max_length=12, choices=ReviewAction.choices)
    status_before = models.CharField(max_length=12, choices=DocumentStatus.choices, blank=True)
    status_after = models.CharField(max_length=12, choices=DocumentStatus.choices)
    note = models.TextField(_("lý do / ghi chú"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("lịch sử duyệt")
        verbose_name_plural = _("lịch sử duyệt")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.document_id}"
