"""Defects found in review: each test failed before its fix."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/chu-the/san-pham/", "/chu-the/"])
def test_directory_searches_are_rate_limited_per_address_but_browsing_is_not(client, settings, url):
    """A flood of typed searches on the directories gets the 429 page, like the site search."""
    settings.SITE_SEARCH_RATE = "3/m"
    for _ in range(5):
        assert client.get(url).status_code == 200  # browsing without a query never counts
    for _ in range(3):
        assert client.get(url, {"q": "buoi do"}).status_code == 200
    limited = client.get(url, {"q": "buoi do"})
    assert limited.status_code == 429
    assert "Quá nhiều yêu cầu" in limited.content.decode()
    assert client.get(url, {"q": "buoi do"}, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_api_upload_answers_outsiders_the_same_whether_or_not_a_document_id_is_the_vendors(
    client, vendor, make_user, upload_document
):
    """A non-member probing ``replaces_id`` must not learn which document ids belong to the vendor."""
    from tests.vendors.conftest import upload

    document = upload_document(vendor, "origin")
    client.force_login(make_user("ngoai@x.vn", roles=["vendor"]))
    url = f"/api/v1/vendors/{vendor.slug}/documents/"
    answers = {
        client.post(url, {"replaces_id": replaces_id, "issued_on": "2025-01-01", "file": upload()}).status_code
        for replaces_id in (document.pk, document.pk + 1000)
    }
    assert answers == {403}


def test_vendor_sign_up_racing_another_for_the_same_registration_number_gets_a_form_error(vendor, make_user, monkeypatch):
    """Two submits that both pass validation before either inserts: the second gets a field error, not a 500."""
    from config.errors import ApplicationError
    from tests.vendors.conftest import VENDOR_DATA
    from vendors import services
    from vendors.models import Vendor

    monkeypatch.setattr(services, "_full_clean", lambda obj, **kwargs: None)  # validation ran before the other insert
    other = make_user("chuthe2@x.vn", roles=["vendor"])
    with pytest.raises(ApplicationError) as refused:
        services.vendor_create(user=other, **{**VENDOR_DATA, "legal_name": "HTX khác"})
    assert "registration_number" in refused.value.fields
    assert Vendor.objects.count() == 1


def test_vendor_sign_up_racing_another_for_the_same_slug_takes_the_next_slug(vendor, make_user, monkeypatch):
    from tests.vendors.conftest import VENDOR_DATA
    from vendors import services

    monkeypatch.setattr(services, "_full_clean", lambda obj, **kwargs: None)  # validation ran before the other insert
    real_unique_slug = services._unique_slug
    answers = iter([vendor.slug])  # the first check ran before the other vendor was inserted
    monkeypatch.setattr(services, "_unique_slug", lambda name, **kw: next(answers, None) or real_unique_slug(name, **kw))
    other = make_user("chuthe2@x.vn", roles=["vendor"])
    created = services.vendor_create(user=other, **{**VENDOR_DATA, "registration_number": "0109999999"})
    assert created.slug == f"{vendor.slug}-2"


def test_a_mail_server_outage_does_not_break_a_saved_review_decision(
    client, vendor, upload_document, organizer_user, monkeypatch, django_capture_on_commit_callbacks
):
    """The rejection is committed before the e-mail is sent; a failing SMTP server must not surface as an error."""
    import smtplib

    from vendors import services
    from vendors.models import DocumentStatus

    def mail_server_down(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr(services, "send_mail", mail_server_down)
    document = upload_document(vendor, "origin")
    client.force_login(organizer_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/chu-the/duyet/{document.pk}/", {"action": "rejected", "note": "Ảnh mờ"})
    assert response.status_code == 302
    assert len(callbacks) == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.REJECTED


# A double-clicked submit: both requests pass the "already exists?" check before either writes.
# Simulated by making that check miss the row the other request wrote; the constraint must decide.


def _check_misses(monkeypatch, model, method):
    from django.db.models.query import QuerySet

    real = getattr(QuerySet, method)
    missing = False if method == "exists" else None
    monkeypatch.setattr(QuerySet, method, lambda self: missing if self.model is model else real(self))


def test_a_double_clicked_invite_says_already_a_member_instead_of_a_500(vendor, vendor_user, make_user, monkeypatch):
    from config.errors import ApplicationError
    from tests.vendors.conftest import verified_email
    from vendors import services
    from vendors.models import VendorMember

    staff = verified_email(make_user("nhanvien@x.vn", roles=["vendor"]))
    services.vendor_member_invite(vendor=vendor, actor=vendor_user, email=staff.email)
    _check_misses(monkeypatch, VendorMember, "exists")
    with pytest.raises(ApplicationError) as refused:
        services.vendor_member_invite(vendor=vendor, actor=vendor_user, email=staff.email)
    assert refused.value.code == "already_member"
    assert VendorMember.objects.filter(vendor=vendor, user=staff).count() == 1


def test_a_double_submitted_wholesale_price_sets_the_price_instead_of_a_500(product, vendor_user, monkeypatch):
    from vendors import services
    from vendors.models import PriceTier

    services.price_tier_set(product=product, actor=vendor_user, buyer_kind="distributor", min_quantity=10, unit_price=100000)
    _check_misses(monkeypatch, PriceTier, "first")
    tier = services.price_tier_set(product=product, actor=vendor_user, buyer_kind="distributor", min_quantity=10, unit_price=90000)
    monkeypatch.undo()
    assert tier.unit_price == 90000
    assert list(PriceTier.objects.filter(product=product).values_list("unit_price", flat=True)) == [90000]


def test_renaming_a_product_code_to_one_taken_meanwhile_is_a_form_error_not_a_500(vendor, product, vendor_user, monkeypatch):
    from config.errors import ApplicationError
    from tests.vendors.conftest import PRODUCT_DATA
    from vendors import services
    from vendors.models import Product

    other = services.product_create(vendor=vendor, actor=vendor_user, **{**PRODUCT_DATA, "code": "B02", "name": "Bưởi khác"})
    _check_misses(monkeypatch, Product, "exists")
    with pytest.raises(ApplicationError) as refused:
        services.product_update(product=other, actor=vendor_user, code=product.code)
    assert refused.value.code == "duplicate_code"
    monkeypatch.undo()
    assert Product.objects.get(pk=other.pk).code == "B02"


def test_logo_uploads_count_against_the_hourly_upload_allowance(vendor, vendor_user, settings):
    """Every image is decoded and re-encoded; logos must not be a way around the per-hour upload limit."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from config.errors import ApplicationError
    from tests.vendors.conftest import png_bytes
    from vendors import services

    settings.VENDORS_UPLOADS_PER_HOUR = 1
    services.vendor_update(vendor=vendor, actor=vendor_user, logo=SimpleUploadedFile("logo.png", png_bytes()))
    with pytest.raises(ApplicationError) as refused:
        services.vendor_update(vendor=vendor, actor=vendor_user, logo=SimpleUploadedFile("logo.png", png_bytes()))
    assert refused.value.status == 429


