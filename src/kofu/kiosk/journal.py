"""The kiosk's journal: a small durable record of its orders and its money, without personal data.

It holds what a crash must not lose and nothing about the resident: the order's idempotency
key and id, city, document type, copies, fee; the money the cash unit took in, kept and gave
back; and the reports the centre has not acknowledged yet. It is written *before* each step
that cannot be undone — before an order is sent, before the money is kept, before a document is
printed — so that a kiosk killed anywhere resumes from it (``recover``):

    ordering   sent, no answer       → the centre is told it was abandoned (by idempotency key)
    ordered    document in memory    → gone with the process: cancelled, the money in escrow is returned
    printing   the printer was busy  → not known to be printed: failed, the escrow is returned
    printed    the money was kept    → the report is sent again until the centre has it

Reports leave in order and are retried until acknowledged (``Reporter``); every one of them is
idempotent at the centre. The cash table is the kiosk's own record for the monthly settlement.
One SQLite file per kiosk (``var/kiosk/<id>/journal.db``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine

from kofu import clock

log = logging.getLogger("kofu.kiosk.journal")

_META = MetaData()
ORDERS = Table(
    "orders",
    _META,
    Column("idempotency_key", String(64), primary_key=True),
    Column("order_id", String(64), nullable=True),
    Column("city_code", String(6)),
    Column("doc", String(16)),
    Column("copies", Integer),
    Column("fee_total", Integer, default=0),
    Column("state", String(16)),
    Column("escrow", Integer, default=0),
    Column("updated_at", String(40)),
)
CASH = Table(
    "cash",
    _META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40)),
    Column("kind", String(16)),  # inserted | kept | change | refund
    Column("amount", Integer),
    Column("idempotency_key", String(64), nullable=True),
    Column("order_id", String(64), nullable=True),
)
REPORTS = Table(
    "reports",
    _META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(64)),
    Column("order_id", String(64), nullable=True),
    Column("body", Text),
    Column("state", String(16), default="pending"),  # pending | acked | refused
    Column("attempts", Integer, default=0),
)

#: Orders not yet finished, and what becomes of each after a crash.
OPEN_STATES = ("ordering", "ordered", "printing")


@dataclass(frozen=True)
class PendingReport:
    """A report the centre has not acknowledged: abandoned (no order id) or an outcome."""

    id: int
    idempotency_key: str
    order_id: str | None
    body: dict[str, Any]


class Journal:
    """One kiosk's journal (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.engine: Engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30}
        )
        with open(path.with_suffix(".schema.lock"), "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with self.engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode = WAL")
            _META.create_all(self.engine)
        self._lock = threading.Lock()

    # -- orders -------------------------------------------------------------------------------
    def ordering(self, key: str, city: str, doc: str, copies: int) -> None:
        """Before the order is sent."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(ORDERS).values(
                    idempotency_key=key,
                    city_code=city,
                    doc=doc,
                    copies=copies,
                    state="ordering",
                    updated_at=_now(),
                )
            )

    def ordered(self, key: str, order_id: str, fee_total: int) -> None:
        """The document is in hand (checked): the centre is told it was delivered."""
        self._set(key, state="ordered", order_id=order_id, fee_total=fee_total)
        self.report(key, order_id, {"outcome": "delivered"})

    def printing(self, key: str, escrow: int) -> None:
        """Before printing: the money in the cash unit is in escrow."""
        self._set(key, state="printing", escrow=escrow)

    def printed(self, key: str, order_id: str, fee: int, change: int, copies: int) -> None:
        """Printed, the fee kept and the change given."""
        with self.engine.begin() as conn:
            conn.execute(
                update(ORDERS)
                .where(ORDERS.c.idempotency_key == key)
                .values(state="printed", escrow=0, updated_at=_now())
            )
            _cash(conn, "kept", fee, key, order_id)
            if change:
                _cash(conn, "change", change, key, order_id)
            # In the same transaction: a crash after it leaves the report queued, never lost.
            _report(conn, key, order_id, {"outcome": "printed", "copies_printed": copies, "amount": fee})

    def ended(self, key: str, order_id: str | None, state: str, refund: int) -> None:
        """The order ended without a print (``failed`` or ``cancelled``); ``refund`` went back."""
        with self.engine.begin() as conn:
            conn.execute(
                update(ORDERS)
                .where(ORDERS.c.idempotency_key == key)
                .values(state=state, escrow=0, updated_at=_now())
            )
            if refund:
                _cash(conn, "refund", refund, key, order_id)
            _report(conn, key, order_id, {"outcome": state} if order_id is not None else {"abandoned": True})

    def misissuance(self, key: str, order_id: str, proof: dict[str, Any] | None) -> None:
        """The document was not this order's: nothing printed, nothing kept, the centre told."""
        body: dict[str, Any] = {"outcome": "misissuance_prevented"}
        if proof is not None:
            body["proof"] = proof
        with self.engine.begin() as conn:
            conn.execute(
                update(ORDERS)
                .where(ORDERS.c.idempotency_key == key)
                .values(state="failed", order_id=order_id, updated_at=_now())
            )
            _report(conn, key, order_id, body)

    # -- money that belongs to no order (inserted, then the visit ended) ------------------------
    def cash(self, kind: str, amount: int, key: str | None = None) -> None:
        """A movement of the cash unit (``inserted``, ``refund``) outside an order's own steps."""
        if amount:
            with self.engine.begin() as conn:
                _cash(conn, kind, amount, key, None)

    # -- reports -------------------------------------------------------------------------------
    def report(self, key: str, order_id: str | None, body: dict[str, Any]) -> None:
        """Queue a report for the centre."""
        with self.engine.begin() as conn:
            _report(conn, key, order_id, body)

    def pending(self) -> list[PendingReport]:
        """Reports not acknowledged yet, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(REPORTS).where(REPORTS.c.state == "pending").order_by(REPORTS.c.id)
            ).all()
        return [PendingReport(r.id, r.idempotency_key, r.order_id, json.loads(r.body)) for r in rows]

    def acked(self, report_id: int, state: str = "acked") -> None:
        """The centre has it (``refused``: it contradicts the centre's record; kept for staff)."""
        with self.engine.begin() as conn:
            conn.execute(update(REPORTS).where(REPORTS.c.id == report_id).values(state=state))

    def acked_all(self, key: str) -> None:
        """Nothing of this order needs telling (the centre refused it itself)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(REPORTS)
                .where(REPORTS.c.idempotency_key == key, REPORTS.c.state == "pending")
                .values(state="acked")
            )

    def tried(self, report_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(REPORTS).where(REPORTS.c.id == report_id).values(attempts=REPORTS.c.attempts + 1)
            )

    # -- after a crash ----------------------------------------------------------------------------
    def recover(self, refund: Callable[[int], None] | None = None) -> int:
        """Close what a crash left open (see the module docstring); how many orders it closed.
        ``refund`` hands money in escrow back (the cash unit's own refund)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(ORDERS).where(ORDERS.c.state.in_(OPEN_STATES))).all()
        for row in rows:
            state = "failed" if row.state == "printing" else "cancelled"
            self.ended(row.idempotency_key, row.order_id, state, 0)
            log.warning("journal: order left %s by a crash closed as %s", row.state, state)
        owed = self.escrow()
        if owed:  # money the cash unit took and neither kept nor gave back: it goes back now
            if refund is not None:
                refund(owed)
            self.cash("refund", owed)
            log.warning("journal: %d yen in escrow at restart returned", owed)
        return len(rows)

    def escrow(self) -> int:
        """Money taken in and not yet kept or given back."""
        totals = {"inserted": 0, "kept": 0, "change": 0, "refund": 0}
        with self.engine.connect() as conn:
            for kind, amount in conn.execute(select(CASH.c.kind, CASH.c.amount)):
                totals[kind] = totals.get(kind, 0) + amount
        return totals["inserted"] - totals["kept"] - totals["change"] - totals["refund"]

    def rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of ``orders``, ``cash`` or ``reports`` (for staff, settlement and tests)."""
        source = {"orders": ORDERS, "cash": CASH, "reports": REPORTS}[table]
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(source))]

    def close(self) -> None:
        self.engine.dispose()

    def _set(self, key: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(ORDERS).where(ORDERS.c.idempotency_key == key).values(updated_at=_now(), **values)
            )


def _durable(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA synchronous = FULL")  # money: every write reaches the disk
    finally:
        cursor.close()


def _report(conn: Any, key: str, order_id: str | None, body: dict[str, Any]) -> None:
    """Queue a report for the centre in ``conn``'s transaction: with the state it reports."""
    conn.execute(
        insert(REPORTS).values(idempotency_key=key, order_id=order_id, body=json.dumps(body), state="pending")
    )


def _cash(conn: Any, kind: str, amount: int, key: str | None, order_id: str | None) -> None:
    conn.execute(
        insert(CASH).values(at=_now(), kind=kind, amount=amount, idempotency_key=key, order_id=order_id)
    )


def _now() -> str:
    return clock.now_utc().isoformat()


class JournaledCash:
    """A cash unit whose every coin and note taken in is in the journal first."""

    def __init__(self, cash: Any, journal: Journal) -> None:
        self._cash, self._journal = cash, journal

    def insert(self, amount: int) -> int:
        total = int(self._cash.insert(amount))  # refused denominations raise before anything is written
        self._journal.cash("inserted", amount)
        return total

    def inserted(self) -> int:
        return int(self._cash.inserted())

    def collect(self, fee: int) -> int:
        return int(self._cash.collect(fee))

    def refund(self) -> int:
        return int(self._cash.refund())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cash, name)


class Reporter:
    """Sends the journal's reports in order until the centre acknowledges each (a thread)."""

    def __init__(self, journal: Journal, center: Any, interval: float = 2.0) -> None:
        self.journal, self.center, self.interval = journal, center, interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def flush(self) -> int:
        """Send what is pending now; how many are still pending afterwards."""
        from kofu.protocol.errors import Conflict, LinkFailed, ProtocolViolation
        from kofu.protocol.kiosk_center import Abandoned, OrderOutcome

        with self._lock:
            for report in self.journal.pending():
                self.journal.tried(report.id)
                try:
                    if report.order_id is None:
                        self.center.abandoned(Abandoned(idempotency_key=report.idempotency_key))
                    else:
                        self.center.outcome(report.order_id, OrderOutcome.model_validate(report.body))
                except LinkFailed:
                    break  # the centre is not there: in order, so stop here and try again later
                except (Conflict, ProtocolViolation) as exc:
                    log.warning("report %d refused by the centre: %s", report.id, exc.code)
                    self.journal.acked(report.id, "refused")
                    continue
                self.journal.acked(report.id)
            return len(self.journal.pending())

    def start(self) -> None:
        """Send in the background every ``interval`` seconds, and at once after ``poke``."""
        self._thread = threading.Thread(target=self._run, name="journal-reports", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.flush()
            except Exception:  # the next round tries again
                log.exception("sending reports failed")
            self._wake.wait(self.interval)
            self._wake.clear()


_OPEN: dict[Path, Journal] = {}
_OPEN_LOCK = threading.Lock()


def kiosk_journal(var_dir: Path, kiosk_id: str) -> Journal:
    """The journal of kiosk ``kiosk_id`` under the state directory (one per file and process)."""
    path = (var_dir / "kiosk" / kiosk_id / "journal.db").resolve()
    with _OPEN_LOCK:
        if path not in _OPEN:
            _OPEN[path] = Journal(path)
        return _OPEN[path]


@contextlib.contextmanager
def recovered(journal: Journal, center: Any, refund: Callable[[int], None] | None = None) -> Iterator[bool]:
    """While held, this process is the kiosk: on entry, close what a crash left open and send
    what is pending (True); when another process holds the kiosk, touch nothing (False)."""
    lock_path = journal.path.with_suffix(".lock")
    with open(lock_path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            journal.recover(refund)
            with contextlib.suppress(Exception):
                Reporter(journal, center).flush()
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
