from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Nội dung trang")

    def ready(self):
        from cms import signals

        signals.connect()
