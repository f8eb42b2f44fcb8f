"""Demo data of the practice market: trainees at every stage, from locked to promoted.

Runs after ``learning.demo`` (whose "Khóa tập huấn livestream lần 3" has nine graduates,
hocvien32–40@demo.chodem.vn) and ``vendors.demo`` (whose vendors have no people yet):

* the demo course opens the practice market (a published revision), and the scenarios every
  installation starts with are seeded (``scenario_library.scenario_seed_defaults``);
* every graduate's practice market is unlocked through ``services.access_unlock_from_graduation``;
  each becomes the owner of a demo vendor (the eligible ones of a vendor with an approved
  dossier and a verified product);
* the stages, one trainee each (the rest simply unlocked):

  ======================== ==================================================================
  hocvien32 — locked        graduation revoked by the organizers (the access locks again)
  hocvien33 — unlocked      graduated, no practice show yet
  hocvien34 — practising    a practice show scheduled tomorrow, a classmate invited
  hocvien35 — scored        one practice show on the easy scenario, scored below 70
  hocvien36 — eligible      two shows ≥ 70 (one on the hardest), verified vendor, endorsed
  hocvien37 — almost        as eligible, without an instructor's endorsement (5/6 criteria)
  hocvien38 — promoted      eligible and approved by the organizers (badge, market seller)
  ======================== ==================================================================

Practice shows are scheduled and their scenarios started through the services
(``shows.practice_show_schedule``, ``scenarios.scenario_run_start`` with the run's script
rendered from the trainee's products); what the host did in the room is written as a recorded
log and scored by ``scoring.score_compute`` (the same pure function the task uses), then the
show is moved into the past and ended. Promotion goes through ``promotion`` (endorsement,
approval). Idempotent: once a demo trainee has a practice show, the stages are left as they are.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from config.errors import ApplicationError
from learning.models import Graduation
from practice_market import promotion, services
from practice_market.models import PracticeScore, PracticeShow, Scenario, ScenarioRun
from vendors.models import MemberRole, Product, Vendor, VendorMember

COURSE_TITLE = "Livestream bán hàng cho chủ thể OCOP"
RUN_NAME = "Khóa tập huấn livestream lần 3"
DOMAIN = "demo.chodem.vn"
STAGES = ["locked", "unlocked", "practising", "scored", "eligible", "almost", "promoted"]


def _seed_scenarios(log) -> list[Scenario]:
    try:
        from practice_market.scenario_library import scenario_seed_defaults
    except ImportError:  # the library is part of the scenarios' work; without it, the demo says so
        log("practice_market: no scenario library (practice_market.scenario_library); no scenarios seeded")
        return list(Scenario.objects.filter(is_published=True))
    scenario_seed_defaults()
    return list(Scenario.objects.filter(is_published=True).order_by("difficulty", "pk"))


def _open_course(log):
    from courses.models import CoursePage

    course = CoursePage.objects.live().filter(title=COURSE_TITLE).first()
    if course is None:
        log(f"practice_market: no live course “{COURSE_TITLE}” (seed courses first)")
        return None
    if not course.opens_practice_market:
        page = course.get_latest_revision_as_object()
        page.opens_practice_market = True
        page.save_revision().publish()
    return course


def _vendors(count_good: int, count_any: int) -> tuple[list[Vendor], list[Vendor]]:
    """Demo vendors without people: ``count_good`` with an approved dossier and a verified product."""
    taken = VendorMember.objects.values("vendor_id")
    free = Vendor.objects.exclude(pk__in=taken).order_by("registration_number")
    good, other = [], []
    for vendor in free[:200]:
        if len(good) < count_good and Product.objects.filter(vendor=vendor).verified().exists():
            ok, total, _lines = promotion._vendor_dossier(vendor)
            if total and ok == total:
                good.append(vendor)
                continue
        if len(other) < count_any:
            other.append(vendor)
        if len(good) >= count_good and len(other) >= count_any:
            break
    return good, other


# ----------------------------------------------------------------------------- a played show


def _recorded_log(run: ScenarioRun, host_id: int, *, quality: dict, start: datetime.datetime):
    """What the host did with each beat, as the room's log would hold it."""
    from practice_market.scoring import IntentRecord, LogEvent

    events, intents, seq = [], [], 0
    for beat in run.script:
        at = start + timedelta(seconds=int(beat["at_seconds"]))
        if beat["action"] == "sale_buy":
            if quality.get("sale", True):
                intents.append(
                    IntentRecord(
                        id=len(intents) + 1, buyer_id=beat["user_id"], source="flash_sale",
                        product_code=beat.get("product_code") or "", quantity=beat.get("quantity") or 1,
                        unit_price=0, status="confirmed", created_at=at, decided_at=at,
                    )
                )  # fmt: skip
            continue
        seq += 1
        said = seq
        events.append(
            LogEvent(
                seq=said, kind="chat", at=at, author_id=beat["user_id"],
                payload={"text": beat["text"], "user_id": beat["user_id"], "role": "viewer"},
            )
        )  # fmt: skip
        expect = beat.get("expect") or ""
        delay = quality.get(expect)
        if delay is None:
            continue
        then = at + timedelta(seconds=delay)
        seq += 1
        if expect == "answer":
            events.append(
                LogEvent(seq=seq, kind="chat", at=then, author_id=host_id, payload={"text": "Dạ shop trả lời ngay ạ", "role": "host"})
            )  # fmt: skip
        elif expect == "pin":
            events.append(
                LogEvent(seq=seq, kind="product.pinned", at=then, payload={"card": {"code": beat.get("product_code")}})
            )
        elif expect == "moderate":
            events.append(
                LogEvent(seq=seq, kind="chat.deleted", at=then, author_id=host_id, payload={"message_seq": said})
            )
        elif expect == "accept":
            intents.append(
                IntentRecord(
                    id=len(intents) + 1, buyer_id=beat["user_id"], source="chat",
                    product_code=beat.get("product_code") or "", quantity=beat.get("quantity") or 1, unit_price=0,
                    status="confirmed", created_at=at, chat_seq=said, decided_at=then,
                )
            )  # fmt: skip
    return events, intents


