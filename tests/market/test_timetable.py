"""Sessions and the timetable: states, applications, slot rules, publishing."""

import pytest

from live.models import Show
from market.models import Session

pytestmark = pytest.mark.django_db


def test_publishing_makes_a_market_show_per_slot_with_the_applied_products(published_session):
    session = published_session.session
    assert session.state == Session.State.PUBLISHED
    for st in published_session.stalls:
        show = st.slot.show
        assert show.owner_kind == "market"
        assert show.scheduled_start == session.starts_at
        assert sorted(o.product.code for o in show.offers.all()) == sorted(st.products)
    assert Show.objects.filter(owner_kind="market").count() == 2
