"""Demo data at the program's scale: 255 vendors across Hanoi's 30 districts, 1,054 OCOP products.

Figures as Hanoi reports them; stars mostly 3, some 4, a few 5. Dossiers: most
approved, some pending, some rejected, some expiring within 30 days. Everything is
written with ``bulk_create`` so seeding takes a few seconds. Idempotent: a second
run finds the first demo vendor and stops.

The demo vendor account (chuthe@demo.chodem.vn) owns "HTX Bưởi đỏ Đông Cao".
"""

import datetime
import random

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from accounts.models import User
from vendors.districts import District
from vendors.models import (
    REQUIRED_DOCUMENTS,
    CertificateLevel,
    Document,
    DocumentKind,
    DocumentReview,
    DocumentStatus,
    MemberRole,
    OcopGroup,
    PriceTier,
    Product,
    ReviewAction,
    Vendor,
    VendorKind,
    VendorMember,
)
from vendors.search import product_name_text, product_search_text, vendor_name_text, vendor_search_text

VENDOR_COUNT = 255
PRODUCT_COUNT = 1054
FIRST_REGISTRATION = 100_000_001
DEMO_FILE = "dossiers/demo/ho-so-mau.pdf"

# A few real communes / craft villages per district (free text on the vendor).
COMMUNES = {
    District.ME_LINH: ["Tráng Việt", "Mê Linh", "Chu Phan", "Tiền Phong"],
    District.GIA_LAM: ["Bát Tràng", "Kim Lan", "Phù Đổng", "Đa Tốn"],
    District.HA_DONG: ["Vạn Phúc", "Đa Sỹ", "Dương Nội"],
    District.SON_TAY: ["Đường Lâm", "Kim Sơn", "Thanh Mỹ"],
    District.BA_VI: ["Ba Trại", "Tản Lĩnh", "Vân Hòa", "Minh Quang"],
    District.PHU_XUYEN: ["Phú Túc", "Chuyên Mỹ", "Phượng Dực"],
    District.CHUONG_MY: ["Phú Nghĩa", "Trường Yên", "Thủy Xuân Tiên"],
    District.THANH_OAI: ["Cự Khê", "Bình Minh", "Tam Hưng"],
    District.UNG_HOA: ["Quảng Phú Cầu", "Vạn Thái", "Phương Tú"],
    District.MY_DUC: ["Hương Sơn", "An Phú", "Phù Lưu Tế"],
    District.THUONG_TIN: ["Nhị Khê", "Vạn Điểm", "Duyên Thái"],
    District.HOAI_DUC: ["Sơn Đồng", "Đông La", "Minh Khai"],
    District.QUOC_OAI: ["Cấn Hữu", "Phú Cát", "Đông Yên"],
    District.THACH_THAT: ["Chàng Sơn", "Hữu Bằng", "Tiến Xuân"],
    District.DAN_PHUONG: ["Liên Hà", "Tân Hội", "Hồng Hà"],
    District.PHUC_THO: ["Vân Nam", "Hát Môn", "Tam Hiệp"],
    District.SOC_SON: ["Minh Phú", "Bắc Sơn", "Hiền Ninh"],
    District.DONG_ANH: ["Vân Nội", "Liên Hà", "Xuân Canh"],
    District.THANH_TRI: ["Tả Thanh Oai", "Duyên Hà", "Vạn Phúc"],
    District.TAY_HO: ["Quảng An", "Nhật Tân", "Xuân La"],
    District.LONG_BIEN: ["Cự Khối", "Thạch Bàn", "Gia Thụy"],
    District.CAU_GIAY: ["Dịch Vọng", "Yên Hòa"],
    District.BAC_TU_LIEM: ["Thượng Cát", "Tây Tựu", "Phú Diễn"],
    District.NAM_TU_LIEM: ["Tây Mỗ", "Xuân Phương"],
    District.BA_DINH: ["Ngọc Hà", "Liễu Giai", "Vĩnh Phúc"],
    District.HOAN_KIEM: ["Hàng Bạc", "Hàng Gai", "Hàng Bồ"],
    District.DONG_DA: ["Văn Miếu", "Khâm Thiên", "Láng Thượng"],
    District.HAI_BA_TRUNG: ["Bạch Mai", "Lê Đại Hành", "Vĩnh Tuy"],
    District.HOANG_MAI: ["Yên Sở", "Lĩnh Nam", "Trần Phú"],
    District.THANH_XUAN: ["Khương Đình", "Nhân Chính", "Hạ Đình"],
}

