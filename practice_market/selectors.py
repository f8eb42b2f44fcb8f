"""Reads of the practice market: who may enter it (and what is still missing), a trainee's
shows, the shows they were invited to, and their history as host and as buyer."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.models import CoursePage
from learning.models import Graduation, Registration
from learning.selectors import registration_progress
from live.models import Show
from practice_market.models import PracticeAccess, PracticeInvite, PracticeShow
from selling.models import OrderIntent


class AccessState:
    OPEN = "open"
    LOCKED = "locked"  # a graduation opened it, then was revoked
    IN_PROGRESS = "in_progress"  # registered in an opening course, not graduated yet
    NOT_REGISTERED = "not_registered"


@dataclass
class Access:
    """Where a user stands with the practice market, in words they can act on."""

    state: str
    message: str
    access: PracticeAccess | None = None
    registration: Registration | None = None
    missing: list[str] = field(default_factory=list)
    courses: list[CoursePage] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.state == AccessState.OPEN


def opening_courses() -> list[CoursePage]:
    """Live courses whose graduation opens the practice market."""
    return list(CoursePage.objects.live().filter(opens_practice_market=True).order_by("title"))


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s và %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def missing_for(registration: Registration) -> list[str]:
    """What ``registration`` still lacks to graduate, each a short phrase
    ("2 bài học", "bài kiểm tra", "bài tập thực hành"), from learning's progress."""
    progress = registration_progress(registration)
    lessons = sum(1 for s in progress.lessons if s.lesson.required and not s.completed)
    quizzes = sum(1 for q in progress.quizzes if not q["passed"])
    assignments = sum(1 for a in progress.assignments if not a["passed"])
    parts = []
    if lessons:
        parts.append(ngettext("%(n)s bài học", "%(n)s bài học", lessons) % {"n": lessons})
    if quizzes:
        parts.append(
            _("bài kiểm tra")
            if quizzes == 1
            else ngettext("%(n)s bài kiểm tra", "%(n)s bài kiểm tra", quizzes) % {"n": quizzes}
        )
    if assignments:
        parts.append(
            _("bài tập thực hành")
            if assignments == 1
            else ngettext("%(n)s bài tập thực hành", "%(n)s bài tập thực hành", assignments) % {"n": assignments}
        )
    return parts


def access_state(*, user) -> Access:
    """Open, locked (with why), or what is still missing: "còn 2 bài học và bài tập thực hành"."""
    if not getattr(user, "is_authenticated", False):
        return Access(AccessState.NOT_REGISTERED, _("Hãy đăng nhập để vào chợ thực hành."))
    access = PracticeAccess.objects.select_related("graduation__registration__run__course").filter(user=user).first()
    if access is not None and access.is_open:
        return Access(AccessState.OPEN, _("Chợ thực hành đã mở cho bạn."), access=access)
    courses = opening_courses()
    registrations = list(
        Registration.objects.filter(
            user=user,
            run__course__in=courses,
            status__in=[Registration.Status.ENROLLED, Registration.Status.WAITLISTED],
        )
        .select_related("run", "run__course")
        .order_by("-run__starts_on", "-pk")
    )
    # A registration with a graduation (even a revoked one) cannot graduate again: not a way in.
    graduated = set(Graduation.objects.filter(registration__in=registrations).values_list("registration_id", flat=True))
    candidates = [r for r in registrations if r.pk not in graduated]
    if access is not None and not candidates:
        return Access(
            AccessState.LOCKED,
            _("Chợ thực hành của bạn đã bị khoá lại: %(reason)s") % {"reason": access.lock_reason or "—"},
            access=access,
            courses=courses,
        )
    enrolled = [r for r in candidates if r.is_enrolled]
    if enrolled:
        best = min(((r, missing_for(r)) for r in enrolled), key=lambda pair: len(pair[1]))
        registration, missing = best
        if missing:
            message = _("Còn %(missing)s của khóa “%(course)s” là bạn vào được chợ thực hành.") % {
                "missing": _join(missing),
                "course": registration.run.course.title,
            }
        else:
            message = _("Bạn đã hoàn thành mọi yêu cầu; chứng nhận tốt nghiệp đang được ghi nhận.")
        return Access(
            AccessState.IN_PROGRESS, message, access=access, registration=registration, missing=missing, courses=courses
        )
    if candidates:
        registration = candidates[0]
        return Access(
            AccessState.IN_PROGRESS,
            _("Bạn đang trong danh sách chờ của lớp “%(run)s”; khi được ghi danh và tốt nghiệp, chợ thực hành sẽ mở.")
            % {"run": registration.run.name},
            access=access,
            registration=registration,
            courses=courses,
        )
    return Access(
        AccessState.NOT_REGISTERED,
        _(
            "Chợ thực hành mở cho học viên tốt nghiệp một khóa học livestream mở chợ thực hành. Bạn chưa đăng ký khóa nào như vậy."
        ),
        access=access,
        courses=courses,
    )


