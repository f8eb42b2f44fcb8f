"""The scripted audience: checking a scenario, and starting (or stopping) a run of it in a practice show.

A scenario (``Scenario`` → ``Persona``, ``Beat``) is authored by instructors in the Wagtail
admin. :func:`scenario_problems` says in Vietnamese what is wrong with one (the admin form
and :func:`scenario_run_start` both use it), so a broken scenario never reaches a room:

* a **broken timeline**: no beat at all, a beat after the scenario's end, one persona
  twice in the same second, an expectation that does not fit the beat (mute the troll on
  a question), an expectation with no time to meet it;
* an **unknown persona**: a beat naming a persona the scenario does not have;
* an **unknown placeholder**: ``{foo}``, or braces that do not close. The placeholders are
  ``{code}``, ``{name}``, ``{price}``, ``{product}`` (the trainee's first product on
  offer: its code, name, price in VND, "code name"), the same with 2…9 for the second…
  ninth product (``{code2}``; fewer products wrap around) and ``{host}`` (the host's name);
* a chốt đơn beat whose text would not read as an order ("chot {code} 2" does).

:func:`scenario_run_start` renders the run's script (``ScenarioRun.script``, the shape the
player plays and the score reads back): placeholders filled from the trainee's own
products on offer in the show (else their vendor's products), a deterministic share of the
comments typed without diacritics (``Scenario.no_diacritics_percent``, chosen by a stable
hash so the same run renders the same way), each beat's persona mapped to its simulated
account. Then it queues the player (``practice_market.tasks.scenario_run_play``) after commit.

Simulated accounts (``User.is_simulated``) are real users, so the room's rules (caps, rate
limits, slow mode, mutes, bans) apply to them as to anyone; they have no usable password
and an address under ``.invalid``, so nobody can log in as one: the player authenticates
each with a session it creates for it (:func:`simulated_sessions_create`), and deletes
them when it stops. One account per persona of a scenario (reused by every run of it) and
a pool of watchers ("Khách xem 1…N") for the viewers who only watch.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from core.money import format_vnd
from live.models import Show
from live.order_parser import OrderParser
from live.owners import owner_for
from practice_market.models import Beat, PracticeShow, Scenario, ScenarioRun
from selling.models import ShowOffer
from vendors.models import Product

SIMULATED_DOMAIN = "mo-phong.invalid"
PLACEHOLDERS = ("code", "name", "price", "product")
MAX_PRODUCT_INDEX = 9
MIN_SPEED, MAX_SPEED = 0.25, 20.0
MIN_VIEWERS, MAX_VIEWERS = 1, 500
#: what a persona's comment says when it is typed (the actions that post a chat message)
CHAT_ACTIONS = (Beat.Action.COMMENT, Beat.Action.ORDER, Beat.Action.INSULT)
#: which expectations fit which actions
FITTING_EXPECTATIONS = {
    Beat.Action.COMMENT: {Beat.Expect.NOTHING, Beat.Expect.ANSWER, Beat.Expect.PIN},
    Beat.Action.ORDER: {Beat.Expect.NOTHING, Beat.Expect.ACCEPT, Beat.Expect.ANSWER},
    Beat.Action.INSULT: {Beat.Expect.NOTHING, Beat.Expect.MODERATE},
    Beat.Action.SALE_BUY: {Beat.Expect.NOTHING, Beat.Expect.ACCEPT},
}
_BRACES = re.compile(r"\{([^{}]*)\}")
_PLACEHOLDER = re.compile(r"^(code|name|price|product)([2-9])?$|^host$")
_SAMPLE_CODES = [f"B0{i}" for i in range(1, MAX_PRODUCT_INDEX + 1)]
_D = str.maketrans({"đ": "d", "Đ": "D"})
_FIRST_NUMBER = re.compile(r"\d+")
# A delivery address for the simulated buyers, so that the host can accept their orders.
_SIM_ADDRESS = "Số 1 phố Mô Phỏng, phường Thực Hành, Hà Nội"


def clock(seconds: int) -> str:
    """``100`` → ``"1:40"``: how instructors write a moment of the show."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def strip_diacritics(text: str) -> str:
    """Typed without diacritics, case kept: "Bưởi đỏ giá bao nhiêu ạ?" → "Buoi do gia bao nhieu a?"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


# ----------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class BeatSpec:
    """What the checks need of a beat (a ``Beat`` row or an unsaved form's data)."""

    at_seconds: int
    persona_key: str
    action: str
    text: str
    expect: str
    expect_within_seconds: int


def _spec(beat) -> BeatSpec:
    get = beat.get if isinstance(beat, dict) else (lambda name, default=None: getattr(beat, name, default))
    return BeatSpec(
        at_seconds=int(get("at_seconds", 0) or 0),
        persona_key=str(get("persona_key", "") or ""),
        action=str(get("action", "") or Beat.Action.COMMENT),
        text=str(get("text", "") or ""),
        expect=str(get("expect", "") or ""),
        expect_within_seconds=int(get("expect_within_seconds", 0) or 0),
    )


def _placeholders(text: str) -> tuple[list[str], bool]:
    """(the names inside braces, whether the braces are balanced)."""
    names = _BRACES.findall(text)
    rest = _BRACES.sub("", text)
    return names, "{" not in rest and "}" not in rest


def scenario_problems(*, personas: Iterable, beats: Iterable, duration_seconds: int) -> list[str]:
    """Everything wrong with a scenario, in Vietnamese, one sentence each (empty: it can be played).

    ``personas`` are objects or dicts with ``key``; ``beats`` with the ``Beat`` fields.
    """
    problems: list[str] = []
    keys = [str(p.get("key") if isinstance(p, dict) else p.key) for p in personas]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(_("Hai nhân vật cùng mã “%(key)s”: mỗi nhân vật cần một mã riêng.") % {"key": key})
    specs = sorted((_spec(b) for b in beats), key=lambda b: b.at_seconds)
    if not keys:
        problems.append(_("Kịch bản chưa có nhân vật nào."))
    if not specs:
        problems.append(_("Kịch bản chưa có nhịp nào: hãy thêm ít nhất một nhịp vào dòng thời gian."))
    known = set(keys)
    parser = OrderParser(_SAMPLE_CODES)
    seen_moments: set[tuple[str, int]] = set()
    for beat in specs:
        at = clock(beat.at_seconds)
        if beat.at_seconds > duration_seconds:
            problems.append(
                _("Dòng thời gian hỏng: nhịp lúc %(at)s nằm sau khi kịch bản kết thúc (%(end)s).")
                % {"at": at, "end": clock(duration_seconds)}
            )
        if beat.persona_key not in known:
            problems.append(
                _("Nhịp lúc %(at)s dùng nhân vật “%(key)s” chưa có trong kịch bản.")
                % {"at": at, "key": beat.persona_key}
            )
        elif (beat.persona_key, beat.at_seconds) in seen_moments:
            problems.append(
                _("Dòng thời gian hỏng: nhân vật “%(key)s” có hai nhịp cùng lúc %(at)s.")
                % {"at": at, "key": beat.persona_key}
            )
        seen_moments.add((beat.persona_key, beat.at_seconds))
        if beat.action not in FITTING_EXPECTATIONS:
            problems.append(_("Nhịp lúc %(at)s có hành động không hợp lệ.") % {"at": at})
            continue
        if beat.expect not in FITTING_EXPECTATIONS[beat.action]:
            problems.append(
                _("Nhịp lúc %(at)s: yêu cầu “%(expect)s” không hợp với hành động “%(action)s”.")
                % {
                    "at": at,
                    "expect": Beat.Expect(beat.expect).label if beat.expect in Beat.Expect.values else beat.expect,
                    "action": Beat.Action(beat.action).label,
                }
            )
        if beat.expect and beat.expect_within_seconds < 1:
            problems.append(_("Nhịp lúc %(at)s: thời hạn cho người dẫn phải từ 1 giây trở lên.") % {"at": at})
        names, balanced = _placeholders(beat.text)
        if not balanced:
            problems.append(
                _("Nhịp lúc %(at)s: dấu ngoặc { } không khớp trong “%(text)s”.") % {"at": at, "text": beat.text}
            )
        unknown = [n for n in names if not _PLACEHOLDER.match(n)]
        for name in unknown:
            problems.append(
                _(
                    "Nhịp lúc %(at)s: chỗ điền {%(name)s} không có. Dùng được {code}, {name}, {price}, {product}, "
                    "{host} và {code2}, {name2}… cho sản phẩm thứ hai trở đi."
                )
                % {"at": at, "name": name}
            )
        if beat.action in CHAT_ACTIONS and not beat.text.strip():
            problems.append(_("Nhịp lúc %(at)s cần nội dung bình luận.") % {"at": at})
        elif beat.action == Beat.Action.ORDER and balanced and not unknown:
            sample = _render_text(beat.text, products=_sample_products(), host_name="Người dẫn")
            if not parser.parse(sample).lines:
                problems.append(
                    _(
                        "Nhịp lúc %(at)s là chốt đơn nhưng “%(text)s” không đọc được thành đơn: cần mã sản phẩm "
                        "và số lượng, ví dụ “chot {code} 2”."
                    )
                    % {"at": at, "text": beat.text}
                )
    return problems


def scenario_validate(*, scenario: Scenario) -> None:
    """Refuse (``ApplicationError``) a scenario that cannot be played, saying every reason."""
    problems = scenario_problems(
        personas=list(scenario.personas.all()),
        beats=list(scenario.beats.all()),
        duration_seconds=scenario.duration_seconds,
    )
    if problems:
        raise ApplicationError(
            _("Kịch bản “%(title)s” chưa chạy được: %(problems)s")
            % {"title": scenario.title, "problems": " ".join(problems)},
            code="invalid_scenario",
            fields={"scenario": problems},
        )


# ----------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class ProductInfo:
    code: str
    name: str
    price: int


def _sample_products() -> list[ProductInfo]:
    return [ProductInfo(code=c, name=f"Sản phẩm {c}", price=100_000) for c in _SAMPLE_CODES]


def _render_text(text: str, *, products: list[ProductInfo], host_name: str) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name == "host":
            return host_name
        found = re.match(r"^(code|name|price|product)([2-9])?$", name)
        if not found:
            return match.group(0)
        product = products[(int(found.group(2) or 1) - 1) % len(products)]
        return {
            "code": product.code,
            "name": product.name,
            "price": format_vnd(product.price),
            "product": f"{product.code} {product.name}",
        }[found.group(1)]

    return _BRACES.sub(fill, text)


def _product_asked(text: str, template: str, products: list[ProductInfo]) -> str:
    """The code of the product a beat is about: a placeholder's product, else an offered code written in it."""
    found = re.search(r"\{(?:code|name|price|product)([2-9])?\}", template)
    if found:
        return products[(int(found.group(1) or 1) - 1) % len(products)].code
    words = {w.upper() for w in re.findall(r"[A-Za-z]+\d+", text)}
    for product in products:
        if product.code.upper() in words:
            return product.code
    return ""


def _stripped_indexes(scenario_id: int, chat_indexes: list[int], percent: int) -> set[int]:
    """Which chat beats are typed without diacritics: exactly ``round(n × percent / 100)`` of them, chosen by a stable hash."""
    count = round(len(chat_indexes) * max(0, min(100, percent)) / 100)

    def rank(index: int) -> str:
        return hashlib.blake2b(f"{scenario_id}:{index}".encode(), digest_size=8).hexdigest()

    return set(sorted(chat_indexes, key=rank)[:count])


def script_render(
    *, scenario: Scenario, products: list[ProductInfo], host_name: str, accounts: dict[str, int]
) -> list[dict]:
    """The run's script (``ScenarioRun.script``): one dict per beat, in the order they are played."""
    beats = list(scenario.beats.all().order_by("at_seconds", "sort_order", "pk"))
    chat_indexes = [i for i, b in enumerate(beats) if b.action in CHAT_ACTIONS]
    plain = _stripped_indexes(scenario.pk, chat_indexes, scenario.no_diacritics_percent)
    parser = OrderParser([p.code for p in products])
    script = []
    for index, beat in enumerate(beats):
        text = _render_text(beat.text, products=products, host_name=host_name)
        if index in plain:
            text = strip_diacritics(text)
        code, quantity = _product_asked(text, beat.text, products), 0
        if beat.action == Beat.Action.ORDER:
            lines = parser.parse(text).lines
            if lines:
                code, quantity = lines[0].code, lines[0].quantity
        elif beat.action == Beat.Action.SALE_BUY:
            number = _FIRST_NUMBER.search(_BRACES.sub("", beat.text))
            quantity = max(1, min(100, int(number.group(0)))) if number else 1
        script.append(
            {
                "index": index,
                "at_seconds": beat.at_seconds,
                "persona_key": beat.persona_key,
                "user_id": accounts[beat.persona_key],
                "action": beat.action,
                "text": text if beat.action in CHAT_ACTIONS else "",
                "product_code": code,
                "quantity": quantity,
                "expect": beat.expect,
                "expect_within_seconds": beat.expect_within_seconds,
            }
        )
    return script


# ----------------------------------------------------------------------------- simulated accounts


def _simulated_user(email: str, full_name: str):
    from selling.models import DeliveryProfile

    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, is_simulated=True)
        user.set_full_name(full_name)
        user.set_unusable_password()
        user.save()
    elif user.get_full_name() != full_name or user.has_usable_password() or not user.is_simulated:
        user.set_full_name(full_name)
        user.set_unusable_password()
        user.is_simulated = True
        user.save(update_fields=["first_name", "last_name", "password", "is_simulated"])
    DeliveryProfile.objects.get_or_create(
        user=user, defaults={"name": full_name, "phone": "+84900000000", "address": _SIM_ADDRESS}
    )
    return user


