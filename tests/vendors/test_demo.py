"""The demo seed: the program's scale, quickly, and only once."""

import time

import pytest

from accounts import demo as accounts_demo
from vendors import demo
from vendors.districts import District
from vendors.models import Document, DocumentStatus, Product, Vendor
from vendors.selectors import ProductFilters, product_search

pytestmark = pytest.mark.django_db


def test_seed_builds_255_vendors_and_1054_products_in_seconds_and_is_idempotent():
    lines = []
    accounts_demo.seed(lines.append)
    started = time.monotonic()
    demo.seed(lines.append)
    elapsed = time.monotonic() - started
    assert elapsed < 30, elapsed
    assert Vendor.objects.count() == 255
    assert Product.objects.count() == 1054
    assert set(Vendor.objects.values_list("district", flat=True)) == set(District.values)
    stars = {n: Product.objects.filter(stars=n).count() for n in (3, 4, 5)}
    assert stars[3] > stars[4] > stars[5] > 0
    statuses = set(Document.objects.values_list("status", flat=True))
    assert {DocumentStatus.PENDING, DocumentStatus.REJECTED, DocumentStatus.APPROVED} <= statuses
    assert 0 < Product.objects.verified().count() < 1054
    # The demo vendor account owns the Đông Cao cooperative, whose pomelo is verified and found without diacritics.
    found = product_search(ProductFilters(query="buoi do dong cao"))[0]
    assert found.name == "Bưởi đỏ Đông Cao" and found.is_verified
    assert found.vendor.members.get().user.email == "chuthe@demo.chodem.vn"

    demo.seed(lines.append)
    assert Vendor.objects.count() == 255 and Product.objects.count() == 1054
