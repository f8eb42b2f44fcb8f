"""The chat-order parser reads comments the way Vietnamese livestream buyers write them.

The table is the contract with the shop: each row is a comment a buyer could really type
(with and without diacritics, any case) and what the room must do with it.
"""

import time

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from live.order_parser import (
    MAX_COMMENT_CHARS,
    OrderLine,
    OrderParser,
    Problem,
    ProblemKind,
    parse_comment,
    problem_reply,
)

OFFERED = ("B01", "B02", "B03", "B04", "B05")
MAX = 50
UNKNOWN = ProblemKind.UNKNOWN_CODE
TOO_SMALL = ProblemKind.QUANTITY_TOO_SMALL
TOO_LARGE = ProblemKind.QUANTITY_TOO_LARGE
MISSING = ProblemKind.MISSING_CODE

# comment, kind, {code: quantity} in order, [(problem kind, code)]
TABLE = [
    # --- the issue's own examples
    ("chốt B01 2", "order", {"B01": 2}, []),
    ("chot b01 x2", "order", {"B01": 2}, []),
    ("B01 lấy 2", "order", {"B01": 2}, []),
    ("2 b01", "order", {"B01": 2}, []),
    ("em lấy 3 hộp B03 nha", "order", {"B03": 3}, []),
    ("em lay 3 hop b03 nha", "order", {"B03": 3}, []),
    # --- quantity spellings
    ("B01 x 2", "order", {"B01": 2}, []),
    ("B01*2", "order", {"B01": 2}, []),
    ("B01 sl 2", "order", {"B01": 2}, []),
    ("b01 sl: 4", "order", {"B01": 4}, []),
    ("số lượng 3 mã B02", "order", {"B02": 3}, []),
    ("2x B04", "order", {"B04": 2}, []),
    ("2 hộp B01", "order", {"B01": 2}, []),
    ("B02 3 nha shop", "order", {"B02": 3}, []),
    ("CHỐT B05 X3", "order", {"B05": 3}, []),
    ("chot b05 3 hop nhe", "order", {"B05": 3}, []),
    ("B01 2hop", "order", {"B01": 2}, []),
    ("b01x2", "order", {"B01": 2}, []),
    ("2b01", "order", {"B01": 2}, []),
    ("chốt B01", "order", {"B01": 1}, []),
    ("Chốttt b03", "order", {"B03": 1}, []),
    ("order B04 5", "order", {"B04": 5}, []),
    ("đặt hàng B03 4", "order", {"B03": 4}, []),
    ("cho em 2 hộp B01 với", "order", {"B01": 2}, []),
    ("em cần 2 hộp B01", "order", {"B01": 2}, []),
    ("lấy 2 b1", "order", {"B01": 2}, []),
    ("chốt b01 2 b02 3 b03 4", "order", {"B01": 2, "B02": 3, "B03": 4}, []),
    ("cho mình 1 B01 và 1 B02 nhé", "order", {"B01": 1, "B02": 1}, []),
    ("B01 để em 2 hộp nhé", "order", {"B01": 2}, []),
    ("em xin 2 B01", "order", {"B01": 2}, []),
    ("chốt B01 (2 hộp)", "order", {"B01": 2}, []),
    ("b01 =2", "order", {"B01": 2}, []),
    # --- number words
    ("hai hộp B01", "order", {"B01": 2}, []),
    ("em lấy B01 hai hộp", "order", {"B01": 2}, []),
    ("mot b01", "order", {"B01": 1}, []),
    ("ba hộp b02", "order", {"B02": 3}, []),
    ("mười hộp B02", "order", {"B02": 10}, []),
    ("một chục B01", "order", {"B01": 10}, []),
    ("mot chuc b02", "order", {"B02": 10}, []),
    ("B03 1 tá", "order", {"B03": 12}, []),
    ("chot b01 sau 2 ngay ship", "order", {"B01": 1}, []),  # "sau" is "after" here, "2 ngày" a delay
    ("chốt b02 năm hộp", "order", {"B02": 5}, []),
    ("B01 sáu hộp", "order", {"B01": 6}, []),
    ("lấy B01 hai", "order", {"B01": 1}, []),  # a number word alone after the code is not read (documented)
    # --- code spellings
    ("b 01 x2", "order", {"B01": 2}, []),
    ("#B01 2", "order", {"B01": 2}, []),
    ("B-01 3", "order", {"B01": 3}, []),
    ("b.02 x1", "order", {"B02": 1}, []),
    ("Ｂ０１ ２", "order", {"B01": 2}, []),  # full-width, as some phone keyboards type
    ("B01 ×2", "order", {"B01": 2}, []),
    ("B01 2️⃣", "order", {"B01": 2}, []),  # keycap emoji
    # --- several products in one comment
    ("B01 2 hộp, B03 1 túi", "order", {"B01": 2, "B03": 1}, []),
    ("B01 2 hộp B03 1 túi", "order", {"B01": 2, "B03": 1}, []),
    ("chốt B01 + B02", "order", {"B01": 1, "B02": 1}, []),
    ("chot b01 2 cai + b02 3 cai", "order", {"B01": 2, "B02": 3}, []),
    ("Lấy 1 B02 và 2 B04", "order", {"B02": 1, "B04": 2}, []),
    ("2 B01 3 B03", "order", {"B01": 2, "B03": 3}, []),
    ("B01 2 B03 1", "order", {"B01": 2, "B03": 1}, []),
    ("CHOT B01 X2 B02 X1", "order", {"B01": 2, "B02": 1}, []),
    ("B01 x2 B02 x3 B03", "order", {"B01": 2, "B02": 3}, []),  # no order verb: B03 needs its own quantity
    ("chốt B01 x2 B02 x3 B03", "order", {"B01": 2, "B02": 3, "B03": 1}, []),
    ("B01 2 hộp, B03 đẹp quá", "order", {"B01": 2}, []),
    ("Chốt đơn: B01 - 2 hộp; B02 - 1 hộp", "order", {"B01": 2, "B02": 1}, []),
    ("B01 B02 mỗi loại 2", "order", {"B01": 2, "B02": 2}, []),
    ("chot b04, b05 moi ma 3", "order", {"B04": 3, "B05": 3}, []),
    ("chốt B01, 2 hộp", "order", {"B01": 2}, []),
    # --- the same code twice: explicit quantities add up, bare mentions count once
    ("B01 2, B01 3", "order", {"B01": 5}, []),
    ("b01 2 b01 3", "order", {"B01": 5}, []),
    ("chốt B01 B01", "order", {"B01": 1}, []),
    ("chốt B01, B01 x2", "order", {"B01": 2}, []),
    # --- phone numbers are not quantities
    ("chốt B01 0912345678", "order", {"B01": 1}, []),
    ("B01 2 sđt 0912 345 678", "order", {"B01": 2}, []),
    ("chốt B01, sdt +84 912 345 678", "order", {"B01": 1}, []),
    ("chốt B01 84912345678", "order", {"B01": 1}, []),
    ("chốt B01 2 hộp 😍, giao 8h30 sáng mai, đt 0987.654.321", "order", {"B01": 2}, []),
    ("0912345678 B01", "chat", {}, []),
    # --- prices, weights, volumes, dates, addresses are not quantities
    ("B01 150k", "chat", {}, []),
    ("B01 150.000đ", "chat", {}, []),
    ("chốt B01 giá 150 nghìn", "order", {"B01": 1}, []),
    ("chốt B01 500g", "order", {"B01": 1}, []),
    ("chốt B01 2 hộp 500g", "order", {"B01": 2}, []),
    ("chốt B01 2l", "order", {"B01": 1}, []),
    ("chot b02 1kg", "order", {"B02": 1}, []),
    ("chốt B01 giao số 12 ngõ 34", "order", {"B01": 1}, []),
    ("số 12 ngõ 34 B01", "chat", {}, []),
    ("B01 2 hộp, em ở số 5 ngõ 10 Cầu Giấy", "order", {"B01": 2}, []),
    ("chốt b01 ship quận 7", "order", {"B01": 1}, []),
    ("lấy b01 lúc 8 giờ", "order", {"B01": 1}, []),
    ("B01 2 hộp 20/11 giao", "order", {"B01": 2}, []),
    ("chốt B01 năm 2025", "order", {"B01": 1}, []),
    ("chốt B01 hàng vụ 2025", "order", {"B01": 1}, []),
    ("chốt B01 2 tuổi", "order", {"B01": 1}, []),
    ("chốt B01 mua 2 tặng 1", "order", {"B01": 2}, []),
    ("chốt B01 ship về 25 Hàng Bài", "order", {"B01": 1}, []),
    ("chot b01 giao den 25 hang bai nhe", "order", {"B01": 1}, []),
    ("Mình lấy 2 B03 địa chỉ 12 Trần Phú", "order", {"B03": 2}, []),
    ("chốt b01 2 hộp nhà em ở 15 Lý Thường Kiệt", "order", {"B01": 2}, []),
    ("b01 2 hop nhe, dt 0987 654 321, dc so 5 ngo 10", "order", {"B01": 2}, []),
    ("gửi về cho chị 2 hộp B01", "order", {"B01": 2}, []),
    ("chot b01 2 hop, giao truoc 5h chieu nhe", "order", {"B01": 2}, []),
    # --- questions are not orders
    ("B01 giá bao nhiêu?", "question", {}, []),
    ("B01 gia bao nhieu", "question", {}, []),
    ("B01 còn không?", "question", {}, []),
    ("b01 con ko shop", "question", {}, []),
    ("B01 còn hàng ko ạ", "question", {}, []),
    ("b01 bao nhiêu tiền vậy shop", "question", {}, []),
    ("B01 ship Hà Đông bao lâu?", "question", {}, []),
    ("có B01 không ạ", "question", {}, []),
    ("co b01 khong a", "question", {}, []),
    ("B01 2 hộp bao nhiêu tiền?", "question", {}, []),
    ("B01 1kg còn không", "question", {}, []),
    ("B01 mua 2 tặng 1 không shop", "question", {}, []),
    ("B01 ngon ko", "question", {}, []),
    ("B01 hết chưa", "question", {}, []),
    ("b01 còn size 40 ko", "question", {}, []),
    ("2 hộp B01 giá 150k đúng không shop", "question", {}, []),
    ("B01 2 hộp giao trong 2 ngày được không", "question", {}, []),
    ("shop ơi B01 với B02 khác nhau thế nào", "question", {}, []),
    ("B09 còn không?", "question", {}, []),  # no reply about an unknown code in a question
    # --- an explicit order wins over a question in the same comment
    ("chốt B01 2 nha, ship về Cầu Giấy được không?", "order", {"B01": 2}, []),
    ("chot b01 2 nha ship ve cau giay duoc khong", "order", {"B01": 2}, []),
    ("em lấy 2 hộp B01 được không ạ", "order", {"B01": 2}, []),
    ("chốt B01 2, B02 còn không?", "order", {"B01": 2}, []),
    ("B01 còn không? chốt 2", "order", {"B01": 2}, []),
    ("Chốt B01 2 hộp, B01 loại nào ngon hơn?", "order", {"B01": 2}, []),
    ("B01 2 cái còn không shop, còn thì chốt", "order", {"B01": 2}, []),
    # --- zero, negative, too many, unknown codes, missing code
    ("B01 0", "order", {}, [(TOO_SMALL, "B01")]),
    ("B01 -2", "order", {}, [(TOO_SMALL, "B01")]),
    ("chot b02 x0", "order", {}, [(TOO_SMALL, "B02")]),
    ("B01 −2", "order", {}, [(TOO_SMALL, "B01")]),  # U+2212 minus sign
    ("B01 60", "order", {}, [(TOO_LARGE, "B01")]),
    ("B01 30, B01 30", "order", {}, [(TOO_LARGE, "B01")]),
    ("chốt B01 2000", "order", {}, [(TOO_LARGE, "B01")]),
    ("B09 2", "order", {}, [(UNKNOWN, "B09")]),
    ("chốt B09", "order", {}, [(UNKNOWN, "B09")]),
    ("chốt B01 2, b09 1", "order", {"B01": 2}, [(UNKNOWN, "B09")]),
    ("chốt 2 hộp", "order", {}, [(MISSING, None)]),
    # --- chat, cancellations, noise
    ("B01 đẹp quá", "chat", {}, []),
    ("chốt đơn đi shop ơi", "chat", {}, []),
    ("em đã nhận B01 hôm qua ngon lắm", "chat", {}, []),
    ("huỷ B01", "chat", {}, []),
    ("chưa chốt được B01", "chat", {}, []),
    ("chín B01", "chat", {}, []),  # "chín" is also "ripe"
    ("chốt B01 x2, à nhầm x3", "order", {"B01": 2}, []),  # corrections are not understood (documented)
    ("không lấy B01 nữa", "chat", {}, []),
    ("b01b02", "chat", {}, []),
    ("🔥🔥🔥", "chat", {}, []),
    ("q7 p12 quận 7 phường 12 có ship không", "question", {}, []),
    ("", "chat", {}, []),
]


