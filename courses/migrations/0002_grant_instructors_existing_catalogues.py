"""Catalogues created before the post_save signal existed get the instructor page permissions too."""

from django.db import migrations

CODENAMES = ("add_page", "change_page", "publish_page")


def grant(apps, schema_editor):
    CourseIndexPage = apps.get_model("courses", "CourseIndexPage")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    indexes = list(CourseIndexPage.objects.all())
    if not indexes:
        return
    group, _ = Group.objects.get_or_create(name="instructor")
    permissions = Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=CODENAMES)
    for index in indexes:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page_id=index.pk, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
