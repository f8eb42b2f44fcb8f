"""Reads of the weekly market's sessions: the lobby, the timetable, sellers' applications and slots.

The lobby is the busiest page of a session night (500+ people at once), so it reads in a
fixed handful of queries whatever the number of stalls: the slots with their vendors and
shows, the products on offer in those shows, and the rooms' latest viewer counts. Search
runs over those rows in Python with the vendors' diacritic-free words (``vendors.search``):
"buoi do" finds "Bưởi đỏ", "ba vi" finds the stalls from Ba Vì.

Viewer counts are the live engine's own: each room's hub records its room-wide count
several times a minute (``live.models.ViewerSample``); the lobby shows the latest sample
of the last ``VIEWERS_FRESH_FOR``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from live.models import Show, ViewerSample
from market.models import Application, ApplicationProduct, Seller, Session, Slot
from selling.models import ShowOffer
from vendors.models import Product, VendorMember
from vendors.search import padded, query_words

VIEWERS_FRESH_FOR = timedelta(minutes=2)
PUBLIC_STATES = (Session.State.PUBLISHED, Session.State.LIVE, Session.State.ENDED)
ON_NOW, DUE, NEXT, DONE = "live", "due", "next", "ended"


# ----------------------------------------------------------------------------- sessions


def next_session(*, now: datetime.datetime | None = None) -> Session | None:
    """The published or live session that has not ended yet, the soonest first."""
    now = now or timezone.now()
    return (
        Session.objects.filter(state__in=(Session.State.PUBLISHED, Session.State.LIVE), ends_at__gt=now)
        .order_by("starts_at")
        .first()
    )


def session_visible(*, session: Session, user, organizer: bool) -> bool:
    """Published, live and ended sessions are public; drafts are the organizers'; an open one
    is also shown to promoted sellers (they apply)."""
    if session.state in PUBLIC_STATES or organizer:
        return True
    if session.state == Session.State.OPEN and getattr(user, "is_authenticated", False):
        return seller_vendors(user=user).exists()
    return False


def sessions_for(*, user, organizer: bool, now: datetime.datetime | None = None) -> dict:
    """The session list: on air and coming, open for applications (sellers, organizers), drafts
    (organizers), past ones."""
    now = now or timezone.now()
    sessions = list(Session.objects.order_by("starts_at"))
    seller = not organizer and getattr(user, "is_authenticated", False) and seller_vendors(user=user).exists()
    coming = [s for s in sessions if s.state in (Session.State.PUBLISHED, Session.State.LIVE) and s.ends_at > now]
    coming += [s for s in sessions if s.state == Session.State.LIVE and s.ends_at <= now]
    open_ = [s for s in sessions if s.state == Session.State.OPEN] if (organizer or seller) else []
    drafts = [s for s in sessions if s.state == Session.State.DRAFT] if organizer else []
    past = [
        s for s in reversed(sessions)
        if s.state == Session.State.ENDED or (s.state == Session.State.PUBLISHED and s.ends_at <= now)
    ]  # fmt: skip
    counts = _slot_counts([s.pk for s in sessions])
    for s in sessions:
        s.stall_count = counts.get(s.pk, 0)
    return {"coming": coming, "open": open_, "drafts": drafts, "past": past[:12]}


def _slot_counts(session_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    return dict(
        Slot.objects.filter(session_id__in=session_ids)
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )


# ----------------------------------------------------------------------------- the lobby


@dataclass
class StallRow:
    slot_id: int
    vendor_id: int
    vendor_name: str
    vendor_url: str
    district: str
    stage: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    show_id: int | None
    room_url: str
    state: str
    viewers: int | None
    products: list = field(default_factory=list)
    words: str = ""
    vendor: object = None  # the Vendor, for the stall card's cart link

    def as_json(self) -> dict:
        return {
            "slot": self.slot_id,
            "vendor": self.vendor_name,
            "district": self.district,
            "stage": self.stage,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "show": self.show_id,
            "room_url": self.room_url,
            "state": self.state,
            "viewers": self.viewers,
            "products": [{"code": p["code"], "name": p["name"], "price": p["price"]} for p in self.products],
        }


@dataclass
class Lobby:
    session: Session
    now: datetime.datetime
    query: str
    stalls: list[StallRow]
    live: list[StallRow]
    upcoming: list[StallRow]
    ended: list[StallRow]
    grid: list[dict]
    stages: list[int]
    matches: int


def _stall_state(slot: Slot, show_state: str | None, now: datetime.datetime) -> str:
    if show_state == Show.State.LIVE:
        return ON_NOW
    if show_state == Show.State.ENDED or now >= slot.ends_at:
        return DONE
    if slot.starts_at <= now:
        return DUE
    return NEXT


def viewer_counts(*, room_ids: list[int], now: datetime.datetime | None = None) -> dict[int, int]:
    """The latest recorded viewer count of each room (rooms without a fresh sample are left out)."""
    if not room_ids:
        return {}
    now = now or timezone.now()
    counts: dict[int, tuple] = {}
    samples = ViewerSample.objects.filter(room_id__in=room_ids, minute__gte=now - VIEWERS_FRESH_FOR).values_list(
        "room_id", "minute", "viewers"
    )
    for room_id, minute, viewers in samples:
        if room_id not in counts or minute > counts[room_id][0]:
            counts[room_id] = (minute, viewers)
    return {room_id: viewers for room_id, (_minute, viewers) in counts.items()}


def stall_rows(*, session: Session, now: datetime.datetime | None = None) -> list[StallRow]:
    """Every stall of the session, in timetable order: three queries whatever their number."""
    now = now or timezone.now()
    slots = list(
        Slot.objects.filter(session=session)
        .select_related("vendor", "show__room")
        .only(
            "pk", "stage", "starts_at", "ends_at", "vendor_id", "show_id", "session_id",
            "vendor__legal_name", "vendor__slug", "vendor__district", "vendor__search_text",
            "show__state", "show__room__id",
        )
        .order_by("starts_at", "stage")
    )  # fmt: skip
    show_ids = [s.show_id for s in slots if s.show_id]
    offers: dict[int, list] = {}
    for show_id, code, name, price, name_folded in (
        ShowOffer.objects.filter(show_id__in=show_ids, is_active=True)
        .order_by("show_id", "position")
        .values_list("show_id", "product__code", "product__name", "product__price", "product__name_folded")
    ):
        offers.setdefault(show_id, []).append({"code": code, "name": name, "price": price, "folded": name_folded})
    room_ids = [s.show.room.id for s in slots if s.show_id]
    viewers = viewer_counts(room_ids=room_ids, now=now)
    rows = []
    for slot in slots:
        show = slot.show if slot.show_id else None
        state = _stall_state(slot, show.state if show else None, now)
        products = offers.get(slot.show_id, [])
        rows.append(
            StallRow(
                slot_id=slot.pk,
                vendor_id=slot.vendor_id,
                vendor_name=slot.vendor.legal_name,
                vendor_url=reverse("vendors:vendor_detail", kwargs={"slug": slot.vendor.slug}),
                district=slot.vendor.get_district_display(),
                stage=slot.stage,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                show_id=slot.show_id,
                room_url=reverse("live:show_watch", kwargs={"show_id": slot.show_id}) if slot.show_id else "",
                state=state,
                viewers=viewers.get(show.room.id, 0) if show and state == ON_NOW else None,
                products=products,
                words=(slot.vendor.search_text or padded(slot.vendor.legal_name, slot.vendor.get_district_display()))
                + " ".join(p["folded"] for p in products)
                + " ",
                vendor=slot.vendor,
            )
        )
    return rows


def stalls_matching(rows: list[StallRow], query: str) -> list[StallRow]:
    """Stalls whose vendor, district or products on offer hold every word of ``query`` (diacritics ignored)."""
    words = query_words(query)
    if not words:
        return rows
    return [row for row in rows if all(" " + w in " " + row.words for w in words)]


def timetable_grid(*, session: Session, rows: list[StallRow]) -> tuple[list[int], list[dict]]:
    """Rows of the timetable: one per slot start on the session's grid, one cell per stage."""
    stages = list(range(1, session.stages + 1))
    step = timedelta(minutes=session.slot_minutes)
    by_cell = {(r.starts_at, r.stage): r for r in rows}
    grid = []
    start = session.starts_at
    while start + step <= session.ends_at:
        grid.append({"starts_at": start, "ends_at": start + step, "cells": [by_cell.get((start, st)) for st in stages]})
        start += step
    return stages, grid