@pytest.mark.parametrize(("comment", "kind", "lines", "problems"), TABLE, ids=[row[0] or "<empty>" for row in TABLE])
def test_comment_table(comment, kind, lines, problems):
    parsed = parse_comment(comment, offered_codes=OFFERED, max_quantity=MAX)
    assert parsed.kind == kind
    assert parsed.lines == tuple(OrderLine(code, quantity) for code, quantity in lines.items())
    assert [(problem.kind, problem.code) for problem in parsed.problems] == problems


def test_the_table_is_big_enough_and_mixes_diacritics():
    assert len(TABLE) >= 60
    plain = [row for row in TABLE if row[0].isascii()]
    assert len(plain) >= 20
    assert len(TABLE) - len(plain) >= 40


def test_problems_carry_what_the_buyer_asked_for():
    parsed = parse_comment("B01 60, B02 -3", offered_codes=OFFERED, max_quantity=MAX)
    assert parsed.problems == (
        Problem(ProblemKind.QUANTITY_TOO_LARGE, code="B01", quantity=60, limit=MAX),
        Problem(ProblemKind.QUANTITY_TOO_SMALL, code="B02", quantity=-3),
    )


def test_codes_come_back_exactly_as_offered():
    offered = ["Sp12", "bd001"]
    parsed = parse_comment("chot SP12 2, BD1 x3", offered_codes=offered)
    assert parsed.lines == (OrderLine("Sp12", 2), OrderLine("bd001", 3))


