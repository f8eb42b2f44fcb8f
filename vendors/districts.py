"""Hanoi's 30 districts, towns and urban districts: reference data for vendors' addresses.

Kept as choices, not a table: the list changes by national decree, not by users,
and a migration is the right place to record such a change.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.TextChoices):
    BA_DINH = "ba-dinh", "Ba Đình"
    HOAN_KIEM = "hoan-kiem", "Hoàn Kiếm"
    TAY_HO = "tay-ho", "Tây Hồ"
    LONG_BIEN = "long-bien", "Long Biên"
    CAU_GIAY = "cau-giay", "Cầu Giấy"
    DONG_DA = "dong-da", "Đống Đa"
    HAI_BA_TRUNG = "hai-ba-trung", "Hai Bà Trưng"
    HOANG_MAI = "hoang-mai", "Hoàng Mai"
    THANH_XUAN = "thanh-xuan", "Thanh Xuân"
    NAM_TU_LIEM = "nam-tu-liem", "Nam Từ Liêm"
    BAC_TU_LIEM = "bac-tu-liem", "Bắc Từ Liêm"
    HA_DONG = "ha-dong", "Hà Đông"
    SON_TAY = "son-tay", _("Thị xã Sơn Tây")
    SOC_SON = "soc-son", "Sóc Sơn"
    DONG_ANH = "dong-anh", "Đông Anh"
    GIA_LAM = "gia-lam", "Gia Lâm"
    THANH_TRI = "thanh-tri", "Thanh Trì"
    ME_LINH = "me-linh", "Mê Linh"
    BA_VI = "ba-vi", "Ba Vì"
    PHUC_THO = "phuc-tho", "Phúc Thọ"
    DAN_PHUONG = "dan-phuong", "Đan Phượng"
    HOAI_DUC = "hoai-duc", "Hoài Đức"
    QUOC_OAI = "quoc-oai", "Quốc Oai"
    THACH_THAT = "thach-that", "Thạch Thất"
    CHUONG_MY = "chuong-my", "Chương Mỹ"
    THANH_OAI = "thanh-oai", "Thanh Oai"
    THUONG_TIN = "thuong-tin", "Thường Tín"
    PHU_XUYEN = "phu-xuyen", "Phú Xuyên"
    UNG_HOA = "ung-hoa", "Ứng Hòa"
    MY_DUC = "my-duc", "Mỹ Đức"
