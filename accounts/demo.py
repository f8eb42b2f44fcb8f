"""Demo accounts, one per role. Passwords are for the demo only (listed in the README)."""

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create, user_set_roles

DEMO_PASSWORD = "ChoDem@2026"  # noqa: S105 - demo accounts only, published in the README

DEMO_USERS = [
    # email, full name, phone, roles, staff
    ("bantochuc@demo.chodem.vn", "Trần Thị Thu Hà", "0904000001", [Role.ORGANIZER], True),
    ("giangvien@demo.chodem.vn", "Nguyễn Văn Minh", "0904000002", [Role.INSTRUCTOR], True),
    ("chuthe@demo.chodem.vn", "Lê Thị Hồng Nhung", "0904000003", [Role.VENDOR], False),
    ("nguoimua@demo.chodem.vn", "Phạm Quốc Bảo", "0904000004", [Role.CONSUMER], False),
    ("nhaphanphoi@demo.chodem.vn", "Đỗ Mạnh Hùng", "0904000005", [Role.DISTRIBUTOR], False),
    ("nhabanle@demo.chodem.vn", "Vũ Thị Lan", "0904000006", [Role.RETAILER], False),
]
DEMO_ADMIN = ("admin@demo.chodem.vn", "Quản trị hệ thống", "0904000000")


def seed(log):
    for email, full_name, phone, roles, staff in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email, password=DEMO_PASSWORD, full_name=full_name, phone="+84" + phone[1:], is_staff=staff
            )
        user_set_roles(user=user, roles=roles)
    email, full_name, phone = DEMO_ADMIN
    if not User.objects.filter(email=email).exists():
        user_create(
            email=email, password=DEMO_PASSWORD, full_name=full_name, phone="+84" + phone[1:],
            is_staff=True, is_superuser=True,
        )
    log(f"accounts: {len(DEMO_USERS) + 1} demo accounts (password {DEMO_PASSWORD})")
