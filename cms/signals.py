"""Keep the folded search text in step with pages (connected in CmsConfig.ready)."""

from django.db.models.signals import post_save
from wagtail.models import Page


def _page_saved(sender, instance, raw=False, **kwargs):
    # Every page type is a subclass of Page; one receiver for all of them.
    if raw or not isinstance(instance, Page):
        return
    from cms.services import page_search_text_update

    page_search_text_update(page_id=instance.pk)


def connect():
    post_save.connect(_page_saved, dispatch_uid="cms.page_search_text")
