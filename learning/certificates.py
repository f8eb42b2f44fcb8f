"""The PDF certificate: Vietnamese text in an embedded DejaVu Sans, a QR code to verify.

DejaVu Sans covers every Vietnamese letter with its diacritics; it ships in
``site/static/fonts`` (licence in ``DejaVu-LICENSE.txt``, free to redistribute).
"""

import io

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from learning.models import Graduation

FONT_DIR = settings.BASE_DIR / "site" / "static" / "fonts"


def certificate_verify_url(graduation: Graduation, *, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("learning:verify_code", args=[graduation.code])


def certificate_pdf(*, graduation: Graduation, base_url: str) -> bytes:
    registration = graduation.registration
    run, user = registration.run, registration.user
    url = certificate_verify_url(graduation, base_url=base_url)

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(_("Chứng nhận hoàn thành khóa học"))
    pdf.set_author("Chợ Đêm Trên Mây")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(176, 58, 46)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)

    pdf.set_text_color(176, 58, 46)
    pdf.set_font("DejaVu", "B", 14)
    pdf.set_xy(20, 24)
    pdf.cell(257, 8, "CHỢ ĐÊM TRÊN MÂY · OCOP HÀ NỘI", align="C")
    pdf.set_font("DejaVu", "B", 30)
    pdf.set_xy(20, 40)
    pdf.cell(257, 14, _("CHỨNG NHẬN HOÀN THÀNH"), align="C")

    pdf.set_text_color(40, 40, 40)
    pdf.set_font("DejaVu", "", 14)
    pdf.set_xy(20, 62)
    pdf.cell(257, 8, _("Chứng nhận học viên"), align="C")
    pdf.set_font("DejaVu", "B", 26)
    pdf.set_xy(20, 74)
    pdf.cell(257, 14, user.get_full_name(), align="C")
    pdf.set_font("DejaVu", "", 13)
    pdf.set_xy(20, 92)
    pdf.cell(257, 8, registration.organisation, align="C")
    pdf.set_xy(20, 104)
    pdf.cell(257, 8, _("đã hoàn thành khóa học"), align="C")
    pdf.set_font("DejaVu", "B", 17)
    pdf.set_xy(30, 114)
    pdf.multi_cell(237, 9, run.course.title, align="C")
    pdf.set_font("DejaVu", "", 13)
    pdf.set_xy(20, pdf.get_y() + 2)
    pdf.cell(257, 8, _("Lớp: %(run)s") % {"run": run.name}, align="C")
    passed = timezone.localtime(graduation.passed_at)
    pdf.set_xy(20, pdf.get_y() + 10)
    pdf.cell(257, 8, _("Ngày %(d)s tháng %(m)s năm %(y)s") % {"d": passed.day, "m": passed.month, "y": passed.year},
             align="C")

    qr_png = io.BytesIO()
    qrcode.make(url, box_size=6, border=1).save(qr_png, format="PNG")
    qr_png.seek(0)
    pdf.image(qr_png, x=236, y=150, w=36, h=36)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_xy(24, 170)
    pdf.cell(200, 6, _("Mã chứng nhận: %(code)s") % {"code": graduation.code})
    pdf.set_xy(24, 177)
    pdf.cell(200, 6, _("Xác minh tại: %(url)s") % {"url": url})
    return bytes(pdf.output())
