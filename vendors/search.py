"""Diacritic-free search text: how it is built and how a query matches it.

Both databases run the same query: the stored text is the folded words of the
searchable fields joined by single spaces with a leading space, so the folded
query word ``w`` matches the *start* of a stored word with ``contains=" " + w``
("do" finds "đỏ" and "đông", "an" does not find "ban"). Ranking is computed in
SQL from the same columns (see ``selectors.product_search``).
"""

from core.text import fold_words

MAX_QUERY_WORDS = 8


def padded(*parts: str) -> str:
    """The folded words of ``parts`` as " w1 w2 ... " (leading and trailing space)."""
    words = []
    for part in parts:
        words.extend(fold_words(part or ""))
    return " " + " ".join(words) + " " if words else ""


def query_words(query: str) -> list[str]:
    """The folded words of a user's query, de-duplicated, at most ``MAX_QUERY_WORDS``."""
    seen = []
    for word in fold_words(query or ""):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


def vendor_search_text(vendor) -> str:
    return padded(
        vendor.legal_name, vendor.get_district_display(), vendor.commune, vendor.address,
        vendor.representative, vendor.registration_number, vendor.story,
    )


def vendor_name_text(vendor) -> str:
    return padded(vendor.legal_name)


def product_name_text(product) -> str:
    return padded(product.name, product.code)


def product_search_text(product, vendor) -> str:
    """Everything a buyer may type to find ``product``: its name first, then where it comes from."""
    return padded(
        product.name, product.code, vendor.legal_name, vendor.get_district_display(), vendor.commune,
        product.get_group_display(), product.origin, product.ingredients, product.description,
    )