def _played_show(trainee: User, scenario: Scenario, *, days_ago: int, quality: dict, title: str) -> PracticeScore:
    """A practice show scheduled and its scenario started through the services, then scored and ended."""
    from live.models import Show
    from practice_market.scenarios import scenario_run_start
    from practice_market.scoring import score_compute
    from practice_market.shows import practice_show_schedule

    products = list(Product.objects.filter(vendor__members__user=trainee).order_by("code")[:3])
    soon = timezone.now() + timedelta(hours=2)
    practice = practice_show_schedule(
        trainee=trainee, title=title, scheduled_start=soon, scheduled_end=soon + timedelta(hours=1),
        product_ids=[p.pk for p in products],
    )  # fmt: skip
    run = scenario_run_start(practice_show=practice, scenario=scenario, actor=trainee, viewers=12, enqueue=False)
    # The show took place ``days_ago`` at 20:00 (Hanoi time).
    day = timezone.localdate() - timedelta(days=days_ago)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(20, 0)))
    end = start + timedelta(seconds=max(run.scenario.duration_seconds, 300) + 60)
    Show.objects.filter(pk=practice.show_id).update(
        scheduled_start=start, scheduled_end=end, started_at=start, ended_at=end, state=Show.State.ENDED
    )
    events, intents = _recorded_log(run, trainee.pk, quality=quality, start=start)
    result = score_compute(events=events, script=run.script, intents=intents, host_ids={trainee.pk}, start=start)
    ScenarioRun.objects.filter(pk=run.pk).update(
        state=ScenarioRun.State.FINISHED, started_at=start, finished_at=end, beats_done=len(run.script)
    )
    breakdown = result.breakdown()
    breakdown["scenario_run_id"] = run.pk
    score, _created = PracticeScore.objects.update_or_create(
        practice_show=practice, defaults={"total": result.total, "breakdown": breakdown, "scenario_run": run, "computed_at": end}
    )  # fmt: skip
    return score


GOOD = {"answer": 20, "pin": 15, "moderate": 10, "accept": 30, "sale": True}
FAIR = {"answer": 45, "pin": 90, "moderate": 50, "accept": 40, "sale": True}
WEAK = {"answer": 110, "accept": 150, "sale": False}


