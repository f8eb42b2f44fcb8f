"""API: the public directory (vendors, products with search and filters), a vendor's own
dossier and its review state, and the organizers' review actions.

Lists use ``selectors.product_search`` / ``vendor_search``, the same reads as the pages.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import schema_error_response
from vendors import selectors, services
from vendors.districts import District
from vendors.models import Document, DocumentKind, DocumentStatus, OcopGroup, Product, Vendor, VendorMember
from vendors.permissions import can_view_dossier, require_member, require_organizer, visible_price_tiers

MAX_ID = 2**63 - 1

class _Pagination(PageNumberPagination):
    page_size = 24
    max_page_size = 100
    page_size_query_param = "page_size"


class _VendorBrief(serializers.Serializer):
    slug = serializers.CharField()
    legal_name = serializers.CharField()
    district = serializers.CharField()
    district_name = serializers.CharField(source="get_district_display")


class PriceTierOutput(serializers.Serializer):
    buyer_kind = serializers.CharField()
    min_quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField()


class ProductListApi(GenericAPIView):
    """Public OCOP products, searchable without diacritics (`?search=buoi do`) and filterable."""

    permission_classes = [AllowAny]
    pagination_class = _Pagination

    @extend_schema_serializer(component_name="ProductFilter")
    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, allow_blank=True, max_length=200)
        district = serializers.ChoiceField(choices=District.choices, required=False)
        group = serializers.ChoiceField(choices=OcopGroup.choices, required=False)
        stars = serializers.IntegerField(required=False, min_value=3, max_value=5)
        verified = serializers.BooleanField(required=False, default=False)
        vendor = serializers.SlugField(required=False)

    @extend_schema_serializer(component_name="ProductListItem")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        code = serializers.CharField()
        group = serializers.CharField()
        stars = serializers.IntegerField()
        price = serializers.IntegerField(help_text="VND, whole đồng")
        unit = serializers.CharField()
        stock = serializers.IntegerField()
        is_verified = serializers.BooleanField()
        verified_at = serializers.DateTimeField(allow_null=True)
        verified_until = serializers.DateField(allow_null=True)
        url = serializers.CharField(source="get_absolute_url")
        vendor = _VendorBrief()

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **schema_error_response()},
        operation_id="products_list",
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        vendor = get_object_or_404(Vendor, slug=data["vendor"]) if data.get("vendor") else None
        qs = selectors.product_search(
            selectors.ProductFilters(
                query=data.get("search", ""), district=data.get("district", ""), group=data.get("group", ""),
                stars=data.get("stars"), verified_only=data.get("verified", False), vendor=vendor,
            )
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class VerifiedDocumentOutput(serializers.Serializer):
    kind = serializers.CharField()
    kind_name = serializers.CharField(source="get_kind_display")
    number = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)
    reviewed_at = serializers.DateTimeField()


class ProductDetailApi(APIView):
    """One product, its wholesale tiers and what the organizers verified (never the files)."""

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="ProductDetail")
    class OutputSerializer(ProductListApi.OutputSerializer):
        description = serializers.CharField()
        ingredients = serializers.CharField()
        origin = serializers.CharField()
        shelf_life = serializers.CharField()
        certificate_number = serializers.CharField()
        certificate_year = serializers.IntegerField(allow_null=True)
        certificate_level = serializers.CharField()
        price_tiers = PriceTierOutput(
            many=True, source="visible_tiers", help_text="only for the vendor's members and verified businesses"
        )
        verification = VerifiedDocumentOutput(many=True, source="verified_documents")

    @extend_schema(responses={200: OutputSerializer, **schema_error_response(404)}, operation_id="products_retrieve")
    def get(self, request, pk):
        product = get_object_or_404(Product.objects.select_related("vendor"), pk=pk)
        product.verified_documents = selectors.product_verification(product)
        product.visible_tiers = visible_price_tiers(request.user, product)
        return Response(self.OutputSerializer(product).data)


class VendorListApi(GenericAPIView):
    """Public directory of OCOP vendors (`?search=`, `?district=`, `?verified=true`)."""

    permission_classes = [AllowAny]
    pagination_class = _Pagination

    @extend_schema_serializer(component_name="VendorFilter")
    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, allow_blank=True, max_length=200)
        district = serializers.ChoiceField(choices=District.choices, required=False)
        verified = serializers.BooleanField(required=False, default=False)

    @extend_schema_serializer(component_name="VendorListItem")
    class OutputSerializer(_VendorBrief):
        kind = serializers.CharField()
        commune = serializers.CharField()
        representative = serializers.CharField()
        product_count = serializers.IntegerField()
        verified_count = serializers.IntegerField()
        url = serializers.CharField(source="get_absolute_url")

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **schema_error_response()},
        operation_id="vendors_list",
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        qs = selectors.vendor_search(
            query=data.get("search", ""), district=data.get("district", ""), verified_only=data.get("verified", False)
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class MyVendorsApi(APIView):
    """The vendors the signed-in user belongs to, with their role: where their dossier lives."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MyVendor")
    class OutputSerializer(_VendorBrief):
        role = serializers.CharField()
        documents_url = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer(many=True)}, operation_id="vendors_mine")
    def get(self, request):
        from django.urls import reverse

        memberships = VendorMember.objects.filter(user=request.user).select_related("vendor").order_by("vendor__legal_name")
        rows = []
        for membership in memberships:
            vendor = membership.vendor
            vendor.role = membership.role
            vendor.documents_url = reverse("api-vendor-documents", kwargs={"slug": vendor.slug})
            rows.append(vendor)
        return Response(self.OutputSerializer(rows, many=True).data)


class VendorDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="VendorDetail")
    class OutputSerializer(_VendorBrief):
        kind = serializers.CharField()
        registration_number = serializers.CharField()
        commune = serializers.CharField()
        address = serializers.CharField()
        phone = serializers.CharField()
        email = serializers.CharField()
        representative = serializers.CharField()
        story = serializers.CharField()
        url = serializers.CharField(source="get_absolute_url")

    @extend_schema(responses={200: OutputSerializer, **schema_error_response(404)}, operation_id="vendors_retrieve")
    def get(self, request, slug):
        return Response(self.OutputSerializer(get_object_or_404(Vendor, slug=slug)).data)


class ReviewOutput(serializers.Serializer):
    action = serializers.CharField()
    status_before = serializers.CharField()
    status_after = serializers.CharField()
    note = serializers.CharField()
    actor = serializers.CharField(source="actor.get_full_name", default=None)
    created_at = serializers.DateTimeField()


class DocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    vendor = serializers.SlugField(source="vendor.slug")
    product_id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    number = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    status = serializers.CharField()
    status_name = serializers.CharField(source="get_status_display")
    review_note = serializers.CharField()
    next_step = serializers.CharField()
    replaces_id = serializers.IntegerField(allow_null=True)
    uploaded_at = serializers.DateTimeField()
    file_url = serializers.SerializerMethodField()
    reviews = ReviewOutput(many=True, source="reviews.all")

    def get_file_url(self, document) -> str:
        """Permission-checked URL: works only for the vendor's members and organizers."""
        from django.urls import reverse

        return reverse("vendors:document_file", kwargs={"pk": document.pk})


def _dossier_vendor(request, slug) -> Vendor:
    vendor = get_object_or_404(Vendor, slug=slug)
    if not can_view_dossier(request.user, vendor):
        raise NotFound()
    return vendor


class VendorDocumentsApi(GenericAPIView):
    """A vendor's own dossier (members and organizers only) and uploading a document to it."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = _Pagination

    @extend_schema_serializer(component_name="DocumentUpload")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False)
        # Ids are 64-bit: a bigger number is refused as input (SQLite could not even look it up).
        product_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
        replaces_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
        number = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
        issued_on = serializers.DateField()
        expires_on = serializers.DateField(required=False, allow_null=True)
        file = serializers.FileField()

    def get_serializer_class(self):
        """What OPTIONS describes for POST (DRF's metadata asks every GenericAPIView; without it, a 500)."""
        return self.InputSerializer

    @extend_schema(responses={200: DocumentOutput(many=True), **schema_error_response(404)}, operation_id="vendor_documents_list")
    def get(self, request, slug):
        vendor = _dossier_vendor(request, slug)
        page = self.paginate_queryset(selectors.vendor_dossier(vendor))
        return self.get_paginated_response(DocumentOutput(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: DocumentOutput, **schema_error_response(), **schema_error_response(403)},
        operation_id="vendor_documents_upload",
    )
    def post(self, request, slug):
        vendor = get_object_or_404(Vendor, slug=slug)
        # Refuse outsiders before any lookup, so 403/404 answers cannot tell them which document ids are this vendor's.
        require_member(request.user, vendor)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        product = get_object_or_404(Product, pk=data["product_id"], vendor=vendor) if data.get("product_id") else None
        replaces = (
            get_object_or_404(Document, pk=data["replaces_id"], vendor=vendor) if data.get("replaces_id") else None
        )
        document = services.document_upload(
            vendor=vendor, actor=request.user, kind=data.get("kind", replaces.kind if replaces else ""),
            product=product, replaces=replaces, number=data.get("number", ""), issued_on=data["issued_on"],
            expires_on=data.get("expires_on"), upload=data["file"],
        )
        return Response(DocumentOutput(document).data, status=status.HTTP_201_CREATED)


class DocumentDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: DocumentOutput, **schema_error_response(404)}, operation_id="documents_retrieve")
    def get(self, request, pk):
        document = get_object_or_404(Document.objects.select_related("vendor"), pk=pk)
        if not can_view_dossier(request.user, document.vendor):
            raise NotFound()
        return Response(DocumentOutput(document).data)


class ReviewQueueApi(GenericAPIView):
    """Organizers: documents waiting for review, oldest first (`?status=` for other states)."""

    permission_classes = [IsAuthenticated]
    pagination_class = _Pagination

    @extend_schema_serializer(component_name="ReviewQueueFilter")
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=DocumentStatus.choices, required=False, default=DocumentStatus.PENDING)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: DocumentOutput(many=True), **schema_error_response(403)},
        operation_id="documents_review_queue",
    )
    def get(self, request):
        require_organizer(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.review_queue(status=filters.validated_data["status"]))
        return self.get_paginated_response(DocumentOutput(page, many=True).data)


class DocumentReviewApi(APIView):
    """Organizers: approve, reject (reason required) or ask for more. Recorded in the audit trail."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="DocumentReviewInput")
    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=["approved", "rejected", "needs_more"])
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    @extend_schema(
        request=InputSerializer,
        responses={200: DocumentOutput, **schema_error_response(), **schema_error_response(403), **schema_error_response(409)},
        operation_id="documents_review",
    )
    def post(self, request, pk):
        require_organizer(request.user)
        document = get_object_or_404(Document, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_review(document=document, actor=request.user, **serializer.validated_data)
        return Response(DocumentOutput(document).data)
