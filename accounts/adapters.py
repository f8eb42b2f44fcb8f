"""allauth adapter: phone numbers live on our User model; SMS goes to the log until a gateway is set."""

import logging

from allauth.account.adapter import DefaultAccountAdapter

from accounts.models import User
from accounts.phones import VietnamesePhoneField, normalize_phone
from core.http import client_ip

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The site's one rule for the client's address (core.http; TRUSTED_PROXY_COUNT from the right).

        allauth's own would refuse a request whose X-Forwarded-For is shorter than the proxy
        count (ImproperlyConfigured, a 500): here it falls back to the leftmost entry.
        """
        return client_ip(request) or "0.0.0.0"  # noqa: S104 - an unknown peer still gets one shared budget

    def phone_form_field(self, **kwargs):
        """Every phone field we show (sign-up, change of number) requires a number.

        allauth marks the sign-up phone optional because our settings do (see
        ACCOUNT_SIGNUP_FIELDS), so that accounts without a phone can still log in.
        """
        kwargs["required"] = True
        return VietnamesePhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return normalize_phone(phone)

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone = normalize_phone(phone)
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user):
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user, phone: str) -> None:
        user.phone_verified = True
        user.save(update_fields=["phone_verified"])

    def get_user_by_phone(self, phone: str):
        try:
            return User.objects.filter(phone=normalize_phone(phone)).first()
        except Exception:  # noqa: BLE001 - an unparsable number simply matches nobody
            return None

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        # No SMS gateway is contracted yet: the code goes to the operator's log.
        logger.info("SMS verification code for %s: %s", phone, code)
