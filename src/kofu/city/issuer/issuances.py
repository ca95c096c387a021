"""The issuance log at the issuer: at most one issue number, and one document, per order id.

An order may reach the city more than once: its lease at the gateway lapsed while a worker was
slow or dead, or the centre asked again after a link failed. ``earlier`` answers an order that
came before (the same envelope: same document, same issue number; or the same refusal),
waiting while another worker renders it; ``take_number`` gives a new order the next issue
number and writes its row before anything is rendered, or gives an order whose worker died the
number it already had. So every issue number the city takes is in the log, with whether it was
sealed.

``record_outcomes`` is how the city learns from the centre how each order ended (delivered and
printed, failed, cancelled): the envelope is then dropped and the row keeps the issue number
and the outcome, so the city knows for every number it sealed whether it was delivered.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kofu import clock
from kofu.city.registry.models import Issuance
from kofu.city.registry.queries import next_issue_number
from kofu.protocol.errors import LinkFailed, Refused
from kofu.protocol.kiosk_center import OrderResult

#: How long a worker may take to render and seal one order before another takes it over.
RENDER_LEASE = timedelta(seconds=20)
_POLL = 0.05


def find(session: Session, order_id: str) -> Issuance | None:
    """The log row of an order id."""
    return session.scalars(select(Issuance).where(Issuance.order_id == order_id)).one_or_none()


def earlier(db: sessionmaker[Session], order_id: str) -> OrderResult | None:
    """What this order already got, if it came before: its sealed envelope (or its refusal, raised).

    Waits while another worker is rendering it (up to ``RENDER_LEASE``); None when the order is
    new, or when the worker rendering it is gone (then the caller takes it over: ``take_number``).
    """
    deadline = time.monotonic() + RENDER_LEASE.total_seconds() + 1
    while True:
        with db() as session:
            row = find(session, order_id)
            if row is None:
                return None
            if row.sealed_at is not None or row.refusal is not None:
                return _result(row)
            if clock.now_utc() - _aware(row.started_at) >= RENDER_LEASE:
                return None
        if time.monotonic() > deadline:
            raise LinkFailed("city.unavailable", "the order is still being issued")
        time.sleep(_POLL)


def take_number(
    session: Session,
    *,
    city_code: str,
    order_id: str,
    year: int,
    doc: str,
    copies: int,
    fee_total: int,
    kiosk_id: str,
    holder_resident_id: int | None,
    named: Iterable[int],
) -> str:
    """The order's issue number, in the caller's transaction: the one it was given before (a
    take-over), or the next one, written with the order's row. A concurrent first delivery of
    the same order makes the caller's flush fail (``IntegrityError``): the caller asks
    ``earlier`` again."""
    row = find(session, order_id)
    if row is not None:
        row.started_at = clock.now_utc()
        return row.issue_number
    number = next_issue_number(session, city_code, year)  # the year of the document's date
    session.add(
        Issuance(
            order_id=order_id,
            issue_number=number,
            doc=doc,
            copies=copies,
            fee_total=fee_total,
            kiosk_id=kiosk_id,
            holder_resident_id=holder_resident_id,
            named_resident_ids=json.dumps(sorted(set(named))),
            started_at=clock.now_utc(),
        )
    )
    session.flush()
    return number


def sealed(db: sessionmaker[Session], order_id: str, *, pages: int, envelope: bytes, fee_total: int) -> None:
    """Record the sealed document of an order (its envelope is kept until the outcome is known)."""
    with db.begin() as session:
        row = find(session, order_id)
        if row is None:
            raise LinkFailed("city.unavailable", "the order's issuance row is gone")
        row.pages, row.envelope, row.fee_total = pages, envelope, fee_total
        row.sealed_at = clock.now_utc()


def refused(db: sessionmaker[Session], order_id: str, code: str) -> None:
    """Record that rendering refused an order whose number was taken (the number stays used)."""
    with db.begin() as session:
        row = find(session, order_id)
        if row is not None:
            row.refusal = code
            row.outcome, row.outcome_at = "refused", clock.now_utc()


def record_outcomes(db: sessionmaker[Session], outcomes: Mapping[str, str]) -> tuple[int, list[str]]:
    """Record how orders ended (order id → outcome) and drop their envelopes; the rows updated,
    and the order ids the log has no row for."""
    done = 0
    with db.begin() as session:
        rows = session.scalars(select(Issuance).where(Issuance.order_id.in_(list(outcomes)))).all()
        for row in rows:
            row.outcome, row.outcome_at = outcomes[row.order_id], clock.now_utc()
            row.envelope = None
            done += 1
    seen = {row.order_id for row in rows}
    return done, sorted(set(outcomes) - seen)


def statuses(db: sessionmaker[Session], order_ids: list[str]) -> dict[str, str]:
    """What the city knows of each order: sealed, rendering, refused, or its outcome; absent: never seen."""
    with db() as session:
        rows = session.scalars(select(Issuance).where(Issuance.order_id.in_(order_ids))).all()
        found = {}
        for row in rows:
            if row.outcome is not None:
                found[row.order_id] = row.outcome
            elif row.refusal is not None:
                found[row.order_id] = "refused"
            else:
                found[row.order_id] = "sealed" if row.sealed_at is not None else "rendering"
        return found


def _result(row: Issuance) -> OrderResult:
    if row.refusal is not None:
        raise Refused(row.refusal, "refused when it was issued")
    if row.envelope is None:
        raise Refused("order.closed", "this order was already delivered and closed")
    return OrderResult(
        order_id=row.order_id,
        status="issued",
        envelope=row.envelope,
        fee_total=row.fee_total,
        pages=row.pages,
    )


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=clock.now_utc().tzinfo)
