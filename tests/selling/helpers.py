"""Small helpers for the selling tests: participants and a flash sale that is open now."""

from datetime import timedelta

from django.utils import timezone

from live.models import Show
from live.selectors import Participant, participant_for
from selling import offers
from selling.models import FlashSale


def as_participant(user, show) -> Participant:
    return participant_for(user=user, show=show)


def go_live(show) -> None:
    show.state, show.started_at = Show.State.LIVE, timezone.now()
    Show.objects.filter(pk=show.pk).update(state=show.state, started_at=show.started_at)


def open_now(sale: FlashSale) -> FlashSale:
    """Move a scheduled sale's countdown into the past (the sale keeps its duration)."""
    now = timezone.now()
    FlashSale.objects.filter(pk=sale.pk).update(
        opens_at=now - timedelta(seconds=1), closes_at=now + timedelta(seconds=sale.duration_seconds)
    )
    sale.refresh_from_db()
    return sale


def start_sale(show, host_user, offer, **overrides) -> FlashSale:
    values = {"sale_price": 99_000, "quantity": 10, "per_buyer_cap": 2, "countdown_seconds": 10, "duration_seconds": 120}
    values.update(overrides)
    return offers.sale_start(
        room_id=show.room.pk, actor=as_participant(host_user, show), offer_id=offer.pk, **values
    )