# name, group, unit, price (đồng), ingredients
PRODUCTS = [
    ("Bưởi đỏ {place}", OcopGroup.FOOD, "quả", 120_000, "Bưởi đỏ"),
    ("Bưởi Diễn {place}", OcopGroup.FOOD, "quả", 60_000, "Bưởi Diễn"),
    ("Gạo nếp cái hoa vàng {place}", OcopGroup.FOOD, "túi 2 kg", 90_000, "Gạo nếp cái hoa vàng"),
    ("Gạo thơm {place}", OcopGroup.FOOD, "túi 5 kg", 125_000, "Gạo tẻ thơm"),
    ("Mật ong hoa nhãn {place}", OcopGroup.FOOD, "chai 500 ml", 180_000, "Mật ong hoa nhãn nguyên chất"),
    ("Mật ong rừng {place}", OcopGroup.FOOD, "chai 500 ml", 250_000, "Mật ong rừng"),
    ("Miến dong {place}", OcopGroup.FOOD, "gói 500 g", 45_000, "Tinh bột dong riềng"),
    ("Giò lụa {place}", OcopGroup.FOOD, "kg", 220_000, "Thịt lợn, nước mắm"),
    ("Chả cá {place}", OcopGroup.FOOD, "hộp 500 g", 150_000, "Cá thát lát, thì là"),
    ("Nhãn chín muộn {place}", OcopGroup.FOOD, "kg", 55_000, "Nhãn"),
    ("Cam canh {place}", OcopGroup.FOOD, "kg", 40_000, "Cam canh"),
    ("Chuối tiêu hồng {place}", OcopGroup.FOOD, "nải", 50_000, "Chuối tiêu hồng"),
    ("Ổi lê {place}", OcopGroup.FOOD, "kg", 30_000, "Ổi"),
    ("Cốm làng Vòng {place}", OcopGroup.FOOD, "gói 300 g", 70_000, "Lúa nếp non"),
    ("Bánh chưng {place}", OcopGroup.FOOD, "chiếc", 60_000, "Gạo nếp, đỗ xanh, thịt lợn, lá dong"),
    ("Tương bần {place}", OcopGroup.FOOD, "chai 500 ml", 35_000, "Đậu tương, gạo nếp, muối"),
    ("Trứng vịt muối {place}", OcopGroup.FOOD, "hộp 10 quả", 65_000, "Trứng vịt, muối"),
    ("Sữa chua {place}", OcopGroup.FOOD, "lốc 4 hộp", 32_000, "Sữa bò tươi"),
    ("Ruốc nấm hương {place}", OcopGroup.FOOD, "hộp 200 g", 85_000, "Nấm hương, chân nấm"),
    ("Dưa lưới {place}", OcopGroup.FOOD, "quả", 75_000, "Dưa lưới"),
    ("Chè shan tuyết {place}", OcopGroup.BEVERAGE, "hộp 200 g", 160_000, "Búp chè shan tuyết"),
    ("Chè búp {place}", OcopGroup.BEVERAGE, "gói 500 g", 120_000, "Búp chè"),
    ("Trà hoa sen {place}", OcopGroup.BEVERAGE, "hộp 100 g", 350_000, "Chè, hoa sen Bách Diệp"),
    ("Rượu nếp cái hoa vàng {place}", OcopGroup.BEVERAGE, "chai 500 ml", 95_000, "Gạo nếp cái hoa vàng, men lá"),
    ("Nước cốt gừng mật ong {place}", OcopGroup.BEVERAGE, "chai 330 ml", 45_000, "Gừng, mật ong"),
    ("Cao xương khớp {place}", OcopGroup.HERBAL, "lọ 100 g", 280_000, "Cà gai leo, thiên niên kiện"),
    ("Trà túi lọc đinh lăng {place}", OcopGroup.HERBAL, "hộp 25 túi", 60_000, "Rễ đinh lăng"),
    ("Tinh dầu sả chanh {place}", OcopGroup.HERBAL, "lọ 50 ml", 90_000, "Sả chanh"),
    ("Cao ích mẫu {place}", OcopGroup.HERBAL, "chai 250 ml", 120_000, "Ích mẫu, hương phụ"),
    ("Xà phòng thảo dược {place}", OcopGroup.HERBAL, "bánh", 40_000, "Dầu dừa, bồ kết, vỏ bưởi"),
    ("Khăn lụa {place}", OcopGroup.TEXTILE, "chiếc", 250_000, "Tơ tằm"),
    ("Áo dài lụa {place}", OcopGroup.TEXTILE, "bộ", 1_200_000, "Lụa tơ tằm"),
    ("Quạt lụa {place}", OcopGroup.TEXTILE, "chiếc", 120_000, "Lụa, tre"),
    ("Túi thổ cẩm {place}", OcopGroup.TEXTILE, "chiếc", 180_000, "Vải thổ cẩm"),
    ("Bình gốm men lam {place}", OcopGroup.HANDICRAFT, "chiếc", 450_000, "Đất sét trắng, men lam"),
    ("Bộ ấm chén gốm {place}", OcopGroup.HANDICRAFT, "bộ", 380_000, "Gốm sứ"),
    ("Giỏ mây tre đan {place}", OcopGroup.HANDICRAFT, "chiếc", 150_000, "Mây, tre"),
    ("Đèn mây tre {place}", OcopGroup.HANDICRAFT, "chiếc", 320_000, "Mây, tre"),
    ("Nón lá {place}", OcopGroup.HANDICRAFT, "chiếc", 80_000, "Lá cọ, tre"),
    ("Tượng gỗ sơn mài {place}", OcopGroup.HANDICRAFT, "chiếc", 650_000, "Gỗ mít, sơn ta"),
    ("Tranh thêu tay {place}", OcopGroup.HANDICRAFT, "bức", 900_000, "Vải lụa, chỉ thêu"),
    ("Quạt giấy {place}", OcopGroup.HANDICRAFT, "chiếc", 50_000, "Giấy dó, tre"),
    ("Tò he {place}", OcopGroup.HANDICRAFT, "hộp 10 con", 60_000, "Bột gạo nếp, màu thực phẩm"),
    ("Tour trải nghiệm làng nghề {place}", OcopGroup.TOURISM, "khách", 350_000, ""),
    ("Homestay làng cổ {place}", OcopGroup.TOURISM, "đêm", 600_000, ""),
]

