"""What each of the three records says of each order of a month, read and never written.

    kiosk    each kiosk's journal (``var/kiosk/<id>/journal.db``): the orders it knew by id, the
             fee its cash unit kept for each and the money still held in escrow — no personal data
    centre   the centre's history: store, city, type, copies, status, what was paid and printed
    city     each city's issuance log: the issue number it sealed for an order and how it ended

An order belongs to the month when any record dates it in the month (Japan time): the kiosk by
its journal's last change, the centre by when it was placed or finished, the city by when it
took the number. Every record is then read for every such order, whatever date it gives it, so
an order near midnight on the last day is compared whole.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kofu import clock
from kofu.config import Settings
from kofu.storage import make_engine, session_factory

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_CHUNK = 500


class SettleError(Exception):
    """A settlement that cannot be made: a stable code and a clear message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


@dataclass(frozen=True)
class Month:
    """A calendar month in Japan time: ``[start, end)`` as aware datetimes."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        found = _MONTH.fullmatch(text.strip())
        if found is None:
            raise SettleError("settle.month.invalid", f"a month is YYYY-MM, e.g. 2026-12, not {text!r}")
        return cls(int(found.group(1)), int(found.group(2)))

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=clock.JST)

    @property
    def end(self) -> datetime:
        nxt = date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return datetime(nxt.year, nxt.month, 1, tzinfo=clock.JST)

    def holds(self, moment: datetime | str | None) -> bool:
        if moment is None:
            return False
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        return self.start <= clock.in_japan(_utc(moment)) < self.end


@dataclass(frozen=True)
class KioskOrder:
    """One order as a kiosk's journal has it: the fee kept for it and the money held in escrow."""

    kiosk_id: str
    order_id: str
    city_code: str
    doc: str
    copies: int
    state: str
    kept: int
    escrow: int
    in_month: bool


@dataclass(frozen=True)
class CenterOrder:
    """One order of the centre's history."""

    order_id: str
    kiosk_id: str
    store_id: str
    city_code: str
    doc: str
    copies: int
    status: str
    outcome: str | None
    fee_total: int
    amount_paid: int
    copies_printed: int
    finished_at: datetime | None


@dataclass(frozen=True)
class CityIssuance:
    """One row of a city's issuance log: the number it took, whether it sealed, how it ended."""

    city_code: str
    order_id: str
    issue_number: str
    doc: str
    copies: int
    fee_total: int
    kiosk_id: str
    sealed: bool
    refusal: str | None
    outcome: str | None


@dataclass(frozen=True)
class Records:
    """The three records of one month, each keyed by order id."""

    kiosk: dict[str, KioskOrder]
    center: dict[str, CenterOrder]
    city: dict[str, CityIssuance]
    city_names: dict[str, str]
    journals: tuple[str, ...]  # the kiosks whose journal was read


def read(
    settings: Settings, month: Month, *, kiosks: Sequence[str] = (), journal_dir: Path | None = None
) -> Records:
    """Read the three records of ``month`` (only the kiosks ``kiosks``, when given)."""
    only = frozenset(kiosks)
    kiosk_orders, journals = _kiosk(journal_dir or settings.var_dir / "kiosk", month, only)
    ids = {oid for oid, row in kiosk_orders.items() if row.in_month}
    center, names = _center(settings.center_db_url(), month, only, ids)
    ids |= set(center)
    city: dict[str, CityIssuance] = {}
    for code in settings.cities:
        city.update(_city(settings.city_db_url(code), code, month, only, ids | set(city)))
    wanted = ids | set(city)
    center.update(_center(settings.center_db_url(), None, only, wanted - set(center))[0])
    for code in settings.cities:
        city.update(_city(settings.city_db_url(code), code, None, only, wanted - set(city)))
    kiosk = {oid: row for oid, row in kiosk_orders.items() if oid in wanted}
    return Records(kiosk, center, city, names, journals)


