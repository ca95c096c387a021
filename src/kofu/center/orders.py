"""The centre's history rows: recording orders, one order per card session, applying reports.

Every write here is one short transaction, and every one can be repeated without harm: an
order is recorded under its kiosk's idempotency key, a report goes through the state machine
of ``kofu.center.outcomes`` (a report already applied changes nothing).
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kofu import clock
from kofu.center import outcomes, routing
from kofu.center.models import Challenge, Order
from kofu.protocol.errors import AuthFailed, Conflict, ProtocolViolation
from kofu.protocol.kiosk_center import OrderOutcome, OrderRequest, OutcomeRecorded

#: Statuses of an order that leave its card session free for another try (nothing was sealed).
_RETRYABLE = frozenset({"refused", "failed"})


def record(
    db: sessionmaker[Session],
    order_id: str,
    session_id: str,
    kiosk_id: str,
    body: OrderRequest,
    status: str = "created",
    store_id: str | None = None,
) -> None:
    """Record a new order (``created``, or ``forwarded`` when it is sent on at once) and give it
    the card session's one order — if its city is open (``routing.open_city``), in the same
    transaction: one short write on the way to the city.

    ``store_id`` is the store the kiosk stands in (the kiosk directory's); a kiosk the directory
    does not list is its own store, under its kiosk id.

    A card's signature authorises one visit: the session places one order. Another is allowed
    only when the last one ended without a document (refused, failed — e.g. the city was busy).
    """
    now = clock.now_utc()
    try:
        with db.begin() as session:
            routing.open_city(session, body.city_code)
            challenge = session.get(Challenge, session_id)
            if challenge is None or challenge.kiosk_id != kiosk_id:
                raise AuthFailed("session.invalid", "no such session for this kiosk")
            if challenge.order_id is not None:
                previous = session.get(Order, challenge.order_id)
                if previous is not None and previous.status not in _RETRYABLE:
                    raise AuthFailed("session.used", "this card session has placed its order")
            challenge.order_id = order_id
            session.add(
                Order(
                    order_id=order_id,
                    idempotency_key=body.idempotency_key,
                    created_at=now,
                    updated_at=now,
                    kiosk_id=kiosk_id,
                    store_id=store_id or kiosk_id,
                    city_code=body.city_code,
                    doc=body.doc,
                    copies=body.copies,
                    fee_total=0,
                    status=status,
                )
            )
    except IntegrityError as exc:
        raise ProtocolViolation("order.duplicate", "this order was already placed") from exc


def mark(db: sessionmaker[Session], order_id: str, status: str, *, fee_total: int | None = None) -> None:
    """Move an order forward along ``created → forwarded → sealed`` (never back)."""
    with db.begin() as session:
        order = session.get(Order, order_id)
        if order is None or outcomes.PATH.index(status) <= _rank(order.status):
            return
        order.status, order.updated_at = status, clock.now_utc()
        if fee_total is not None:
            order.fee_total = fee_total


def close(db: sessionmaker[Session], order_id: str, status: str, outcome: str) -> None:
    """End an order that got no document (refused by the city, or failed on the way): no fee."""
    with db.begin() as session:
        order = session.get(Order, order_id)
        if order is None or order.status in outcomes.TERMINAL:
            return
        if _rank(order.status) >= _rank("delivered"):
            return  # the kiosk has the document: only its reports close it
        now = clock.now_utc()
        order.status, order.outcome = status, outcome
        order.fee_total = order.amount_paid = 0
        order.finished_at = order.updated_at = now
        order.city_told = status == "refused"  # the city refused it itself: nothing to tell


def report(
    db: sessionmaker[Session], kiosk_id: str, order_id: str, body: OrderOutcome
) -> tuple[OutcomeRecorded, bool]:
    """Apply a kiosk's report; the order's state after it, and whether it changed anything."""
    with db.begin() as session:
        order = session.get(Order, order_id)
        if order is None or order.kiosk_id != kiosk_id:
            raise ProtocolViolation("order.unknown", "no such order for this kiosk")
        applied = outcomes.apply(order, body, clock.now_utc())
        return recorded(order), applied.changed


def abandoned(db: sessionmaker[Session], kiosk_id: str, idempotency_key: str) -> OutcomeRecorded:
    """Close the order a kiosk sent under ``idempotency_key`` and never heard back about."""
    with db.begin() as session:
        order = session.scalars(
            select(Order).where(Order.kiosk_id == kiosk_id, Order.idempotency_key == idempotency_key)
        ).one_or_none()
        if order is None:
            raise ProtocolViolation("order.unknown", "no order under this key for this kiosk")
        with contextlib.suppress(Conflict):  # it got further than the kiosk remembers: its later reports tell
            outcomes.apply(order, OrderOutcome(outcome="cancelled"), clock.now_utc())
        return recorded(order)


def recorded(order: Order) -> OutcomeRecorded:
    """What the kiosk is told of an order's state."""
    return OutcomeRecorded(
        order_id=order.order_id, status=order.status, outcome=order.outcome, fee_total=order.fee_total
    )


def stale(
    db: sessionmaker[Session], statuses: tuple[str, ...], before: datetime, limit: int = 256
) -> list[Order]:
    """Orders in ``statuses`` last changed before ``before`` (the sweep's work)."""
    with db() as session:
        rows = session.scalars(
            select(Order)
            .where(Order.status.in_(statuses), func.coalesce(Order.updated_at, Order.created_at) < before)
            .order_by(Order.created_at)
            .limit(limit)
        ).all()
        session.expunge_all()
        return list(rows)


def _rank(status: str) -> int:
    return outcomes.PATH.index(status) if status in outcomes.PATH else len(outcomes.PATH)


def sweep_close(db: sessionmaker[Session], order_id: str, outcome: str) -> None:
    """Close an order nobody reported, as the sweep does (``failed``; no fee). A kiosk that later
    reports the print corrects it (``kofu.center.outcomes``)."""
    with db.begin() as session:
        order = session.get(Order, order_id)
        if order is None or order.status in outcomes.TERMINAL:
            return
        now = clock.now_utc()
        order.status, order.outcome = "failed", outcome
        order.fee_total = order.amount_paid = 0
        order.finished_at = order.updated_at = now
        order.city_told = False


def untold(db: sessionmaker[Session], limit: int = 512) -> list[Order]:
    """Ended orders whose city has not been told how they ended."""
    with db() as session:
        rows = session.scalars(
            select(Order)
            .where(Order.status.in_(("printed", "failed", "cancelled")), Order.city_told.is_(False))
            .order_by(Order.created_at)
            .limit(limit)
        ).all()
        session.expunge_all()
        return list(rows)


def told(db: sessionmaker[Session], order_ids: list[str]) -> None:
    """The city has recorded how these orders ended."""
    with db.begin() as session:
        for order in session.scalars(select(Order).where(Order.order_id.in_(order_ids))):
            order.city_told = True
