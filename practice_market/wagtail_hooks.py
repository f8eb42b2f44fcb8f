"""Scenarios in the Wagtail admin: instructors author the scripted audience (personas and beats).

The form refuses a scenario that cannot be played, with every reason in Vietnamese at the
top of the form (``practice_market.scenarios.scenario_problems``: a broken timeline, an
unknown persona, an unknown placeholder, an order beat that is no order). Instructors and
organizers may add, edit and delete scenarios; nobody else sees them here. A scenario
that has been played is kept (its runs and scores point at it): unpublish it instead.
(``wagtail_hooks_promotion.py`` holds the promotion criteria.)
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.roles import Role
from practice_market.models import Scenario
from practice_market.scenarios import scenario_problems


def _author(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(Role.INSTRUCTOR) or user.has_role(Role.ORGANIZER))


class ScenarioPermissionPolicy(ModelPermissionPolicy):
    """Instructors and organizers author scenarios; a scenario already played is never deleted."""

    def user_has_permission(self, user, action):
        return _author(user) and action in ("add", "change", "delete", "view")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.runs.exists():
            return False
        return self.user_has_permission(user, action)


def _rows(formset) -> list[dict]:
    """The rows the formset will save (deleted and empty extra rows left out)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        rows.append(data)
    return rows


class ScenarioForm(WagtailAdminModelForm):
    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            return False
        problems = scenario_problems(
            personas=_rows(self.formsets["personas"]),
            beats=_rows(self.formsets["beats"]),
            duration_seconds=self.cleaned_data.get("duration_seconds") or 0,
        )
        for problem in problems:
            self.add_error(None, problem)
        return not problems


class ScenarioViewSet(SnippetViewSet):
    model = Scenario
    icon = "group"
    menu_label = _("Kịch bản khán giả")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["title", "difficulty", "duration_seconds", "no_diacritics_percent", "is_published", "updated_at"]
    list_filter = ["difficulty", "is_published"]
    search_fields = ["title"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("title"),
                    FieldPanel("description"),
                    FieldRowPanel([FieldPanel("difficulty"), FieldPanel("duration_seconds")]),
                    FieldRowPanel([FieldPanel("no_diacritics_percent"), FieldPanel("is_published")]),
                ],
                heading=_("Kịch bản"),
            ),
            InlinePanel(
                "personas",
                heading=_("Nhân vật"),
                label=_("Nhân vật"),
                min_num=1,
                panels=[FieldRowPanel([FieldPanel("key"), FieldPanel("name"), FieldPanel("manner")])],
            ),
            InlinePanel(
                "beats",
                heading=_("Dòng thời gian"),
                label=_("Nhịp"),
                min_num=1,
                help_text=_(
                    "Mỗi nhịp: lúc bao nhiêu giây, nhân vật nào làm gì, và người dẫn cần làm gì trong bao lâu. "
                    "Nội dung có thể dùng {code}, {name}, {price}, {product}, {host} và {code2}, {name2}… "
                    "Với “Mua trong flash sale”, nội dung là số suất muốn mua (mặc định 1)."
                ),
                panels=[
                    FieldRowPanel([FieldPanel("at_seconds"), FieldPanel("persona_key"), FieldPanel("action")]),
                    FieldPanel("text"),
                    FieldRowPanel([FieldPanel("expect"), FieldPanel("expect_within_seconds")]),
                ],
            ),
        ],
        base_form_class=ScenarioForm,
    )


register_permission_policy(Scenario, ScenarioPermissionPolicy(Scenario))
register_snippet(ScenarioViewSet)
