"""The sale desk: the buys of one flash sale that arrive together go to the database together.

At a sale's opening hundreds of buyers press "buy" within a second. One transaction per
buy queued them all on the sale's row lock, each holding it for a dozen round trips:
in ``make drill`` (500 buyers, two workers) the last buyer waited 12-16 s and the chat
waited behind them. Here, per process, the buys of a sale that come in while the previous
batch is in the database wait on the event loop and then go in one call of
``sales.sales_buy`` (one lock, one insert of intents, one progress event for the room).
A lone buy goes at once, as before: a batch of one.

Batches are per language too, so that every refusal is written in its buyer's language.
"""

from __future__ import annotations

import asyncio
import weakref

from django.utils import translation

from config.errors import ApplicationError
from live.database import room_db
from live.limits import extension_lane
from selling.services import sales

#: the most buys handed to the database in one transaction (the rest go in the next)
MAX_BATCH = 100


class SaleDesk:
    def __init__(self):
        self._queues: weakref.WeakKeyDictionary = (
            weakref.WeakKeyDictionary()
        )  # event loop -> {batch key: [(purchase, future)]}
        self._tasks: set[asyncio.Task] = set()

    async def buy(self, *, room_id: int, sale_id: int, lang: str, purchase: sales.Purchase) -> dict:
        """The buyer's ack; raises the buyer's refusal (``SellingError``) like ``sales.sale_buy``."""
        loop = asyncio.get_running_loop()
        queues = self._queues.setdefault(loop, {})
        key = (room_id, sale_id, lang)
        future = loop.create_future()
        if key not in queues:
            queues[key] = []
            task = loop.create_task(self._serve(queues, key))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        queues[key].append((purchase, future))
        result = await future
        if isinstance(result, ApplicationError):
            raise result
        return result

    async def _serve(self, queues: dict, key: tuple) -> None:
        """Hand the queue to the database, batch after batch, until nobody is waiting."""
        room_id, sale_id, lang = key
        try:
            while queues[key]:
                batch, queues[key] = queues[key][:MAX_BATCH], queues[key][MAX_BATCH:]
                try:
                    results = await extension_lane.run(
                        room_db(_buy_in_language),
                        lang=lang,
                        room_id=room_id,
                        sale_id=sale_id,
                        purchases=[purchase for purchase, _future in batch],
                    )
                except Exception as exc:  # noqa: BLE001 - each buyer's socket answers it as any failed call
                    for _purchase, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_purchase, future), result in zip(batch, results, strict=True):
                    if not future.done():  # a buyer whose socket closed meanwhile: the order stands
                        future.set_result(result)
        finally:
            del queues[key]


def _buy_in_language(*, lang: str, **kwargs) -> list:
    with translation.override(lang):
        return sales.sales_buy(**kwargs)


desk = SaleDesk()
