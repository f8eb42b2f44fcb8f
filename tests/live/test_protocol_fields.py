"""A malformed frame is refused with each wrong field named in the user's language (pydantic speaks English only)."""

import pytest
from django.utils import translation

from live import protocol as p


def _fields(text: str) -> dict:
    with pytest.raises(p.ProtocolError) as exc:
        p.parse_inbound(text)
    assert exc.value.code == "bad_message"
    return exc.value.fields


@pytest.mark.parametrize(
    "frame, vietnamese, english",
    [
        ('{"v":1,"type":"reaction","kind":"heart","count":1000}', {"count": "Tối đa là 50."}, {"count": "At most 50."}),
        ('{"v":1,"type":"chat.send"}', {"text": "Thiếu trường này."}, {"text": "This field is required."}),
        ('{"v":1,"type":"chat.send","text":5}', {"text": "Phải là chữ hợp lệ."}, {"text": "Must be valid text."}),
        ('{"v":1,"type":"chat.send","text":"a","extra":1}', {"extra": "Trường này không được gửi kèm."},
         {"extra": "This field is not allowed."}),
        ('{"v":1,"type":"sale.buy","sale_id":3,"quantity":1,"unit_price":99000,"key":"short"}',
         {"key": "Quá ngắn: ít nhất 8."}, {"key": "Too short: at least 8."}),
        ('{"v":1,"type":"sale.buy","sale_id":3,"quantity":"2","unit_price":99000,"key":"tap-00000001"}',
         {"quantity": "Phải là một số nguyên."}, {"quantity": "Must be a whole number."}),
    ],
)
def test_each_wrong_field_is_named_in_the_users_language(frame, vietnamese, english):
    with translation.override("vi"):
        assert _fields(frame) == vietnamese
    with translation.override("en"):
        assert _fields(frame) == english


def test_the_flash_sale_form_sent_without_a_product_says_so_in_vietnamese():
    with translation.override("vi"):
        fields = _fields(
            '{"v":1,"type":"sale.start","offer_id":0,"sale_price":90000,"quantity":5,"per_buyer_cap":1,'
            '"countdown_seconds":10,"duration_seconds":60}'
        )
    assert set(fields) == {"offer_id"}
    assert fields["offer_id"].startswith("Phải") and "Input" not in fields["offer_id"]
