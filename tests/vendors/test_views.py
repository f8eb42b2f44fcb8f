"""Pages and private files: who sees what, and what a refusal looks like."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.vendors.conftest import PRODUCT_DATA, TODAY, VENDOR_DATA, upload
from vendors import services
from vendors.models import Document, DocumentKind, DocumentStatus, Product, ReviewAction, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_product(product, vendor, upload_document, organizer_user):
    for kind, target in ((DocumentKind.OCOP_CERTIFICATE, product), (DocumentKind.ORIGIN, None), (DocumentKind.FOOD_SAFETY, None)):
        document = upload_document(vendor, kind, product=target, expires_on=TODAY + datetime.timedelta(days=90))
        services.document_review(document=document, actor=organizer_user, action=ReviewAction.APPROVED)
    product.refresh_from_db()
    assert product.is_verified
    return product


def test_private_document_is_served_to_members_and_organizers_only(client, vendor, upload_document, make_user, organizer_user, buyer_user):
    document = upload_document(vendor, DocumentKind.ORIGIN)
    url = reverse("vendors:document_file", kwargs={"pk": document.pk})
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(buyer_user)
    assert client.get(url).status_code == 404
    other_vendor = make_user("khac@example.vn", roles=[Role.VENDOR])
    client.force_login(other_vendor)
    assert client.get(url).status_code == 404
    client.force_login(organizer_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(vendor.members.get().user)
    assert client.get(url).status_code == 200


def test_private_files_have_no_public_media_url(client, vendor, upload_document):
    document = upload_document(vendor, DocumentKind.ORIGIN)
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/private/{document.file.name}").status_code == 404


def test_public_product_page_shows_the_badge_and_what_was_verified_but_not_the_files(client, verified_product):
    response = client.get(verified_product.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="verified-badge"' in html and 'href="#xac-minh"' in html
    assert "Giấy chứng nhận OCOP" in html and "Giấy chứng nhận an toàn thực phẩm" in html
    assert "/ho-so/" not in html  # no link to any private file
    assert "120.000 ₫" in html


def test_unverified_product_page_says_so(client, product):
    html = client.get(product.get_absolute_url()).content.decode()
    assert 'data-testid="unverified"' in html
    assert 'data-testid="verified-badge"' not in html


def test_product_directory_filters(client, verified_product, vendor, vendor_user):
    services.product_create(vendor=vendor, actor=vendor_user, **{**PRODUCT_DATA, "name": "Mật ong hoa nhãn", "code": "M01", "stars": 3})
    url = reverse("vendors:product_list")
    assert [p.code for p in client.get(url, {"verified": "on"}).context["products"]] == ["B01"]
    assert [p.code for p in client.get(url, {"stars": "3"}).context["products"]] == ["M01"]
    assert [p.code for p in client.get(url, {"q": "mat ong"}).context["products"]] == ["M01"]
    assert list(client.get(url, {"district": "ba-vi"}).context["products"]) == []
    assert client.get(url, {"stars": "9", "district": "khong-co"}).status_code == 200  # bad filters are ignored


def test_vendor_directory_lists_vendors_with_verified_counts(client, verified_product):
    response = client.get(reverse("vendors:vendor_list"), {"q": "dong cao"})
    vendors = list(response.context["vendors"])
    assert [v.legal_name for v in vendors] == ["HTX Bưởi đỏ Đông Cao"]
    assert vendors[0].verified_count == 1


def test_staff_of_another_vendor_gets_403_on_management_pages(client, vendor, product, make_user):
    outsider = make_user("khac@example.vn", roles=[Role.VENDOR])
    client.force_login(outsider)
    for name, kwargs in (
        ("vendors:manage", {"slug": vendor.slug}),
        ("vendors:dossier", {"slug": vendor.slug}),
        ("vendors:product_edit", {"slug": vendor.slug, "code": product.code}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    response = client.post(reverse("vendors:product_edit", kwargs={"slug": vendor.slug, "code": "B01"}), {**PRODUCT_DATA, "price": "1"})
    assert response.status_code == 403
    assert Product.objects.get(pk=product.pk).price == 120000


def test_vendor_creates_profile_and_product_through_pages(client, vendor_user):
    client.force_login(vendor_user)
    response = client.post(reverse("vendors:create"), VENDOR_DATA)
    vendor = Vendor.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("vendors:manage", kwargs={"slug": vendor.slug})
    response = client.post(reverse("vendors:product_create", kwargs={"slug": vendor.slug}), {**PRODUCT_DATA, "price": "-5"})
    assert response.status_code == 200
    assert "Giá không được âm." in response.content.decode()
    assert not Product.objects.exists()
    response = client.post(reverse("vendors:product_create", kwargs={"slug": vendor.slug}), PRODUCT_DATA)
    assert response.status_code == 302
    response = client.post(reverse("vendors:product_create", kwargs={"slug": vendor.slug}), {**PRODUCT_DATA, "name": "Khác"})
    assert "Mã B01 đã dùng" in response.content.decode()
    assert Product.objects.count() == 1


def test_a_buyer_cannot_open_the_vendor_sign_up_page(client, buyer_user):
    client.force_login(buyer_user)
    assert client.get(reverse("vendors:create")).status_code == 403


def test_upload_page_refuses_a_fake_pdf_with_a_clear_message(client, vendor, vendor_user):
    client.force_login(vendor_user)
    response = client.post(
        reverse("vendors:dossier", kwargs={"slug": vendor.slug}),
        {"kind": DocumentKind.ORIGIN, "issued_on": "2025-01-01", "file": upload(data=b"not a pdf at all")},
    )
    assert response.status_code == 200
    assert "Tệp không đúng định dạng" in response.content.decode()
    assert not Document.objects.exists()


def test_review_queue_is_for_organizers(client, vendor, upload_document, organizer_user, buyer_user, vendor_user):
    document = upload_document(vendor, DocumentKind.ORIGIN)
    for user in (buyer_user, vendor_user):
        client.force_login(user)
        assert client.get(reverse("vendors:review_queue")).status_code == 403
        assert client.post(reverse("vendors:review_document", kwargs={"pk": document.pk}), {"action": "approved"}).status_code == 403
    client.force_login(organizer_user)
    assert document in client.get(reverse("vendors:review_queue")).context["documents"]
    response = client.post(reverse("vendors:review_document", kwargs={"pk": document.pk}), {"action": "rejected", "note": ""})
    assert "Hãy ghi lý do" in response.content.decode()
    client.post(reverse("vendors:review_document", kwargs={"pk": document.pk}), {"action": "rejected", "note": "Ảnh mờ"})
    document.refresh_from_db()
    assert document.status == DocumentStatus.REJECTED


def test_dossier_page_shows_each_state_and_what_to_do(client, vendor, vendor_user, upload_document, organizer_user):
    document = upload_document(vendor, DocumentKind.ORIGIN)
    services.document_review(document=document, actor=organizer_user, action=ReviewAction.NEEDS_MORE, note="Thiếu dấu đỏ")
    client.force_login(vendor_user)
    html = client.get(reverse("vendors:dossier", kwargs={"slug": vendor.slug})).content.decode()
    assert "Cần bổ sung" in html and "Thiếu dấu đỏ" in html and "tải lên bản mới" in html.lower()


def test_wagtail_admin_menu_links_organizers_to_the_review_queue(client, organizer_user):
    client.force_login(organizer_user)
    assert reverse("vendors:review_queue") in client.get("/admin/").content.decode()


def test_product_page_in_english(client, verified_product):
    client.cookies["django_language"] = "en"
    html = client.get(verified_product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Verified by the organizers" in html and "What did the organizers verify?" in html


def test_product_edit_page_lists_what_is_missing_for_verification(client, product, vendor, vendor_user, upload_document, organizer_user):
    origin = upload_document(vendor, DocumentKind.ORIGIN)
    services.document_review(document=origin, actor=organizer_user, action=ReviewAction.APPROVED)
    upload_document(vendor, DocumentKind.FOOD_SAFETY)
    client.force_login(vendor_user)
    response = client.get(reverse("vendors:product_edit", kwargs={"slug": vendor.slug, "code": product.code}))
    states = {req.kind: req.state for req in response.context["requirements"]}
    assert states == {"ocop_certificate": "missing", "origin": "approved", "food_safety": "pending"}
    assert "Chưa nộp" in response.content.decode()


def test_dossier_lists_documents_needing_action_first(client, vendor, vendor_user, upload_document, organizer_user):
    rejected = upload_document(vendor, DocumentKind.ORIGIN)
    services.document_review(document=rejected, actor=organizer_user, action=ReviewAction.REJECTED, note="Mờ")
    approved = upload_document(vendor, DocumentKind.STAMP_LABEL)
    services.document_review(document=approved, actor=organizer_user, action=ReviewAction.APPROVED)
    pending = upload_document(vendor, DocumentKind.TRACEABILITY)
    client.force_login(vendor_user)
    documents = list(client.get(reverse("vendors:dossier", kwargs={"slug": vendor.slug})).context["documents"])
    assert documents == [rejected, pending, approved]
