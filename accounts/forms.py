from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from accounts.models import User
from accounts.phones import VietnamesePhoneField
from accounts.roles import SIGNUP_ROLES, Role
from accounts.services import user_set_roles


class SignupExtraForm(forms.Form):
    """Extra sign-up fields allauth adds to its own form: full name and role.

    allauth builds its sign-up form on top of this class and applies ``field_order``
    after adding its own fields, so the page reads top to bottom as people expect.
    """

    field_order = ["full_name", "email", "phone", "role", "password1", "password2"]

    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Nguyễn Văn An"})
    )
    role = forms.ChoiceField(
        label=_("Bạn là"), choices=[(r.value, r.label) for r in SIGNUP_ROLES], initial=Role.CONSUMER.value
    )

    def clean_phone(self):
        """Say plainly that a phone number is taken.

        With ``ACCOUNT_PREVENT_ENUMERATION`` allauth would pretend the sign-up worked and send
        the person to an SMS-code page for someone else's number, where they stay stuck (there
        is no SMS gateway yet). E-mail addresses are already reported as taken because e-mail
        verification is optional, log-in is rate-limited by axes and allauth, so this reveals
        nothing new. allauth calls ``clean_phone`` on the final form, which inherits this class.
        """
        phone = self.cleaned_data.get("phone")
        if phone and User.objects.filter(phone=phone).exists():
            from allauth.account.adapter import get_adapter

            raise forms.ValidationError(get_adapter().error_messages["phone_taken"])
        return phone

    def signup(self, request, user):
        user.set_full_name(self.cleaned_data["full_name"])
        user.save(update_fields=["first_name", "last_name"])
        user_set_roles(user=user, roles=[self.cleaned_data["role"]])


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = VietnamesePhoneField(required=False)

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone and User.objects.exclude(pk=self.user.pk).filter(phone=phone).exists():
            raise forms.ValidationError(_("Số điện thoại này đã được dùng cho tài khoản khác."))
        return phone


class AdminLoginForm(WagtailLoginForm):
    """Wagtail's admin log-in form, with a translated password label.

    Wagtail gives the password field no label, so Django shows the untranslatable
    "Password" from the field name. Axes guards this form like allauth's.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Mật khẩu")