# The demo vendor's products (theme, price) in code order: B01 Bưởi đỏ Đông Cao, G02 Gạo thơm, T03 Tinh dầu
# sả chanh, O04 Ổi lê, B05 Bưởi Diễn. The live and selling demos sell them by these codes and quote these prices.
DEMO_VENDOR_PRODUCTS = [(0, 108_000), (3, 125_000), (27, 90_000), (12, 27_000), (1, 60_000)]
# A vendor sells what its trade makes: other products come from its own OCOP group, or (when the
# group is small) from the kindred groups listed here; a farm may also press oils or dry herbs.
KINDRED_GROUPS = {
    OcopGroup.TOURISM: (OcopGroup.HANDICRAFT,),
    OcopGroup.TEXTILE: (OcopGroup.HANDICRAFT,),
    OcopGroup.HERBAL: (OcopGroup.BEVERAGE,),
    OcopGroup.BEVERAGE: (OcopGroup.FOOD,),
    OcopGroup.HANDICRAFT: (OcopGroup.TEXTILE,),
    OcopGroup.FOOD: (OcopGroup.BEVERAGE, OcopGroup.HERBAL),
}


def _kindred(theme: int) -> list[int]:
    """Products a vendor whose trade is ``theme`` can plausibly sell besides it (at least four)."""
    group = PRODUCTS[theme][1]
    same = [t for t, product in enumerate(PRODUCTS) if product[1] == group and t != theme]
    if len(same) >= 4:
        return same
    return same + [t for t, product in enumerate(PRODUCTS) if product[1] in KINDRED_GROUPS[group]]


KIND_PREFIX = {
    VendorKind.COOPERATIVE: "HTX",
    VendorKind.ENTERPRISE: "Công ty TNHH",
    VendorKind.HOUSEHOLD: "Hộ kinh doanh",
    VendorKind.PRODUCTION_GROUP: "Tổ hợp tác",
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Thu", "Minh", "Thanh", "Quang", "Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hòa", "Hùng", "Lan", "Mai", "Nam", "Nga", "Phúc", "Thảo", "Tuấn"]


def _demo_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text="Ho so mau - Cho Dem Tren May (du lieu demo)")
    return bytes(pdf.output())


def _stars(rng: random.Random) -> int:
    roll = rng.random()
    return 5 if roll < 0.03 else 4 if roll < 0.25 else 3