def persona_accounts(*, scenario: Scenario) -> dict[str, int]:
    """Each persona's simulated account (created on first use, renamed with the persona): ``{key: user_id}``."""
    return {
        persona.key: _simulated_user(f"sim.s{scenario.pk}.{persona.key}@{SIMULATED_DOMAIN}", persona.name).pk
        for persona in scenario.personas.all()
    }


def watcher_accounts(*, count: int) -> list[int]:
    """``count`` simulated viewers who only watch ("Khách xem 1…"), from a pool shared by every run."""
    User = get_user_model()
    emails = [f"sim.khach{n}@{SIMULATED_DOMAIN}" for n in range(1, count + 1)]
    existing = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    missing = []
    for n, email in enumerate(emails, start=1):
        if email not in existing:
            user = User(email=email, is_simulated=True)
            user.set_full_name(_("Khách xem %(n)s") % {"n": n})
            user.set_unusable_password()
            missing.append(user)
    if missing:
        User.objects.bulk_create(missing, batch_size=200, ignore_conflicts=True)
        existing = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    return [existing[email] for email in emails]


def simulated_sessions_create(*, user_ids: list[int], hours: float = 6.0) -> dict[int, str]:
    """A login session for each simulated account (``{user_id: session key}``), for its socket's cookie.

    Only for accounts marked simulated: nobody else's session is ever made here.
    """
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    backends = settings.AUTHENTICATION_BACKENDS
    backend = next((b for b in backends if b.endswith(".ModelBackend")), backends[-1])
    users = get_user_model().objects.filter(pk__in=user_ids, is_simulated=True, is_active=True)
    keys = {}
    for user in users:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(int(hours * 3600))
        session.create()
        keys[user.pk] = session.session_key
    return keys