def test_longer_prefix_is_not_read_as_a_shorter_one():
    parsed = parse_comment("chốt BD01 2, B01 1", offered_codes=["B01", "BD01"])
    assert parsed.lines == (OrderLine("BD01", 2), OrderLine("B01", 1))


def test_leading_zeros_only_matter_when_the_shop_uses_both_spellings():
    offered = ["B1", "B01"]
    assert parse_comment("chốt b1 2", offered_codes=offered).lines == (OrderLine("B1", 2),)
    assert parse_comment("chốt b01 2", offered_codes=offered).lines == (OrderLine("B01", 2),)
    ambiguous = parse_comment("chốt b001 2", offered_codes=offered)
    assert ambiguous.lines == ()
    assert ambiguous.problems == (Problem(ProblemKind.UNKNOWN_CODE, code="B001"),)


def test_words_that_only_look_like_codes_of_other_shops_are_ignored():
    parsed = parse_comment("chốt A01 2", offered_codes=OFFERED)
    assert parsed.lines == ()
    assert parsed.problems == (Problem(ProblemKind.MISSING_CODE),)


@pytest.mark.parametrize("bad", ["ABC", "123", "B01A", "", "B 01 X"])
def test_offered_codes_must_be_letters_then_digits(bad):
    with pytest.raises(ValueError, match="letters followed by digits"):
        OrderParser([bad])


