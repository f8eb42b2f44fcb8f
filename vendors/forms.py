"""Front-end forms. They only parse input; the rules live in ``vendors.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vendors.districts import District
from vendors.models import (
    BuyerKind,
    DocumentKind,
    OcopGroup,
    Product,
    Vendor,
)
from vendors.services import PRODUCT_FIELDS, VENDOR_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VendorForm(forms.ModelForm):
    logo = forms.FileField(label=_("Logo (JPG, PNG, WebP)"), required=False)

    class Meta:
        model = Vendor
        fields = VENDOR_FIELDS
        widgets = {"story": forms.Textarea(attrs={"rows": 5})}

    def _post_clean(self):
        """Model validation (and the uniqueness check) runs in the service, which reports field errors."""


class ProductForm(forms.ModelForm):
    price = forms.CharField(label=_("Giá bán lẻ (đồng)"), help_text=_("Số nguyên đồng, ví dụ 120000."))

    class Meta:
        model = Product
        fields = PRODUCT_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "ingredients": forms.Textarea(attrs={"rows": 2}),
            "code": forms.TextInput(attrs={"autocapitalize": "characters"}),
        }

    def _post_clean(self):
        pass


class PriceTierForm(forms.Form):
    buyer_kind = forms.ChoiceField(label=_("Dành cho"), choices=BuyerKind.choices)
    min_quantity = forms.IntegerField(label=_("Số lượng tối thiểu"), min_value=1, max_value=1_000_000)
    unit_price = forms.CharField(label=_("Đơn giá (đồng)"))


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Ảnh (JPG, PNG, WebP)"))
    caption = forms.CharField(label=_("Chú thích"), max_length=200, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại giấy tờ"), choices=DocumentKind.choices)
    product = forms.ModelChoiceField(
        label=_("Cho sản phẩm"), queryset=Product.objects.none(), required=False,
        empty_label=_("Cả chủ thể (dùng cho mọi sản phẩm)"),
    )
    number = forms.CharField(label=_("Số hiệu / mã"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Ngày cấp"), widget=DATE)
    expires_on = forms.DateField(label=_("Ngày hết hạn"), widget=DATE, required=False, help_text=_("Bỏ trống nếu không có hạn."))
    file = forms.FileField(label=_("Tệp (PDF, JPG, PNG, WebP)"))

    def __init__(self, *args, vendor, replaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = vendor.products.order_by("name")
        if replaces is not None:
            del self.fields["kind"]
            del self.fields["product"]


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("approved", _("Duyệt")), ("rejected", _("Từ chối")), ("needs_more", _("Yêu cầu bổ sung"))]
    )
    note = forms.CharField(label=_("Lý do / ghi chú cho chủ thể"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail tài khoản của nhân viên"))


class ProductFilterForm(forms.Form):
    """The directory's search box and filters (GET)."""

    q = forms.CharField(label=_("Tìm sản phẩm"), required=False, max_length=200)
    district = forms.ChoiceField(label=_("Quận / huyện"), choices=[("", _("Mọi quận / huyện"))] + District.choices, required=False)
    group = forms.ChoiceField(label=_("Nhóm"), choices=[("", _("Mọi nhóm"))] + OcopGroup.choices, required=False)
    stars = forms.TypedChoiceField(
        label=_("Số sao"), choices=[("", _("Mọi hạng sao")), ("3", "3★"), ("4", "4★"), ("5", "5★")],
        coerce=int, empty_value=None, required=False,
    )
    verified = forms.BooleanField(label=_("Chỉ sản phẩm đã xác minh"), required=False)


class VendorFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm chủ thể"), required=False, max_length=200)
    district = forms.ChoiceField(label=_("Quận / huyện"), choices=[("", _("Mọi quận / huyện"))] + District.choices, required=False)
    verified = forms.BooleanField(label=_("Có sản phẩm đã xác minh"), required=False)

