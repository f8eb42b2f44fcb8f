"""Checking uploaded files by what they contain, never by their name.

Images are decoded and re-encoded with Pillow (which drops EXIF/GPS and any payload
hidden after the image data) and get a thumbnail; PDFs must carry a real header,
an end-of-file marker and at least one object. Anything else is refused with a
Vietnamese message through ``ApplicationError``.
"""

import io
import re
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from config.errors import ApplicationError

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
DOCUMENT_TYPES = IMAGE_TYPES | {"application/pdf"}
THUMBNAIL_SIZE = (360, 360)
_PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")


@dataclass
class CheckedFile:
    content: ContentFile
    content_type: str
    size: int
    thumbnail: ContentFile | None = None


def _read_limited(upload, field: str) -> bytes:
    limit = settings.VENDORS_UPLOAD_MAX_BYTES
    if upload is None:
        raise ApplicationError(_("Hãy chọn một tệp."), code="file_missing", fields={field: [_("Hãy chọn một tệp.")]})
    if (upload.size or 0) > limit:
        message = _("Tệp quá lớn: tối đa %(limit)s.") % {"limit": filesizeformat(limit)}
        raise ApplicationError(message, code="file_too_large", fields={field: [message]})
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        message = _("Tệp quá lớn: tối đa %(limit)s.") % {"limit": filesizeformat(limit)}
        raise ApplicationError(message, code="file_too_large", fields={field: [message]})
    if not data:
        message = _("Tệp rỗng.")
        raise ApplicationError(message, code="file_empty", fields={field: [message]})
    return data


def _refuse_type(field: str, allowed: str):
    message = _("Tệp không đúng định dạng: chỉ nhận %(allowed)s (kiểm tra theo nội dung tệp, không theo tên).") % {
        "allowed": allowed
    }
    raise ApplicationError(message, code="file_type", fields={field: [message]})


def _reencode_image(data: bytes, field: str) -> tuple[ContentFile, ContentFile]:
    """Decode, verify and re-encode as JPEG without metadata; return (image, thumbnail)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > settings.VENDORS_IMAGE_MAX_PIXELS:
                raise ApplicationError(
                    _("Ảnh quá lớn về kích thước điểm ảnh."), code="image_too_large", fields={field: [_("Ảnh quá lớn.")]}
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, (255, 255, 255))
                rgba = img.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                img = background
            elif img.mode == "L":
                img = img.convert("RGB")
            full = io.BytesIO()
            img.save(full, format="JPEG", quality=85, optimize=True)
            img.thumbnail(THUMBNAIL_SIZE)
            thumb = io.BytesIO()
            img.save(thumb, format="JPEG", quality=80)
    except ApplicationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        message = _("Ảnh bị hỏng hoặc không phải ảnh thật.")
        raise ApplicationError(message, code="file_corrupt", fields={field: [message]}) from exc
    return ContentFile(full.getvalue(), name="image.jpg"), ContentFile(thumb.getvalue(), name="thumb.jpg")


def _check_pdf(data: bytes, field: str) -> None:
    """A PDF starts with %PDF-1.x / 2.x, ends with %%EOF and holds indirect objects."""
    tail = data[-2048:]
    if not re.match(rb"%PDF-[12]\.\d", data[:8]) or b"%%EOF" not in tail or not _PDF_OBJECT.search(data):
        message = _("Tệp PDF không hợp lệ hoặc bị hỏng.")
        raise ApplicationError(message, code="file_corrupt", fields={field: [message]})


def check_document_file(upload, *, field: str = "file") -> CheckedFile:
    """A dossier file: PDF, JPEG, PNG or WebP, within the size limit, decoded for real."""
    data = _read_limited(upload, field)
    kind = filetype.guess(data)
    mime = kind.mime if kind else ""
    if mime not in DOCUMENT_TYPES:
        _refuse_type(field, "PDF, JPG, PNG, WebP")
    if mime == "application/pdf":
        _check_pdf(data, field)
        return CheckedFile(content=ContentFile(data, name="document.pdf"), content_type=mime, size=len(data))
    image, thumb = _reencode_image(data, field)
    return CheckedFile(content=image, content_type="image/jpeg", size=image.size, thumbnail=thumb)


def check_image_file(upload, *, field: str = "image") -> CheckedFile:
    """A public photo or logo: JPEG, PNG or WebP, re-encoded without metadata."""
    data = _read_limited(upload, field)
    kind = filetype.guess(data)
    if not kind or kind.mime not in IMAGE_TYPES:
        _refuse_type(field, "JPG, PNG, WebP")
    image, thumb = _reencode_image(data, field)
    return CheckedFile(content=image, content_type="image/jpeg", size=image.size, thumbnail=thumb)