def seed(log):
    if Vendor.objects.filter(registration_number=str(FIRST_REGISTRATION).zfill(10)).exists():
        log("vendors: demo vendors already present")
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    now = timezone.now()
    storage = storages["private"]
    if not storage.exists(DEMO_FILE):
        storage.save(DEMO_FILE, ContentFile(_demo_pdf()))
    organizer = User.objects.filter(email="bantochuc@demo.chodem.vn").first()
    owner = User.objects.filter(email="chuthe@demo.chodem.vn").first()

    districts = list(District)
    vendors, themes = [], []
    for i in range(VENDOR_COUNT):
        district = districts[i % len(districts)]
        commune = rng.choice(COMMUNES[district])
        theme = rng.randrange(len(PRODUCTS))
        if i == 0:
            district, commune, theme = District.ME_LINH, "Tráng Việt", 0
        kind = rng.choice(list(VendorKind))
        subject = PRODUCTS[theme][0].split(" {")[0]
        if i == 0:
            legal_name = "HTX Bưởi đỏ Đông Cao"
        elif kind == VendorKind.HOUSEHOLD:
            legal_name = f"{KIND_PREFIX[kind]} {rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        else:
            legal_name = f"{KIND_PREFIX[kind]} {subject} {commune}"
        representative = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        vendor = Vendor(
            legal_name=legal_name, kind=kind, registration_number=str(FIRST_REGISTRATION + i).zfill(10),
            district=district, commune=commune, address=f"Thôn {i % 9 + 1}, {commune}, {district.label}, Hà Nội",
            phone=f"09{rng.randrange(10**7, 10**8)}", representative=representative,
            story=f"{legal_name} gìn giữ nghề truyền thống của {commune} qua nhiều thế hệ, sản xuất theo tiêu chuẩn OCOP.",
        )
        vendor.slug = f"{_slug(legal_name)}-{i + 1}" if i else "htx-buoi-do-dong-cao"
        vendor.name_folded = vendor_name_text(vendor)
        vendor.search_text = vendor_search_text(vendor)
        vendors.append(vendor)
        themes.append(theme)
    Vendor.objects.bulk_create(vendors, batch_size=500)
    vendors = list(Vendor.objects.filter(registration_number__in=[v.registration_number for v in vendors]).order_by("registration_number"))
    if owner:
        VendorMember.objects.get_or_create(vendor=vendors[0], user=owner, defaults={"role": MemberRole.OWNER})

    products = []
    extra = PRODUCT_COUNT - 4 * VENDOR_COUNT  # 34 vendors sell a fifth product
    for i, vendor in enumerate(vendors):
        count = 5 if i < extra else 4
        used_codes: set[str] = set()
        if i == 0:
            choices = [theme for theme, _price in DEMO_VENDOR_PRODUCTS]
        else:
            choices = [themes[i], *rng.sample(_kindred(themes[i]), count - 1)]
        for n, theme in enumerate(choices[:count]):
            name_pattern, group, unit, price, ingredients = PRODUCTS[theme]
            if i == 0:
                price = DEMO_VENDOR_PRODUCTS[n][1]
            place = "Đông Cao" if (i == 0 and n == 0) else vendor.commune
            name = name_pattern.format(place=place)
            prefix = _slug(name)[:1].upper() or "S"
            code = f"{prefix}{n + 1:02d}"
            while code in used_codes:
                code = f"{prefix}{rng.randrange(10, 99)}"
            used_codes.add(code)
            stars = 4 if (i == 0 and n == 0) else _stars(rng)
            product = Product(
                vendor=vendor, name=name, code=code, group=group, stars=stars,
                certificate_number=f"{rng.randrange(100, 9999)}/QĐ-UBND",
                certificate_year=rng.choice([2021, 2022, 2023, 2024, 2025]),
                certificate_level=CertificateLevel.NATIONAL if stars == 5 else CertificateLevel.CITY,
                price=price if i == 0 else int(price * rng.choice([0.9, 1, 1, 1.1, 1.2]) // 1000 * 1000), unit=unit,
                stock=rng.randrange(20, 800), ingredients=ingredients, origin=f"{vendor.commune}, {vendor.get_district_display()}",
                shelf_life=rng.choice(["6 tháng", "12 tháng", "24 tháng", "30 ngày", ""]) if group != OcopGroup.TOURISM else "",
                description=f"{name} đạt OCOP {stars} sao, sản xuất tại {vendor.commune} ({vendor.get_district_display()}).",
            )
            product.name_folded = product_name_text(product)
            product.search_text = product_search_text(product, vendor)
            products.append(product)
    Product.objects.bulk_create(products, batch_size=500)
    products = list(Product.objects.filter(vendor__in=vendors).select_related("vendor"))

    # Dossiers: per vendor an origin proof and a food-safety certificate, per product its OCOP certificate.
    documents, vendor_state = [], {}
    for i, vendor in enumerate(vendors):
        roll = rng.random()
        safety_status = DocumentStatus.PENDING if roll < 0.06 else DocumentStatus.REJECTED if roll < 0.09 else DocumentStatus.APPROVED
        safety_expiry = today + datetime.timedelta(days=rng.randrange(5, 29) if rng.random() < 0.08 else rng.randrange(200, 900))
        if i == 0:
            safety_status, safety_expiry = DocumentStatus.APPROVED, today + datetime.timedelta(days=400)
        vendor_state[vendor.pk] = (safety_status, safety_expiry)
        uploader = owner if i == 0 else None
        documents.append(_document(vendor, None, DocumentKind.ORIGIN, DocumentStatus.APPROVED, None, organizer, now, today, uploader))
        documents.append(
            _document(vendor, None, DocumentKind.FOOD_SAFETY, safety_status, safety_expiry, organizer, now, today, uploader)
        )
    product_status = {}
    for product in products:
        roll = rng.random()
        status = DocumentStatus.PENDING if roll < 0.08 else DocumentStatus.NEEDS_MORE if roll < 0.11 else DocumentStatus.APPROVED
        if product.vendor_id == vendors[0].pk and product.code.startswith("B"):
            status = DocumentStatus.APPROVED
        product_status[product.pk] = status
        documents.append(
            _document(product.vendor, product, DocumentKind.OCOP_CERTIFICATE, status,
                      today + datetime.timedelta(days=rng.randrange(300, 1100)), organizer, now, today,
                      owner if product.vendor_id == vendors[0].pk else None)
        )
    Document.objects.bulk_create(documents, batch_size=500)

    reviews = []
    for document in Document.objects.filter(vendor__in=vendors).only("pk", "status", "uploaded_at", "reviewed_at", "review_note"):
        reviews.append(DocumentReview(
            document=document, actor=None, action=ReviewAction.SUBMITTED, status_before="",
            status_after=DocumentStatus.PENDING, created_at=document.uploaded_at,
        ))
        if document.status != DocumentStatus.PENDING:
            reviews.append(DocumentReview(
                document=document, actor=organizer, action=document.status, status_before=DocumentStatus.PENDING,
                status_after=document.status, note=document.review_note, created_at=document.reviewed_at,
            ))
    DocumentReview.objects.bulk_create(reviews, batch_size=1000)

    # The badge window, computed the way services.product_verification_refresh does.
    for product in products:
        safety_status, safety_expiry = vendor_state[product.vendor_id]
        needs_safety = DocumentKind.FOOD_SAFETY in REQUIRED_DOCUMENTS[product.group]
        ok = product_status[product.pk] == DocumentStatus.APPROVED and (
            not needs_safety or safety_status == DocumentStatus.APPROVED
        )
        product.verified_at = now - datetime.timedelta(days=20) if ok else None
        product.verified_until = (safety_expiry if needs_safety else None) if ok else None
    Product.objects.bulk_update(products, ["verified_at", "verified_until"], batch_size=500)

    tiers = []
    for product in products[::3]:
        tiers.append(PriceTier(product=product, buyer_kind="distributor", min_quantity=100, unit_price=product.price * 8 // 10 // 1000 * 1000))
        tiers.append(PriceTier(product=product, buyer_kind="retailer", min_quantity=20, unit_price=product.price * 9 // 10 // 1000 * 1000))
    PriceTier.objects.bulk_create(tiers, batch_size=1000)
    verified = Product.objects.verified().count()
    log(f"vendors: {len(vendors)} vendors, {len(products)} products ({verified} verified), {len(documents)} documents")


REASONS = {
    DocumentStatus.REJECTED: "Ảnh chụp mờ, không đọc được số giấy chứng nhận.",
    DocumentStatus.NEEDS_MORE: "Thiếu trang 2 của quyết định công nhận OCOP.",
}


def _document(vendor, product, kind, status, expires_on, organizer, now, today, uploader=None):
    uploaded = now - datetime.timedelta(days=40)
    decided = status != DocumentStatus.PENDING
    issued = min(today - datetime.timedelta(days=400), (expires_on or today) - datetime.timedelta(days=30))
    return Document(
        uploaded_by=uploader, vendor=vendor, product=product, kind=kind, number=f"{kind[:3].upper()}-{vendor.registration_number[-4:]}",
        issued_on=issued, expires_on=expires_on, file=DEMO_FILE, content_type="application/pdf", size=1000,
        original_name="ho-so.pdf", status=status, review_note=REASONS.get(status, ""),
        reviewed_by=organizer if decided else None, reviewed_at=now - datetime.timedelta(days=20) if decided else None,
        uploaded_at=uploaded,
    )


def _slug(text: str) -> str:
    from django.utils.text import slugify

    from core.text import fold

    return slugify(fold(text))