# --------------------------------------------------------------------------- shows


def _with_counts(queryset):
    return queryset.select_related("show", "vendor", "trainee", "show__room").annotate(
        invite_count=Count("invites", distinct=True),
    )


def shows_hosted(*, user):
    """The trainee's own practice shows, newest first."""
    return _with_counts(PracticeShow.objects.filter(trainee=user)).order_by("-show__scheduled_start", "-pk")


def shows_invited(*, user):
    """Practice shows the user was invited to that have not ended (upcoming or live)."""
    return (
        PracticeShow.objects.filter(invites__user=user)
        .exclude(show__state=Show.State.ENDED)
        .select_related("show", "vendor", "trainee", "show__room")
        .order_by("show__scheduled_start", "pk")
    )


def show_orders_summary(*, show_ids: list[int], buyer_id: int | None = None) -> dict[int, dict]:
    """Per show: chốt đơn intents, sandbox orders placed from them and their total (all buyers, or one)."""
    intents = OrderIntent.objects.filter(show_id__in=show_ids)
    if buyer_id is not None:
        intents = intents.filter(buyer_id=buyer_id)
    rows = intents.values("show_id").annotate(
        intents=Count("pk"),
        orders=Count("order", filter=Q(order__sandbox=True)),
        total=Sum("order__total", filter=Q(order__sandbox=True)),
    )
    return {r["show_id"]: {"intents": r["intents"], "orders": r["orders"], "total": r["total"] or 0} for r in rows}


@dataclass
class HistoryItem:
    practice_show: PracticeShow
    role: str  # "host" or "buyer"
    intents: int
    orders: int
    total: int

    @property
    def role_name(self) -> str:
        return _("Người dẫn") if self.role == "host" else _("Người mua")


def history(*, user) -> list[HistoryItem]:
    """Every practice show the user took part in: hosted, or joined as a buyer (invited to one
    that has started, or having ordered in it), newest first, with the orders of each."""
    hosted = list(shows_hosted(user=user).exclude(show__state=Show.State.SCHEDULED))
    joined = list(
        PracticeShow.objects.filter(
            Q(invites__user=user, show__state__in=[Show.State.LIVE, Show.State.ENDED])
            | Q(show__order_intents__buyer=user)
        )
        .exclude(trainee=user)
        .select_related("show", "vendor", "trainee", "show__room")
        .distinct()
    )
    as_host = show_orders_summary(show_ids=[p.show_id for p in hosted])
    as_buyer = show_orders_summary(show_ids=[p.show_id for p in joined], buyer_id=user.pk)
    empty = {"intents": 0, "orders": 0, "total": 0}
    items = [HistoryItem(p, "host", **as_host.get(p.show_id, empty)) for p in hosted] + [
        HistoryItem(p, "buyer", **as_buyer.get(p.show_id, empty)) for p in joined
    ]
    items.sort(key=lambda i: i.practice_show.show.started_at or i.practice_show.show.scheduled_start, reverse=True)
    return items


def classmates_of(*, practice_show: PracticeShow):
    """Who the host may invite: enrolled in the show's run, not the host; each with ``invited``."""
    from accounts.models import User

    invited = set(PracticeInvite.objects.filter(practice_show=practice_show).values_list("user_id", flat=True))
    users = list(
        User.objects.filter(
            registrations__run_id=practice_show.run_id, registrations__status=Registration.Status.ENROLLED
        )
        .exclude(pk=practice_show.trainee_id)
        .exclude(is_simulated=True)
        .order_by("first_name", "last_name", "pk")
        .distinct()
    )
    for user in users:
        user.invited = user.pk in invited
    return users


def practice_show_for(*, user, show_id: int) -> PracticeShow | None:
    """A practice show the user may look at here: their own, or one they were invited to."""
    return (
        PracticeShow.objects.filter(Q(trainee=user) | Q(invites__user=user), pk=show_id)
        .select_related("show", "vendor", "trainee", "show__room", "run")
        .distinct()
        .first()
    )
