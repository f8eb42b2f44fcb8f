"""Promotion in the Wagtail admin: the organizers edit the criteria; decisions are read-only here.

Imported from ``PracticeMarketConfig.ready`` (``wagtail_hooks.py`` holds the scenarios).
The criteria are one row: "add" is offered only while none exists, and never "delete".
Decisions (approve, decline, revoke) are taken on the site with a reason, where they are
audited; the admin only shows them.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.roles import Role
from practice_market.models import Promotion, PromotionCriteria


def _organizer(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(Role.ORGANIZER))


class CriteriaPermissionPolicy(ModelPermissionPolicy):
    """Organizers edit the criteria (one row); nobody deletes them."""

    def user_has_permission(self, user, action):
        if not _organizer(user):
            return False
        if action == "add":
            return not PromotionCriteria.objects.exists()
        return action in ("view", "change")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class PromotionCriteriaViewSet(SnippetViewSet):
    model = PromotionCriteria
    icon = "tasks"
    menu_label = _("Tiêu chí lên chợ đêm")
    menu_order = 320
    add_to_admin_menu = True
    list_display = [
        "__str__",
        "min_shows",
        "min_score",
        "require_hardest",
        "require_verified_vendor",
        "require_verified_product",
        "require_endorsement",
        "updated_at",
    ]


class PromotionPermissionPolicy(ModelPermissionPolicy):
    """Decisions are read here, taken on the site (with a reason, audited)."""

    def user_has_permission(self, user, action):
        return _organizer(user) and action == "view"

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class PromotionViewSet(SnippetViewSet):
    model = Promotion
    icon = "history"
    menu_label = _("Quyết định lên chợ đêm")
    menu_order = 321
    add_to_admin_menu = True
    inspect_view_enabled = True
    inspect_view_fields = ["trainee", "vendor", "state", "reason", "evidence", "decided_by", "decided_at"]
    list_display = ["vendor", "trainee", "state", "decided_at", "decided_by"]
    list_filter = ["state"]


register_permission_policy(PromotionCriteria, CriteriaPermissionPolicy(PromotionCriteria))
register_snippet(PromotionCriteriaViewSet)
register_permission_policy(Promotion, PromotionPermissionPolicy(Promotion))
register_snippet(PromotionViewSet)


class _OrganizersMenuItem(MenuItem):
    def is_shown(self, request):
        return _organizer(request.user)


@hooks.register("register_admin_menu_item")
def promotion_queue_menu_item():
    return _OrganizersMenuItem(
        _("Xét lên chợ đêm"), reverse("practice_market:promotion_queue"), icon_name="pick", order=322
    )


class _InstructorsMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or user.has_role(Role.INSTRUCTOR))


@hooks.register("register_admin_menu_item")
def endorse_menu_item():
    return _InstructorsMenuItem(
        _("Đề cử lên chợ đêm"), reverse("practice_market:endorse_list"), icon_name="user", order=323
    )