def simulated_sessions_delete(*, session_keys: Iterable[str]) -> None:
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in session_keys:
        store(session_key=key).delete()


def simulated_guests_add(*, room_id: int, user_ids: Iterable[int]) -> None:
    """Let the run's simulated viewers into the (invitation-only) practice room as its guests."""
    from live.models import RoomRole

    simulated = get_user_model().objects.filter(pk__in=list(user_ids), is_simulated=True).values_list("pk", flat=True)
    RoomRole.objects.bulk_create(
        [RoomRole(room_id=room_id, user_id=pk, role=RoomRole.Role.GUEST) for pk in simulated],
        batch_size=200,
        ignore_conflicts=True,
    )


def simulated_guests_remove(*, room_id: int) -> None:
    """After the run: the simulated viewers are no longer the room's guests."""
    from live.models import RoomRole

    RoomRole.objects.filter(room_id=room_id, role=RoomRole.Role.GUEST, user__is_simulated=True).delete()


# ----------------------------------------------------------------------------- runs


def _products_for(practice_show: PracticeShow) -> list[ProductInfo]:
    offers = ShowOffer.objects.filter(show=practice_show.show, is_active=True).select_related("product")
    products = [ProductInfo(o.product.code, o.product.name, o.product.price) for o in offers.order_by("position", "pk")]
    if not products:
        products = [
            ProductInfo(p.code, p.name, p.price)
            for p in Product.objects.filter(vendor=practice_show.vendor).order_by("code", "pk")
        ]
    return products


