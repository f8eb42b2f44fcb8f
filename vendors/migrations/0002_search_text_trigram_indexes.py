"""On PostgreSQL, trigram GIN indexes let `search_text LIKE '% word%'` use an index.

SQLite has no index that helps a LIKE with a leading wildcard; there the folded
column is scanned (fast enough for the program's ~1,000 products).
"""

from django.db import migrations

INDEXES = (
    ("vendors_product", "vendors_product_search_trgm"),
    ("vendors_vendor", "vendors_vendor_search_trgm"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("vendors", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
