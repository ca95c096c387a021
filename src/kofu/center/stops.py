"""Stopping a city: on proof of a misissuance, or by an operator — and resuming it, recorded.

A kiosk that refuses a document reports ``misissuance_prevented``. With the city-signed header
it found in the envelope (``MisissuanceProof``), the centre checks the signature against the
trust list and compares the header with what it recorded for that order (order id, city, type,
copies, and the binding it recomputes from the card session the kiosk also hands over). A
header that is the city's and does not match its order proves the city sent a wrong document:
the city is stopped for every store at once (``misissuance_proven``). A report without such
proof — the header matched but the document inside did not check out — is recorded as
``misissuance_suspected``; ``SUSPECT_LIMIT`` such reports from different kiosks within
``SUSPECT_WINDOW`` stop the city too. Staff resume it with ``kofu center city resume CODE
--reason …``; every stop and resume is a row of ``city_events`` (who, when, why).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kofu import clock
from kofu.center.auth import SessionSealer
from kofu.center.models import City, CityEvent, Order
from kofu.protocol.errors import ProtocolViolation, Refused
from kofu.protocol.header import KeyLookup, order_binding, verify_header
from kofu.protocol.kiosk_center import MisissuanceProof

SUSPECT_LIMIT = 3
SUSPECT_WINDOW = timedelta(minutes=10)


def judge(
    db: sessionmaker[Session],
    order_id: str,
    kiosk_id: str,
    proof: MisissuanceProof | None,
    keys: Callable[[], KeyLookup],
    sessions: SessionSealer,
) -> str:
    """Record a kiosk's misissuance report and stop the city when it is proven (or suspected
    often enough); the event kind recorded."""
    with db() as session:
        order = session.get(Order, order_id)
        if order is None or order.kiosk_id != kiosk_id:
            raise ProtocolViolation("order.unknown", "no such order for this kiosk")
        city, doc, copies = order.city_code, order.doc, order.copies
    proven = _proven(order_id, city, doc, copies, kiosk_id, proof, keys, sessions)
    kind = "misissuance_proven" if proven else "misissuance_suspected"
    now = clock.now_utc()
    with db.begin() as session:
        session.add(
            CityEvent(
                city_code=city,
                at=now,
                kind=kind,
                by=kiosk_id,
                reason=proven or "unproven report",
                order_id=order_id,
            )
        )
    if proven:
        stop(db, city, by="center", reason=f"misissuance_prevented: {proven}")
    elif _suspected_often(db, city, now):
        stop(db, city, by="center", reason=f"misissuance_prevented: {SUSPECT_LIMIT} kiosks reported one")
    return kind


def _proven(
    order_id: str,
    city: str,
    doc: str,
    copies: int,
    kiosk_id: str,
    proof: MisissuanceProof | None,
    keys: Callable[[], KeyLookup],
    sessions: SessionSealer,
) -> str:
    """Why the proof shows a wrong document ("" when it does not)."""
    if proof is None:
        return ""
    try:
        header = verify_header(proof.header, proof.signature, keys())
        card = sessions.open(proof.session_token, kiosk_id, clock.now_utc(), allow_expired=True)
    except Exception:
        return ""
    if header.city_code != city:
        return ""  # signed by another city: not this order's city's fault
    expected = (order_id, doc, copies, order_binding(order_id, card.card_serial, doc, copies))
    found = (header.order_id, header.doc, header.copies, header.binding)
    differs = [
        name
        for name, a, b in zip(("order", "document", "copies", "binding"), expected, found, strict=True)
        if a != b
    ]
    return "header names another " + ", ".join(differs) if differs else ""


def _suspected_often(db: sessionmaker[Session], city: str, now: object) -> bool:
    with db() as session:
        since = clock.now_utc() - SUSPECT_WINDOW
        kiosks = session.scalars(
            select(CityEvent.by).where(
                CityEvent.city_code == city, CityEvent.kind == "misissuance_suspected", CityEvent.at >= since
            )
        ).all()
    return len(set(kiosks)) >= SUSPECT_LIMIT


def stop(db: sessionmaker[Session], city: str, *, by: str, reason: str) -> None:
    """Stop orders to ``city`` for every store, recording who and why."""
    _set(db, city, True, by, reason)


def resume(db: sessionmaker[Session], city: str, *, by: str, reason: str) -> None:
    """Let orders through to ``city`` again, recording who and why."""
    _set(db, city, False, by, reason)


def _set(db: sessionmaker[Session], code: str, stopped: bool, by: str, reason: str) -> None:
    now = clock.now_utc()
    with db.begin() as session:
        city = session.get(City, code)
        if city is None:
            raise Refused("city.document.not_offered", "unknown city")
        city.stopped = stopped
        city.stop_reason = reason[:64] if stopped else None
        city.stopped_by = by[:64] if stopped else None
        city.stopped_at = now if stopped else None
        session.add(
            CityEvent(
                city_code=code,
                at=now,
                kind="stopped" if stopped else "resumed",
                by=by[:64],
                reason=reason[:256],
            )
        )


def events(db: sessionmaker[Session], city: str | None = None, limit: int = 50) -> list[CityEvent]:
    """The latest stops, resumes and misissuance reports (of one city, or all)."""
    with db() as session:
        query = select(CityEvent).order_by(CityEvent.id.desc()).limit(limit)
        if city is not None:
            query = query.where(CityEvent.city_code == city)
        rows = list(session.scalars(query).all())
        session.expunge_all()
        return rows
