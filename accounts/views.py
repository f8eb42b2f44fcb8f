from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import ProfileForm
from accounts.services import user_update_profile


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None, user=user, initial={"full_name": user.get_full_name(), "phone": user.phone_display}
    )
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=user, full_name=form.cleaned_data["full_name"], phone=form.cleaned_data["phone"])
        messages.success(request, _("Đã lưu hồ sơ của bạn."))
        return redirect("accounts:profile")
    return render(request, "account/profile.html", {"form": form})
