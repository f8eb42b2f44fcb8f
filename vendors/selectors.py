"""Reads: the one product search used by the directory page, the API and the site search.

Ranking (same SQL on SQLite and PostgreSQL): every query word must start a word
of the product's search text; then products with more query words in their *name*
come first (all of them in the name, in order, first of all), then verified ones,
then more stars, then the name.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from vendors.models import (
    PRODUCT_ONLY_DOCUMENTS,
    REQUIRED_DOCUMENTS,
    Document,
    DocumentReview,
    DocumentStatus,
    Product,
    Vendor,
    VendorMember,
)
from vendors.search import query_words


@dataclass
class ProductFilters:
    query: str = ""
    district: str = ""
    group: str = ""
    stars: int | None = None
    verified_only: bool = False
    vendor: Vendor | None = None


def _verified_q(prefix: str = "") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}verified_at__isnull": False}) & (
        Q(**{f"{prefix}verified_until__isnull": True}) | Q(**{f"{prefix}verified_until__gte": today})
    )


def _word_hits(field: str, words: list[str]):
    """How many of ``words`` start a word of ``field`` (SQL, same on both databases)."""
    return sum(
        (Case(When(**{f"{field}__contains": f" {w}"}, then=Value(1)), default=Value(0), output_field=IntegerField()) for w in words),
        Value(0),
    )


def _phrase_hit(field: str, words: list[str]):
    """1 when the words appear in ``field`` together and in order."""
    phrase = " " + " ".join(words)
    return Case(When(**{f"{field}__contains": phrase}, then=Value(1)), default=Value(0), output_field=IntegerField())


def product_search(filters: ProductFilters) -> QuerySet[Product]:
    """Published products matching ``filters``, best first, with their vendor joined."""
    qs = Product.objects.select_related("vendor")
    if filters.vendor is not None:
        qs = qs.filter(vendor=filters.vendor)
    if filters.district:
        qs = qs.filter(vendor__district=filters.district)
    if filters.group:
        qs = qs.filter(group=filters.group)
    if filters.stars:
        qs = qs.filter(stars=filters.stars)
    if filters.verified_only:
        qs = qs.filter(_verified_q())
    qs = qs.annotate(verified_rank=Case(When(_verified_q(), then=Value(1)), default=Value(0), output_field=IntegerField()))
    words = query_words(filters.query)
    if not words:
        return qs.order_by("-verified_rank", "-stars", "name", "pk")
    for word in words:
        qs = qs.filter(search_text__contains=f" {word}")
    qs = qs.annotate(phrase_rank=_phrase_hit("name_folded", words), name_rank=_word_hits("name_folded", words))
    return qs.order_by("-phrase_rank", "-name_rank", "-verified_rank", "-stars", "name", "pk")


def vendor_search(*, query: str = "", district: str = "", verified_only: bool = False) -> QuerySet[Vendor]:
    """Vendors for the directory, with how many products they have and how many are verified."""
    qs = Vendor.objects.annotate(
        product_count=Count("products", distinct=True),
        verified_count=Count("products", filter=_verified_q("products__"), distinct=True),
    )
    if district:
        qs = qs.filter(district=district)
    if verified_only:
        qs = qs.filter(Exists(Product.objects.filter(_verified_q(), vendor=OuterRef("pk"))))
    words = query_words(query)
    for word in words:
        qs = qs.filter(search_text__contains=f" {word}")
    if words:
        qs = qs.annotate(name_rank=_word_hits("name_folded", words), phrase_rank=_phrase_hit("name_folded", words))
        return qs.order_by("-phrase_rank", "-name_rank", "-verified_count", "legal_name")
    return qs.order_by("-verified_count", "legal_name")


def vendors_of_user(user) -> QuerySet[Vendor]:
    if not user.is_authenticated:
        return Vendor.objects.none()
    return Vendor.objects.filter(members__user=user).order_by("legal_name")


def product_verification(product: Product) -> list[Document]:
    """The approved, current documents that make ``product`` verified (shown publicly, without files)."""
    if not product.is_verified:
        return []
    docs = (
        Document.objects.filter(
            Q(product__isnull=True) | Q(product=product),
            vendor_id=product.vendor_id,
            status=DocumentStatus.APPROVED,
            kind__in=REQUIRED_DOCUMENTS[product.group],
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()))
        .exclude(product__isnull=True, kind__in=PRODUCT_ONLY_DOCUMENTS)
        .order_by("kind", "-reviewed_at")
    )
    seen, result = set(), []
    for doc in docs:
        if doc.kind not in seen:
            seen.add(doc.kind)
            result.append(doc)
    return result


def vendor_dossier(vendor: Vendor) -> QuerySet[Document]:
    """The vendor's current documents with their audit trail: those needing action first, then newest first."""
    attention = Case(
        When(status__in=[DocumentStatus.REJECTED, DocumentStatus.NEEDS_MORE], then=Value(0)),
        When(status=DocumentStatus.PENDING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Document.objects.current()
        .filter(vendor=vendor)
        .order_by(attention, "-uploaded_at", "-pk")
        .select_related("product", "reviewed_by", "replaced_by")
        .prefetch_related(Prefetch("reviews", queryset=DocumentReview.objects.select_related("actor")))
    )


def review_queue(*, status: str = DocumentStatus.PENDING) -> QuerySet[Document]:
    """Documents waiting for organizers, oldest first (first come, first reviewed)."""
    return (
        Document.objects.filter(status=status)
        .select_related("vendor", "product", "uploaded_by")
        .prefetch_related(Prefetch("reviews", queryset=DocumentReview.objects.select_related("actor")))
        .order_by("uploaded_at", "pk")
    )


def member_vendor_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(VendorMember.objects.filter(user=user).values_list("vendor_id", flat=True))


@dataclass
class Requirement:
    kind: str
    label: str
    document: Document | None

    @property
    def state(self) -> str:
        """missing, pending, approved, expired, rejected or needs_more: what the vendor sees next to the kind."""
        if self.document is None:
            return "missing"
        if self.document.status == DocumentStatus.APPROVED and self.document.is_expired:
            return "expired"
        return self.document.status


def product_requirements(product: Product) -> list[Requirement]:
    """For each document kind the product's group requires, the most useful current document (or none).

    Preference: approved and unexpired, then pending, then the latest other one, so
    the vendor sees at a glance what is missing before the product can be verified.
    """
    from vendors.models import DocumentKind

    documents = (
        Document.objects.current()
        .filter(Q(product__isnull=True) | Q(product=product), vendor_id=product.vendor_id)
        .exclude(product__isnull=True, kind__in=PRODUCT_ONLY_DOCUMENTS)
        .order_by("-uploaded_at", "-pk")
    )
    rank = {DocumentStatus.APPROVED: 0, DocumentStatus.PENDING: 1}
    best: dict[str, Document] = {}
    for doc in documents:
        key = 1 if doc.is_expired else rank.get(doc.status, 2)
        current = best.get(doc.kind)
        if current is None or key < (1 if current.is_expired else rank.get(current.status, 2)):
            best[doc.kind] = doc
    return [Requirement(kind, DocumentKind(kind).label, best.get(kind)) for kind in REQUIRED_DOCUMENTS[product.group]]
