"""People: one user model for vendors, instructors, organizers and buyers.

Users log in with their e-mail or their phone number; there is no username.
Vietnamese names are written family name first ("Nguyễn Văn An"): ``last_name``
holds the family and middle names and ``first_name`` the given name, so Django's
and Wagtail's forms keep working while ``get_full_name`` reads the Vietnamese way.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.phones import format_phone


class EmailUserManager(UserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail"), unique=True)
    phone = models.CharField(
        _("số điện thoại"), max_length=16, unique=True, null=True, blank=True, help_text=_("Dạng +84…")
    )
    phone_verified = models.BooleanField(_("đã xác minh số điện thoại"), default=False)
    first_name = models.CharField(_("tên"), max_length=150, blank=True)
    last_name = models.CharField(_("họ và tên đệm"), max_length=150, blank=True)
    # A practice market persona (a scripted viewer): the room's rules apply to it as to anyone,
    # and it never counts in a real figure (viewers, buyers, reports).
    is_simulated = models.BooleanField(_("khán giả mô phỏng"), default=False, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.last_name} {self.first_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def full_name(self):
        return self.get_full_name()

    @property
    def phone_display(self):
        return format_phone(self.phone or "")

    def set_full_name(self, full_name: str) -> None:
        """Split "Nguyễn Văn An" into family+middle ("Nguyễn Văn") and given name ("An")."""
        parts = " ".join(full_name.split()).rsplit(" ", 1)
        self.last_name, self.first_name = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])

    def has_role(self, role) -> bool:
        return self.groups.filter(name=role).exists()

    @property
    def role_names(self) -> list[str]:
        return sorted(self.groups.values_list("name", flat=True))

    @property
    def role_labels(self) -> list[str]:
        from accounts.roles import Role

        return [str(Role(name).label) for name in self.role_names if name in Role.values]
