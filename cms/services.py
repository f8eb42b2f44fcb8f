"""Writes of the cms app: the folded search text of pages.

``page_search_text_update`` runs after every save of any page (see ``cms.signals``)
and reads the page back from the database, like Wagtail's own indexer, so a draft
saved with ``save_revision`` never leaks into search: only the stored (live) content
is indexed. Pages opt out with a class attribute ``site_search_exclude = True`` (e.g.
lessons meant for enrolled learners only). The summary shown under a result comes
from the page's search description or a plain text field (intro, summary), never
from a StreamField body.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Page
from wagtail.search.index import AutocompleteField, RelatedFields, SearchField

from cms.models import PageSearchText
from core.text import fold

SUMMARY_LENGTH = 220


def _text_of(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _text_of(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _text_of(item)]
    return [str(value)]


def _field_texts(obj, field) -> list[tuple[str, str]]:
    """(field name, text) pairs of one search field, following related fields."""
    if isinstance(field, (SearchField, AutocompleteField)):
        return [(field.field_name, text) for text in _text_of(field.get_value(obj))]
    if isinstance(field, RelatedFields):
        related = field.get_value(obj)
        if related is None:
            return []
        related_objects = related.all() if hasattr(related, "all") else [related() if callable(related) else related]
        return [pair for item in related_objects for sub in field.fields for pair in _field_texts(item, sub)]
    return []


def _is_plain_text_field(page: Page, name: str) -> bool:
    """Summaries come from short plain fields (intro, summary), never from a page's body."""
    try:
        field = page._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return type(field) in (models.CharField, models.TextField)


def page_search_text_update(*, page_id: int) -> PageSearchText | None:
    """(Re)build the folded search text of one page from its stored content."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None or page.is_root():
        return None
    page = page.specific
    if getattr(page, "site_search_exclude", False):
        PageSearchText.objects.filter(page_id=page_id).delete()
        return None
    texts, seen = [], set()
    summary_candidates = []
    for field in page.get_search_fields():
        for name, raw in _field_texts(page, field):
            text = strip_tags(raw).strip()
            if not text or text in seen:
                continue
            seen.add(text)
            texts.append(text)
            if name != "title" and _is_plain_text_field(page, name):
                summary_candidates.append(text)
    summary = page.search_description or (summary_candidates[0] if summary_candidates else "")
    entry, _created = PageSearchText.objects.update_or_create(
        page_id=page_id,
        defaults={
            "title": fold(page.title),
            "text": fold(" ".join([page.title, page.search_description, *texts])),
            "summary": Truncator(" ".join(summary.split())).chars(SUMMARY_LENGTH),
        },
    )
    return entry


def page_search_text_rebuild() -> int:
    """Rebuild the folded text of every page (after a bulk import, or once on deploy)."""
    count = 0
    for page_id in Page.objects.filter(depth__gt=1).values_list("pk", flat=True).iterator():
        if page_search_text_update(page_id=page_id) is not None:
            count += 1
    return count
