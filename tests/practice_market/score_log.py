"""A recorded practice show for the score tests: the room's log written through the live and
selling services, as the real room writes it, on a clock the test moves.

``SCRIPT`` is a scenario run's rendered script (six beats: a price question, a product to
pin, a chốt đơn, a troll, a shipping question, a flash-sale purchase). ``play(...)`` starts
the show at ``T0``, lets the personas speak their beats at their second and the host do what
``host`` says, and returns the names of the things it made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_create
from live import services as live
from live.models import RoomEvent
from live.selectors import participant_for
from practice_market.models import Scenario, ScenarioRun
from selling import selectors
from selling.models import DeliveryProfile, FlashSale, OrderIntent, ShowOffer
from selling.services import intents, offers, sales

PERSONAS = {
    # key: (full name, manner)
    "chi-lan": ("Nguyễn Thị Lan", "asks_price"),
    "anh-tuan": ("Lê Văn Tuấn", "wholesale"),
    "ke-pha": ("Kẻ Phá Rối", "troll"),
    "co-hoa": ("Phạm Thị Hoa", "asks_shipping"),
    "co-mai": ("Đỗ Thị Mai", "hesitant"),
}

# index, at, persona, action, text, code, quantity, expect, within
BEATS = [
    (0, 40, "chi-lan", "comment", "B01 giá bao nhiêu ạ?", "B01", None, "answer", 60),
    (1, 50, "chi-lan", "comment", "cho em xem B02 với shop", "B02", None, "pin", 60),
    (2, 70, "anh-tuan", "order", "chot B01 2", "B01", 2, "accept", 60),
    (3, 120, "ke-pha", "insult", "hàng dởm, lừa đảo cả thôi", "", None, "moderate", 30),
    (4, 150, "co-hoa", "comment", "ship ra Hải Phòng mấy ngày shop?", "", None, "answer", 60),
    (5, 185, "co-mai", "sale_buy", "", "B01", 1, "", 60),
]


class Clock:
    """``timezone.now()`` (and the room events' default time) at ``T0 + seconds``."""

    def __init__(self, t0: datetime):
        self.t0 = t0
        self.now = t0

    def at(self, seconds: float) -> datetime:
        self.now = self.t0 + timedelta(seconds=seconds)
        return self.now


def install_clock(monkeypatch, t0: datetime) -> Clock:
    clock = Clock(t0)
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    created = RoomEvent._meta.get_field("created_at")
    monkeypatch.setattr(created, "_get_default", lambda: clock.now, raising=False)
    return clock


def t0_for_tests() -> datetime:
    """A whole minute two hours from now (after the practice show's scheduled start)."""
    return (timezone.now() + timedelta(hours=2)).replace(second=0, microsecond=0)


def make_personas(prefix: str = "") -> dict:
    users = {}
    for key, (name, _manner) in PERSONAS.items():
        user = user_create(
            email=f"{prefix}{key}@mo-phong.example.vn",
            password=None,
            full_name=name,
            roles=[Role.CONSUMER],
            is_simulated=True,
        )
        DeliveryProfile.objects.create(user=user, name=name, phone="+84912000111", address="12 Hàng Bạc, Hà Nội")
        users[key] = user
    return users


def script_for(personas: dict) -> list[dict]:
    return [
        {
            "index": index,
            "at_seconds": at,
            "persona_key": key,
            "user_id": personas[key].pk,
            "action": action,
            "text": text,
            "product_code": code,
            "quantity": quantity,
            "expect": expect,
            "expect_within_seconds": within,
        }
        for index, at, key, action, text, code, quantity, expect, within in BEATS
    ]


@dataclass
class HostPlan:
    """What the host does, at which second (None: never)."""

    answer_price: int | None = None
    pin_b02: int | None = None
    accept_order: int | None = None
    announce_total: tuple[int, str] | None = None
    delete_troll: int | None = None
    answer_shipping: int | None = None
    sale_start: int | None = None
    viewers: dict = field(default_factory=dict)  # minute -> viewers


GOOD_HOST = HostPlan(
    answer_price=55,  # 15 s after the question
    pin_b02=65,  # 15 s after it was asked
    accept_order=90,  # 20 s after "chot B01 2"
    announce_total=(95, "Anh Tuấn chốt B01 2 hộp, tổng 240k ạ"),
    delete_troll=130,  # 10 s after the insult (window 30 s)
    answer_shipping=220,  # 70 s after the question: late (window 60 s)
    sale_start=170,  # countdown 10 s: open at 180 s, the persona buys at 185 s
    viewers={0: 6, 1: 8, 2: 8},
)

SILENT_HOST = HostPlan(viewers={0: 10, 1: 6, 2: 3})


def play(practice, personas: dict, clock: Clock, plan: HostPlan, *, scenario_title: str = "Chợ sớm") -> SimpleNamespace:
    """Run the recorded show through the services; the show is live at the end (not ended)."""
    show = practice.show
    room_id = show.room.pk
    host = participant_for(user=practice.trainee, show=show)
    scenario = Scenario.objects.create(title=scenario_title, difficulty=Scenario.Difficulty.MEDIUM)
    practice.scenario = scenario
    practice.save(update_fields=["scenario"])
    clock.at(0)
    live.show_start(room_id=room_id, actor=host)
    script = script_for(personas)
    run = ScenarioRun.objects.create(
        practice_show=practice,
        scenario=scenario,
        state=ScenarioRun.State.RUNNING,
        started_at=clock.now,
        first_seq=show.room.__class__.objects.get(pk=room_id).last_seq + 1,
        script=script,
        viewers=5,
    )
    offer = {o.product.code: o for o in ShowOffer.objects.filter(show=show).select_related("product")}
    selectors.offered_codes_forget(room_id=room_id)

    actions: list[tuple[float, object]] = []
    for beat in script:
        actions.append((beat["at_seconds"], ("beat", beat)))
    for minute, viewers in plan.viewers.items():
        actions.append((minute * 60 + 5, ("viewers", viewers)))
    host_steps = {
        "answer_price": lambda: live.chat_post(room_id=room_id, actor=host, text="Chị Lan ơi B01 120k một hộp ạ"),
        "pin_b02": lambda: offers.offer_pin(room_id=room_id, actor=host, offer_id=offer["B02"].pk),
        "accept_order": lambda: _accept(room_id, host, show, personas["anh-tuan"]),
        "delete_troll": lambda: _delete_troll(room_id, host, personas["ke-pha"]),
        "answer_shipping": lambda: live.chat_post(room_id=room_id, actor=host, text="Hải Phòng 2 ngày là tới ạ"),
        "sale_start": lambda: sales.sale_start(
            room_id=room_id,
            actor=host,
            offer_id=offer["B01"].pk,
            sale_price=99_000,
            quantity=5,
            per_buyer_cap=2,
            countdown_seconds=10,
            duration_seconds=60,
        ),
    }
    for name, step in host_steps.items():
        second = getattr(plan, name)
        if second is not None:
            actions.append((second + 0.5, ("host", step)))
    if plan.announce_total is not None:
        second, text = plan.announce_total
        actions.append((second + 0.5, ("host", lambda: live.chat_post(room_id=room_id, actor=host, text=text))))

    made = SimpleNamespace(run=run, scenario=scenario, refused=[])
    for second, (what, arg) in sorted(actions, key=lambda a: a[0]):
        clock.at(second)
        if what == "beat":
            _speak(room_id, show, personas, arg, made, offer)
        elif what == "viewers":
            live.viewers_sample(room_id=room_id, viewers=arg)
        else:
            arg()
    return made


def _speak(room_id, show, personas, beat, made, offer) -> None:
    from config.errors import ApplicationError

    persona = personas[beat["persona_key"]]
    actor = participant_for(user=persona, show=show)
    try:
        if beat["action"] == "sale_buy":
            sale = FlashSale.objects.filter(offer__show=show).order_by("-pk").first()
            if sale is None:
                made.refused.append(beat["index"])
                return
            sales.sale_buy(
                room_id=room_id,
                actor=actor,
                sale_id=sale.pk,
                quantity=beat["quantity"],
                unit_price=sale.sale_price,
                key=f"beat-{beat['index']}",
            )
        else:
            live.chat_post(room_id=room_id, actor=actor, text=beat["text"])
    except ApplicationError:
        made.refused.append(beat["index"])


def _accept(room_id, host, show, buyer) -> None:
    intent = OrderIntent.objects.get(show=show, buyer=buyer, status=OrderIntent.Status.PENDING)
    intents.board_confirm(room_id=room_id, actor=host, intent_id=intent.pk, key=f"accept-{intent.pk}")


def _delete_troll(room_id, host, troll) -> None:
    seq = RoomEvent.objects.filter(room_id=room_id, kind="chat", author=troll).values_list("seq", flat=True).first()
    live.chat_delete(room_id=room_id, actor=host, message_seq=seq)
