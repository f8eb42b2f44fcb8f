"""Who may do what with a vendor. Services call these; views only translate the refusal.

Organizers (the ``organizer`` group) review every dossier; a vendor's members
(owner, staff) manage its profile, products and documents; only the owner invites.
Nobody reviews a document of a vendor they belong to.
"""

from django.utils.translation import gettext as _
from rest_framework import status

from accounts.roles import Role
from config.errors import ApplicationError
from vendors.models import MemberRole, Vendor, VendorMember


def is_organizer(user) -> bool:
    return bool(user and user.is_authenticated and user.groups.filter(name=Role.ORGANIZER).exists())


def member_role(user, vendor: Vendor) -> str | None:
    if not (user and user.is_authenticated):
        return None
    return VendorMember.objects.filter(vendor=vendor, user=user).values_list("role", flat=True).first()


def can_view_dossier(user, vendor: Vendor) -> bool:
    return member_role(user, vendor) is not None or is_organizer(user)


def require_member(user, vendor: Vendor) -> str:
    """The user's role in ``vendor``; refuses anyone who is not one of its members."""
    role = member_role(user, vendor)
    if role is None:
        raise ApplicationError(
            _("Bạn không phải thành viên của chủ thể này."), code="not_member", status=status.HTTP_403_FORBIDDEN
        )
    return role


def require_owner(user, vendor: Vendor) -> None:
    if require_member(user, vendor) != MemberRole.OWNER:
        raise ApplicationError(
            _("Chỉ chủ sở hữu mới làm được việc này."), code="not_owner", status=status.HTTP_403_FORBIDDEN
        )


def require_organizer(user) -> None:
    if not is_organizer(user):
        raise ApplicationError(
            _("Chỉ ban tổ chức mới duyệt được hồ sơ."), code="not_organizer", status=status.HTTP_403_FORBIDDEN
        )


# Who may see a product's wholesale tiers: its vendor's members, and whom a later app says
# (the weekly market registers its verified distributors and retailers); vendors imports none.
_tier_viewers: list = []


def tier_viewer_register(resolver) -> None:
    """``resolver(user, product)`` returns the tiers this user may see, or ``None`` (no opinion)."""
    if resolver not in _tier_viewers:
        _tier_viewers.append(resolver)


def visible_price_tiers(user, product) -> list:
    """The wholesale tiers ``user`` may see of ``product`` (none for the public)."""
    if member_role(user, product.vendor) is not None:
        return list(product.price_tiers.all())
    for resolver in _tier_viewers:
        tiers = resolver(user, product)
        if tiers is not None:
            return list(tiers)
    return []
