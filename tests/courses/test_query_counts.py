"""The course catalogue (page and API) runs the same queries however many courses have a cover picture."""

import io

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.images.models import Image

from courses.models import CoursePage
from tests.courses.trees import build_course_tree

pytestmark = pytest.mark.django_db


def cover(n: int) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 36), (30, n * 40 % 255, 90)).save(buffer, format="PNG")
    return Image.objects.create(title=f"Bìa {n}", file=ImageFile(buffer, name=f"bia-{n}.png"))


def cold_cache_queries(client, url: str) -> int:
    client.get(url)  # renditions now exist in the database
    cache.clear()  # ... but not in the cache: a fresh worker or an evicted cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_courses(index, count: int, start: int) -> None:
    for n in range(start, start + count):
        index.add_child(
            instance=CoursePage(
                title=f"Khóa {n}", slug=f"khoa-{n}", summary="Tóm tắt", learning_outcomes="<p>x</p>", cover_image=cover(n)
            )
        )


def test_catalogue_queries_do_not_grow_with_cover_pictures(client):
    tree = build_course_tree()
    urls = (tree.index.url, "/api/v1/courses/")
    add_courses(tree.index, 1, start=0)
    few = {url: cold_cache_queries(client, url) for url in urls}
    add_courses(tree.index, 4, start=10)
    many = {url: cold_cache_queries(client, url) for url in urls}
    assert many == few
