"""The practice market's live rooms: ``owner_kind="practice"``; every order in them is a sandbox order.

Who may enter: the trainee, the classmates they invited, instructors and organizers
(practice is not public). Who may host: the trainee (and co-hosts the engine knows).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.roles import Role
from live import owners
from live.models import Show

OWNER_KIND = "practice"


class PracticeRoomOwner(owners.RoomOwner):
    sandbox = True

    def may_enter(self, user, show: Show) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if (
            user.pk == show.host_id
            or user.is_superuser
            or user.has_role(Role.INSTRUCTOR)
            or user.has_role(Role.ORGANIZER)
        ):
            return True
        from practice_market.models import PracticeInvite

        return PracticeInvite.objects.filter(practice_show__show=show, user=user).exists() or super().may_enter(
            user, show
        )

    def source_label(self, show: Show) -> str:
        return _("Thực hành: %(title)s") % {"title": show.title}


owners.register(OWNER_KIND, PracticeRoomOwner())