def test_max_quantity_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        OrderParser(OFFERED, max_quantity=0)


def test_no_codes_on_offer_means_no_orders():
    assert parse_comment("chốt B01 2", offered_codes=[]).lines == ()


def test_input_is_capped_and_long_comments_stay_fast():
    filler = "chốt đơn đi shop ơi 😍 " * 400
    parsed = parse_comment(filler + " B01 2", offered_codes=OFFERED)
    assert len(filler) > MAX_COMMENT_CHARS
    assert parsed.lines == ()  # the code lies past the cap, so it is never read
    started = time.perf_counter()
    for _ in range(20):
        parse_comment("1" * 100_000 + "b01 " * 10_000, offered_codes=OFFERED)
    assert time.perf_counter() - started < 2


def test_reply_is_polite_vietnamese_by_default():
    problems = parse_comment("chốt B09 2, B01 0, B02 99", offered_codes=OFFERED, max_quantity=MAX).problems
    with translation.override("vi"):
        reply = problem_reply(problems)
    assert reply == (
        "Dạ, shop xin báo: Mã B09 không có trong phiên live này. Số lượng mã B01 phải từ 1 trở lên. "
        "Mỗi lần đặt mã B02 tối đa 50 sản phẩm. Cảm ơn bạn!"
    )


def test_reply_is_translated_for_english_speakers():
    with translation.override("en"):
        reply = problem_reply([Problem(ProblemKind.UNKNOWN_CODE, code="B09"), Problem(ProblemKind.MISSING_CODE)])
    assert reply == (
        "Please note: Code B09 is not on offer in this live session. "
        "Please write the product code with the quantity, for example: chốt B01 2. Thank you!"
    )


