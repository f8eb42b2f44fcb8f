"""Vietnamese text folding: people type without diacritics, search must not care.

``fold("Bưởi đỏ Đông Cao") == "buoi do dong cao"``. Unicode decomposition strips the
combining marks, but "đ"/"Đ" is a letter of its own, so it is mapped by hand.
"""

import re
import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "d"})
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, diacritic-free, single-spaced form of ``text`` for matching."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def fold_words(text: str) -> list[str]:
    """The folded words of ``text``, punctuation dropped."""
    return re.findall(r"[a-z0-9]+", fold(text))
