"""Organizers manage live shows, banned words and the report queue in the Wagtail admin."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from live.models import BannedWord, Report, Show


class ShowViewSet(SnippetViewSet):
    model = Show
    icon = "media"
    menu_label = _("Buổi livestream")
    list_display = ["title", "host", "scheduled_start", "state", "audience"]
    list_filter = ["state", "audience"]
    search_fields = ["title"]


class BannedWordViewSet(SnippetViewSet):
    """Matching ignores diacritics and case: "lừa đảo" also refuses "LUA DAO"."""

    model = BannedWord
    icon = "warning"
    menu_label = _("Từ cấm")
    list_display = ["phrase", "note", "created_at"]
    search_fields = ["phrase"]


class ReportViewSet(SnippetViewSet):
    model = Report
    icon = "flag"
    menu_label = _("Báo cáo vi phạm")
    list_display = ["room", "message_seq", "reporter", "reason", "status", "created_at"]
    list_filter = ["status"]


class LiveViewSetGroup(SnippetViewSetGroup):
    items = (ShowViewSet, BannedWordViewSet, ReportViewSet)
    menu_icon = "media"
    menu_label = _("Phòng livestream")
    menu_name = "live"


register_snippet(LiveViewSetGroup)
