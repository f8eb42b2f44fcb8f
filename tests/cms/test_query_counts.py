"""List pages must not run one query per card: news thumbnails come from one prefetch, even on a cold cache."""

import io

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.images.models import Image

from cms.models import NewsPage
from tests.cms.builders import seeded_site

pytestmark = pytest.mark.django_db


def image(n: int) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 36), (n * 40 % 255, 90, 30)).save(buffer, format="PNG")
    return Image.objects.create(title=f"Ảnh {n}", file=ImageFile(buffer, name=f"tin-{n}.png"))


def cold_cache_queries(client, url: str) -> int:
    client.get(url)  # renditions now exist in the database
    cache.clear()  # ... but not in the cache: a fresh worker or an evicted cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_news(news_index, count: int, start: int) -> None:
    for n in range(start, start + count):
        news_index.add_child(instance=NewsPage(title=f"Tin phiên chợ {n}", slug=f"tin-{n}", intro="Tóm tắt", image=image(n)))


def test_news_list_and_home_run_the_same_queries_however_many_cards_have_pictures(client):
    tree = seeded_site()
    add_news(tree.news_index, 2, start=0)
    few = {url: cold_cache_queries(client, url) for url in ("/", tree.news_index.url)}
    add_news(tree.news_index, 5, start=10)
    many = {url: cold_cache_queries(client, url) for url in ("/", tree.news_index.url)}
    assert many == few