def lobby(*, session: Session, query: str = "", now: datetime.datetime | None = None) -> Lobby:
    """The lobby of one session: stalls on air (most watched first), coming next, done; the timetable."""
    now = now or timezone.now()
    rows = stall_rows(session=session, now=now)
    found = stalls_matching(rows, query)
    live = sorted(
        (r for r in found if r.state in (ON_NOW, DUE)), key=lambda r: (r.state != ON_NOW, -(r.viewers or 0), r.stage)
    )
    upcoming = [r for r in found if r.state == NEXT]
    ended = [r for r in found if r.state == DONE]
    stages, grid = timetable_grid(session=session, rows=rows)
    return Lobby(
        session=session, now=now, query=query, stalls=rows, live=live, upcoming=upcoming, ended=ended, grid=grid,
        stages=stages, matches=len(found),
    )  # fmt: skip


def stall_switcher(*, show: Show, now: datetime.datetime | None = None) -> dict | None:
    """For a market room's page: its session, and the other stalls on now and coming next."""
    slot = Slot.objects.select_related("session").filter(show=show).first()
    if slot is None:
        return None
    now = now or timezone.now()
    rows = [r for r in stall_rows(session=slot.session, now=now) if r.slot_id != slot.pk]
    on_now = [r for r in rows if r.state in (ON_NOW, DUE)]
    on_now.sort(key=lambda r: (r.state != ON_NOW, -(r.viewers or 0)))
    coming = [r for r in rows if r.state == NEXT][:4]
    return {"session": slot.session, "slot": slot, "on_now": on_now, "coming": coming}


