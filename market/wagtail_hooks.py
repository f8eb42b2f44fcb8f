"""The weekly market in Wagtail: the home page's "next session" comes from the published timetable.

``cms.selectors.next_market_session`` asks the ``next_market_session`` hook first and falls back
to the session typed on the HomePage only when no session is published.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks


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
