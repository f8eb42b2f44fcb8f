"""A stand-in for the server process that starts a flash sale (run by test_sale_end_task.py).

``python tests/selling/sale_starter.py <show_id> <host_user_id> <offer_id> <duration_seconds>``
on the database named by DATABASE_URL: starts the sale through the real service
(``selling.services.sales.sale_start``: no countdown, a short duration, allowed here only),
prints one JSON line ``{"sale_id": …, "closes_at": …}`` and then waits to be killed,
as a daphne process would hold its rooms.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from live.models import Show  # noqa: E402
from live.selectors import participant_for  # noqa: E402
from selling.services import sales  # noqa: E402

show_id, host_id, offer_id, duration = (int(arg) for arg in sys.argv[1:5])
# Test-only: a sale with no countdown and a few seconds' duration (the service allows 10 s and 60 s at least).
sales.COUNTDOWN_RANGE, sales.DURATION_RANGE = (0, 300), (1, 1200)
show = Show.objects.select_related("room").get(pk=show_id)
sale = sales.sale_start(
    room_id=show.room.pk,
    actor=participant_for(user=get_user_model().objects.get(pk=host_id), show=show),
    offer_id=offer_id,
    sale_price=99_000,
    quantity=5,
    per_buyer_cap=2,
    countdown_seconds=0,
    duration_seconds=duration,
)
print(json.dumps({"sale_id": sale.pk, "closes_at": sale.closes_at.isoformat()}), flush=True)
while True:  # the sale's process stays up until the test kills it (-9)
    time.sleep(60)
