"""Pages: the public directory and product pages, the vendor's own pages, the organizers' queue.

Views are thin: parse a form, call a service, render. A refused rule comes back as
``ApplicationError`` and is shown on the form (or as 403/404 when that is the answer).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from accounts.roles import Role
from config.errors import ApplicationError
from vendors import selectors, services
from vendors.forms import (
    DocumentForm,
    InviteForm,
    PhotoForm,
    PriceTierForm,
    ProductFilterForm,
    ProductForm,
    ReviewForm,
    VendorFilterForm,
    VendorForm,
)
from vendors.models import Document, DocumentStatus, MemberRole, PriceTier, Product, Vendor
from vendors.permissions import can_view_dossier, is_organizer, member_role

PAGE_SIZE = 24


def _search_rate(group, request) -> str | None:
    """Typed searches cost as much as the site search, so they share its per-address rate; browsing does not count."""
    return settings.SITE_SEARCH_RATE if request.GET.get("q", "").strip() else None


def _too_many_searches(request):
    return render(request, "429.html", status=429) if getattr(request, "limited", False) else None


def _show_error(request, form, exc: ApplicationError) -> None:
    """Put a service's refusal on the form, or turn 403/404 into the matching response."""
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    if exc.status == 404:
        raise Http404(exc.message)
    placed = False
    if exc.status == 429:
        messages.error(request, exc.message)
        return
    if form is not None:
        for field, errors in exc.fields.items():
            if field in form.fields:
                for error in errors:
                    form.add_error(field, error)
                placed = True
    if not placed:
        if form is not None:
            form.add_error(None, exc.message)
        else:
            messages.error(request, exc.message)


def _managed_vendor(request, slug) -> tuple[Vendor, str]:
    vendor = get_object_or_404(Vendor, slug=slug)
    role = member_role(request.user, vendor)
    if role is None:
        raise PermissionDenied(_("Bạn không phải thành viên của chủ thể này."))
    return vendor, role


# --------------------------------------------------------------------------- public


def product_filters_from(data, *, vendor=None) -> tuple[ProductFilterForm, selectors.ProductFilters]:
    form = ProductFilterForm(data)
    cleaned = form.cleaned_data if form.is_valid() else {}
    return form, selectors.ProductFilters(
        query=cleaned.get("q", ""), district=cleaned.get("district", ""), group=cleaned.get("group", ""),
        stars=cleaned.get("stars"), verified_only=bool(cleaned.get("verified")), vendor=vendor,
    )


@require_GET
@ratelimit(key="ip", rate=_search_rate, block=False)
def product_list(request):
    if limited := _too_many_searches(request):
        return limited
    form, filters = product_filters_from(request.GET)
    page = Paginator(selectors.product_search(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    prefetch_related_objects(page.object_list, "photos")  # one query for the cards' thumbnails
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request, "vendors/product_list.html",
        {"form": form, "page_obj": page, "products": page.object_list, "query_string": query_string.urlencode()},
    )


@require_GET
@ratelimit(key="ip", rate=_search_rate, block=False)
def vendor_list(request):
    if limited := _too_many_searches(request):
        return limited
    form = VendorFilterForm(request.GET)
    cleaned = form.cleaned_data if form.is_valid() else {}
    vendors = selectors.vendor_search(
        query=cleaned.get("q", ""), district=cleaned.get("district", ""), verified_only=bool(cleaned.get("verified"))
    )
    page = Paginator(vendors, PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request, "vendors/vendor_list.html",
        {"form": form, "page_obj": page, "vendors": page.object_list, "query_string": query_string.urlencode(),
         "is_organizer": is_organizer(request.user)},
    )


@require_GET
def vendor_detail(request, slug):
    vendor = get_object_or_404(Vendor, slug=slug)
    products = selectors.product_search(selectors.ProductFilters(vendor=vendor)).prefetch_related("photos")
    return render(
        request, "vendors/vendor_detail.html",
        {"vendor": vendor, "products": products, "photos": vendor.photos.filter(product__isnull=True),
         "is_member": member_role(request.user, vendor) is not None},
    )


@require_GET
def product_detail(request, slug, code):
    product = get_object_or_404(Product.objects.select_related("vendor"), vendor__slug=slug, code=code.upper())
    return render(
        request, "vendors/product_detail.html",
        {
            "product": product, "vendor": product.vendor, "photos": product.photos.all(),
            "tiers": product.price_tiers.all(), "verification": selectors.product_verification(product),
            "is_member": member_role(request.user, product.vendor) is not None,
        },
    )


# --------------------------------------------------------------------------- vendor's own pages


@login_required
def my_vendors(request):
    vendors = selectors.vendors_of_user(request.user)
    if len(vendors) == 1:
        return redirect("vendors:manage", slug=vendors[0].slug)
    return render(
        request, "vendors/my_vendors.html",
        {"vendors": vendors, "can_create": request.user.groups.filter(name=Role.VENDOR).exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def vendor_create(request):
    if not request.user.groups.filter(name=Role.VENDOR).exists():
        raise PermissionDenied(_("Chỉ tài khoản chủ thể OCOP mới tạo được hồ sơ chủ thể."))
    form = VendorForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "logo"}
        try:
            vendor = services.vendor_create(user=request.user, logo=form.cleaned_data.get("logo"), **data)
        except ApplicationError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("Đã tạo hồ sơ chủ thể. Hãy thêm sản phẩm và tải lên giấy tờ."))
            return redirect("vendors:manage", slug=vendor.slug)
    return render(request, "vendors/vendor_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def vendor_manage(request, slug):
    vendor, role = _managed_vendor(request, slug)
    form = VendorForm(request.POST or None, request.FILES or None, instance=vendor)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "logo"}
        try:
            vendor = services.vendor_update(vendor=vendor, actor=request.user, logo=form.cleaned_data.get("logo"), **data)
        except ApplicationError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("Đã lưu hồ sơ chủ thể."))
            return redirect("vendors:manage", slug=vendor.slug)
    return render(
        request, "vendors/vendor_manage.html",
        {
            "vendor": vendor, "role": role, "form": form, "is_owner": role == MemberRole.OWNER,
            "products": vendor.products.order_by("name"), "members": vendor.members.select_related("user"),
            "invite_form": InviteForm(), "photo_form": PhotoForm(), "photos": vendor.photos.filter(product__isnull=True),
        },
    )


