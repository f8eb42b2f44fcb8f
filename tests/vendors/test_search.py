"""Search ignores diacritics and case, requires every word, and ranks name matches first.

The same tests run on SQLite (make test) and on PostgreSQL (DATABASE_URL=postgres://… in CI).
"""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import Role
from tests.vendors.conftest import PRODUCT_DATA, VENDOR_DATA
from vendors import services
from vendors.districts import District
from vendors.models import OcopGroup, Product
from vendors.selectors import ProductFilters, product_search, vendor_search
from vendors.wagtail_hooks import search_products_and_vendors

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(vendor, vendor_user, make_user):
    """Three vendors, products whose names and descriptions overlap on purpose."""
    pomelo = services.product_create(vendor=vendor, actor=vendor_user, **PRODUCT_DATA)
    candy = services.product_create(
        vendor=vendor, actor=vendor_user,
        **{**PRODUCT_DATA, "name": "Kẹo vỏ bưởi", "code": "K01", "stars": 5, "description": "Làm từ bưởi đỏ Đông Cao."},
    )
    tea_owner = make_user("che@example.vn", roles=[Role.VENDOR])
    tea_vendor = services.vendor_create(
        user=tea_owner,
        **{**VENDOR_DATA, "legal_name": "HTX Chè Ba Vì", "registration_number": "0102222222", "district": District.BA_VI,
           "commune": "Ba Trại", "address": "Xã Ba Trại, huyện Ba Vì", "story": "Chè trồng trên sườn núi Ba Vì."},
    )
    tea = services.product_create(
        vendor=tea_vendor, actor=tea_owner,
        **{**PRODUCT_DATA, "name": "Chè shan tuyết Ba Vì", "code": "C01", "group": OcopGroup.BEVERAGE, "stars": 3,
           "description": "Búp chè xanh.", "ingredients": "Chè", "origin": "Ba Vì"},
    )
    Product.objects.filter(pk=tea.pk).update(verified_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    return {"pomelo": pomelo, "candy": candy, "tea": tea}


def names(filters: ProductFilters) -> list[str]:
    return [p.name for p in product_search(filters)]


@pytest.mark.parametrize("query", ["buoi do dong cao", "BUOI DO DONG CAO", "Bưởi đỏ Đông Cao", "bưởi do đong cao", "  buoi   do "])
def test_diacritics_and_case_do_not_matter(catalogue, query):
    assert names(ProductFilters(query=query))[0] == "Bưởi đỏ Đông Cao"


def test_name_matches_rank_before_description_matches(catalogue):
    # Both mention "bưởi đỏ Đông Cao"; the candy only in its description, though it has more stars.
    assert names(ProductFilters(query="buoi do dong cao")) == ["Bưởi đỏ Đông Cao", "Kẹo vỏ bưởi"]


def test_every_word_must_match(catalogue):
    assert names(ProductFilters(query="buoi ba vi")) == []
    assert names(ProductFilters(query="che ba vi")) == ["Chè shan tuyết Ba Vì"]


def test_words_match_from_their_start_not_inside_other_words(catalogue):
    assert names(ProductFilters(query="uyet")) == []
    assert names(ProductFilters(query="shan tuy")) == ["Chè shan tuyết Ba Vì"]


def test_search_by_district_commune_and_livestream_code(catalogue):
    assert "Chè shan tuyết Ba Vì" in names(ProductFilters(query="ba trai"))
    assert names(ProductFilters(query="k01")) == ["Kẹo vỏ bưởi"]
    assert set(names(ProductFilters(query="me linh"))) == {"Bưởi đỏ Đông Cao", "Kẹo vỏ bưởi"}


def test_filters_combine_with_search(catalogue):
    assert names(ProductFilters(district=District.BA_VI)) == ["Chè shan tuyết Ba Vì"]
    assert names(ProductFilters(group=OcopGroup.FOOD, stars=5)) == ["Kẹo vỏ bưởi"]
    assert names(ProductFilters(verified_only=True)) == ["Chè shan tuyết Ba Vì"]
    assert names(ProductFilters(query="buoi", verified_only=True)) == []


def test_without_a_query_verified_and_higher_stars_come_first(catalogue):
    assert names(ProductFilters()) == ["Chè shan tuyết Ba Vì", "Kẹo vỏ bưởi", "Bưởi đỏ Đông Cao"]


def test_renaming_a_vendor_updates_its_products_search_text(catalogue, vendor, vendor_user):
    services.vendor_update(vendor=vendor, actor=vendor_user, **{**VENDOR_DATA, "legal_name": "HTX Nông sản Tráng Việt"})
    assert "Bưởi đỏ Đông Cao" in names(ProductFilters(query="nong san trang viet"))


def test_vendor_search_ignores_diacritics(catalogue):
    assert [v.legal_name for v in vendor_search(query="htx che ba vi")] == ["HTX Chè Ba Vì"]
    assert [v.legal_name for v in vendor_search(query="dong cao")] == ["HTX Bưởi đỏ Đông Cao"]


def test_site_search_hook_returns_the_product_for_a_query_without_diacritics(catalogue):
    request = RequestFactory().get("/tim-kiem/", {"q": "buoi do dong cao"})
    results = search_products_and_vendors(request, "buoi do dong cao")
    assert results[0]["title"] == "Bưởi đỏ Đông Cao"
    assert results[0]["url"] == catalogue["pomelo"].get_absolute_url()
    assert set(results[0]) == {"title", "url", "summary", "kind"}
    assert "120.000 ₫" in results[0]["summary"]
    assert any(r["title"] == "HTX Bưởi đỏ Đông Cao" for r in results)


def test_directory_page_and_api_use_the_same_search(client, catalogue):
    page = client.get(reverse("vendors:product_list"), {"q": "buoi do dong cao"})
    assert [p.name for p in page.context["products"]] == ["Bưởi đỏ Đông Cao", "Kẹo vỏ bưởi"]
    api = client.get("/api/v1/products/", {"search": "buoi do dong cao"}).json()
    assert [p["name"] for p in api["results"]] == ["Bưởi đỏ Đông Cao", "Kẹo vỏ bưởi"]


def test_vendors_whose_name_matches_rank_first(catalogue, vendor, vendor_user):
    # The pomelo cooperative mentions "chè" only in its story; the tea cooperative in its name.
    services.vendor_update(vendor=vendor, actor=vendor_user, **{**VENDOR_DATA, "story": "Cạnh đồi chè Ba Vì."})
    assert [v.legal_name for v in vendor_search(query="che ba vi")] == ["HTX Chè Ba Vì", "HTX Bưởi đỏ Đông Cao"]