def test_stock_problems_are_built_by_the_caller_and_share_the_reply():
    with translation.override("vi"):
        left = problem_reply([Problem(ProblemKind.NOT_ENOUGH_STOCK, code="B01", quantity=5, limit=3)])
        sold_out = problem_reply([Problem(ProblemKind.NOT_ENOUGH_STOCK, code="B01", quantity=5, limit=0)])
    assert "Mã B01 chỉ còn 3 sản phẩm." in left
    assert "Mã B01 đã hết hàng." in sold_out


def test_no_problems_no_reply():
    assert problem_reply([]) == ""


# --- properties -------------------------------------------------------------------------------

PROPERTY_CODES = ("B01", "B02", "sp12", "OCOP005")
PROPERTY_MAX = 20
_fragments = st.one_of(
    st.text(max_size=30),
    st.sampled_from(PROPERTY_CODES + ("b1", "B-01", "#sp 12", "b09", "B0", "ocop5", "Ｂ０２")),
    st.integers(min_value=-10_000, max_value=10_000_000_000).map(str),
    st.sampled_from(
        ["chốt", "lấy", "x", "*", "sl", "hộp", "mỗi loại", "không?", "?", ",", "+", "-", "hai", "chục", "k", "đ", " "]
    ),
)


def _assert_sound(parsed):
    assert parsed.kind in ("order", "question", "chat")
    assert len({line.code for line in parsed.lines}) == len(parsed.lines)
    for line in parsed.lines:
        assert line.code in PROPERTY_CODES
        assert 1 <= line.quantity <= PROPERTY_MAX
    if parsed.kind != "order":
        assert parsed.lines == ()
        assert parsed.problems == ()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_nor_invents_codes(text):
    _assert_sound(parse_comment(text, offered_codes=PROPERTY_CODES, max_quantity=PROPERTY_MAX))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_fragments, max_size=12), st.sampled_from([" ", "", "\n", ", "]))
def test_codes_and_numbers_spliced_into_text_stay_sound(fragments, joiner):
    text = joiner.join(fragments)
    parsed = parse_comment(text, offered_codes=PROPERTY_CODES, max_quantity=PROPERTY_MAX)
    _assert_sound(parsed)
    with translation.override("vi"):
        assert isinstance(problem_reply(parsed.problems), str)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(PROPERTY_CODES), st.integers(min_value=1, max_value=PROPERTY_MAX))
def test_a_plain_order_is_always_read(code, quantity):
    for comment in (f"chốt {code} {quantity}", f"{quantity} {code.lower()}", f"chot {code} x{quantity}"):
        parsed = parse_comment(comment, offered_codes=PROPERTY_CODES, max_quantity=PROPERTY_MAX)
        assert parsed.lines == (OrderLine(code, quantity),), comment
