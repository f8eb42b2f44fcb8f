"""Brute-force protection: one identity for axes, whichever log-in form was used."""


def axes_username(request, credentials):
    """The login typed in allauth's form (e-mail or phone) or Wagtail's admin form.

    Normalised so that "0912 345 678" and "+84912345678" count as the same account.
    """
    from accounts.phones import normalize_phone

    credentials = credentials or {}
    post = getattr(request, "POST", {}) or {}
    raw = (
        credentials.get("email")
        or credentials.get("phone")
        or credentials.get("username")
        or post.get("login")
        or post.get("username")
        or ""
    ).strip().lower()
    if raw and "@" not in raw:
        try:
            return normalize_phone(raw)
        except Exception:  # noqa: BLE001 - not a phone number: count it as typed
            return raw
    return raw
