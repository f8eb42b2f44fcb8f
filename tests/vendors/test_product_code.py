"""One product-code rule (core.product_codes): what a vendor can save, a buyer can order by chat."""

import string

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from config.errors import ApplicationError
from core.product_codes import NUMBER_LABELS, is_orderable, validate_product_code
from live.order_parser import OrderLine, OrderParser, parse_comment
from tests.vendors.conftest import PRODUCT_DATA, VENDOR_DATA
from vendors import services
from vendors.models import Product, Vendor

DEMO_CODES = ("B01", "G02", "T03", "O04", "B05")


def _accepted(code: str) -> bool:
    try:
        validate_product_code(code)
    except ValidationError:
        return False
    return True


@st.composite
def codes_in_the_rule(draw):
    """Any stored code the rule's shape allows: 1–7 letters, 1–7 digits, 8 characters at most."""
    letters = draw(st.text(string.ascii_uppercase, min_size=1, max_size=7))
    digits = draw(st.text(string.digits, min_size=1, max_size=8 - len(letters)))
    return letters + digits


@pytest.mark.django_db
def test_the_vendors_form_refuses_a_code_no_buyer_can_order(client, vendor_user):
    client.force_login(vendor_user)
    client.post(reverse("vendors:create"), VENDOR_DATA)
    vendor = Vendor.objects.get()
    url = reverse("vendors:product_create", kwargs={"slug": vendor.slug})
    response = client.post(url, {**PRODUCT_DATA, "code": "BUOI"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mã sản phẩm là chữ cái in hoa rồi đến chữ số" in html and "chốt B01 2" in html
    response = client.post(url, {**PRODUCT_DATA, "code": "SO1"})  # "số 1" is read as a house number
    assert "Mã SO1 bắt đầu bằng “SO”" in response.content.decode()
    assert not Product.objects.exists()
    response = client.post(url, {**PRODUCT_DATA, "code": "b01"})  # typed in lower case: stored as B01
    assert response.status_code == 302
    assert list(Product.objects.values_list("code", flat=True)) == ["B01"]


@pytest.mark.django_db
def test_the_service_refuses_the_same_codes_for_the_api_and_edits(vendor, vendor_user, product):
    for bad in ("BUOI", "B01A", "1B", "GIA5", "BUOIDO123"):
        with pytest.raises(ApplicationError) as refused:
            services.product_update(product=product, actor=vendor_user, **{**PRODUCT_DATA, "code": bad})
        assert "code" in refused.value.fields, bad
    product.refresh_from_db()
    assert product.code == "B01"


@pytest.mark.parametrize("code", [*DEMO_CODES, "SP12", "OCOP005", "B1", "X9999999"])
def test_the_demo_catalogue_and_usual_codes_pass(code):
    validate_product_code(code)
    assert parse_comment(f"chốt {code} 2", offered_codes=[code]).lines == (OrderLine(code, 2),)


@pytest.mark.parametrize("code", ["BUOI", "123", "B01A", "B-01", "b01", "ĐC01", "ABCDEFGH1", "B12345678", *[
    label.upper() + "1" for label in sorted(NUMBER_LABELS) if " " not in label
]])
def test_codes_outside_the_rule_are_refused_by_the_validator_and_the_parser_alike(code):
    with pytest.raises(ValidationError):
        validate_product_code(code)
    if code not in ("b01", "B-01", "ĐC01"):  # spellings of B01 and DC01 a buyer may type; stored as B01, DC01
        with pytest.raises(ValueError):
            OrderParser([code])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(codes_in_the_rule())
@example("B01")
@example("KM1")
@example("TT10")
def test_every_code_the_rule_accepts_is_ordered_by_chat(code):
    """'chốt <code> 2' in lower case without diacritics orders two of it, alone or among the demo's codes."""
    if not _accepted(code):
        assert not is_orderable(code)  # the validator and the parser's check are one rule
        with pytest.raises(ValueError):
            OrderParser([code])
        return
    assert is_orderable(code)
    comment = f"chot {code.lower()} 2"
    assert parse_comment(comment, offered_codes=[code]).lines == (OrderLine(code, 2),)
    assert parse_comment(comment, offered_codes={code, *DEMO_CODES}).lines == (OrderLine(code, 2),)