def _kiosk(root: Path, month: Month, only: frozenset[str]) -> tuple[dict[str, KioskOrder], tuple[str, ...]]:
    from kofu.kiosk.journal import Journal

    found: dict[str, KioskOrder] = {}
    read_from: list[str] = []
    for path in sorted(root.glob("*/journal.db")):
        kiosk_id = path.parent.name
        if only and kiosk_id not in only:
            continue
        journal = Journal(path)
        try:
            orders, cash = journal.rows("orders"), journal.rows("cash")
        finally:
            journal.close()
        read_from.append(kiosk_id)
        kept: dict[str, int] = {}
        cash_in_month: set[str] = set()
        for row in cash:
            key = row["idempotency_key"]
            if key is None:
                continue
            if row["kind"] == "kept":
                kept[key] = kept.get(key, 0) + row["amount"]
            if month.holds(row["at"]):
                cash_in_month.add(key)
        for row in orders:
            if row["order_id"] is None:
                continue  # never got an order id: nothing was sealed for it, nothing kept
            key = row["idempotency_key"]
            held = (row["escrow"] or 0) if row["state"] in ("ordered", "printing") else 0
            found[row["order_id"]] = KioskOrder(
                kiosk_id=kiosk_id,
                order_id=row["order_id"],
                city_code=row["city_code"],
                doc=row["doc"],
                copies=row["copies"],
                state=row["state"],
                kept=kept.get(key, 0),
                escrow=held,
                in_month=month.holds(row["updated_at"]) or key in cash_in_month,
            )
    return found, tuple(read_from)


def _center(
    url: str, month: Month | None, only: frozenset[str], ids: Iterable[str]
) -> tuple[dict[str, CenterOrder], dict[str, str]]:
    from kofu.center.models import City, Order

    found: dict[str, CenterOrder] = {}
    with _reading(url, "settle.center.unreadable", "the centre's database") as session:
        names = {c.code: c.name for c in session.scalars(select(City))}
        rows = _rows(
            session,
            Order,
            month,
            ids,
            lambda start, end: or_(
                (Order.created_at >= start) & (Order.created_at < end),
                (Order.finished_at >= start) & (Order.finished_at < end),
            ),
        )
        for o in rows:
            if only and o.kiosk_id not in only:
                continue
            found[o.order_id] = CenterOrder(
                order_id=o.order_id,
                kiosk_id=o.kiosk_id,
                store_id=o.store_id,
                city_code=o.city_code,
                doc=o.doc,
                copies=o.copies,
                status=o.status,
                outcome=o.outcome,
                fee_total=o.fee_total,
                amount_paid=o.amount_paid,
                copies_printed=o.copies_printed,
                finished_at=o.finished_at,
            )
    return found, names


def _city(
    url: str, code: str, month: Month | None, only: frozenset[str], ids: Iterable[str]
) -> dict[str, CityIssuance]:
    from kofu.city.registry.models import Issuance

    found: dict[str, CityIssuance] = {}
    with _reading(url, "settle.city.unreadable", f"the issuance log of city {code}") as session:
        rows = _rows(
            session,
            Issuance,
            month,
            ids,
            lambda start, end: (Issuance.started_at >= start) & (Issuance.started_at < end),
        )
        for r in rows:
            if only and r.kiosk_id not in only:
                continue
            found[r.order_id] = CityIssuance(
                city_code=code,
                order_id=r.order_id,
                issue_number=r.issue_number,
                doc=r.doc,
                copies=r.copies,
                fee_total=r.fee_total,
                kiosk_id=r.kiosk_id,
                sealed=r.sealed_at is not None and r.refusal is None,
                refusal=r.refusal,
                outcome=r.outcome,
            )
    return found


@contextlib.contextmanager
def _reading(url: str, code: str, what: str) -> Iterator[Session]:
    """A session on the database at ``url``; one that cannot be read raises SettleError ``code``."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            yield session
    except OperationalError as exc:
        raise SettleError(code, f"{what} cannot be read") from exc
    finally:
        engine.dispose()


def _rows(
    session: Session,
    model: Any,
    month: Month | None,
    ids: Iterable[str],
    in_month: Callable[[datetime, datetime], Any],
) -> list[Any]:
    """The rows of ``model`` of ``month`` (``in_month(start, end)`` says which, in UTC), or
    without a month those whose order id is one of ``ids``, asked ``_CHUNK`` ids at a time."""
    if month is not None:
        start, end = month.start.astimezone(UTC), month.end.astimezone(UTC)
        return list(session.scalars(select(model).where(in_month(start, end))))
    rows: list[Any] = []
    wanted = sorted(ids)
    for lo in range(0, len(wanted), _CHUNK):
        rows += session.scalars(select(model).where(model.order_id.in_(wanted[lo : lo + _CHUNK])))
    return rows


def _utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
