"""Every write about vendors, products and dossiers.

Each function checks who is acting (``vendors.permissions``), validates, writes in
one transaction and raises ``ApplicationError`` (Vietnamese message) when a rule
refuses, so nothing changes on bad input.
"""

import datetime
from decimal import Decimal, InvalidOperation

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from rest_framework import status

from accounts.models import User
from accounts.roles import Role
from config.errors import ApplicationError
from core.text import fold
from vendors import search
from vendors.models import (
    PRODUCT_ONLY_DOCUMENTS,
    REQUIRED_DOCUMENTS,
    Document,
    DocumentKind,
    DocumentReview,
    DocumentStatus,
    MemberRole,
    Photo,
    PriceTier,
    Product,
    ReviewAction,
    Vendor,
    VendorMember,
)
from vendors.permissions import require_member, require_organizer, require_owner
from vendors.uploads import check_document_file, check_image_file

VENDOR_FIELDS = (
    "legal_name", "kind", "registration_number", "district", "commune", "address",
    "phone", "email", "representative", "story",
)
PRODUCT_FIELDS = (
    "name", "code", "group", "stars", "certificate_number", "certificate_year", "certificate_level",
    "price", "unit", "stock", "description", "shelf_life", "ingredients", "origin",
)


def _full_clean(obj, **kwargs) -> None:
    """Model validation as an ApplicationError that names the fields."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        fields = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
        first = next(iter(fields.values()))[0] if fields else _("Dữ liệu không hợp lệ.")
        raise ApplicationError(first, code="invalid", fields=fields) from exc


def whole_dong(value, *, field: str = "price") -> int:
    """A price in whole đồng: an integer ≥ 0. "120000", 120000 and Decimal("120000") pass; 1.5 and -1 do not."""
    message = None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        message = _("Giá phải là một số nguyên đồng.")
    else:
        if not amount.is_finite() or amount != amount.to_integral_value():
            message = _("Giá phải là số nguyên đồng (không có phần lẻ).")
        elif amount < 0:
            message = _("Giá không được âm.")
        elif amount > 10_000_000_000:
            message = _("Giá quá lớn.")
    if message:
        raise ApplicationError(message, code="invalid_price", fields={field: [message]})
    return int(amount)


# --------------------------------------------------------------------------- vendors


# Paths under /chu-the/ and /api/v1/vendors/ that a vendor's slug must never take.
RESERVED_SLUGS = {"san-pham", "cua-toi", "dang-ky", "duyet", "ho-so", "mine"}


def _unique_slug(name: str, *, exclude_pk=None) -> str:
    base = slugify(fold(name))[:200] or "chu-the"
    if base in RESERVED_SLUGS:
        base = f"{base}-chu-the"
    slug, n = base, 2
    while Vendor.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _spend_hourly_allowance(user: User, *, action: str, limit: int, message: str, code: str) -> None:
    """Count one ``action`` for ``user`` in this clock hour; refuse (429) past ``limit``.

    Counters live in the cache, so every worker shares them when REDIS_URL is set.
    """
    key = f"vendors:{action}:{user.pk}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > limit:
        raise ApplicationError(message, code=code, status=status.HTTP_429_TOO_MANY_REQUESTS)


def _spend_upload_allowance(user: User) -> None:
    """At most VENDORS_UPLOADS_PER_HOUR uploads per user per clock hour: a flood of files is refused early."""
    _spend_hourly_allowance(
        user,
        action="uploads",
        limit=settings.VENDORS_UPLOADS_PER_HOUR,
        message=_("Bạn đã tải lên quá nhiều tệp trong một giờ. Hãy thử lại sau."),
        code="too_many_uploads",
    )


def _store_logo(vendor: Vendor, logo, *, actor: User) -> None:
    if logo:
        _spend_upload_allowance(actor)  # decoding and re-encoding an image is the costly part: count logos too
        checked = check_image_file(logo, field="logo")
        vendor.logo.save(f"{vendor.slug}.jpg", checked.content, save=False)


@transaction.atomic
def vendor_create(*, user: User, logo=None, **fields) -> Vendor:
    """A user with the vendor role registers their producer and becomes its owner."""
    if not user.groups.filter(name=Role.VENDOR).exists():
        raise ApplicationError(
            _("Chỉ tài khoản chủ thể OCOP mới tạo được hồ sơ chủ thể."), code="not_vendor", status=status.HTTP_403_FORBIDDEN
        )
    vendor = Vendor(**{k: v for k, v in fields.items() if k in VENDOR_FIELDS})
    vendor.registration_number = (vendor.registration_number or "").strip().upper()
    vendor.slug = _unique_slug(vendor.legal_name)
    _full_clean(vendor, exclude=["search_text", "name_folded", "logo"])
    _store_logo(vendor, logo, actor=user)
    vendor.name_folded = search.vendor_name_text(vendor)
    vendor.search_text = search.vendor_search_text(vendor)
    _insert_vendor(vendor)
    VendorMember.objects.create(vendor=vendor, user=user, role=MemberRole.OWNER)
    return vendor


def _insert_vendor(vendor: Vendor, *, attempts: int = 3) -> None:
    """Insert ``vendor``; a concurrent sign-up (or a double-clicked submit) may take its slug or number first.

    ``full_clean`` and ``_unique_slug`` check before the insert, so the database's unique
    constraints are the real guard: a taken registration number becomes the form's error,
    a taken slug is recomputed, instead of an IntegrityError and a 500 page.
    """
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                vendor.save()
            return
        except IntegrityError as exc:
            if Vendor.objects.filter(registration_number=vendor.registration_number).exists():
                message = _("Mã số thuế / số đăng ký này đã có chủ thể khác dùng.")
                raise ApplicationError(message, code="duplicate_registration", fields={"registration_number": [message]}) from exc
            if attempt == attempts - 1:
                raise
            vendor.slug = _unique_slug(vendor.legal_name)


@transaction.atomic
def vendor_update(*, vendor: Vendor, actor: User, logo=None, **fields) -> Vendor:
    """Save a member's edit of the profile. Locks the vendor row.

    The legal name and registration number say who every document was issued to: only
    the owner may change them, and a change sends the vendor's approved documents back
    to the organizers (the products lose their badge until they are approved again).
    """
    require_member(actor, vendor)
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    identity_before = {name: getattr(vendor, name) for name in VENDOR_IDENTITY_FIELDS}
    for name, value in fields.items():
        if name in VENDOR_FIELDS:
            setattr(vendor, name, value)
    vendor.registration_number = (vendor.registration_number or "").strip().upper()
    identity_changed = [name for name, value in identity_before.items() if getattr(vendor, name) != value]
    if identity_changed:
        require_owner(actor, vendor)
    _full_clean(vendor, exclude=["search_text", "name_folded", "logo", "slug"])
    _store_logo(vendor, logo, actor=actor)
    vendor.name_folded = search.vendor_name_text(vendor)
    vendor.search_text = search.vendor_search_text(vendor)
    vendor.save()
    # The vendor's name and district are part of every product's search text (one UPDATE for all of them).
    products = list(vendor.products.all())
    for product in products:
        product.search_text = search.product_search_text(product, vendor)
    Product.objects.bulk_update(products, ["search_text"], batch_size=500)
    if identity_changed:
        _vendor_documents_back_to_review(vendor, actor=actor, changed=identity_changed)
        for product in products:
            product_verification_refresh(product=product)
    return vendor


def _vendor_documents_back_to_review(vendor: Vendor, *, actor: User, changed: list[str]) -> None:
    labels = ", ".join(str(Vendor._meta.get_field(name).verbose_name) for name in changed)
    note = _("Chủ thể đã sửa thông tin pháp lý (%(fields)s): cần duyệt lại.") % {"fields": labels}
    _back_to_review(Document.objects.filter(vendor=vendor), actor=actor, note=note)


@transaction.atomic
def vendor_member_invite(*, vendor: Vendor, actor: User, email: str) -> VendorMember:
    """The owner adds a staff member by the e-mail of their account, and they are told by e-mail."""
    require_owner(actor, vendor)
    # The answer says whether an e-mail has an account: keep that from becoming a directory.
    _spend_hourly_allowance(
        actor,
        action="invites",
        limit=settings.VENDORS_INVITES_PER_HOUR,
        message=_("Bạn đã mời quá nhiều lần trong một giờ. Hãy thử lại sau."),
        code="too_many_invites",
    )
    user = User.objects.filter(email=(email or "").strip().lower()).first()
    if user is None:
        message = _("Chưa có tài khoản nào dùng e-mail này: hãy nhờ người đó đăng ký trước.")
        raise ApplicationError(message, code="user_not_found", fields={"email": [message]})
    # E-mail verification is optional at sign-up, so anyone may have registered this address first:
    # only the person who proved they own it may be let into the vendor's private dossier.
    if not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
        message = _(
            "Tài khoản dùng e-mail này chưa xác nhận e-mail: hãy nhờ người đó bấm liên kết xác nhận trong thư "
            "(hoặc gửi lại thư ở trang E-mail của tài khoản), rồi mời lại."
        )
        raise ApplicationError(message, code="email_unverified", fields={"email": [message]})
    if VendorMember.objects.filter(vendor=vendor, user=user).exists():
        message = _("Người này đã là thành viên của chủ thể.")
        raise ApplicationError(message, code="already_member", fields={"email": [message]})
    try:
        with transaction.atomic():  # a double-clicked invite races the check above; the constraint decides
            member = VendorMember.objects.create(vendor=vendor, user=user, role=MemberRole.STAFF, invited_by=actor)
    except IntegrityError as exc:
        message = _("Người này đã là thành viên của chủ thể.")
        raise ApplicationError(message, code="already_member", fields={"email": [message]}) from exc
    if not user.groups.filter(name=Role.VENDOR).exists():
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get_or_create(name=Role.VENDOR)[0])
    transaction.on_commit(
        lambda: send_mail(
            _("Bạn được mời tham gia %(vendor)s") % {"vendor": vendor.legal_name},
            _("%(actor)s đã thêm bạn làm nhân viên của %(vendor)s trên Chợ Đêm Trên Mây.")
            % {"actor": actor.get_full_name() or actor.email, "vendor": vendor.legal_name},
            None,
            [user.email],
            fail_silently=True,
        )
    )
    return member


@transaction.atomic
def photo_add(*, vendor: Vendor, actor: User, upload, product: Product | None = None, caption: str = "") -> Photo:
    require_member(actor, vendor)
    if product is not None and product.vendor_id != vendor.pk:
        raise ApplicationError(_("Sản phẩm không thuộc chủ thể này."), code="not_found", status=status.HTTP_404_NOT_FOUND)
    limit = settings.VENDORS_PHOTOS_PER_PRODUCT if product else settings.VENDORS_PHOTOS_PER_VENDOR
    if Photo.objects.filter(vendor=vendor, product=product).count() >= limit:
        message = _("Đã đủ %(limit)s ảnh: hãy xóa bớt trước khi thêm.") % {"limit": limit}
        raise ApplicationError(message, code="too_many_files", fields={"image": [message]})
    _spend_upload_allowance(actor)
    checked = check_image_file(upload, field="image")
    photo = Photo(vendor=vendor, product=product, caption=caption[:200])
    photo.image.save("photo.jpg", checked.content, save=False)
    photo.thumbnail.save("thumb.jpg", checked.thumbnail, save=False)
    photo.save()
    return photo


# --------------------------------------------------------------------------- products


def _prepare_product(product: Product, fields: dict) -> None:
    for name, value in fields.items():
        if name in PRODUCT_FIELDS:
            setattr(product, name, value)
    product.code = (product.code or "").strip().upper()
    product.price = whole_dong(product.price)
    product.name_folded = search.product_name_text(product)
    product.search_text = search.product_search_text(product, product.vendor)
    _full_clean(product, exclude=["vendor"], validate_unique=False, validate_constraints=False)
    clash = Product.objects.filter(vendor=product.vendor, code=product.code).exclude(pk=product.pk)
    if clash.exists():
        raise _duplicate_code(product.code)


def _duplicate_code(code: str) -> ApplicationError:
    message = _("Mã %(code)s đã dùng cho sản phẩm khác của chủ thể.") % {"code": code}
    return ApplicationError(message, code="duplicate_code", fields={"code": [message]})


@transaction.atomic
def product_create(*, vendor: Vendor, actor: User, **fields) -> Product:
    require_member(actor, vendor)
    product = Product(vendor=vendor)
    _prepare_product(product, fields)
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as exc:  # a concurrent create took the code between check and insert
        raise _duplicate_code(product.code) from exc
    product_verification_refresh(product=product)
    return product


# What the product's OCOP certificate states, and organizers checked when they approved it.
# What the OCOP certificate states about the product, its name included.
CERTIFIED_PRODUCT_FIELDS = ("name", "group", "stars", "certificate_number", "certificate_year", "certificate_level")
# Who the vendor legally is: every document was issued to that entity.
VENDOR_IDENTITY_FIELDS = ("legal_name", "registration_number")


@transaction.atomic
def product_update(*, product: Product, actor: User, **fields) -> Product:
    """Save a member's edit. Changing what the OCOP certificate states sends the certificate back for review.

    Otherwise a vendor could raise a verified product from 3 to 5 stars and keep the
    badge organizers gave to the 3-star claim. Locks the product row.
    """
    require_member(actor, product.vendor)
    product = Product.objects.select_for_update().select_related("vendor").get(pk=product.pk)
    certified_before = {name: getattr(product, name) for name in CERTIFIED_PRODUCT_FIELDS}
    _prepare_product(product, fields)
    if product.stock < product.stock_reserved:
        message = _(
            "Tồn kho không thể ít hơn %(held)s: số đó đang được giữ cho đơn hàng chưa giao và các buổi live."
        ) % {"held": product.stock_reserved}
        raise ApplicationError(message, code="stock_below_reserved", fields={"stock": [message]})
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as exc:  # another edit or create took the code between check and update
        raise _duplicate_code(product.code) from exc
    changed = [name for name, value in certified_before.items() if getattr(product, name) != value]
    if changed:
        _certificates_back_to_review(product, actor=actor, changed=changed)
    product_verification_refresh(product=product)
    return product


def _certificates_back_to_review(product: Product, *, actor: User, changed: list[str]) -> None:
    labels = ", ".join(str(Product._meta.get_field(name).verbose_name) for name in changed)
    note = _("Chủ thể đã sửa thông tin chứng nhận của sản phẩm (%(fields)s): cần duyệt lại.") % {"fields": labels}
    _back_to_review(Document.objects.filter(product=product, kind__in=PRODUCT_ONLY_DOCUMENTS), actor=actor, note=note)


def _back_to_review(documents, *, actor: User, note: str) -> None:
    """Approved ``documents`` become pending again, each with an audit entry saying why."""
    approved = documents.select_for_update(of=("self",)).filter(status=DocumentStatus.APPROVED)
    for document in approved:
        document.status = DocumentStatus.PENDING
        document.save(update_fields=["status"])
        _audit(document, actor=actor, action=ReviewAction.SUBMITTED, before=DocumentStatus.APPROVED, note=note)


@transaction.atomic
def price_tier_set(*, product: Product, actor: User, buyer_kind: str, min_quantity: int, unit_price) -> PriceTier:
    """Add or change the wholesale price for ``buyer_kind`` from ``min_quantity`` up."""
    require_member(actor, product.vendor)
    price = whole_dong(unit_price, field="unit_price")
    if price > product.price:
        message = _("Giá sỉ không được cao hơn giá bán lẻ.")
        raise ApplicationError(message, code="invalid_price", fields={"unit_price": [message]})
    tier = PriceTier.objects.filter(product=product, buyer_kind=buyer_kind, min_quantity=min_quantity).first()
    tier = tier or PriceTier(product=product, buyer_kind=buyer_kind, min_quantity=min_quantity)
    tier.unit_price = price
    _full_clean(tier, exclude=["product"], validate_unique=False)
    try:
        with transaction.atomic():
            tier.save()
    except IntegrityError:  # a double submit inserted the same tier first: set its price instead
        PriceTier.objects.filter(product=product, buyer_kind=buyer_kind, min_quantity=min_quantity).update(unit_price=price)
        tier = PriceTier.objects.get(product=product, buyer_kind=buyer_kind, min_quantity=min_quantity)
    return tier


@transaction.atomic
def price_tier_delete(*, tier: PriceTier, actor: User) -> None:
    require_member(actor, tier.product.vendor)
    tier.delete()


# --------------------------------------------------------------------------- dossiers


def _audit(document: Document, *, actor, action: str, before: str, note: str = "") -> DocumentReview:
    return DocumentReview.objects.create(
        document=document, actor=actor, action=action, status_before=before, status_after=document.status, note=note
    )


@transaction.atomic
def document_upload(
    *,
    vendor: Vendor,
    actor: User,
    kind: str,
    issued_on: datetime.date,
    upload,
    expires_on: datetime.date | None = None,
    number: str = "",
    product: Product | None = None,
    replaces: Document | None = None,
) -> Document:
    """A member files a document (or a new version of one); it waits for an organizer's review.

    The previous version is kept, marked superseded, so the audit trail can always
    show what was reviewed.
    """
    require_member(actor, vendor)
    Vendor.objects.select_for_update().filter(pk=vendor.pk).first()  # serialises the per-vendor count check
    if product is not None and product.vendor_id != vendor.pk:
        raise ApplicationError(_("Sản phẩm không thuộc chủ thể này."), code="not_found", status=status.HTTP_404_NOT_FOUND)
    if replaces is not None:
        # Decide on the stored state, not the caller's copy (an organizer may have just reviewed it).
        replaces = Document.objects.select_for_update(of=("self",)).select_related("product").get(pk=replaces.pk)
        if replaces.vendor_id != vendor.pk:
            raise ApplicationError(_("Không tìm thấy giấy tờ."), code="not_found", status=status.HTTP_404_NOT_FOUND)
        if replaces.status == DocumentStatus.SUPERSEDED:
            raise ApplicationError(_("Giấy tờ này đã được thay bằng bản mới."), code="superseded")
        if Document.objects.filter(replaces=replaces).exists():
            raise ApplicationError(
                _("Đã có bản mới của giấy tờ này đang chờ duyệt."), code="replacement_pending", status=status.HTTP_409_CONFLICT
            )
        kind, product = replaces.kind, replaces.product
    if kind not in DocumentKind.values:
        raise ApplicationError(_("Loại giấy tờ không hợp lệ."), code="invalid", fields={"kind": [_("Loại giấy tờ không hợp lệ.")]})
    if kind in PRODUCT_ONLY_DOCUMENTS and product is None:
        message = _("Giấy chứng nhận OCOP cấp cho từng sản phẩm: hãy chọn sản phẩm.")
        raise ApplicationError(message, code="product_required", fields={"product": [message]})
    if replaces is None:
        if Document.objects.current().filter(vendor=vendor).count() >= settings.VENDORS_DOCUMENTS_PER_VENDOR:
            message = _("Chủ thể đã có %(limit)s giấy tờ, không thể thêm.") % {"limit": settings.VENDORS_DOCUMENTS_PER_VENDOR}
            raise ApplicationError(message, code="too_many_files", fields={"file": [message]})
        if product and Document.objects.current().filter(product=product).count() >= settings.VENDORS_DOCUMENTS_PER_PRODUCT:
            message = _("Sản phẩm đã có %(limit)s giấy tờ, không thể thêm.") % {"limit": settings.VENDORS_DOCUMENTS_PER_PRODUCT}
            raise ApplicationError(message, code="too_many_files", fields={"file": [message]})
    if expires_on and issued_on and expires_on < issued_on:
        message = _("Ngày hết hạn phải sau ngày cấp.")
        raise ApplicationError(message, code="invalid", fields={"expires_on": [message]})
    if expires_on and expires_on < timezone.localdate():
        message = _("Giấy tờ đã hết hạn: hãy tải lên bản còn hiệu lực.")
        raise ApplicationError(message, code="expired", fields={"expires_on": [message]})
    if issued_on and issued_on > timezone.localdate():
        message = _("Ngày cấp không được ở tương lai.")
        raise ApplicationError(message, code="invalid", fields={"issued_on": [message]})

    _spend_upload_allowance(actor)
    checked = check_document_file(upload)
    document = Document(
        vendor=vendor, product=product, kind=kind, number=(number or "")[:100], issued_on=issued_on,
        expires_on=expires_on, content_type=checked.content_type, size=checked.size,
        original_name=(getattr(upload, "name", "") or "")[:255], uploaded_by=actor, replaces=replaces,
    )
    _full_clean(document, exclude=["file", "thumbnail", "replaces"])
    extension = "pdf" if checked.content_type == "application/pdf" else "jpg"
    document.file.save(f"{kind}.{extension}", checked.content, save=False)
    if checked.thumbnail:
        document.thumbnail.save(f"{kind}-thumb.jpg", checked.thumbnail, save=False)
    document.save()
    _audit(document, actor=actor, action=ReviewAction.SUBMITTED, before="")
    # A renewal of an approved document keeps the old one (and the badge) until the new one is approved.
    if replaces is not None and replaces.status != DocumentStatus.APPROVED:
        _supersede(replaces, actor=actor)
    return document


def _supersede(document: Document, *, actor) -> None:
    before = document.status
    document.status = DocumentStatus.SUPERSEDED
    document.save(update_fields=["status"])
    _audit(document, actor=actor, action=ReviewAction.SUPERSEDED, before=before)
    _refresh_after_document_change(document)


REVIEW_OUTCOMES = {
    ReviewAction.APPROVED: DocumentStatus.APPROVED,
    ReviewAction.REJECTED: DocumentStatus.REJECTED,
    ReviewAction.NEEDS_MORE: DocumentStatus.NEEDS_MORE,
}


@transaction.atomic
def document_review(*, document: Document, actor: User, action: str, note: str = "") -> Document:
    """An organizer approves, rejects (with a reason) or asks for more; recorded in the audit trail.

    Locks the document row so two organizers acting at once cannot both decide.
    """
    require_organizer(actor)
    document = Document.objects.select_for_update(of=("self",)).select_related("vendor", "product").get(pk=document.pk)
    if VendorMember.objects.filter(vendor=document.vendor, user=actor).exists():
        raise ApplicationError(
            _("Bạn là thành viên của chủ thể này nên không thể tự duyệt hồ sơ của mình."),
            code="own_document",
            status=status.HTTP_403_FORBIDDEN,
        )
    if action not in REVIEW_OUTCOMES:
        raise ApplicationError(_("Thao tác duyệt không hợp lệ."), code="invalid", fields={"action": [_("Thao tác duyệt không hợp lệ.")]})
    if document.status != DocumentStatus.PENDING:
        raise ApplicationError(
            _("Giấy tờ này không còn chờ duyệt (trạng thái: %(status)s).") % {"status": document.get_status_display()},
            code="not_pending",
            status=status.HTTP_409_CONFLICT,
        )
    note = (note or "").strip()
    if action != ReviewAction.APPROVED and not note:
        message = _("Hãy ghi lý do để chủ thể biết cần làm gì.")
        raise ApplicationError(message, code="reason_required", fields={"note": [message]})
    if action == ReviewAction.APPROVED and document.is_expired:
        raise ApplicationError(_("Giấy tờ đã hết hạn, không thể duyệt."), code="expired")
    before = document.status
    document.status = REVIEW_OUTCOMES[action]
    document.review_note = note
    document.reviewed_by = actor
    document.reviewed_at = timezone.now()
    document.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    _audit(document, actor=actor, action=action, before=before, note=note)
    if action == ReviewAction.APPROVED:
        # The approved renewal takes over from every earlier version still standing.
        earlier = document.replaces
        while earlier is not None:
            if earlier.status != DocumentStatus.SUPERSEDED:
                _supersede(earlier, actor=actor)
            earlier = earlier.replaces
    _refresh_after_document_change(document)
    if action != ReviewAction.APPROVED:
        # In the site's language (Vietnamese), not in whatever language the organizer's browser is using.
        with translation.override(settings.LANGUAGE_CODE):
            _notify_members(
                document.vendor,
                subject=_("Hồ sơ cần xử lý: %(kind)s") % {"kind": document.get_kind_display()},
                template="vendors/email/document_reviewed.txt",
                context={"document": document},
            )
    return document


def _refresh_after_document_change(document: Document) -> None:
    if document.product_id:
        product_verification_refresh(product=document.product)
    else:
        for product in document.vendor.products.all():
            product_verification_refresh(product=product)


def product_verification_refresh(*, product: Product) -> Product:
    """Recompute the badge window: verified from the last required approval until the first expiry.

    A product is verified when, for every document kind its group requires, an
    approved current document exists (its own, or its vendor's general one).
    """
    required = REQUIRED_DOCUMENTS[product.group]
    approved = Document.objects.filter(
        Q(product__isnull=True) | Q(product_id=product.pk),
        vendor_id=product.vendor_id, status=DocumentStatus.APPROVED, kind__in=required,
    ).exclude(product__isnull=True, kind__in=PRODUCT_ONLY_DOCUMENTS)
    best: dict[str, Document] = {}
    for doc in approved:
        if doc.is_expired:
            continue
        current = best.get(doc.kind)
        # Prefer the document that stays valid longest (no expiry beats any date).
        if current is None or _validity_key(doc) > _validity_key(current):
            best[doc.kind] = doc
    if all(kind in best for kind in required):
        docs = [best[kind] for kind in required]
        expiries = [d.expires_on for d in docs if d.expires_on]
        product.verified_until = min(expiries) if expiries else None
        product.verified_at = max(d.reviewed_at or timezone.now() for d in docs)
    else:
        product.verified_at = None
        product.verified_until = None
    Product.objects.filter(pk=product.pk).update(verified_at=product.verified_at, verified_until=product.verified_until)
    return product


def _validity_key(doc: Document):
    return datetime.date.max if doc.expires_on is None else doc.expires_on


def _notify_members(vendor: Vendor, *, subject: str, template: str, context: dict) -> int:
    emails = list(vendor.members.values_list("user__email", flat=True))
    if vendor.email and vendor.email not in emails:
        emails.append(vendor.email)
    if not emails:
        return 0
    body = render_to_string(template, {"vendor": vendor, "site_url": settings.WAGTAILADMIN_BASE_URL, **context})
    # robust: a mail server that is down is logged; it must not turn a saved decision into a 500 page.
    transaction.on_commit(lambda: send_mail(subject, body, None, emails, fail_silently=False), robust=True)
    return len(emails)


@transaction.atomic
def documents_send_expiry_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail each vendor about approved documents expiring within the reminder window. Each document once.

    Returns how many documents were reminded. Safe to run every day (and twice a day).
    """
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.VENDORS_EXPIRY_REMINDER_DAYS)
    due = list(
        Document.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            status=DocumentStatus.APPROVED, expiry_reminded_at__isnull=True,
            expires_on__isnull=False, expires_on__gte=today, expires_on__lte=horizon,
        )
        .select_related("vendor", "product")
        .order_by("vendor_id", "expires_on")
    )
    by_vendor: dict[int, list[Document]] = {}
    for doc in due:
        by_vendor.setdefault(doc.vendor_id, []).append(doc)
    now = timezone.now()
    for docs in by_vendor.values():
        vendor = docs[0].vendor
        _notify_members(
            vendor,
            subject=_("Giấy tờ sắp hết hạn: %(vendor)s") % {"vendor": vendor.legal_name},
            template="vendors/email/expiry_reminder.txt",
            context={"documents": docs, "today": today},
        )
        for doc in docs:
            doc.expiry_reminded_at = now
            doc.save(update_fields=["expiry_reminded_at"])
            DocumentReview.objects.create(
                document=doc, actor=None, action=ReviewAction.REMINDED, status_before=doc.status, status_after=doc.status,
                note=_("Hết hạn ngày %(date)s") % {"date": doc.expires_on.strftime("%d/%m/%Y")},
            )
    return len(due)

