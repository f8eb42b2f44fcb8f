"""The platform's roles. Each is a Django group; permissions live in services.roles_ensure."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VENDOR = "vendor", _("Chủ thể OCOP")
    INSTRUCTOR = "instructor", _("Giảng viên")
    ORGANIZER = "organizer", _("Ban tổ chức")
    CONSUMER = "consumer", _("Người tiêu dùng")
    DISTRIBUTOR = "distributor", _("Nhà phân phối")
    RETAILER = "retailer", _("Nhà bán lẻ")


BUYER_ROLES = (Role.CONSUMER, Role.DISTRIBUTOR, Role.RETAILER)
SIGNUP_ROLES = (Role.VENDOR, Role.CONSUMER, Role.DISTRIBUTOR, Role.RETAILER)
