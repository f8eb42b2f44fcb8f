"""``notifications_unread``: the header's unread count (one COUNT, only for people logged in)."""

from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count


def unread(request):
    user = getattr(request, "user", None)
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user=user))}
