"""One list of refusal codes for the room's selling messages (``selling.errors.SellingError``)."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from config.errors import ApplicationError
from orders import services as order_services
from orders.models import Order
from selling.errors import SellingError
from selling.messages import refusals_listed
from selling.models import OrderAction, ShowOffer
from selling.room import SellingExtension
from selling.services import intents
from tests.selling.helpers import as_participant, chat_intent

PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "live-protocol.md"


def _documented() -> dict[str, str]:
    """``{code: message}`` from the table under "Selling refusals: the one list"."""
    section = PROTOCOL.read_text(encoding="utf-8").split("### Selling refusals: the one list", 1)[1]
    section = section.split("\n## ", 1)[0].split("\n### ", 1)[0]
    return {
        code: message.strip() for code, message in re.findall(r"^\| `([a-z_]+)` \|[^|]*\| (.+?) \|$", section, re.M)
    }


def test_the_protocol_documents_exactly_the_codes_of_the_list_with_their_messages():
    documented = _documented()
    assert sorted(documented) == sorted(code.value for code in SellingError)
    with translation.override("vi"):
        for code in SellingError:
            assert documented[code.value] == str(code.message), code


def test_every_selling_message_answers_only_with_codes_of_the_list():
    for type_, (_schema, handler) in SellingExtension().messages().items():
        if type_ != "sale.clock":  # the clock refuses nothing
            assert getattr(handler, "__wrapped__", None) is not None, type_


def test_an_unlisted_code_fails_under_test_and_reaches_the_client_as_invalid_in_production(settings):
    def handler(*, ctx, message):
        raise ApplicationError("Mã hàng lạ.", code="weird_code")

    class Message:
        type = "offer.set"

    guarded = refusals_listed(handler)
    with pytest.raises(AssertionError, match="weird_code"):
        guarded(ctx=None, message=Message())
    settings.LIVE = {**settings.LIVE, "RAISE_EXTENSION_ERRORS": False}
    with pytest.raises(ApplicationError) as refused:
        guarded(ctx=None, message=Message())
    assert (refused.value.code, refused.value.message) == ("invalid", "Mã hàng lạ.")


def test_the_orders_apps_refusal_behind_the_hosts_confirm_comes_in_the_lists_terms(
    selling_show, buyer_user, vendor_user, monkeypatch
):
    """``order_place`` speaks the orders app's codes; the host's board only knows the selling list."""
    intent = chat_intent(selling_show, buyer_user, "B01", 2)

    def refuse(**kwargs):
        raise ApplicationError("Tổng tiền không khớp.", code="total_mismatch", status=409)

    monkeypatch.setattr(order_services, "order_place", refuse)
    with pytest.raises(ApplicationError) as refused:
        intents.board_confirm(
            room_id=selling_show.room.pk,
            actor=as_participant(vendor_user, selling_show),
            intent_id=intent.pk,
            key="confirm-1",
        )
    assert (refused.value.code, refused.value.message) == ("invalid", "Tổng tiền không khớp.")
    intent.refresh_from_db()
    assert intent.status == "pending" and not Order.objects.exists()
    assert ShowOffer.objects.get(pk=intent.offer_id).stock_left == 300  # the units it took went back with the refusal
    assert not OrderAction.objects.filter(kind=OrderAction.Kind.CONFIRM).exists()