def _verify(product, vendor, upload_document, organizer_user):
    import datetime

    from tests.vendors.conftest import TODAY
    from vendors import services
    from vendors.models import DocumentKind, ReviewAction

    for kind, target in ((DocumentKind.OCOP_CERTIFICATE, product), (DocumentKind.ORIGIN, None), (DocumentKind.FOOD_SAFETY, None)):
        document = upload_document(vendor, kind, product=target, expires_on=TODAY + datetime.timedelta(days=90))
        services.document_review(document=document, actor=organizer_user, action=ReviewAction.APPROVED)
    product.refresh_from_db()
    assert product.is_verified


def test_raising_a_verified_products_stars_sends_its_certificate_back_for_review(
    client, vendor, product, vendor_user, upload_document, organizer_user
):
    """The badge vouches for what organizers checked: a 4★ claim cannot silently become 5★."""
    from vendors import selectors, services
    from vendors.models import DocumentKind, DocumentStatus

    _verify(product, vendor, upload_document, organizer_user)
    services.product_update(product=product, actor=vendor_user, stars=5)
    product.refresh_from_db()
    assert product.stars == 5
    assert not product.is_verified
    certificate = product.documents.get(kind=DocumentKind.OCOP_CERTIFICATE)
    assert certificate.status == DocumentStatus.PENDING
    assert certificate in selectors.review_queue()
    assert "cần duyệt lại" in certificate.reviews.order_by("-pk").first().note
    html = client.get(product.get_absolute_url()).content.decode()
    assert 'data-testid="verified-badge"' not in html and 'data-testid="unverified"' in html


def test_editing_price_or_stock_keeps_the_badge(vendor, product, vendor_user, upload_document, organizer_user):
    from vendors import services
    from vendors.models import DocumentStatus

    _verify(product, vendor, upload_document, organizer_user)
    services.product_update(product=product, actor=vendor_user, price=99000, stock=5, stars=product.stars)
    product.refresh_from_db()
    assert product.is_verified
    assert not product.documents.filter(status=DocumentStatus.PENDING).exists()


