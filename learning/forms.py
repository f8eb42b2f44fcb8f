from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.phones import VietnamesePhoneField
from vendors.districts import District


def district_choices() -> list[tuple[str, str]]:
    """Hanoi's districts as the vendors' profiles list them; a registration keeps the Vietnamese name."""
    with translation.override("vi"):
        names = [str(label) for _value, label in District.choices]
    return [("", _("— Chọn quận / huyện —")), *((name, name) for name in names)]


class RegistrationForm(forms.Form):
    organisation = forms.CharField(label=_("Tên chủ thể / hợp tác xã"), max_length=200)
    district = forms.ChoiceField(label=_("Quận / huyện"), choices=district_choices)
    phone = VietnamesePhoneField()
    join_waitlist = forms.BooleanField(label=_("Vào danh sách chờ nếu lớp đã đủ chỗ"), required=False)


class ManualEnrolForm(RegistrationForm):
    email = forms.EmailField(label=_("E-mail học viên (tài khoản đã có)"))
    join_waitlist = None


class RosterImportForm(forms.Form):
    roster = forms.FileField(
        label=_("Tệp CSV"),
        help_text=_("Cột: email, ho_ten, dien_thoai, to_chuc, quan_huyen (UTF-8)."),
    )


class AssignmentForm(forms.Form):
    text = forms.CharField(label=_("Nội dung bài làm"), widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(label=_("Tệp đính kèm"), required=False)
    link = forms.URLField(label=_("Hoặc đường dẫn (ví dụ bản ghi buổi livestream)"), required=False, assume_scheme="https")


class GradeForm(forms.Form):
    comment = forms.CharField(label=_("Nhận xét"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = list(rubric)
        for index, criterion in enumerate(self.rubric):
            self.fields[f"score_{index}"] = forms.IntegerField(
                label=f"{criterion['name']} (0–{criterion['max_points']})",
                min_value=0,
                max_value=criterion["max_points"],
            )
        self.order_fields([f"score_{i}" for i in range(len(self.rubric))] + ["comment"])

    @property
    def scores(self) -> list[int]:
        return [self.cleaned_data[f"score_{i}"] for i in range(len(self.rubric))]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Mã chứng nhận"), max_length=20)
