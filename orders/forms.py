"""Forms of the order pages: parse and bound the input; the rules live in ``orders.services``."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from orders import lifecycle
from orders.models import PaymentMethod, Status

#: The actions the order pages offer (the organizers' ones live in their console).
BUYER_ACTIONS = ("buyer_cancel", "confirm_receipt", "acknowledge_payment")
VENDOR_ACTIONS = ("confirm", "decline", "vendor_cancel", "ship", "record_payment", "refuse_at_door", "return_received")
BULK_ACTIONS = ("confirm", "ship")


def new_key() -> str:
    """An idempotency key made when the page renders: a double tap sends the same one."""
    return uuid.uuid4().hex


class ActionForm(forms.Form):
    """One action on one order. What each action needs beyond the key is checked by the
    transition service (reason, carrier or own delivery, goods match, payment method)."""

    action = forms.ChoiceField(choices=[(a, a) for a in BUYER_ACTIONS + VENDOR_ACTIONS])
    key = forms.CharField(max_length=64)
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)
    goods_match = forms.TypedChoiceField(
        label=_("Hàng có đúng mô tả không?"),
        choices=[("yes", _("Có, hàng đúng mô tả")), ("no", _("Không, hàng không đúng mô tả"))],
        coerce=lambda v: v == "yes",
        required=False,
        empty_value=None,
    )
    carrier = forms.CharField(label=_("Đơn vị vận chuyển"), max_length=80, required=False)
    tracking_code = forms.CharField(label=_("Mã vận đơn"), max_length=80, required=False)
    own_delivery = forms.BooleanField(label=_("Shop tự giao"), required=False)
    method = forms.ChoiceField(
        label=_("Hình thức thanh toán"), choices=[("", "—"), *PaymentMethod.choices], required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "confirm_receipt" and cleaned.get("goods_match") is None:
            self.add_error("goods_match", _("Hãy cho biết hàng có đúng mô tả không."))
        return cleaned

    def transition_data(self) -> dict:
        """The ``data`` of ``order_transition`` for this action."""
        c, action = self.cleaned_data, self.cleaned_data["action"]
        if action == "ship":
            return {"own_delivery": c["own_delivery"], "carrier": c["carrier"], "tracking_code": c["tracking_code"]}
        if action == "confirm_receipt":
            return {"goods_match": c["goods_match"]}
        if action == "record_payment":
            return {"method": c["method"]}
        return {}


class DeskFilterForm(forms.Form):
    """The order desk's filters (all optional; an unknown value is ignored, not an error)."""

    state = forms.ChoiceField(label=_("Trạng thái"), choices=[("", _("Tất cả")), *Status.choices], required=False)
    source = forms.CharField(label=_("Buổi bán"), max_length=40, required=False)
    tab = forms.ChoiceField(choices=[("", ""), ("practice", "practice")], required=False)


def actions_for(status: str, role: str, allowed: tuple[str, ...]) -> list[str]:
    return [a for a in lifecycle.allowed_actions(status, role) if a in allowed]
