"""A published stall holds no stock until its session goes live: other channels keep selling
the free stock all week; at go-live the room's offers take it, and the show's end gives it back."""

import pytest

from live.models import Show
from live.selectors import HOST, Participant
from live.services import show_end
from market import timetable
from market.cart import cart_add, cart_checkout
from tests.market.buying_helpers import DELIVERY

pytestmark = pytest.mark.django_db


def _free(product):
    product.refresh_from_db()
    return product.stock - product.stock_reserved


def test_stock_is_held_from_go_live_to_the_shows_end_and_the_cart_sells_in_both_phases(
    published_session, buyer_user, django_capture_on_commit_callbacks
):
    session = published_session.session
    stall = published_session.stalls[0]
    b01 = stall.products["B01"]
    show = stall.slot.show
    offer = show.offers.get(product=b01)
    # Published: the timetable lists the product, but its whole stock is still free.
    assert offer.is_active and offer.stock_left == 0
    assert _free(b01) == b01.stock == 300
    cart_add(buyer=buyer_user, product_id=b01.pk, quantity=2)
    cart_checkout(
        buyer=buyer_user, delivery=DELIVERY, client_key="before", expected_total=240_000, session_id=session.pk
    )
    assert _free(b01) == 298
    # Go-live: the room's offer holds what is free.
    with django_capture_on_commit_callbacks(execute=True):
        assert timetable.session_go_live(session_id=session.pk, now=session.starts_at)
    offer.refresh_from_db()
    assert offer.stock_left == 298 and _free(b01) == 0
    cart_add(buyer=buyer_user, product_id=b01.pk, quantity=3)
    cart_checkout(
        buyer=buyer_user, delivery=DELIVERY, client_key="after", expected_total=360_000, session_id=session.pk
    )
    offer.refresh_from_db()
    assert offer.stock_left == 295 and _free(b01) == 0
    # The show ends: the unsold units go back to the product.
    host = Participant(user_id=stall.user.pk, name="host", role=HOST)
    with django_capture_on_commit_callbacks(execute=True):
        show_end(room_id=show.room.pk, actor=host)
    assert Show.objects.get(pk=show.pk).state == Show.State.ENDED
    offer.refresh_from_db()
    assert offer.stock_left == 0 and _free(b01) == 295