def seed(log):
    course = _open_course(log)
    scenarios = _seed_scenarios(log)
    if course is None:
        return
    graduations = list(
        Graduation.objects.filter(registration__run__course=course, registration__run__name=RUN_NAME)
        .select_related("registration__user")
        .order_by("registration__user__email")
    )
    if not graduations:
        log(f"practice_market: “{RUN_NAME}” has no graduates (seed learning first)")
        return
    for graduation in graduations:
        if not graduation.is_revoked:
            services.access_unlock_from_graduation(graduation_id=graduation.pk)
    trainees = [g.registration.user for g in graduations]
    if PracticeShow.objects.filter(trainee__in=trainees).exists():
        log(f"practice_market: {len(trainees)} graduates already at their stages; {len(scenarios)} scenarios")
        return
    if len(scenarios) < 2:
        log("practice_market: fewer than two scenarios; graduates unlocked, no practice shows")
        return
    organizer = User.objects.filter(email=f"bantochuc@{DOMAIN}").first()
    instructor = User.objects.filter(email=f"giangvien@{DOMAIN}").first()
    stage = dict(zip(STAGES, trainees, strict=False))
    good, other = _vendors(3, len(trainees))
    owners = [stage.get("eligible"), stage.get("almost"), stage.get("promoted")]
    for user in trainees:
        vendor = good.pop(0) if user in owners and good else other.pop(0) if other else None
        if vendor is not None:
            VendorMember.objects.get_or_create(vendor=vendor, user=user, defaults={"role": MemberRole.OWNER})

    easy, hardest = scenarios[0], scenarios[-1]
    middle = scenarios[len(scenarios) // 2]
    done = []
    try:
        if "practising" in stage:
            from practice_market.shows import practice_show_invite, practice_show_schedule

            user = stage["practising"]
            tomorrow = timezone.localdate() + timedelta(days=1)
            start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(20, 0)))
            products = list(Product.objects.filter(vendor__members__user=user).order_by("code")[:2])
            practice = practice_show_schedule(
                trainee=user, title="Tập live lần đầu: giới thiệu sản phẩm", scheduled_start=start,
                scheduled_end=start + timedelta(hours=1), product_ids=[p.pk for p in products],
            )  # fmt: skip
            classmates = [u.pk for u in trainees if u not in (user, stage.get("locked"))][:2]
            practice_show_invite(practice_show=practice, actor=user, user_ids=classmates)
            done.append("practising")
        if "scored" in stage:
            _played_show(stage["scored"], easy, days_ago=6, quality=WEAK, title="Buổi tập đầu tiên")
            done.append("scored")
        for key in ("eligible", "almost", "promoted"):
            if key not in stage:
                continue
            user = stage[key]
            _played_show(
                user, easy if key == "promoted" else middle, days_ago=9, quality=GOOD, title="Buổi tập: khách quen"
            )
            _played_show(user, hardest, days_ago=4, quality=FAIR, title="Buổi tập: giờ cao điểm")
            if key != "almost" and instructor is not None:
                promotion.endorsement_add(
                    instructor=instructor, trainee_id=user.pk, note="Trả lời nhanh, xử lý kẻ phá rối bình tĩnh."
                )
            done.append(key)
        if "promoted" in stage and organizer is not None:
            promotion.promotion_approve(
                actor=organizer, trainee_id=stage["promoted"].pk, reason="Đủ tiêu chí, sẵn sàng cho phiên thứ Sáu"
            )
            done.append("approved")
        if "locked" in stage and organizer is not None:
            from learning.services import graduation_revoke

            graduation = next(g for g in graduations if g.registration.user_id == stage["locked"].pk)
            graduation_revoke(graduation=graduation, by=organizer, reason="Bài thực hành nộp trùng với học viên khác")
            services.access_lock_for_revoked_graduation(graduation_id=graduation.pk)
            done.append("locked")
    except ApplicationError as exc:  # a course or vendors shaped unlike the demo's: keep what was made, say why
        log(f"practice_market: stopped after {done}: {exc.message}")
    names = ", ".join(f"{key} {user.email}" for key, user in stage.items())
    log(f"practice_market: {len(trainees)} graduates unlocked, {len(scenarios)} scenarios; stages: {names}")
