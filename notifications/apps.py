from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """What has happened that this person should know? (an in-app list with an unread count).

    Other apps write through ``notifications.services.notification_create``; this app
    knows nothing of orders or shows: a title, a body and a link are all it keeps.
    """

    name = "notifications"
    verbose_name = _("Thông báo")