def _require_host(practice_show: PracticeShow, actor) -> None:
    show = practice_show.show
    if not owner_for(show).may_host(actor, show):
        raise ApplicationError(
            _("Chỉ người dẫn của buổi thực hành mới chạy hoặc dừng được kịch bản."), code="forbidden", status=403
        )


def active_run(*, practice_show: PracticeShow) -> ScenarioRun | None:
    return (
        ScenarioRun.objects.filter(
            practice_show=practice_show, state__in=[ScenarioRun.State.QUEUED, ScenarioRun.State.RUNNING]
        )
        .select_related("scenario")
        .first()
    )


@transaction.atomic
def scenario_run_start(
    *,
    practice_show: PracticeShow,
    scenario: Scenario,
    actor,
    speed: float = 1.0,
    viewers: int = 10,
    enqueue: bool = True,
) -> ScenarioRun:
    """Render ``scenario`` for ``practice_show`` and queue the player; the run (state ``queued``).

    Refused with a clear message, nothing changed: someone other than the show's host,
    an ended show, a scenario not in use or broken, a speed outside 0.25–20×, viewers
    outside 1–500 or fewer than the personas, a show with no product, a run already
    going in this show. ``enqueue=False`` leaves the playing to the caller
    (``manage.py practice_play`` plays in its own process).
    """
    practice_show = PracticeShow.objects.select_for_update().select_related("show", "vendor").get(pk=practice_show.pk)
    _require_host(practice_show, actor)
    show = practice_show.show
    if show.owner_kind != "practice":
        raise ApplicationError(_("Kịch bản khán giả chỉ chạy được trong phòng thực hành."))
    if show.state == Show.State.ENDED:
        raise ApplicationError(_("Buổi thực hành đã kết thúc: không chạy thêm kịch bản được."), code="show_ended")
    if not scenario.is_published:
        raise ApplicationError(_("Kịch bản “%(title)s” đang tạm ngừng dùng.") % {"title": scenario.title})
    fields = {}
    try:
        speed = float(speed)
    except (TypeError, ValueError):
        speed = 0.0
    if not MIN_SPEED <= speed <= MAX_SPEED:
        fields["speed"] = _("Tốc độ phải từ 0,25× đến 20×.")
    try:
        viewers = int(viewers)
    except (TypeError, ValueError):
        viewers = 0
    personas = scenario.personas.count()
    if not MIN_VIEWERS <= viewers <= MAX_VIEWERS:
        fields["viewers"] = _("Số khán giả mô phỏng phải từ 1 đến 500.")
    elif viewers < personas:
        fields["viewers"] = _("Kịch bản có %(n)s nhân vật: cần ít nhất %(n)s khán giả mô phỏng.") % {"n": personas}
    if fields:
        raise ApplicationError(" ".join(str(v) for v in fields.values()), fields=fields)
    scenario_validate(scenario=scenario)
    if active_run(practice_show=practice_show) is not None:
        raise ApplicationError(
            _("Một kịch bản đang chạy trong buổi này: hãy dừng nó trước khi chạy kịch bản khác."), code="run_active"
        )
    products = _products_for(practice_show)
    if not products:
        raise ApplicationError(
            _("Buổi thực hành chưa có sản phẩm nào: hãy chọn sản phẩm để khán giả hỏi và chốt đơn."), code="no_products"
        )
    accounts = persona_accounts(scenario=scenario)
    run = ScenarioRun.objects.create(
        practice_show=practice_show,
        scenario=scenario,
        speed=speed,
        viewers=viewers,
        state=ScenarioRun.State.QUEUED,
        started_by=actor,
        script=script_render(scenario=scenario, products=products, host_name=show.host_name, accounts=accounts),
    )
    if practice_show.scenario_id is None:
        PracticeShow.objects.filter(pk=practice_show.pk).update(scenario=scenario)
    if enqueue:
        from practice_market.tasks import scenario_run_play

        transaction.on_commit(lambda: scenario_run_play.enqueue(run_id=run.pk))
    return run


