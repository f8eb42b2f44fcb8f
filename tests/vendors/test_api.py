"""The API: public directory, a vendor's dossier, organizers' review actions, the error shape."""

import pytest

from accounts.roles import Role
from tests.vendors.conftest import TODAY, png_bytes, upload
from vendors.models import Document, DocumentKind, DocumentReview, DocumentStatus

pytestmark = pytest.mark.django_db


def test_products_are_public_and_filterable(client, product):
    body = client.get("/api/v1/products/", {"search": "BUOI DO", "district": "me-linh", "group": "food", "stars": 4}).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["code"] == "B01" and item["price"] == 120000 and item["is_verified"] is False
    assert item["vendor"]["district_name"] == "Mê Linh"
    assert client.get("/api/v1/products/", {"verified": "true"}).json()["count"] == 0
    detail = client.get(f"/api/v1/products/{product.pk}/").json()
    assert detail["verification"] == [] and detail["price_tiers"] == []


def test_invalid_filters_get_the_error_shape(client):
    response = client.get("/api/v1/products/", {"stars": 7, "district": "khong-co"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"stars", "district"}


def test_vendors_list_and_detail(client, vendor):
    assert client.get("/api/v1/vendors/", {"search": "dong cao"}).json()["results"][0]["slug"] == vendor.slug
    assert client.get(f"/api/v1/vendors/{vendor.slug}/").json()["registration_number"] == "0101234567"


def test_my_vendors_lists_the_users_memberships(client, vendor, vendor_user, buyer_user):
    client.force_login(vendor_user)
    mine = client.get("/api/v1/vendors/mine/").json()
    assert mine == [{
        "slug": vendor.slug, "legal_name": vendor.legal_name, "district": "me-linh", "district_name": "Mê Linh",
        "role": "owner", "documents_url": f"/api/v1/vendors/{vendor.slug}/documents/",
    }]
    client.force_login(buyer_user)
    assert client.get("/api/v1/vendors/mine/").json() == []


def test_dossier_is_visible_to_members_and_organizers_only(client, vendor, vendor_user, buyer_user, organizer_user, upload_document):
    upload_document(vendor, DocumentKind.ORIGIN)
    url = f"/api/v1/vendors/{vendor.slug}/documents/"
    assert client.get(url).status_code == 403  # anonymous: not authenticated
    client.force_login(buyer_user)
    assert client.get(url).status_code == 404
    client.force_login(vendor_user)
    docs = client.get(url).json()["results"]
    assert docs[0]["status"] == "pending" and docs[0]["next_step"]
    assert docs[0]["reviews"][0]["action"] == "submitted"
    client.force_login(organizer_user)
    assert client.get(url).json()["count"] == 1


def test_upload_through_the_api_checks_content(client, vendor, vendor_user):
    client.force_login(vendor_user)
    url = f"/api/v1/vendors/{vendor.slug}/documents/"
    forged = client.post(url, {"kind": "origin", "issued_on": "2025-01-01", "file": upload("x.pdf", b"<html>not pdf</html>")})
    assert forged.status_code == 400
    assert forged.json()["error"]["code"] == "file_type"
    assert "Tệp không đúng định dạng" in forged.json()["error"]["message"]
    ok = client.post(url, {"kind": "stamp_label", "issued_on": "2025-01-01", "file": upload("tem.png", png_bytes(), "image/png")})
    assert ok.status_code == 201, ok.content
    assert ok.json()["content_type"] == "image/jpeg"
    assert Document.objects.count() == 1


def test_staff_of_another_vendor_cannot_upload(client, vendor, make_user):
    client.force_login(make_user("khac@example.vn", roles=[Role.VENDOR]))
    response = client.post(f"/api/v1/vendors/{vendor.slug}/documents/", {"kind": "origin", "issued_on": "2025-01-01", "file": upload()})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_member"
    assert not Document.objects.exists()


def test_review_actions_for_organizers(client, vendor, vendor_user, organizer_user, upload_document):
    document = upload_document(vendor, DocumentKind.ORIGIN)
    client.force_login(vendor_user)
    assert client.get("/api/v1/documents/review-queue/").status_code == 403
    assert client.post(f"/api/v1/documents/{document.pk}/review/", {"action": "approved"}).status_code == 403
    client.force_login(organizer_user)
    queue = client.get("/api/v1/documents/review-queue/").json()
    assert [d["id"] for d in queue["results"]] == [document.pk]
    refused = client.post(f"/api/v1/documents/{document.pk}/review/", {"action": "rejected"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "reason_required"
    done = client.post(f"/api/v1/documents/{document.pk}/review/", {"action": "rejected", "note": "Sai số hiệu"})
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    again = client.post(f"/api/v1/documents/{document.pk}/review/", {"action": "approved"})
    assert again.status_code == 409
    assert DocumentReview.objects.filter(document=document, action="rejected", note="Sai số hiệu").count() == 1
    assert Document.objects.get().status == DocumentStatus.REJECTED


def test_reupload_through_the_api_replaces_the_rejected_document(client, vendor, vendor_user, organizer_user, upload_document):
    from vendors import services

    first = upload_document(vendor, DocumentKind.ORIGIN)
    services.document_review(document=first, actor=organizer_user, action="rejected", note="Mờ")
    client.force_login(vendor_user)
    response = client.post(
        f"/api/v1/vendors/{vendor.slug}/documents/",
        {"replaces_id": first.pk, "issued_on": str(TODAY), "file": upload()},
    )
    assert response.status_code == 201, response.content
    assert response.json()["replaces_id"] == first.pk and response.json()["kind"] == "origin"


def test_every_vendors_endpoint_is_in_the_openapi_document(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/vendors/", "/api/v1/vendors/mine/", "/api/v1/vendors/{slug}/", "/api/v1/vendors/{slug}/documents/", "/api/v1/products/",
        "/api/v1/products/{id}/", "/api/v1/documents/review-queue/", "/api/v1/documents/{id}/",
        "/api/v1/documents/{id}/review/",
    ):
        assert path in schema["paths"], path


def test_review_queue_reads_a_page_in_a_fixed_number_of_queries(client, vendor, organizer_user, upload_document, django_assert_max_num_queries):
    for kind in (DocumentKind.ORIGIN, DocumentKind.FOOD_SAFETY, DocumentKind.STAMP_LABEL, DocumentKind.TRACEABILITY):
        upload_document(vendor, kind)
    client.force_login(organizer_user)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/documents/review-queue/").json()["count"] == 4
