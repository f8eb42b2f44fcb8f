"""Who may do what: look behind a show's counter (its orders, analytics, replay), act in its room."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from live.models import Show
from live.owners import owner_for
from live.selectors import Participant
from selling.errors import SellingError
from vendors.permissions import is_organizer


def may_see_show_business(user, show: Show) -> bool:
    """The host and co-hosts who ran it, organizers and staff who oversee it; never its buyers."""
    return bool(user.is_staff or owner_for(show).may_host(user, show) or is_organizer(user))


def show_for_business(request, show_id: int) -> Show:
    show = get_object_or_404(Show.objects.select_related("host"), pk=show_id)
    if not may_see_show_business(request.user, show):
        raise PermissionDenied(_("Chỉ người dẫn, đồng dẫn và ban tổ chức mới xem được trang này của buổi phát."))
    return show


def require_login(actor: Participant, message=None) -> None:
    """A room action that needs a logged-in participant (``auth_required`` otherwise)."""
    if actor.user_id is None:
        raise SellingError.AUTH_REQUIRED.error(message)


def require_host(actor: Participant, message) -> None:
    """A room action for the show's host and co-hosts only (``forbidden`` otherwise, saying who may)."""
    if not actor.may_host:
        raise SellingError.FORBIDDEN.error(message)
