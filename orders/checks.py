"""Placement checks: rules of later apps that may refuse an order before it is placed.

``orders`` knows nothing of the apps that sell through it, yet some of them hold rules about
who may buy (the weekly market's organizers block a buyer). They plug in here, in their
``AppConfig.ready``::

    from orders import checks
    checks.register(my_check)

``order_place`` calls every registered check (in registration order) with the placement's
facts as keyword arguments, after a replayed key has returned its first order and before
anything is written. A check refuses by raising ``config.errors.ApplicationError`` (in the
user's language); returning normally lets the order through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Placement:
    """What a check is told about the order about to be placed."""

    buyer_id: int
    vendor_id: int
    placed_by_id: int
    channel: str
    sandbox: bool


Check = Callable[[Placement], None]

_checks: list[Check] = []


def register(check: Check) -> Check:
    """Add ``check`` (once; registering it again changes nothing). Usable as a decorator."""
    if check not in _checks:
        _checks.append(check)
    return check


def unregister(check: Check) -> None:
    if check in _checks:
        _checks.remove(check)


def placement_check(placement: Placement) -> None:
    """Run every registered check; the first refusal propagates (``ApplicationError``)."""
    for check in list(_checks):
        check(placement)
