"""Runs in the Wagtail admin: organizers manage every run, instructors only those they teach."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, EditView, HistoryView, SnippetViewSet

from accounts.roles import Role
from learning.models import CourseRun, Graduation


class CourseRunPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed for instructors to the runs they teach."""

    @staticmethod
    def _sees_all(user) -> bool:
        return user.is_superuser or user.has_role(Role.ORGANIZER)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return self._sees_all(user) or instance.instructors.filter(pk=user.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        return queryset if self._sees_all(user) else queryset.filter(instructors=user)


class _OwnRunsOnly:
    """Instructors reach only the runs they teach, whatever id they type in the URL."""

    def get_object(self, queryset=None):
        run = super().get_object(queryset)
        user = self.request.user
        if not CourseRunPermissionPolicy._sees_all(user) and not run.instructors.filter(pk=user.pk).exists():
            raise PermissionDenied
        return run


class CourseRunEditView(_OwnRunsOnly, EditView):
    pass


class CourseRunDeleteView(_OwnRunsOnly, DeleteView):
    pass


class CourseRunHistoryView(_OwnRunsOnly, HistoryView):
    pass


class CourseRunViewSet(SnippetViewSet):
    model = CourseRun
    icon = "group"
    menu_label = _("Lớp học")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "course", "starts_on", "ends_on", "seat_limit"]
    list_filter = ["course"]
    search_fields = ["name"]
    edit_view_class = CourseRunEditView
    delete_view_class = CourseRunDeleteView
    history_view_class = CourseRunHistoryView

    def get_queryset(self, request):
        queryset = CourseRun.objects.select_related("course")
        if request.user.is_superuser or request.user.has_role(Role.ORGANIZER):
            return queryset
        return queryset.filter(instructors=request.user)


register_permission_policy(CourseRun, CourseRunPermissionPolicy(CourseRun))
register_snippet(CourseRunViewSet)


class GraduationPermissionPolicy(ModelPermissionPolicy):
    """Graduations are recorded by the rules and revoked on the site with a reason: read-only here."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete", "copy"):
            return False
        return user.is_superuser or (user.has_role(Role.ORGANIZER) and super().user_has_permission(user, action))


class GraduationViewSet(SnippetViewSet):
    model = Graduation
    icon = "success"
    menu_label = _("Tốt nghiệp")
    menu_order = 220
    add_to_admin_menu = True
    inspect_view_enabled = True
    inspect_view_fields = ["code", "registration", "passed_at", "evidence", "revoked_at", "revoked_by", "revoke_reason"]
    list_display = ["code", "registration", "passed_at", "revoked_at"]
    list_filter = ["registration__run"]
    search_fields = ["code"]


register_permission_policy(Graduation, GraduationPermissionPolicy(Graduation))
register_snippet(GraduationViewSet)


@hooks.register("register_admin_menu_item")
def learning_verify_menu_item():
    return MenuItem(_("Xác minh chứng nhận"), reverse("learning:verify"), icon_name="tick-inverse", order=900)
