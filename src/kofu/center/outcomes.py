"""An order's outcome at the centre: a state machine that only moves forward, and every report idempotent.

    created → forwarded → sealed → delivered → paid → printed
                 │          │          │         │
                 └──────────┴──── failed ────────┘      (the city failed, the print failed: refunded)
                            └──── cancelled ─────┘      (only before payment)
    refused: the city's rules said no (set by the centre from the city's answer)

A kiosk reports what it did (``delivered`` once it opened and checked the document, ``paid``
when it took the money, ``printed``, ``failed``, ``cancelled``, ``misissuance_prevented``) and
retries until the centre acknowledges. A report the order has already passed is acknowledged
and changes nothing (a retry is harmless); a report that contradicts what was recorded — a
cancel after payment, a print after a cancel — is refused with ``order.outcome.conflict`` and
changes nothing either. Only a printed order keeps its fee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kofu.center.models import Order
from kofu.protocol.errors import Conflict, ProtocolViolation
from kofu.protocol.kiosk_center import OrderOutcome

#: The forward path, in order.
PATH = ("created", "forwarded", "sealed", "delivered", "paid", "printed")
#: Where an order ends.
TERMINAL = frozenset({"printed", "refused", "failed", "cancelled"})
#: Why the centre itself closed an order it swept (the kiosk's truth, arriving late, wins).
SWEPT = "center.swept"


@dataclass(frozen=True)
class Applied:
    """What a report did: ``changed`` is False for a report the order had already passed."""

    changed: bool
    before: str


def _rank(status: str) -> int:
    return PATH.index(status) if status in PATH else -1


def apply(order: Order, report: OrderOutcome, now: datetime) -> Applied:
    """Apply one kiosk report to ``order`` (in the caller's transaction)."""
    before = order.status
    outcome = report.outcome
    if outcome == "misissuance_prevented":
        outcome = "failed"
    if outcome in PATH:
        return _forward(order, report, now, before)
    if outcome == "cancelled":
        return _cancel(order, now, before)
    return _fail(order, report, now, before)


def _forward(order: Order, report: OrderOutcome, now: datetime, before: str) -> Applied:
    target = report.outcome
    if target == "printed" and not 1 <= report.copies_printed <= order.copies:
        raise ProtocolViolation("order.copies.invalid", "copies printed must be 1 to the copies ordered")
    if before == "failed" and order.outcome == SWEPT and target == "printed":
        pass  # the centre swept it too early; the kiosk's journal says it was printed: that is the truth
    elif before in TERMINAL:
        if before == "printed" and target in ("delivered", "paid"):
            return Applied(False, before)
        if before == "printed" and report.copies_printed == order.copies_printed:
            return Applied(False, before)  # the same report again
        if before in ("failed", "cancelled") and target == "delivered":
            return Applied(False, before)  # an older report arriving late
        raise Conflict("order.outcome.conflict", f"{target} after {before}")
    elif _rank(before) >= _rank(target):
        return Applied(False, before)
    elif _rank(before) < _rank("sealed"):
        raise Conflict("order.outcome.conflict", f"{target} before the document was sealed")
    order.status = target
    order.updated_at = now
    if target == "paid":
        order.amount_paid = report.amount or order.fee_total
    if target == "printed":
        order.outcome = "printed"
        order.copies_printed = report.copies_printed
        order.amount_paid = report.amount or order.amount_paid or order.fee_total
        order.finished_at = now
        order.city_told = False
    return Applied(True, before)


def _cancel(order: Order, now: datetime, before: str) -> Applied:
    if before in ("cancelled", "failed", "refused"):
        return Applied(False, before)
    if before in ("paid", "printed"):
        raise Conflict("order.outcome.conflict", f"cancelled after {before}: money was taken")
    _close(order, "cancelled", "cancelled", now)
    return Applied(True, before)


def _fail(order: Order, report: OrderOutcome, now: datetime, before: str) -> Applied:
    if before in ("failed", "cancelled", "refused"):
        return Applied(False, before)
    if before == "printed":
        raise Conflict("order.outcome.conflict", "failed after printed")
    _close(order, "failed", report.outcome, now)
    return Applied(True, before)


def _close(order: Order, status: str, outcome: str, now: datetime) -> None:
    order.status = status
    order.outcome = outcome
    order.fee_total = 0  # only printed documents are charged
    order.amount_paid = 0
    order.finished_at = order.updated_at = now
    order.city_told = False
