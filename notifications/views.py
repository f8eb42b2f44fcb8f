"""The notification list (/thong-bao/): thin views over selectors and services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications import selectors, services


@login_required
@require_GET
def notification_list(request):
    page = Paginator(selectors.notifications_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page, "notifications": page.object_list})


@login_required
@require_POST
def notification_read(request):
    """Mark one (``id``) or all read; then follow the notification's link or come back."""
    raw = request.POST.get("id", "")
    if raw.isdigit():
        services.notification_mark_read(user=request.user, notification_id=int(raw))
        target = (
            selectors.notifications_for(user=request.user).filter(pk=int(raw)).values_list("url", flat=True).first()
        )
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
    else:
        services.notification_mark_all_read(user=request.user)
    return redirect("notifications:list")
