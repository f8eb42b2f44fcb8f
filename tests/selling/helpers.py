"""Small helpers for the selling tests: participants and a flash sale that is open now."""

from datetime import timedelta

from django.utils import timezone

from live.models import Show
from live.selectors import Participant, participant_for
from selling.models import FlashSale
from selling.services import sales


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
    return sales.sale_start(
        room_id=show.room.pk, actor=as_participant(host_user, show), offer_id=offer.pk, **values
    )


#: a real-looking long Vietnamese product name (about 190 characters, most of them 2–3 bytes in UTF-8)
LONG_NAME = "Bưởi đỏ Đông Cao Mê Linh loại đặc biệt, quả to đều, vỏ mỏng, múi đỏ hồng, ngọt thanh, hộp quà Tết {n} quả kèm túi vải và thiệp chúc mừng năm mới"


def offer_many(show, stall, host_user, count: int) -> list:
    """``count`` more products of the stall, each with a long name, on offer in ``show``; returns their codes.

    Their cards make the show's ``welcome`` far bigger than daphne's 16 KB message cap.
    """
    from selling.models import ShowOffer
    from vendors import services as vendor_services
    from vendors.models import OcopGroup

    vendor, _products = stall
    codes = []
    for n in range(1, count + 1):
        product = vendor_services.product_create(
            vendor=vendor, actor=host_user, name=LONG_NAME.format(n=n), code=f"L{n:02d}", group=OcopGroup.FOOD,
            stars=4, price=250_000 + n * 1000, unit="hộp quà", stock=50,
        )
        ShowOffer.objects.create(show=show, product=product, position=100 + n, stock_left=50)
        codes.append(product.code)
    return codes