# ----------------------------------------------------------------------------- sellers


def seller_vendors(*, user):
    """Vendors ``user`` is a member of that the practice market promoted (and not withdrawn)."""
    return Seller.objects.filter(vendor__members__user=user, withdrawn_at__isnull=True).select_related("vendor")


def offerable_products(*, vendor, session: Session):
    """The vendor's products a session accepts: verified with a dossier valid on the session's day."""
    on = timezone.localtime(session.ends_at).date()
    return Product.objects.verified(on=on).filter(vendor=vendor).order_by("code")


def applications_of(*, user, session: Session | None = None):
    """``user``'s vendors' applications (with products and slot), newest session first."""
    vendor_ids = VendorMember.objects.filter(user=user).values("vendor_id")
    qs = (
        Application.objects.filter(vendor_id__in=vendor_ids)
        .select_related("session", "vendor", "slot", "slot__show")
        .prefetch_related("products__product")
        .order_by("-session__starts_at", "vendor__legal_name")
    )
    if session is not None:
        qs = qs.filter(session=session)
    return qs


def slots_of_vendor(*, vendor_id: int, session: Session) -> list[Slot]:
    return list(Slot.objects.filter(vendor_id=vendor_id, session=session).select_related("vendor", "show"))


# ----------------------------------------------------------------------------- the organizers' editor


def editor(*, session: Session) -> dict:
    """The organizers' timetable editor: applications (waiting, placed, out), the grid, the free start times."""
    applications = list(
        Application.objects.filter(session=session)
        .select_related("vendor", "applicant", "slot")
        .prefetch_related("products__product")
        .order_by("created_at")
    )
    waiting = [a for a in applications if a.state == Application.State.SUBMITTED]
    placed = [a for a in applications if a.state == Application.State.ACCEPTED]
    out = [a for a in applications if a.state in (Application.State.DECLINED, Application.State.WITHDRAWN)]
    rows = stall_rows(session=session)
    stages, grid = timetable_grid(session=session, rows=rows)
    starts = [row["starts_at"] for row in grid]
    return {
        "waiting": waiting, "placed": placed, "out": out, "grid": grid, "stages": stages, "starts": starts,
        "rows": rows,
    }  # fmt: skip


def applied_products(application_ids: list[int]) -> dict[int, list[Product]]:
    by_app: dict[int, list[Product]] = {}
    for ap in ApplicationProduct.objects.filter(application_id__in=application_ids).select_related("product"):
        by_app.setdefault(ap.application_id, []).append(ap.product)
    return by_app


def session_slots(*, session: Session, vendor_ids=None) -> list[Slot]:
    qs = Slot.objects.filter(session=session).select_related("vendor").order_by("starts_at", "stage")
    if vendor_ids is not None:
        qs = qs.filter(vendor_id__in=vendor_ids)
    return list(qs)


def public_sessions_q() -> Q:
    return Q(state__in=PUBLIC_STATES)
