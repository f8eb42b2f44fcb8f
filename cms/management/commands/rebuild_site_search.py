"""`manage.py rebuild_site_search`: rebuild the diacritic-free page index of the site search.

Pages are re-indexed on every save; run this after a bulk import that bypassed
``save()`` (``raw`` fixtures, SQL) or once when installing on an existing page tree.
"""

from django.core.management.base import BaseCommand

from cms.services import page_search_text_rebuild


class Command(BaseCommand):
    help = "Rebuild the folded (diacritic-free) search text of every page."

    def handle(self, *args, **options):
        count = page_search_text_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{count} pages indexed for site search"))
