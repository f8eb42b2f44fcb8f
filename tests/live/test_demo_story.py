"""The demo tells one story (issue 15, item 12): the home page announces the show that is
scheduled, the host quotes the catalogue's price, vendors sell what their trade makes, and
dates follow the day the demo is seeded."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from wagtail.models import Site

from core.money import format_vnd
from live import demo as live_demo
from live.models import RoomEvent, Show
from tests.cms.builders import wagtail_initial_tree
from vendors import demo as vendors_demo
from vendors.models import Document, DocumentStatus, Product, Vendor


class DemoStoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        wagtail_initial_tree()
        call_command("seed_demo", only=["accounts", "cms", "vendors", "live"], stdout=io.StringIO())

    def test_the_home_page_announces_the_scheduled_show_and_lists_it(self):
        home = Site.objects.get(is_default_site=True).root_page.specific
        scheduled = Show.objects.get(title=live_demo.SCHEDULED_TITLE)
        assert scheduled.scheduled_start == home.next_session_starts_at
        local = timezone.localtime(scheduled.scheduled_start)
        assert (local.weekday(), local.hour, local.minute) == (4, 19, 30)  # Friday 19:30
        assert timedelta(0) < scheduled.scheduled_start - timezone.now() <= timedelta(days=7)
        html = self.client.get("/").content.decode()
        announced = html[html.index('data-testid="next-session"') :]
        assert local.strftime("%d/%m/%Y 19:30") in announced
        listed = html[html.index('data-testid="home-live"') : html.index('data-testid="next-session"')]
        assert scheduled.title in listed and local.strftime("%d/%m/%Y 19:30") in listed

    def test_the_host_quotes_the_catalogue_price(self):
        live = Show.objects.get(title=live_demo.LIVE_TITLE)
        b01 = Product.objects.get(vendor__members__user=live.host, code="B01")
        quotes = [e.payload["text"] for e in RoomEvent.objects.filter(room=live.room, kind="chat") if "₫" in e.payload["text"]]
        assert quotes and all(format_vnd(b01.price) in text for text in quotes)
        assert live.scheduled_start <= timezone.now() < live.scheduled_end <= timezone.now() + timedelta(hours=2)

    def test_vendors_sell_what_their_trade_makes(self):
        kindred = {group: {group, *others} for group, others in vendors_demo.KINDRED_GROUPS.items()}
        for vendor in Vendor.objects.prefetch_related("products"):
            groups = [p.group for p in vendor.products.all()]
            theme = next(p.group for p in vendor.products.all() if p.code.endswith("01"))
            assert set(groups) <= kindred[theme], (vendor.legal_name, [p.name for p in vendor.products.all()])
        # The review queue: each pending certificate belongs to its product's own vendor.
        pending = Document.objects.filter(status=DocumentStatus.PENDING, product__isnull=False).select_related("product")
        assert pending.exists() and all(d.vendor_id == d.product.vendor_id for d in pending)

    def test_a_second_seed_a_week_later_moves_the_show_and_the_session_to_the_next_friday(self):
        scheduled = Show.objects.get(title=live_demo.SCHEDULED_TITLE)
        week = timedelta(days=7)
        Show.objects.filter(pk=scheduled.pk).update(
            scheduled_start=scheduled.scheduled_start - week, scheduled_end=scheduled.scheduled_end - week
        )
        home = Site.objects.get(is_default_site=True).root_page.specific
        home.next_session_starts_at -= week
        home.save_revision().publish()
        call_command("seed_demo", only=["cms", "live"], stdout=io.StringIO())
        scheduled.refresh_from_db()
        home = Site.objects.get(is_default_site=True).root_page.specific
        assert scheduled.scheduled_start > timezone.now()
        assert scheduled.scheduled_start == home.next_session_starts_at
