"""The practice market's live rooms: ``owner_kind="practice"``; every order in them is a sandbox order.

Who may enter: the trainee, the classmates they invited, instructors and organizers
(practice is not public). Who may host: the trainee (and co-hosts the engine knows).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.roles import Role
from live import extensions, owners
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


class PracticeBanner(extensions.RoomExtension):
    """Every page of a practice room says it is practice: a banner on the viewer page and the
    console, and a note under the buyer's order card (``practice_market/shows/_room_banner.html``)."""

    def applies_to(self, show) -> bool:
        return show.owner_kind == OWNER_KIND

    def page_part(self, *, request, show, participant, console):
        from django.urls import reverse

        from practice_market.models import PracticeShow

        practice_id = PracticeShow.objects.filter(show=show).values_list("pk", flat=True).first()
        detail_url = reverse("practice_market:show_detail", args=[practice_id]) if practice_id else ""
        return extensions.PagePart(
            template="practice_market/shows/_room_banner.html",
            context={"detail_url": detail_url, "console": console},
            styles=("css/practice-shows.css",),
        )


extensions.register(PracticeBanner())
