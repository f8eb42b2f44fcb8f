"""The end of a flash sale, as a task on the worker (not a timer in the process that started it).

``sale_start`` enqueues ``sale_close`` with ``run_after=closes_at`` in the same
transaction that creates the sale (the database backend's queue is a table: the task
exists exactly when the sale does). Any worker (``manage.py run_worker``) ends the sale
when it is due and appends ``sale.ended``, even if the process that started it is gone.
``sales_close_due`` on every room-state read and buy stays the net under it.
"""

from __future__ import annotations

from datetime import datetime

from django_tasks import task


@task
def sale_close(*, sale_id: int) -> int:
    """End the sale if its time is up (or its show ended); how many sales this ended (0 or 1)."""
    from selling.services.sales import sales_close_due

    return sales_close_due(sale_id=sale_id)


def sale_close_schedule(*, sale_id: int, at: datetime) -> None:
    """Queue the sale's end for ``at``. Call inside the transaction that creates the sale."""
    sale_close.using(run_after=at).enqueue(sale_id=sale_id)