def test_an_account_whose_email_is_not_confirmed_cannot_be_let_into_a_dossier(vendor, vendor_user, make_user):
    """Anyone may sign up with someone else's address (verification is optional): inviting that address must not
    hand the squatter the vendor's private documents."""
    from config.errors import ApplicationError
    from tests.vendors.conftest import verified_email
    from vendors import services

    squatter = make_user("lan.nhanvien@example.vn", roles=["consumer"])
    with pytest.raises(ApplicationError) as refused:
        services.vendor_member_invite(vendor=vendor, actor=vendor_user, email="lan.nhanvien@example.vn")
    assert refused.value.code == "email_unverified"
    assert not vendor.members.filter(user=squatter).exists()
    verified_email(squatter)  # the real owner of the address confirmed it
    assert services.vendor_member_invite(vendor=vendor, actor=vendor_user, email="lan.nhanvien@example.vn").user == squatter


def test_a_rejection_mail_is_in_vietnamese_even_when_the_organizer_reads_the_site_in_english(
    vendor, upload_document, organizer_user, mailoutbox, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from vendors import services

    document = upload_document(vendor, "origin")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.document_review(document=document, actor=organizer_user, action="rejected", note="Ảnh mờ")
    (mail,) = mailoutbox
    assert mail.subject == "Hồ sơ cần xử lý: Giấy tờ chứng minh nguồn gốc"
    assert "Kính gửi" in mail.body and "Ảnh mờ" in mail.body


def test_renaming_a_verified_product_sends_its_certificate_back_for_review(
    vendor, product, vendor_user, upload_document, organizer_user
):
    """The OCOP certificate names the product: a new name is a new claim."""
    from vendors import services
    from vendors.models import DocumentKind, DocumentStatus

    _verify(product, vendor, upload_document, organizer_user)
    services.product_update(product=product, actor=vendor_user, name="Bưởi đỏ đặc biệt")
    product.refresh_from_db()
    assert not product.is_verified
    assert product.documents.get(kind=DocumentKind.OCOP_CERTIFICATE).status == DocumentStatus.PENDING


def test_changing_the_legal_name_sends_every_approved_document_back_for_review(
    vendor, product, vendor_user, upload_document, organizer_user
):
    from vendors import services
    from vendors.models import DocumentStatus

    _verify(product, vendor, upload_document, organizer_user)
    services.vendor_update(vendor=vendor, actor=vendor_user, legal_name="HTX Nông nghiệp khác")
    product.refresh_from_db()
    assert not product.is_verified
    assert not vendor.documents.filter(status=DocumentStatus.APPROVED).exists()
    notes = [doc.reviews.order_by("-pk").first().note for doc in vendor.documents.all()]
    assert all("thông tin pháp lý" in note for note in notes)


def test_staff_cannot_change_who_the_vendor_legally_is(vendor, product, vendor_user, make_user, upload_document, organizer_user):
    from config.errors import ApplicationError
    from tests.vendors.conftest import verified_email
    from vendors import services
    from vendors.models import DocumentStatus

    _verify(product, vendor, upload_document, organizer_user)
    staff = verified_email(make_user("nhanvien@example.vn"))
    services.vendor_member_invite(vendor=vendor, actor=vendor_user, email=staff.email)
    with pytest.raises(ApplicationError) as refused:
        services.vendor_update(vendor=vendor, actor=staff, registration_number="0109999999")
    assert refused.value.status == 403
    vendor.refresh_from_db()
    assert vendor.registration_number != "0109999999"
    assert vendor.documents.filter(status=DocumentStatus.APPROVED).count() == 3
    # Staff may still edit the rest of the profile, and the badge stays.
    services.vendor_update(vendor=vendor, actor=staff, story="Câu chuyện mới của hợp tác xã.")
    product.refresh_from_db()
    assert product.is_verified


def test_invites_are_rate_limited_so_they_cannot_probe_which_emails_have_accounts(vendor, vendor_user, settings):
    from config.errors import ApplicationError
    from vendors import services

    settings.VENDORS_INVITES_PER_HOUR = 3
    for n in range(3):
        with pytest.raises(ApplicationError) as unknown:
            services.vendor_member_invite(vendor=vendor, actor=vendor_user, email=f"khong-co-{n}@example.vn")
        assert unknown.value.code == "user_not_found"
    with pytest.raises(ApplicationError) as limited:
        services.vendor_member_invite(vendor=vendor, actor=vendor_user, email="khong-co-4@example.vn")
    assert limited.value.status == 429
    assert "quá nhiều lần" in str(limited.value.message)