@login_required
@require_http_methods(["POST"])
def member_invite(request, slug):
    vendor, _role = _managed_vendor(request, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.vendor_member_invite(vendor=vendor, actor=request.user, email=form.cleaned_data["email"])
        except ApplicationError as exc:
            _show_error(request, None, exc)
        else:
            messages.success(request, _("Đã thêm nhân viên."))
    else:
        messages.error(request, _("E-mail không hợp lệ."))
    return redirect("vendors:manage", slug=vendor.slug)


@login_required
@require_http_methods(["POST"])
def photo_add(request, slug, code=None):
    vendor, _role = _managed_vendor(request, slug)
    product = get_object_or_404(Product, vendor=vendor, code=code) if code else None
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(
                vendor=vendor, actor=request.user, upload=form.cleaned_data["image"], product=product,
                caption=form.cleaned_data["caption"],
            )
        except ApplicationError as exc:
            _show_error(request, None, exc)
        else:
            messages.success(request, _("Đã thêm ảnh."))
    else:
        messages.error(request, _("Hãy chọn một tệp ảnh."))
    if product:
        return redirect("vendors:product_edit", slug=vendor.slug, code=product.code)
    return redirect("vendors:manage", slug=vendor.slug)


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request, slug, code=None):
    vendor, _role = _managed_vendor(request, slug)
    product = get_object_or_404(Product, vendor=vendor, code=code) if code else None
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            if product is None:
                product = services.product_create(vendor=vendor, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Đã thêm sản phẩm. Hãy tải lên giấy tờ để được xác minh."))
            else:
                product = services.product_update(product=product, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Đã lưu sản phẩm."))
        except ApplicationError as exc:
            product = Product.objects.filter(pk=product.pk).first() if product and product.pk else None
            _show_error(request, form, exc)
        else:
            return redirect("vendors:product_edit", slug=vendor.slug, code=product.code)
    return render(
        request, "vendors/product_form.html",
        {
            "vendor": vendor, "product": product, "form": form, "tier_form": PriceTierForm(),
            "photo_form": PhotoForm(), "tiers": product.price_tiers.all() if product else [],
            "photos": product.photos.all() if product else [],
            "requirements": selectors.product_requirements(product) if product else [],
        },
    )


@login_required
@require_http_methods(["POST"])
def price_tier_add(request, slug, code):
    vendor, _role = _managed_vendor(request, slug)
    product = get_object_or_404(Product, vendor=vendor, code=code)
    form = PriceTierForm(request.POST)
    if form.is_valid():
        try:
            services.price_tier_set(product=product, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _show_error(request, None, exc)
        else:
            messages.success(request, _("Đã lưu giá sỉ."))
    else:
        messages.error(request, _("Giá sỉ không hợp lệ."))
    return redirect("vendors:product_edit", slug=vendor.slug, code=product.code)


@login_required
@require_http_methods(["POST"])
def price_tier_delete(request, slug, code, pk):
    vendor, _role = _managed_vendor(request, slug)
    tier = get_object_or_404(PriceTier, pk=pk, product__vendor=vendor, product__code=code)
    services.price_tier_delete(tier=tier, actor=request.user)
    messages.success(request, _("Đã xóa mức giá sỉ."))
    return redirect("vendors:product_edit", slug=vendor.slug, code=code)


@login_required
@require_http_methods(["GET", "POST"])
def dossier(request, slug):
    """The vendor's documents, each with its state and what to do next, and the upload form."""
    vendor, _role = _managed_vendor(request, slug)
    form = DocumentForm(request.POST or None, request.FILES or None, vendor=vendor)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(
                vendor=vendor, actor=request.user, kind=form.cleaned_data["kind"], product=form.cleaned_data["product"],
                number=form.cleaned_data["number"], issued_on=form.cleaned_data["issued_on"],
                expires_on=form.cleaned_data["expires_on"], upload=form.cleaned_data["file"],
            )
        except ApplicationError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("Đã tải lên giấy tờ. Ban tổ chức sẽ duyệt sớm."))
            return redirect("vendors:dossier", slug=vendor.slug)
    return render(
        request, "vendors/dossier.html",
        {"vendor": vendor, "documents": selectors.vendor_dossier(vendor), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_reupload(request, slug, pk):
    vendor, _role = _managed_vendor(request, slug)
    previous = get_object_or_404(Document.objects.current(), pk=pk, vendor=vendor)
    form = DocumentForm(request.POST or None, request.FILES or None, vendor=vendor, replaces=previous,
                        initial={"number": previous.number})
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(
                vendor=vendor, actor=request.user, kind=previous.kind, replaces=previous,
                number=form.cleaned_data["number"], issued_on=form.cleaned_data["issued_on"],
                expires_on=form.cleaned_data["expires_on"], upload=form.cleaned_data["file"],
            )
        except ApplicationError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("Đã tải lên bản mới. Ban tổ chức sẽ duyệt lại."))
            return redirect("vendors:dossier", slug=vendor.slug)
    return render(request, "vendors/document_reupload.html", {"vendor": vendor, "previous": previous, "form": form})


@never_cache
@require_GET
def document_file(request, pk, thumbnail=False):
    """A private dossier file, only for the vendor's members and organizers; 404 for everyone else."""
    document = get_object_or_404(Document.objects.select_related("vendor"), pk=pk)
    if not can_view_dossier(request.user, document.vendor):
        raise Http404(_("Không tìm thấy giấy tờ."))
    field = document.thumbnail if thumbnail else document.file
    if not field:
        raise Http404(_("Không tìm thấy giấy tờ."))
    content_type = "image/jpeg" if thumbnail else document.content_type
    extension = "pdf" if content_type == "application/pdf" else "jpg"
    response = FileResponse(
        field.open("rb"), content_type=content_type, as_attachment=False,
        filename=f"{document.kind}-{document.pk}.{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


# --------------------------------------------------------------------------- organizers


def _require_organizer_page(request):
    if not is_organizer(request.user):
        raise PermissionDenied(_("Chỉ ban tổ chức mới duyệt được hồ sơ."))


@login_required
@require_GET
def review_queue(request):
    _require_organizer_page(request)
    status = request.GET.get("status", DocumentStatus.PENDING)
    if status not in DocumentStatus.values:
        status = DocumentStatus.PENDING
    page = Paginator(selectors.review_queue(status=status), 50).get_page(request.GET.get("page"))
    return render(
        request, "vendors/review_queue.html",
        {"page_obj": page, "documents": page.object_list, "status": status,
         "statuses": [s for s in DocumentStatus if s != DocumentStatus.SUPERSEDED]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_document(request, pk):
    _require_organizer_page(request)
    document = get_object_or_404(Document.objects.select_related("vendor", "product", "uploaded_by"), pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_review(
                document=document, actor=request.user, action=form.cleaned_data["action"], note=form.cleaned_data["note"]
            )
        except ApplicationError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("Đã ghi kết quả duyệt."))
            return redirect("vendors:review_queue")
    history = document.reviews.select_related("actor")
    earlier = []
    previous = document.replaces
    while previous is not None and len(earlier) < 10:
        earlier.append(previous)
        previous = previous.replaces
    return render(
        request, "vendors/review_document.html",
        {"document": document, "form": form, "history": history, "earlier": earlier,
         "can_decide": document.status == DocumentStatus.PENDING},
    )
