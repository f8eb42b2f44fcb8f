"""Distributors and retailers: business profiles the organizers verify, invite codes, cross-selling.

* ``business_profile_submit``: a buyer states company, tax code (mã số thuế, MST: 10 digits,
  or 13 for a branch, written ``0101234567-001``) and address. It waits for the organizers,
  unless it comes with a valid invite code: the organizer who made the code vouched for it,
  so the profile is verified at once.
* ``business_profile_review``: an organizer verifies or rejects (with a reason) a profile.
* ``invite_code_create``: an organizer makes a code for distributors (or retailers).
* Cross-selling: an order whose buyer is a member of some vendor other than the order's own
  vendor (``cross_selling_q`` / ``order_is_cross_selling``).
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from market.models import BusinessProfile, InviteCode
from orders.services import is_organizer
from vendors.models import VendorMember

_TAX_SEPARATORS = re.compile(r"[\s.]")
_TAX_CODE = re.compile(r"^(\d{10})(?:-?(\d{3}))?$")
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def tax_code_clean(raw: str) -> str:
    """A Vietnamese tax code (MST) as stored: ``0101234567`` or ``0101234567-001``.

    Accepts spaces and dots typed in, a branch's 13 digits with or without the dash.
    """
    value = _TAX_SEPARATORS.sub("", raw or "")
    match = _TAX_CODE.match(value)
    if not match:
        raise ApplicationError(
            _("Mã số thuế gồm 10 chữ số, hoặc 13 chữ số với chi nhánh (ví dụ 0101234567 hoặc 0101234567-001)."),
            code="invalid",
            fields={"tax_code": _("Mã số thuế không đúng định dạng.")},
        )
    head, branch = match.groups()
    return f"{head}-{branch}" if branch else head


def _text(value: str, *, field: str, label: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ApplicationError(
            _("Hãy ghi %(label)s.") % {"label": label}, code="invalid", fields={field: _("Không được để trống.")}
        )
    if len(value) > limit:
        raise ApplicationError(
            _("%(label)s dài quá %(n)s ký tự.") % {"label": label.capitalize(), "n": limit},
            code="invalid",
            fields={field: str(limit)},
        )
    return value


def _require_organizer(actor) -> None:
    if not is_organizer(actor):
        raise ApplicationError(_("Chỉ ban tổ chức mới làm được việc này."), code="forbidden", status=403)


# ----------------------------------------------------------------------------- profiles


def business_profile_submit(
    *, user, kind: str, company: str, tax_code: str, address: str, invite_code: str = ""
) -> BusinessProfile:
    """Create or change the user's business profile; returns it.

    A change of kind, company or tax code sends a verified profile back to the organizers
    (pending); a new address alone keeps it verified. A tax code another account already
    registered is refused. A valid invite code of the same kind verifies the profile at once
    and counts one use (locked, so the last use cannot be taken twice).
    """
    if kind not in BusinessProfile.Kind.values:
        raise ApplicationError(_("Hãy chọn nhà phân phối hoặc nhà bán lẻ."), code="invalid", fields={"kind": ""})
    company = _text(company, field="company", label=_("tên doanh nghiệp"), limit=200)
    address = _text(address, field="address", label=_("địa chỉ"), limit=300)
    tax_code = tax_code_clean(tax_code)
    if BusinessProfile.objects.filter(tax_code=tax_code).exclude(user=user).exists():
        raise ApplicationError(
            _(
                "Mã số thuế %(code)s đã được một tài khoản khác đăng ký. Nếu đó là doanh nghiệp của bạn, hãy liên hệ ban tổ chức."
            )
            % {"code": tax_code},
            code="tax_code_taken",
            fields={"tax_code": _("Mã số thuế đã được đăng ký.")},
        )
    invite_code = (invite_code or "").strip().upper()
    with transaction.atomic():
        code = _invite_take(invite_code, kind=kind) if invite_code else None
        profile = BusinessProfile.objects.select_for_update().filter(user=user).first()
        now = timezone.now()
        if profile is None:
            profile = BusinessProfile(user=user)
            changed = True
        else:
            changed = (profile.kind, profile.company, profile.tax_code) != (kind, company, tax_code)
        profile.kind, profile.company, profile.tax_code, profile.address = kind, company, tax_code, address
        if code is not None:
            profile.state = BusinessProfile.State.VERIFIED
            profile.invite_code = code
            profile.reviewed_by_id, profile.reviewed_at = code.created_by_id, now
            profile.review_note = _("Xác minh bằng mã mời %(code)s.") % {"code": code.code}
        elif changed or profile.state == BusinessProfile.State.REJECTED:
            profile.state = BusinessProfile.State.PENDING
            profile.reviewed_by, profile.reviewed_at, profile.review_note = None, None, ""
        profile.save()
    return profile


def _invite_take(raw: str, *, kind: str) -> InviteCode:
    code = InviteCode.objects.select_for_update().filter(code=raw).first()
    if code is None:
        raise ApplicationError(
            _("Mã mời không đúng."), code="invite_invalid", fields={"invite_code": _("Mã mời không đúng.")}
        )
    if code.expires_at <= timezone.now():
        raise ApplicationError(
            _("Mã mời đã hết hạn."), code="invite_expired", fields={"invite_code": _("Mã mời đã hết hạn.")}
        )
    if code.uses >= code.max_uses:
        raise ApplicationError(
            _("Mã mời đã được dùng hết."), code="invite_used", fields={"invite_code": _("Mã mời đã được dùng hết.")}
        )
    if code.kind != kind:
        raise ApplicationError(
            _("Mã mời này dành cho %(kind)s.") % {"kind": BusinessProfile.Kind(code.kind).label.lower()},
            code="invite_kind",
            fields={"invite_code": _("Mã mời không dành cho loại doanh nghiệp này.")},
        )
    InviteCode.objects.filter(pk=code.pk).update(uses=F("uses") + 1)
    code.uses += 1
    return code


def business_profile_review(*, profile_id: int, actor, verify: bool, note: str = "") -> BusinessProfile:
    """An organizer verifies or rejects a profile (a rejection says why; the buyer sees it)."""
    _require_organizer(actor)
    note = " ".join((note or "").split())
    if not verify and not note:
        raise ApplicationError(_("Hãy ghi lý do không xác minh."), code="invalid", fields={"note": _("Hãy ghi lý do.")})
    if len(note) > 300:
        raise ApplicationError(_("Lý do dài quá 300 ký tự."), code="invalid", fields={"note": "300"})
    with transaction.atomic():
        profile = BusinessProfile.objects.select_for_update().filter(pk=profile_id).first()
        if profile is None:
            raise ApplicationError(_("Không tìm thấy hồ sơ doanh nghiệp."), code="not_found", status=404)
        profile.state = BusinessProfile.State.VERIFIED if verify else BusinessProfile.State.REJECTED
        profile.reviewed_by, profile.reviewed_at, profile.review_note = actor, timezone.now(), note
        profile.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    return profile


def business_profiles_for_review(*, state: str | None = BusinessProfile.State.PENDING):
    """The organizers' list: oldest first (who waits longest comes first)."""
    profiles = BusinessProfile.objects.select_related("user", "reviewed_by", "invite_code").order_by("created_at", "pk")
    return profiles.filter(state=state) if state else profiles


