"""Resident, card, household and issue-number queries of the city issuer (and the card write)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from kofu import clock
from kofu.city.registry.errors import InvalidCertSerial, IssueNumberExhausted, UnknownResident
from kofu.city.registry.models import (
    CARD_ACTIVE,
    RESIDENT_ACTIVE,
    SETAINUSHI,
    Card,
    Household,
    IssueCounter,
    Resident,
)

_HEX = re.compile(r"[0-9A-F]+")

#: Digits of the running part of a 発行番号.
ISSUE_NUMBER_DIGITS = 6
_MAX_ISSUE_NUMBER = 10**ISSUE_NUMBER_DIGITS - 1


def normalize_cert_serial(cert_serial_hex: str) -> str:
    """Upper-case hex without separators (``0a:1b`` → ``0A1B``); raises InvalidCertSerial."""
    cleaned = re.sub(r"[\s:]", "", cert_serial_hex).upper()
    if cleaned.startswith("0X"):
        cleaned = cleaned[2:]
    if not _HEX.fullmatch(cleaned):
        raise InvalidCertSerial(f"not a hexadecimal certificate serial: {cert_serial_hex!r}")
    return cleaned


def register_card(
    session: Session, resident_id: int, cert_serial_hex: str, label: str, *, issued_on: date | None = None
) -> Card:
    """Record an active card for a resident (serial stored as upper-case hex); flushed, not committed.

    Raises UnknownResident or InvalidCertSerial; a serial already registered fails on flush with
    SQLAlchemy's IntegrityError.
    """
    if session.get(Resident, resident_id) is None:
        raise UnknownResident(f"no resident {resident_id}")
    card = Card(
        cert_serial_hex=normalize_cert_serial(cert_serial_hex),
        label=label,
        resident_id=resident_id,
        status=CARD_ACTIVE,
        issued_on=issued_on or clock.today(),
    )
    session.add(card)
    session.flush()
    return card


def resident_for_card(session: Session, cert_serial_hex: str) -> Resident | None:
    """Resident holding the active card with this certificate serial, or None.

    One SELECT joins card → resident → household → address; the household and its address come
    back loaded. The resident's own status (moved out, deceased, DV protection, pending change) is
    not checked here: eligibility is the issuer's decision and it needs the record to explain it.
    A lost or expired card, or a serial that is not hexadecimal, finds nobody.
    """
    try:
        serial = normalize_cert_serial(cert_serial_hex)
    except InvalidCertSerial:
        return None
    stmt = (
        select(Resident)
        .join(Card, Card.resident_id == Resident.id)
        .join(Resident.household)
        .join(Household.address)
        .options(contains_eager(Resident.household).contains_eager(Household.address))
        .where(Card.cert_serial_hex == serial, Card.status == CARD_ACTIVE)
    )
    return session.scalars(stmt).unique().one_or_none()


def household_members(session: Session, household_id: int) -> list[Resident]:
    """Active members of a household: the 世帯主 first, then the others by birth date."""
    stmt = (
        select(Resident)
        .where(Resident.household_id == household_id, Resident.status == RESIDENT_ACTIVE)
        .order_by(
            case((Resident.zokugara == SETAINUSHI, 0), else_=1),
            Resident.birth_date,
            Resident.id,
        )
    )
    return list(session.scalars(stmt))


def next_issue_number(session: Session, city_code: str, year: int) -> str:
    """Take the next 発行番号 of ``city_code`` for ``year``, e.g. ``2026-000123``.

    Format: the four-digit calendar year, a hyphen, and the running number of that year in six
    digits (11 characters; first of a year is ``-000001``). The number is unique per city database
    and year. The counter row is incremented with ``UPDATE … SET last_number = last_number + 1``
    inside the caller's transaction, which takes the row's write lock (SQLite: the database
    write lock) until the caller commits, so concurrent callers never see the same value; if the
    caller rolls back, the number is given back. The first number of a year inserts the row in a
    savepoint, so a concurrent first insert is retried as an update.
    """
    counter = (IssueCounter.city_code == city_code) & (IssueCounter.year == year)
    while True:
        bumped = session.execute(
            update(IssueCounter)
            .where(counter)
            .values(last_number=IssueCounter.last_number + 1)
            .execution_options(synchronize_session=False)
        )
        if getattr(bumped, "rowcount", 0) == 1:
            break
        try:
            with session.begin_nested():
                session.add(IssueCounter(city_code=city_code, year=year, last_number=1))
            break
        except IntegrityError:
            continue  # another transaction created the row first: increment it instead
    number = session.scalars(
        select(IssueCounter.last_number).where(counter).execution_options(populate_existing=True)
    ).one()
    if number > _MAX_ISSUE_NUMBER:
        raise IssueNumberExhausted(f"{city_code} has issued {number - 1} documents in {year}")
    return f"{year:04d}-{number:0{ISSUE_NUMBER_DIGITS}d}"
