"""Writes for course authoring."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.roles import Role
from accounts.services import grant_page_permissions


@transaction.atomic
def course_index_grant_instructors(*, index_page) -> None:
    """Let instructors add, edit and publish pages under this course catalogue (and nowhere else).

    Page permissions in Wagtail are per subtree: granting them on the catalogue gives
    instructors every course and lesson below it while the home page, news and
    settings stay with organizers (who hold the root). Idempotent.
    """
    group, _ = Group.objects.get_or_create(name=Role.INSTRUCTOR.value)
    grant_page_permissions(group=group, page=index_page, codenames=("add_page", "change_page", "publish_page"))
