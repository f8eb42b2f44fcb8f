"""Turn a buyer's live-chat comment into order lines ("chốt đơn"), the way Vietnamese
livestream buyers actually write them.

Pure functions, no models, no I/O: the live room calls :func:`parse_comment` (or an
:class:`OrderParser` it keeps per show) with the codes on offer, then turns
``ParsedComment.lines`` into order intents and ``ParsedComment.problems`` into a reply
to that buyer only (:func:`problem_reply`). **Stock is the caller's business**: the
parser knows nothing of stock; when a line asks for more than is left, the caller builds
``Problem(ProblemKind.NOT_ENOUGH_STOCK, code=..., limit=left)`` and uses the same
:func:`problem_reply`. De-duplicating repeated comments of one buyer is also the
caller's (it knows the buyer and the previous intents).

Why rules and not a model: a show sees hundreds of comments a second, the shop needs to
predict what a comment does, and a wrong order is worse than a missed one (the buyer
simply writes again). So every doubtful case is resolved *against* ordering.

The grammar, applied to ``fold(NFKC(text))`` (lower case, no diacritics, full-width and
other compatibility characters mapped to ASCII, ``×`` read as ``x``), capped at
``MAX_COMMENT_CHARS``:

1. **Noise that looks like numbers is removed first** and can never be a quantity:
   phone numbers (``0912345678``, ``0912 345 678``, ``+84 912…``, ``84912…``: 0 + 8–10
   digits or 84 + 9–10 digits, separators of 2+ digit groups allowed); prices
   (``150k``, ``150.000đ``, ``150 nghìn``, ``1tr2``, any ``1.000``-grouped number);
   times and dates (``8h30``, ``20:30``, ``12/5``); a number followed by a unit of
   measure, time or rating (``500g``, ``1kg``, ``2 lít``, ``5 sao``, ``3 ngày``, ``2
   người``): such a unit describes the product or the delivery, not how many to buy;
   bare numbers in the rest of a clause after "ship về / giao đến / địa chỉ / đc: / em
   ở" (house numbers: "ship về 25 Hàng Bài");
   a number after an address or label word (``số 12``, ``ngõ 34``, ``quận 7``, ``giá
   150``, ``năm 2025``, ``vụ 2025``, ``lúc 8``, ``tầng 3``); the gift in a quoted
   promotion (``mua 2 tặng 1`` reads as 2, without the verb); decimals (``1.5``);
   numbers of 5+ digits. A bare 4-digit number stays a quantity, so "chốt B01 2000" is
   refused as over the maximum instead of being guessed a year and ordered as 1.
2. **Codes** are letters followed by digits (``B01``, ``SP12``, ``OCOP005``): the one
   product-code rule of ``core.product_codes``, which vendors' products obey too; offered
   codes of any other shape are refused with ``ValueError`` when the parser is built.
   A code in a comment is matched case-insensitively, with an optional ``#`` before
   it and an optional ``-``, ``.`` or ``_`` between letters and digits (``#b-01``), or
   a space when at least two digits follow (``b 01``). Leading zeros do not matter
   (``b1`` is ``B01``) unless the shop offers both spellings, then only the exact one
   matches. Only the letter prefixes the shop uses are looked at, so ``q7`` (quận 7)
   or ``p12`` (phường 12) are never codes; a prefix match that is not on offer
   (``B09`` when B01–B05 are offered) is an *unknown code* and is reported.
3. **Quantities**: digits (``2``, ``x2``, ``x 2``, ``*2``, ``2x``, ``sl 2``, ``sl: 2``,
   ``số lượng 2``), optionally followed by a count word (``2 hộp``, ``3 túi``, ``1
   chai``…) or a multiplier (``1 chục`` = 10, ``1 tá`` = 12). Number words một…mười
   (``hai hộp B01``, ``mot b01``) count only before a count word, a multiplier or,
   for một, hai, ba, bốn, right before a code: the other folded words are also
   "year/after/fly/salt/from/ripe/temporary" (``nam/sau/bay/muoi/tu/chin/tam``). Not supported
   (read as no quantity): compound number words (``mười hai``), ``trăm``, ``rưỡi``.
   ``-2`` (minus glued to the digits) is negative; ``0`` and negatives are reported,
   never ordered.
4. **Binding** a quantity to a code happens inside a clause (split at ``, ; + & / | ! ? .``,
   new lines and ``và / với / thêm / cộng``). A number goes to the nearest code before
   it that has no quantity yet, otherwise to the next code after it ("B01 2 B03 1",
   "2 B01 3 B03", "em lấy 3 hộp B03"). "mỗi loại 2" gives 2 to every code without a
   quantity. A clause with a counted number but no code ("…, 2 hộp") lends it to the
   clause before. Extra numbers are ignored, so a correction ("B01 x2, à nhầm x3") is
   not understood: the first quantity stands and the buyer sorts it out with the host.
5. **Kind** of the comment, in this order of precedence:
   * a cancellation ("huỷ B01", "không lấy nữa") is ``chat``: the host handles it;
   * a question (``?``, "bao nhiêu", "giá", "còn không", "ship … bao lâu", a clause
     ending in "không / ko / chưa" + particles like "ạ", "shop") is ``question`` —
     **unless** the comment says "chốt", or has an order verb (lấy, mua, đặt hàng,
     order, cho em / xin + number or code) *and* an explicit quantity: "chốt B01 2
     nha, ship về Cầu Giấy được không?" is an order. Codes in a clause that only asks
     ("chốt B01 2, B02 còn không?") are not ordered;
   * an order verb, or a code with a quantity, makes an ``order``. With an order verb,
     every code mentioned gets quantity 1 when none is written ("chốt B01 + B02");
     without one, only codes with their own quantity are ordered ("B01 2, B03 đẹp
     quá" orders B01 alone);
   * anything else (a code alone: "B01 đẹp quá") is ``chat``.
6. **Lines** are merged per code in order of first mention: explicit quantities of the
   same code are summed ("B01 2, B01 3" = 5: people add, "chốt B01 B01" is still 1);
   a code with a zero/negative quantity or a total above ``max_quantity`` gets a
   problem and no line. Problems are only reported for ``order`` comments.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from django.utils.translation import gettext

from core.product_codes import NUMBER_LABELS, code_parts
from core.text import fold

MAX_COMMENT_CHARS = 4096
DEFAULT_MAX_QUANTITY = 999

Kind = Literal["order", "question", "chat"]


class ProblemKind(StrEnum):
    UNKNOWN_CODE = "unknown_code"
    QUANTITY_TOO_SMALL = "quantity_too_small"
    QUANTITY_TOO_LARGE = "quantity_too_large"
    MISSING_CODE = "missing_code"
    NOT_ENOUGH_STOCK = "not_enough_stock"  # built by the caller, who knows the stock


@dataclass(frozen=True)
class OrderLine:
    code: str  # exactly as offered
    quantity: int  # 1 <= quantity <= max_quantity


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    code: str | None = None  # as offered, or as written (upper case) when unknown
    quantity: int | None = None  # what the buyer asked for
    limit: int | None = None  # the maximum (per line, or stock left)


@dataclass(frozen=True)
class ParsedComment:
    kind: Kind
    lines: tuple[OrderLine, ...] = ()
    problems: tuple[Problem, ...] = ()


# Signs NFKC leaves alone but buyers use for "times" and "minus".
_LOOKALIKES = str.maketrans({"×": "x", "✕": "x", "✖": "x", "−": "-", "–": "-", "—": "-"})

# --- 1. noise removal (all patterns run on folded text) -----------------------------------

_PHONE_CANDIDATE = re.compile(r"(?<![0-9])(?:\+\s?84|84|0)[0-9]*(?:[ .\-][0-9]{2,})*")
_TIME_OR_DATE = re.compile(
    r"(?<![0-9])[0-9]{1,2}\s?(?:h|:|g)\s?[0-9]{2}(?![0-9])"  # 8h30, 20:30, 8g30
    r"|(?<![0-9])[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?(?![0-9])"  # 12/5, 12/5/2026
)
_PRICE = re.compile(
    r"(?<![a-z0-9])[0-9]{1,3}(?:[.,][0-9]{3})+(?![0-9])(?:\s?(?:k|d|vnd|dong|₫))?"  # 150.000đ
    r"|(?<![a-z0-9])[0-9]+(?:[.,][0-9]+)?\s?(?:k|ng|nghin|ngan|tr|trieu|d|vnd|dong|usd|₫|\$)(?:[0-9]+)?(?![a-z])"
)
_MEASURE = re.compile(
    r"(?<![a-z0-9])[0-9]+(?:[.,][0-9]+)?\s?"
    r"(?:kg|kgs|g|gr|gam|gram|mg|l|lit|ml|lang|can|ky|ki|kilo|yen|cm|mm|m|km|%|h|phut|p|giay|ngay|"
    r"tuan|thang|nam|tuoi|diem|sao|nguoi|lan|dot|tieng|dem|buoi)(?![a-z])"
)
# The labels are the product-code rule's (core.product_codes): no code may start with one.
_LABELLED_NUMBER = re.compile(
    r"(?<![a-z])(?:" + "|".join(sorted(NUMBER_LABELS, key=lambda word: (-len(word), word))) + r")"
    r"\s?[.:]?\s?[0-9]+(?:[/\-][0-9a-z]+)*"
)
# After "ship về", "địa chỉ", "em ở"… the rest of the clause is an address: its bare numbers are house
# numbers ("ship về 25 Hàng Bài"), never quantities. Codes (digits glued to letters) are kept.
_ADDRESS_SPAN = re.compile(
    r"(?:\b(?:dia chi|dchi|(?:ship|giao|gui|chuyen|mang) (?:ve|den|toi|qua)|nha o|o tai|"
    r"(?:em|e|minh|mk|toi|tui|chi|c|anh|a|nha) (?:o|song o))\b|\bdc\s?:|\bd/c)"
    r"(?:(?!\b(?:cho|lay|chot|mua|order)\b)[^,;\n?!.])*"  # "gửi về cho chị 2 hộp" is an order again
)
# "mua 2 tặng 1" quotes an offer: keep the 2 (what is paid for), drop the verb and the gift.
_PROMOTION = re.compile(r"\bmua\s?([0-9]+)\s?((?:[a-z]+\s)?)tang\s?[0-9]+")
_DECIMAL = re.compile(r"(?<![0-9])[0-9]+[.,][0-9]+")

# --- 2./3. tokens ---------------------------------------------------------------------------

_CLAUSE_SPLIT = re.compile(r"([,;+&\n|/!?.]|\b(?:va|voi|them|cong|and)\b)")
_QUANTITY_AND_WORD_PATTERN = (
    r"(?P<xnum>(?<![a-z])(?:x|\*|sl|sluong|so luong)\s?[:=]?\s?(?P<xval>-?[0-9]+))"
    r"|(?P<numx>(?<![a-z0-9])(?P<nxval>[0-9]+)\s?(?:x|\*)(?![a-z0-9]))"
    r"|(?P<neg>(?<![a-z0-9\-])-(?P<negval>[0-9]+))"
    r"|(?P<num>(?<![a-z0-9])[0-9]+)"
    r"|(?P<word>[a-z]+)"
)

_ORDER_VERBS = frozenset({"chot", "lay", "mua", "order", "oder", "odr", "oderr"})
_STRONG_VERB = "chot"
_VERB_PHRASES = {("dat", "hang"), ("dat", "mua"), ("dat", "don"), ("dat", "lay"), ("len", "don"), ("chot", "don")}
_GATED_VERBS = frozenset({"cho", "gui", "xin", "de", "giu", "ship"})  # verbs only before a quantity or code
_PRONOUNS = frozenset(
    {"em", "e", "minh", "mk", "mik", "toi", "tui", "t", "chi", "c", "anh", "a", "co", "chu", "bac", "con", "ban", "me"}
)
_NEGATIONS = frozenset({"khong", "ko", "k", "khg", "kg", "hong", "hok", "hk", "chua", "dung", "khoi", "ch"})
_CANCEL_WORDS = frozenset({"huy", "cancel", "hoan"})
_CLASSIFIERS = frozenset(
    {
        "hop", "tui", "chai", "goi", "cai", "lo", "hu", "binh", "bich", "set", "combo", "thung", "bao", "phan",
        "suat", "chiec", "doi", "qua", "trai", "bo", "khay", "lon", "cuon", "sp", "san", "mon", "gio", "cay",
        "thanh", "vi", "tep", "xau", "banh", "cuc", "vien", "mieng", "ong", "cap", "loc", "ket", "hopp", "sot",
        "tuyp", "chum", "nai", "buong", "con", "phong", "tam", "ve", "khuc", "canh",
    }
)  # fmt: skip
_MULTIPLIERS = {"chuc": 10, "ta": 12}
_HOUSE_NUMBER = re.compile(  # a bare number not followed by a count word ("25 Hàng Bài", not "2 hộp")
    r"(?<![a-z0-9])[0-9]+(?![0-9])(?!\s?(?:" + "|".join(sorted(_CLASSIFIERS | _MULTIPLIERS.keys())) + r")\b)"
)
_NUMBER_WORDS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
}
_NUMBER_WORDS_BEFORE_CODE = frozenset({"mot", "hai", "ba", "bon"})  # "chín" is also "ripe", "tám" "tạm"
_EACH_WORDS = frozenset({"loai", "ma", "thu", "cai", "mon", "sp", "hop", "tui", "chai", "goi", "mau", "vi"})

_QUESTION = re.compile(
    r"\b(?:bao nhieu|bnhieu|bn|bnh|bao lau|bao gio|khi nao|the nao|nhu nao|ntn|sao|la gi|gi vay|o dau|gia|hoi|"
    r"tu van|con hang|nhieu tien|may ngay|may hom|co phai|phai khong|hay khong)\b"
)
_ENDS_AS_QUESTION = re.compile(
    r"\b(?:khong|ko|k|khg|kg|hong|hok|hk|chua|ha|hem)"
    r"(?:\s+(?:a|ah|ak|shop|sop|s|vay|v|z|nhi|ha|em|e|chi|c|anh|ban|b|oi|ad|admin|ta|nhe|nha|ne|the|nao|nhe))*\s*$"
)


@dataclass
class _Mention:
    code: str | None  # canonical offered code, None when unknown
    shown: str  # as shown in a reply
    position: int
    quantities: list[int] = field(default_factory=list)


@dataclass
class _Number:
    value: int
    position: int
    counted: bool  # written with x/sl, a count word or a multiplier: surely a quantity


@dataclass
class _Clause:
    mentions: list[_Mention]
    numbers: list[_Number]
    each: int | None
    has_verb: bool
    asks: bool


def _is_phone(match: re.Match[str]) -> bool:
    digits = re.sub(r"[^0-9]", "", match.group())
    if digits.startswith("84") and (match.group().startswith("+") or len(digits) >= 11):
        return 11 <= len(digits) <= 12
    return digits.startswith("0") and 9 <= len(digits) <= 11


def _drop_phone(match: re.Match[str]) -> str:
    return " " if _is_phone(match) else match.group()


def _quantity_or_none(digits: str) -> int | None:
    """Digits that can be a quantity: 1–4 digits (longer runs are prices, ids, phone parts).

    A bare "2000" stays a quantity (then over the maximum, and the buyer is told) rather
    than being guessed a year: ordering 1 when 2000 were asked would be a silent wrong order.
    """
    return int(digits) if len(digits) <= 4 else None


class OrderParser:
    """A parser for one set of offered codes; build it once per show (cheap, cached)."""

    def __init__(self, offered_codes: Iterable[str], *, max_quantity: int = DEFAULT_MAX_QUANTITY) -> None:
        if max_quantity < 1:
            raise ValueError("max_quantity must be at least 1")
        self.max_quantity = max_quantity
        self._exact: dict[str, str] = {}
        loose: dict[str, str | None] = {}
        prefixes: set[str] = set()
        for code in offered_codes:
            parts = code_parts(code)  # the one product-code rule
            if parts is None:
                raise ValueError(f"offered code {code!r} is not letters followed by digits (core.product_codes)")
            letters, digits = parts
            prefixes.add(letters)
            self._exact[letters + digits] = code
            key = letters + str(int(digits))
            loose[key] = None if key in loose and loose[key] != code else code
        self._loose = {key: code for key, code in loose.items() if code is not None}
        self.offered = frozenset(self._exact.values())
        alternatives = "|".join(sorted(prefixes, key=len, reverse=True)) or "(?!)"
        self._code_joiner = re.compile(rf"(?<![a-z])#?({alternatives})[\-._#]+(?=[0-9])")
        self._tokens = re.compile(
            rf"(?P<code>(?<![a-z])#?(?P<letters>{alternatives})(?:\s(?=[0-9]{{2}}))?(?P<digits>[0-9]{{1,8}})(?![0-9]))|"
            + _QUANTITY_AND_WORD_PATTERN
        )

    # -- public ---------------------------------------------------------------------------------

    def parse(self, text: str) -> ParsedComment:
        """Read one comment; never raises on any ``str``."""
        clean = self._prepare(text)
        if not clean:
            return ParsedComment("chat")
        clauses, cancelled, strong = self._clauses(clean)
        if cancelled:
            return ParsedComment("chat")
        has_verb = any(clause.has_verb for clause in clauses)
        asks = any(clause.asks for clause in clauses)
        mentions = [mention for clause in clauses for mention in clause.mentions]
        has_quantity = any(mention.quantities for mention in mentions)
        if asks and not (strong or (has_verb and has_quantity)):
            return ParsedComment("question")
        if not (has_verb or has_quantity):
            return ParsedComment("chat")
        if not mentions:
            counted = any(number.counted or has_verb for clause in clauses for number in clause.numbers)
            if has_verb and counted:
                return ParsedComment("order", problems=(Problem(ProblemKind.MISSING_CODE),))
            return ParsedComment("chat")
        ordered = [
            mention
            for clause in clauses
            for mention in clause.mentions
            if mention.quantities or (has_verb and (clause.has_verb or not clause.asks))
        ]
        if not ordered:
            return ParsedComment("question")
        return self._lines(ordered)

    # -- steps ----------------------------------------------------------------------------------

    def _prepare(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text[:MAX_COMMENT_CHARS].translate(_LOOKALIKES))[:MAX_COMMENT_CHARS]
        folded = fold(text)
        folded = _PHONE_CANDIDATE.sub(_drop_phone, folded)
        folded = _ADDRESS_SPAN.sub(lambda match: _HOUSE_NUMBER.sub(" ", match.group()), folded)
        folded = self._code_joiner.sub(r"\1", folded)
        folded = _PROMOTION.sub(r" \1 \2 ", folded)
        for noise in (_TIME_OR_DATE, _PRICE, _MEASURE, _LABELLED_NUMBER, _DECIMAL):
            folded = noise.sub(" ", folded)
        return folded.strip()

    def _clauses(self, clean: str) -> tuple[list[_Clause], bool, bool]:
        parts = _CLAUSE_SPLIT.split(clean)
        clauses: list[_Clause] = []
        cancelled = strong = False
        position = 0
        for index in range(0, len(parts), 2):
            body = parts[index].strip()
            delimiter = parts[index + 1] if index + 1 < len(parts) else ""
            if not body:
                if delimiter == "?" and clauses:
                    clauses[-1].asks = True
                continue
            asks = delimiter == "?" or bool(_QUESTION.search(body) or _ENDS_AS_QUESTION.search(body))
            clause, clause_cancelled, clause_strong, position = self._read_clause(body, asks, position)
            cancelled |= clause_cancelled
            strong |= clause_strong
            if not clause.mentions and clauses and any(n.counted or clause.has_verb for n in clause.numbers):
                previous = clauses[-1]  # "chốt B01, 2 hộp": the count belongs to the clause before
                previous.numbers.extend(clause.numbers)
                previous.has_verb |= clause.has_verb
                previous.asks = previous.asks and not clause.has_verb
                if clause.each is not None:
                    previous.each = clause.each
                continue
            clauses.append(clause)
        for clause in clauses:
            self._bind(clause)
        each = next((clause.each for clause in clauses if clause.each is not None), None)
        if each is not None:
            for clause in clauses:
                for mention in clause.mentions:
                    if not mention.quantities:
                        mention.quantities.append(each)
        return clauses, cancelled, strong

    def _read_clause(self, body: str, asks: bool, position: int) -> tuple[_Clause, bool, bool, int]:
        raw: list[tuple[str, object]] = []
        for match in self._tokens.finditer(body):
            if match.group("code") is not None:
                raw.append(("code", (match.group("letters"), match.group("digits"))))
            elif match.group("xnum") is not None:
                raw.append(("xnum", match.group("xval")))
            elif match.group("numx") is not None:
                raw.append(("xnum", match.group("nxval")))
            elif match.group("neg") is not None:
                raw.append(("xnum", "-" + match.group("negval")))
            elif match.group("num") is not None:
                raw.append(("num", match.group("num")))
            else:
                raw.append(("word", match.group("word")))

        mentions: list[_Mention] = []
        numbers: list[_Number] = []
        each: int | None = None
        has_verb = cancelled = strong = False
        count = len(raw)

        def word_at(i: int) -> str | None:
            return raw[i][1] if 0 <= i < count and raw[i][0] == "word" else None  # type: ignore[return-value]

        def quantity_follows(i: int) -> bool:
            """Is token i (skipping a pronoun) a number, number word or code?"""
            if word_at(i) in _PRONOUNS:
                i += 1
            if not 0 <= i < count:
                return False
            kind, value = raw[i]
            return kind != "word" or value in _NUMBER_WORDS

        for i, (kind, value) in enumerate(raw):
            position += 1
            if kind == "code":
                letters, digits = value  # type: ignore[misc]
                mentions.append(_Mention(self._lookup(letters, digits), (letters + digits).upper(), position))
                continue
            if kind in ("num", "xnum"):
                sign = -1 if value.startswith("-") else 1  # type: ignore[union-attr]
                quantity = _quantity_or_none(value.lstrip("-"))  # type: ignore[union-attr]
                if quantity is None:
                    continue
                following = word_at(i + 1)
                counted = kind == "xnum" or following in _CLASSIFIERS or following in _MULTIPLIERS
                quantity *= _MULTIPLIERS.get(following or "", 1)
                if word_at(i - 1) == "moi" or (word_at(i - 2) == "moi" and word_at(i - 1) in _EACH_WORDS):
                    each = sign * quantity
                    continue
                numbers.append(_Number(sign * quantity, position, counted))
                continue
            word: str = value  # type: ignore[assignment]
            previous = word_at(i - 1)
            if word in _NUMBER_WORDS:
                following = word_at(i + 1)
                before_code = i + 1 < count and raw[i + 1][0] == "code" and word in _NUMBER_WORDS_BEFORE_CODE
                if following in _CLASSIFIERS or following in _MULTIPLIERS or before_code:
                    quantity = _NUMBER_WORDS[word] * _MULTIPLIERS.get(following or "", 1)
                    if previous == "moi" or (word_at(i - 2) == "moi" and previous in _EACH_WORDS):
                        each = quantity
                    else:
                        numbers.append(_Number(quantity, position, True))
                    continue
            is_verb = (
                word in _ORDER_VERBS
                or (previous, word) in _VERB_PHRASES
                or (word in _GATED_VERBS and quantity_follows(i + 1))
            )
            if is_verb:
                if previous in _NEGATIONS:
                    cancelled = True
                else:
                    has_verb = True
                    strong |= word == _STRONG_VERB
            elif word in _CANCEL_WORDS and (i + 1 < count and (raw[i + 1][0] == "code" or word_at(i + 1) == "don")):
                cancelled = True
            elif word.startswith("cho") and re.fullmatch(r"c+h+o+t+", word):  # "chooot", "chottt"
                has_verb = strong = True
        return _Clause(mentions, numbers, each, has_verb, asks), cancelled, strong, position

    def _lookup(self, letters: str, digits: str) -> str | None:
        return self._exact.get(letters + digits) or self._loose.get(letters + str(int(digits)))

    @staticmethod
    def _bind(clause: _Clause) -> None:
        """Give each number to the nearest code before it still without one, else the next."""
        mentions = clause.mentions
        if not mentions:
            return
        positions = [mention.position for mention in mentions]
        for number in clause.numbers:
            index = bisect_left(positions, number.position)  # mentions[index] is the first after it
            before = mentions[index - 1] if index > 0 else None
            after = mentions[index] if index < len(mentions) else None
            if before is not None and not before.quantities:
                target = before
            elif after is not None and not after.quantities:
                target = after
            else:
                continue
            target.quantities.append(number.value)

    def _lines(self, mentions: list[_Mention]) -> ParsedComment:
        totals: dict[str, list[int]] = {}
        unknown: list[str] = []
        for mention in mentions:
            if mention.code is None:
                if mention.shown not in unknown:
                    unknown.append(mention.shown)
                continue
            totals.setdefault(mention.code, []).extend(mention.quantities)
        lines: list[OrderLine] = []
        problems = [Problem(ProblemKind.UNKNOWN_CODE, code=code) for code in unknown]
        for code, quantities in totals.items():
            bad = [q for q in quantities if q < 1]
            if bad:
                problems.append(Problem(ProblemKind.QUANTITY_TOO_SMALL, code=code, quantity=bad[0]))
                continue
            total = sum(quantities) or 1
            if total > self.max_quantity:
                problems.append(
                    Problem(ProblemKind.QUANTITY_TOO_LARGE, code=code, quantity=total, limit=self.max_quantity)
                )
                continue
            lines.append(OrderLine(code, total))
        return ParsedComment("order", tuple(lines), tuple(problems))


@lru_cache(maxsize=256)
def _parser_for(codes: frozenset[str], max_quantity: int) -> OrderParser:
    return OrderParser(codes, max_quantity=max_quantity)


def parse_comment(
    text: str, *, offered_codes: Iterable[str], max_quantity: int = DEFAULT_MAX_QUANTITY
) -> ParsedComment:
    """Parse one live-chat comment against the codes on offer (see the module docstring)."""
    return _parser_for(frozenset(offered_codes), max_quantity).parse(text)


def problem_reply(problems: Iterable[Problem]) -> str:
    """The polite reply, in the active language, sent to the buyer alone ("" when none)."""
    sentences: list[str] = []
    for problem in problems:
        if problem.kind is ProblemKind.UNKNOWN_CODE:
            sentence = gettext("Mã %(code)s không có trong phiên live này.") % {"code": problem.code}
        elif problem.kind is ProblemKind.QUANTITY_TOO_SMALL:
            sentence = gettext("Số lượng mã %(code)s phải từ 1 trở lên.") % {"code": problem.code}
        elif problem.kind is ProblemKind.QUANTITY_TOO_LARGE:
            sentence = gettext("Mỗi lần đặt mã %(code)s tối đa %(limit)s sản phẩm.") % {
                "code": problem.code,
                "limit": problem.limit,
            }
        elif problem.kind is ProblemKind.NOT_ENOUGH_STOCK:
            if problem.limit:
                sentence = gettext("Mã %(code)s chỉ còn %(limit)s sản phẩm.") % {
                    "code": problem.code,
                    "limit": problem.limit,
                }
            else:
                sentence = gettext("Mã %(code)s đã hết hàng.") % {"code": problem.code}
        else:
            sentence = gettext("Bạn ghi giúp mã sản phẩm kèm số lượng, ví dụ: chốt B01 2.")
        if sentence not in sentences:
            sentences.append(sentence)
    if not sentences:
        return ""
    return gettext("Dạ, shop xin báo: %(details)s Cảm ơn bạn!") % {"details": " ".join(sentences)}