def scenario_run_stop(*, run: ScenarioRun, actor) -> ScenarioRun:
    """Stop a queued or running run (the player notices within a second and closes its sockets)."""
    with transaction.atomic():
        run = ScenarioRun.objects.select_for_update().select_related("practice_show__show").get(pk=run.pk)
        _require_host(run.practice_show, actor)
        if run.state not in (ScenarioRun.State.QUEUED, ScenarioRun.State.RUNNING):
            raise ApplicationError(_("Lượt chạy này đã kết thúc."), code="not_running")
        run.state = ScenarioRun.State.STOPPED
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "finished_at"])
    return run


# The player's bookkeeping (called from its own process, never by a request).


def run_mark_running(*, run_id: int, first_seq: int) -> bool:
    """Queued → running, with the room's first event of the run; False if it was stopped meanwhile."""
    return bool(
        ScenarioRun.objects.filter(pk=run_id, state=ScenarioRun.State.QUEUED).update(
            state=ScenarioRun.State.RUNNING, started_at=timezone.now(), first_seq=first_seq
        )
    )


def run_progress(*, run_id: int, beats_done: int) -> str:
    """Record progress; the run's state (the player stops when it is no longer running)."""
    ScenarioRun.objects.filter(pk=run_id, state=ScenarioRun.State.RUNNING).update(beats_done=beats_done)
    return ScenarioRun.objects.filter(pk=run_id).values_list("state", flat=True).first() or ScenarioRun.State.STOPPED


def run_finish(*, run_id: int, beats_done: int, error: str = "") -> None:
    """Running (or queued) → finished, or failed with ``error``; a stopped run stays stopped."""
    state = ScenarioRun.State.FAILED if error else ScenarioRun.State.FINISHED
    ScenarioRun.objects.filter(pk=run_id, state__in=[ScenarioRun.State.QUEUED, ScenarioRun.State.RUNNING]).update(
        state=state, beats_done=beats_done, finished_at=timezone.now(), error=error[:300]
    )
    ScenarioRun.objects.filter(pk=run_id).exclude(
        state__in=[ScenarioRun.State.QUEUED, ScenarioRun.State.RUNNING]
    ).filter(finished_at__isnull=True).update(finished_at=timezone.now())


def run_session_hours(run: ScenarioRun) -> float:
    """How long the run's sessions live: the script's length at its speed, plus an hour of grace."""
    last = max((b["at_seconds"] for b in run.script), default=0)
    return (
        timedelta(seconds=max(last, run.scenario.duration_seconds) / max(run.speed, MIN_SPEED)).total_seconds() / 3600
        + 1
    )
