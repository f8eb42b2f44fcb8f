"""Reactions to page changes in the course tree."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from courses.models import CourseIndexPage


@receiver(post_save, sender=CourseIndexPage, dispatch_uid="courses.grant_instructors_on_index")
def grant_instructors_on_new_index(sender, instance, created, raw=False, **kwargs):
    """A new catalogue (from the admin or the demo seed) is editable by instructors at once."""
    if created and not raw:
        from courses.services import course_index_grant_instructors

        course_index_grant_instructors(index_page=instance)
