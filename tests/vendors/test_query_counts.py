"""Regression guard: the directory, product list, site search and review queue run a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.vendors.conftest import PRODUCT_DATA, VENDOR_DATA, upload
from vendors import services
from vendors.models import DocumentKind

pytestmark = pytest.mark.django_db

URLS = ("/chu-the/", "/chu-the/san-pham/", "/chu-the/san-pham/?q=buoi", "/chu-the/duyet/", "/tim-kiem/?q=buoi")


def add_vendors(make_user, start: int, count: int) -> None:
    for n in range(start, start + count):
        owner = make_user(f"chuthe{n}@x.vn", roles=["vendor"])
        vendor = services.vendor_create(
            user=owner, **{**VENDOR_DATA, "legal_name": f"HTX Bưởi số {n}", "registration_number": f"0100{n:06d}"}
        )
        for code in ("B01", "B02"):
            product = services.product_create(
                vendor=vendor, actor=owner, **{**PRODUCT_DATA, "code": code, "name": f"Bưởi đỏ {n} {code}"}
            )
            services.photo_add(vendor=vendor, actor=owner, product=product, upload=_png())
        services.document_upload(vendor=vendor, actor=owner, kind=DocumentKind.ORIGIN, issued_on=_day(), upload=upload())


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.vendors.conftest import png_bytes

    return SimpleUploadedFile("anh.png", png_bytes())


def _day():
    import datetime

    return datetime.date(2025, 1, 2)


def queries(client) -> dict[str, int]:
    counts = {}
    for url in URLS:
        client.get(url)  # warm the session and per-request caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
    return counts


def test_list_pages_do_not_run_a_query_per_row(client, make_user, organizer_user):
    client.force_login(organizer_user)
    add_vendors(make_user, 0, 1)
    few = queries(client)
    add_vendors(make_user, 1, 4)
    assert queries(client) == few


def test_saving_a_vendor_profile_does_not_run_a_query_per_product(vendor, vendor_user):
    """Renaming a producer refreshes every product's search text in one statement, whatever the catalogue size."""
    from vendors.models import Product

    def save_profile() -> int:
        with CaptureQueriesContext(connection) as captured:
            services.vendor_update(vendor=vendor, actor=vendor_user, commune="Tráng Việt")
        return len(captured)

    services.product_create(vendor=vendor, actor=vendor_user, **PRODUCT_DATA)
    few = save_profile()
    for n in range(2, 7):
        services.product_create(vendor=vendor, actor=vendor_user, **{**PRODUCT_DATA, "code": f"B0{n}", "name": f"Bưởi {n}"})
    assert save_profile() == few
    services.vendor_update(vendor=vendor, actor=vendor_user, legal_name="HTX Cam Canh")
    assert all(" cam canh" in text for text in Product.objects.values_list("search_text", flat=True))
