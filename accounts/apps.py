from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self):
        # Role groups and their permissions exist on every database after migrate.
        post_migrate.connect(_ensure_roles, dispatch_uid="accounts.roles_ensure")


def _ensure_roles(sender, **kwargs):
    from accounts.services import roles_ensure

    roles_ensure()
