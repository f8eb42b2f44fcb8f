"""The history refuses UPDATE and DELETE at the database (see ``orders.history_guard``)."""

from django.db import migrations


def install(apps, schema_editor):
    from orders import history_guard

    history_guard.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