# ----------------------------------------------------------------------------- invite codes


def invite_code_create(
    *, actor, kind: str = BusinessProfile.Kind.DISTRIBUTOR, max_uses: int = 1, days_valid: int = 30
) -> InviteCode:
    """An organizer makes an invite code (``CDM-XXXX-XXXX``), valid ``days_valid`` days."""
    _require_organizer(actor)
    if kind not in BusinessProfile.Kind.values:
        raise ApplicationError(_("Hãy chọn nhà phân phối hoặc nhà bán lẻ."), code="invalid", fields={"kind": ""})
    if not isinstance(max_uses, int) or not 1 <= max_uses <= 500:
        raise ApplicationError(_("Số lần dùng từ 1 đến 500."), code="invalid", fields={"max_uses": ""})
    if not isinstance(days_valid, int) or not 1 <= days_valid <= 365:
        raise ApplicationError(_("Thời hạn từ 1 đến 365 ngày."), code="invalid", fields={"days_valid": ""})
    for _attempt in range(5):
        raw = "CDM-" + "-".join("".join(secrets.choice(INVITE_ALPHABET) for _ in range(4)) for _ in range(2))
        if not InviteCode.objects.filter(code=raw).exists():
            break
    return InviteCode.objects.create(
        code=raw, kind=kind, created_by=actor, max_uses=max_uses, expires_at=timezone.now() + timedelta(days=days_valid)
    )


# ----------------------------------------------------------------------------- cross-selling


def cross_selling_q(*, order_prefix: str = "") -> Q:
    """``Order`` filter: the buyer is a member (owner or staff) of some vendor, and not of the
    order's own vendor — a vendor buying from another vendor.

    ``Order.objects.filter(cross_selling_q())``; from ``OrderLine`` pass ``order_prefix="order__"``.
    """
    member_elsewhere = VendorMember.objects.filter(user_id=OuterRef(f"{order_prefix}buyer_id")).exclude(
        vendor_id=OuterRef(f"{order_prefix}vendor_id")
    )
    member_here = VendorMember.objects.filter(
        user_id=OuterRef(f"{order_prefix}buyer_id"), vendor_id=OuterRef(f"{order_prefix}vendor_id")
    )
    return Q(Exists(member_elsewhere)) & ~Q(Exists(member_here))


def order_is_cross_selling(order) -> bool:
    memberships = set(VendorMember.objects.filter(user_id=order.buyer_id).values_list("vendor_id", flat=True))
    return bool(memberships) and order.vendor_id not in memberships
