from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Học tập")

    def ready(self):
        post_migrate.connect(_grant_instructor_permissions, sender=self, dispatch_uid="learning.instructor_perms")


def _grant_instructor_permissions(sender, **kwargs):
    """Instructors see and edit their own runs in the admin (organizers hold every permission)."""
    from django.contrib.auth.models import Group, Permission

    from accounts.roles import Role

    group, _created = Group.objects.get_or_create(name=Role.INSTRUCTOR.value)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="learning", codename__in=["view_courserun", "change_courserun"])
    )
