"""Fixtures for the vendors tests: a vendor with an owner, a product, real and forged files."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF
from PIL import Image

from vendors import services
from vendors.districts import District
from vendors.models import OcopGroup, VendorKind

VENDOR_DATA = {
    "legal_name": "HTX Bưởi đỏ Đông Cao",
    "kind": VendorKind.COOPERATIVE,
    "registration_number": "0101234567",
    "district": District.ME_LINH,
    "commune": "Tráng Việt",
    "address": "Thôn Đông Cao, xã Tráng Việt, huyện Mê Linh",
    "phone": "0912345678",
    "email": "htx.dongcao@example.vn",
    "representative": "Nguyễn Văn Hòa",
    "story": "Bưởi đỏ tiến vua trồng bên sông Hồng.",
}

PRODUCT_DATA = {
    "name": "Bưởi đỏ Đông Cao",
    "code": "B01",
    "group": OcopGroup.FOOD,
    "stars": 4,
    "certificate_number": "123/QĐ-UBND",
    "certificate_year": 2024,
    "certificate_level": "city",
    "price": 120000,
    "unit": "quả",
    "stock": 300,
    "description": "Quả to, vỏ đỏ son, múi mọng.",
    "shelf_life": "30 ngày",
    "ingredients": "Bưởi đỏ",
    "origin": "Tráng Việt, Mê Linh",
}


def pdf_bytes() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Giay chung nhan OCOP")
    return bytes(pdf.output())


def png_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (80, 60), (10, 120, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def upload(name="giay-to.pdf", data=None, content_type="application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, content_type=content_type)


TODAY = datetime.date.today()


@pytest.fixture
def vendor(vendor_user):
    return services.vendor_create(user=vendor_user, **VENDOR_DATA)


@pytest.fixture
def product(vendor, vendor_user):
    return services.product_create(vendor=vendor, actor=vendor_user, **PRODUCT_DATA)


@pytest.fixture
def upload_document(vendor_user):
    """File a document for the vendor (or a product) as its owner."""

    def _upload(vendor, kind, *, product=None, expires_on=None, data=None, actor=None, replaces=None):
        return services.document_upload(
            vendor=vendor, actor=actor or vendor_user, kind=kind, product=product,
            issued_on=TODAY - datetime.timedelta(days=100), expires_on=expires_on, upload=upload(data=data),
            number="SO-01", replaces=replaces,
        )

    return _upload


def verified_email(user):
    """Mark the user's e-mail as confirmed (allauth), as after clicking the link in the confirmation mail."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user
