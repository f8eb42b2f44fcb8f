"""Business rules of vendors, products and dossiers: each refusal is clear and changes nothing."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.storage import storages
from django.core.management import call_command
from PIL import Image

from accounts.roles import Role
from config.errors import ApplicationError
from tests.vendors.conftest import PRODUCT_DATA, TODAY, VENDOR_DATA, jpeg_with_exif, png_bytes, upload, verified_email
from vendors import services
from vendors.models import Document, DocumentKind, DocumentReview, DocumentStatus, MemberRole, Product, ReviewAction

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- vendors and members


def test_a_vendor_user_creates_a_profile_and_becomes_its_owner(vendor, vendor_user):
    assert vendor.members.get().user == vendor_user
    assert vendor.members.get().role == MemberRole.OWNER
    assert vendor.slug == "htx-buoi-do-dong-cao"
    assert " buoi do dong cao " in vendor.search_text


def test_a_buyer_cannot_create_a_vendor_profile(buyer_user):
    with pytest.raises(ApplicationError) as error:
        services.vendor_create(user=buyer_user, **VENDOR_DATA)
    assert error.value.status == 403
    assert "chủ thể OCOP" in error.value.message


def test_a_duplicate_registration_number_is_refused(vendor, make_user):
    other = make_user("khac@example.vn", roles=[Role.VENDOR])
    with pytest.raises(ApplicationError) as error:
        services.vendor_create(user=other, **{**VENDOR_DATA, "legal_name": "HTX khác"})
    assert "registration_number" in error.value.fields


def test_the_owner_invites_staff_and_staff_cannot_invite(vendor, vendor_user, make_user):
    staff = verified_email(make_user("nhanvien@example.vn", roles=[Role.VENDOR]))
    outsider = verified_email(make_user("ngoai@example.vn", roles=[Role.CONSUMER]))
    member = services.vendor_member_invite(vendor=vendor, actor=vendor_user, email="NhanVien@example.vn")
    assert member.role == MemberRole.STAFF
    with pytest.raises(ApplicationError) as error:
        services.vendor_member_invite(vendor=vendor, actor=staff, email=outsider.email)
    assert error.value.status == 403
    assert not vendor.members.filter(user=outsider).exists()


def test_inviting_an_unknown_email_says_what_to_do(vendor, vendor_user):
    with pytest.raises(ApplicationError, match="đăng ký trước"):
        services.vendor_member_invite(vendor=vendor, actor=vendor_user, email="chua-co@example.vn")


# --------------------------------------------------------------------------- products


def test_a_product_gets_folded_search_text_and_an_upper_case_code(vendor, vendor_user):
    product = services.product_create(vendor=vendor, actor=vendor_user, **{**PRODUCT_DATA, "code": "b02"})
    assert product.code == "B02"
    assert product.name_folded == " buoi do dong cao b02 "
    assert " me linh " in product.search_text


def test_a_duplicate_product_code_is_refused_and_nothing_is_saved(product, vendor, vendor_user):
    with pytest.raises(ApplicationError) as error:
        services.product_create(vendor=vendor, actor=vendor_user, **{**PRODUCT_DATA, "name": "Bưởi khác", "code": "b01"})
    assert "B01" in error.value.fields["code"][0]
    assert Product.objects.count() == 1


@pytest.mark.parametrize(
    ("price", "message"),
    [(-1000, "không được âm"), ("1500.5", "không có phần lẻ"), ("mot tram", "số nguyên đồng"), ("1e400", "quá lớn"), ("NaN", "phần lẻ")],
)
def test_a_negative_or_fractional_price_is_refused(vendor, vendor_user, price, message):
    with pytest.raises(ApplicationError) as error:
        services.product_create(vendor=vendor, actor=vendor_user, **{**PRODUCT_DATA, "price": price})
    assert message in error.value.fields["price"][0]
    assert not Product.objects.exists()


def test_a_whole_number_price_given_as_text_is_accepted(vendor, vendor_user):
    product = services.product_create(vendor=vendor, actor=vendor_user, **{**PRODUCT_DATA, "price": "125000"})
    assert product.price == 125000


def test_stars_outside_three_to_five_are_refused(vendor, vendor_user):
    with pytest.raises(ApplicationError) as error:
        services.product_create(vendor=vendor, actor=vendor_user, **{**PRODUCT_DATA, "stars": 6})
    assert "stars" in error.value.fields


def test_staff_of_another_vendor_cannot_act_for_this_one(vendor, product, make_user):
    other_owner = make_user("khac@example.vn", roles=[Role.VENDOR])
    services.vendor_create(user=other_owner, **{**VENDOR_DATA, "legal_name": "HTX Chè", "registration_number": "0109999999"})
    for action in (
        lambda: services.product_create(vendor=vendor, actor=other_owner, **{**PRODUCT_DATA, "code": "X01"}),
        lambda: services.product_update(product=product, actor=other_owner, price=1),
        lambda: services.document_upload(
            vendor=vendor, actor=other_owner, kind=DocumentKind.ORIGIN, issued_on=TODAY, upload=upload()
        ),
        lambda: services.vendor_update(vendor=vendor, actor=other_owner, legal_name="Đổi tên"),
    ):
        with pytest.raises(ApplicationError) as error:
            action()
        assert error.value.status == 403
    product.refresh_from_db()
    assert product.price == 120000
    assert not Document.objects.exists()
    assert Product.objects.filter(vendor=vendor).count() == 1


def test_wholesale_tiers_must_not_exceed_the_retail_price(product, vendor_user):
    tier = services.price_tier_set(product=product, actor=vendor_user, buyer_kind="distributor", min_quantity=50, unit_price=95000)
    assert tier.unit_price == 95000
    with pytest.raises(ApplicationError, match="cao hơn giá bán lẻ"):
        services.price_tier_set(product=product, actor=vendor_user, buyer_kind="retailer", min_quantity=10, unit_price=130000)
    assert product.price_tiers.count() == 1


# --------------------------------------------------------------------------- uploads


def test_a_pdf_is_stored_privately_outside_media_root(vendor, upload_document, settings):
    document = upload_document(vendor, DocumentKind.ORIGIN)
    assert document.content_type == "application/pdf"
    path = document.file.path
    assert path.startswith(str(storages["private"].location))
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert document.reviews.get().action == ReviewAction.SUBMITTED


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"Day khong phai PDF, chi la van ban.", "giay-to.pdf"),
        (b"%PDF-1.4\nrac rac rac", "gia.pdf"),
        (b"MZ\x90\x00\x03" + b"\x00" * 200, "anh.png"),
        (b"GIF89a" + b"\x00" * 50, "anh.gif"),
    ],
)
def test_a_forged_or_broken_file_is_refused(vendor, upload_document, data, name):
    with pytest.raises(ApplicationError) as error:
        upload_document(vendor, DocumentKind.ORIGIN, data=data)
    assert error.value.code in {"file_type", "file_corrupt"}
    assert "file" in error.value.fields
    assert not Document.objects.exists()


def test_a_truncated_png_is_refused(vendor, upload_document):
    data = png_bytes()[:60]
    with pytest.raises(ApplicationError, match="hỏng"):
        upload_document(vendor, DocumentKind.ORIGIN, data=data)


def test_an_oversized_file_is_refused(vendor, upload_document, settings):
    settings.VENDORS_UPLOAD_MAX_BYTES = 200
    with pytest.raises(ApplicationError) as error:
        upload_document(vendor, DocumentKind.ORIGIN)
    assert error.value.code == "file_too_large"
    assert "quá lớn" in error.value.message
    assert not Document.objects.exists()


def test_too_many_documents_are_refused(vendor, upload_document, settings):
    settings.VENDORS_DOCUMENTS_PER_VENDOR = 1
    upload_document(vendor, DocumentKind.ORIGIN)
    with pytest.raises(ApplicationError, match="không thể thêm"):
        upload_document(vendor, DocumentKind.FOOD_SAFETY)
    assert Document.objects.count() == 1


def test_images_are_reencoded_without_metadata_and_get_a_thumbnail(vendor, upload_document):
    document = upload_document(vendor, DocumentKind.STAMP_LABEL, data=jpeg_with_exif())
    assert document.content_type == "image/jpeg"
    with document.file.open("rb") as stored, Image.open(stored) as image:
        assert "SecretCamera" not in str(dict(image.getexif()))
        assert image.size == (80, 60)
    with document.thumbnail.open("rb") as thumb, Image.open(thumb) as image:
        assert image.format == "JPEG"


def test_an_already_expired_document_is_refused(vendor, upload_document):
    with pytest.raises(ApplicationError, match="hết hạn"):
        upload_document(vendor, DocumentKind.ORIGIN, expires_on=TODAY - datetime.timedelta(days=1))


# --------------------------------------------------------------------------- review and verification


def _approve_all(organizer, documents):
    for document in documents:
        services.document_review(document=document, actor=organizer, action=ReviewAction.APPROVED)


def test_a_product_is_verified_only_when_every_required_document_is_approved(product, vendor, upload_document, organizer_user):
    ocop = upload_document(vendor, DocumentKind.OCOP_CERTIFICATE, product=product)
    origin = upload_document(vendor, DocumentKind.ORIGIN)  # vendor-wide: counts for every product
    _approve_all(organizer_user, [ocop, origin])
    product.refresh_from_db()
    assert not product.is_verified  # food also needs a food-safety certificate
    safety = upload_document(vendor, DocumentKind.FOOD_SAFETY, expires_on=TODAY + datetime.timedelta(days=200))
    _approve_all(organizer_user, [safety])
    product.refresh_from_db()
    assert product.is_verified
    assert product.verified_until == TODAY + datetime.timedelta(days=200)


def test_expiry_turns_the_badge_off(product, vendor, upload_document, organizer_user):
    docs = [
        upload_document(vendor, DocumentKind.OCOP_CERTIFICATE, product=product),
        upload_document(vendor, DocumentKind.ORIGIN),
        upload_document(vendor, DocumentKind.FOOD_SAFETY, expires_on=TODAY + datetime.timedelta(days=5)),
    ]
    _approve_all(organizer_user, docs)
    product.refresh_from_db()
    assert product.is_verified
    Product.objects.filter(pk=product.pk).update(verified_until=TODAY - datetime.timedelta(days=1))
    product.refresh_from_db()
    assert not product.is_verified
    assert not Product.objects.verified().filter(pk=product.pk).exists()


def test_reject_needs_a_reason_and_is_kept_in_the_audit_trail(
    vendor, upload_document, organizer_user, django_capture_on_commit_callbacks
):
    document = upload_document(vendor, DocumentKind.ORIGIN)
    with pytest.raises(ApplicationError) as error:
        services.document_review(document=document, actor=organizer_user, action=ReviewAction.REJECTED, note="  ")
    assert "note" in error.value.fields
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        services.document_review(document=document, actor=organizer_user, action=ReviewAction.REJECTED, note="Ảnh mờ")
    document.refresh_from_db()
    assert document.status == DocumentStatus.REJECTED
    trail = list(document.reviews.values_list("action", "actor__email", "note", "status_after"))
    assert trail[-1] == ("rejected", "bantochuc@example.vn", "Ảnh mờ", "rejected")
    assert "Ảnh mờ" in mail.outbox[-1].body


def test_reupload_supersedes_the_rejected_document_and_keeps_it(vendor, upload_document, organizer_user):
    first = upload_document(vendor, DocumentKind.ORIGIN)
    services.document_review(document=first, actor=organizer_user, action=ReviewAction.NEEDS_MORE, note="Thiếu trang 2")
    second = upload_document(vendor, DocumentKind.FOOD_SAFETY, replaces=first)
    first.refresh_from_db()
    assert first.status == DocumentStatus.SUPERSEDED
    assert second.kind == DocumentKind.ORIGIN and second.status == DocumentStatus.PENDING
    assert first.file.storage.exists(first.file.name)
    assert list(Document.objects.current()) == [second]


def test_only_organizers_review(vendor, upload_document, vendor_user, buyer_user):
    document = upload_document(vendor, DocumentKind.ORIGIN)
    for actor in (vendor_user, buyer_user):
        with pytest.raises(ApplicationError) as error:
            services.document_review(document=document, actor=actor, action=ReviewAction.APPROVED)
        assert error.value.status == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING
    assert not DocumentReview.objects.filter(action=ReviewAction.APPROVED).exists()


def test_an_organizer_cannot_approve_a_document_of_their_own_vendor(vendor, vendor_user, upload_document):
    vendor_user.groups.add(Group.objects.get(name=Role.ORGANIZER))
    document = upload_document(vendor, DocumentKind.ORIGIN)
    with pytest.raises(ApplicationError) as error:
        services.document_review(document=document, actor=vendor_user, action=ReviewAction.APPROVED)
    assert error.value.code == "own_document" and error.value.status == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING


def test_a_decided_document_cannot_be_decided_again(vendor, upload_document, organizer_user):
    document = upload_document(vendor, DocumentKind.ORIGIN)
    services.document_review(document=document, actor=organizer_user, action=ReviewAction.APPROVED)
    with pytest.raises(ApplicationError) as error:
        services.document_review(document=document, actor=organizer_user, action=ReviewAction.REJECTED, note="x")
    assert error.value.status == 409


# --------------------------------------------------------------------------- expiry reminders


def test_expiry_reminders_go_once_30_days_before(vendor, upload_document, organizer_user, django_capture_on_commit_callbacks):
    soon = upload_document(vendor, DocumentKind.FOOD_SAFETY, expires_on=TODAY + datetime.timedelta(days=20))
    later = upload_document(vendor, DocumentKind.ORIGIN, expires_on=TODAY + datetime.timedelta(days=45))
    _approve_all(organizer_user, [soon, later])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("vendors_send_expiry_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert "sắp hết hạn" in mail.outbox[0].subject.lower()
    assert "Giấy chứng nhận an toàn thực phẩm" in mail.outbox[0].body
    assert "Giấy tờ chứng minh nguồn gốc" not in mail.outbox[0].body
    assert set(mail.outbox[0].to) == {"chuthe@example.vn", "htx.dongcao@example.vn"}
    assert services.documents_send_expiry_reminders() == 0
    assert len(mail.outbox) == 1
    # Fifteen days later the second document enters the window and is reminded, once.
    assert services.documents_send_expiry_reminders(today=TODAY + datetime.timedelta(days=15)) == 1


# --------------------------------------------------------------------------- public photos


def test_product_photos_are_reencoded_public_and_limited(product, vendor, vendor_user, settings, client):
    settings.VENDORS_PHOTOS_PER_PRODUCT = 1
    photo = services.photo_add(
        vendor=vendor, actor=vendor_user, product=product, upload=upload("anh.png", png_bytes((800, 600)), "image/png")
    )
    with photo.thumbnail.open("rb") as thumb, Image.open(thumb) as image:
        assert image.format == "JPEG" and max(image.size) == 360
    assert photo.image.url.startswith(settings.MEDIA_URL)
    assert photo.thumbnail.url in client.get(product.get_absolute_url()).content.decode()
    with pytest.raises(ApplicationError, match="Đã đủ 1 ảnh"):
        services.photo_add(vendor=vendor, actor=vendor_user, product=product, upload=upload("b.png", png_bytes(), "image/png"))


def test_a_forged_photo_or_logo_is_refused(vendor, vendor_user):
    with pytest.raises(ApplicationError, match="không đúng định dạng"):
        services.photo_add(vendor=vendor, actor=vendor_user, upload=upload("anh.jpg", b"<?php echo 1; ?>", "image/jpeg"))
    with pytest.raises(ApplicationError) as error:
        services.vendor_update(vendor=vendor, actor=vendor_user, logo=upload("logo.png", b"%PDF-1.4 1 0 obj %%EOF"), **VENDOR_DATA)
    assert "logo" in error.value.fields
    vendor.refresh_from_db()
    assert not vendor.logo and not vendor.photos.exists()


def test_a_flood_of_uploads_is_refused(vendor, upload_document, settings):
    settings.VENDORS_UPLOADS_PER_HOUR = 2
    upload_document(vendor, DocumentKind.ORIGIN)
    upload_document(vendor, DocumentKind.FOOD_SAFETY)
    with pytest.raises(ApplicationError) as error:
        upload_document(vendor, DocumentKind.STAMP_LABEL)
    assert error.value.status == 429 and "quá nhiều tệp" in error.value.message
    assert Document.objects.count() == 2


def test_an_ocop_certificate_must_name_its_product(vendor, upload_document):
    with pytest.raises(ApplicationError) as error:
        upload_document(vendor, DocumentKind.OCOP_CERTIFICATE)
    assert "product" in error.value.fields
    assert not Document.objects.exists()


def test_a_renewal_keeps_the_badge_until_it_is_approved(product, vendor, upload_document, organizer_user):
    docs = [
        upload_document(vendor, DocumentKind.OCOP_CERTIFICATE, product=product),
        upload_document(vendor, DocumentKind.ORIGIN),
        upload_document(vendor, DocumentKind.FOOD_SAFETY, expires_on=TODAY + datetime.timedelta(days=20)),
    ]
    _approve_all(organizer_user, docs)
    renewal = upload_document(vendor, DocumentKind.FOOD_SAFETY, replaces=docs[2], expires_on=TODAY + datetime.timedelta(days=700))
    product.refresh_from_db()
    docs[2].refresh_from_db()
    assert product.is_verified and docs[2].status == DocumentStatus.APPROVED
    with pytest.raises(ApplicationError) as error:
        upload_document(vendor, DocumentKind.FOOD_SAFETY, replaces=docs[2])
    assert error.value.status == 409
    _approve_all(organizer_user, [renewal])
    docs[2].refresh_from_db()
    product.refresh_from_db()
    assert docs[2].status == DocumentStatus.SUPERSEDED
    assert product.verified_until == TODAY + datetime.timedelta(days=700)


def test_the_worker_sends_the_expiry_reminders_daily(vendor, upload_document, organizer_user, django_capture_on_commit_callbacks):
    from django.utils import timezone as tz
    from django_tasks_db.models import DBTaskResult

    from core.scheduling import periodic_ensure
    from tests.tasks_worker import run_due_tasks

    soon = upload_document(vendor, DocumentKind.FOOD_SAFETY, expires_on=tz.localdate() + datetime.timedelta(days=20))
    _approve_all(organizer_user, [soon])
    name = "vendors.tasks.vendors_expiry_reminders"
    assert periodic_ensure(name)
    DBTaskResult.objects.filter(args_kwargs__kwargs__name=name).update(run_after=tz.now())  # its slot has come
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_due_tasks()
    assert len(mail.outbox) == 1 and "sắp hết hạn" in mail.outbox[0].subject.lower()
    [following] = DBTaskResult.objects.filter(args_kwargs__kwargs__name=name, status="READY")
    assert following.run_after.hour == 0 and following.run_after - tz.now() <= datetime.timedelta(days=1)
