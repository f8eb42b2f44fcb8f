"""The weekly market in Wagtail: the home page's "next session" comes from the published timetable,
and organizers find the sessions' timetable editor from the admin menu.

``cms.selectors.next_market_session`` asks the ``next_market_session`` hook first and falls back
to the session typed on the HomePage only when no session is published.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("next_market_session")
def next_published_session(request):
    from market.selectors import next_session

    session = next_session()
    if session is None:
        return None
    stalls = session.slots.count()
    description = _("%(n)d gian hàng, %(stages)d sân khấu.") % {"n": stalls, "stages": session.stages}
    if session.theme:
        description = _("Chủ đề: %(theme)s. ") % {"theme": session.theme} + description
    return {
        "title": session.title,
        "starts_at": session.starts_at,
        "place": _("Trực tuyến, sảnh chợ đêm trên mây"),
        "description": description,
        "url": reverse("market:lobby", kwargs={"session_id": session.pk}),
        "is_past": False,
    }


class _OrganizerMenuItem(MenuItem):
    def is_shown(self, request):
        from vendors.permissions import is_organizer

        return is_organizer(request.user)


@hooks.register("register_admin_menu_item")
def market_sessions_menu_item():
    return _OrganizerMenuItem(
        gettext_lazy("Phiên chợ đêm"), reverse("market:session_list"), icon_name="date", order=260
    )
