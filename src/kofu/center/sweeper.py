"""The centre's sweep: no order stays open, and every city learns how its orders ended.

Runs in every centre process at start and then every ``INTERVAL`` seconds (several replicas
sweeping at once do no harm: every step is idempotent).

1. Orders still ``created``/``forwarded`` after ``FORWARD_GRACE`` (the centre that forwarded
   them died, or the link failed): the city is asked what it knows. Never seen → ``failed``
   (``city.unavailable``); refused → ``refused``; sealed or still rendering → ``failed`` with
   ``center.swept`` (no kiosk holds it — or, if one does after all, its report of the print
   corrects the row: the kiosk's journal is the truth).
2. Orders ``sealed``/``delivered``/``paid`` that no kiosk reported for ``sweep_after`` seconds:
   ``failed`` with ``center.swept`` (correctable the same way).
3. Ended orders the city has not been told of: one ``outcome`` request per city, in batches,
   so the city's issuance log records for each issue number whether it was delivered. An order
   the city answers it has no row for is told again at the next sweeps for ``TELL_AGAIN``: a
   request re-delivered after its order ended (its issuer died holding it) may still be issued.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool

from kofu import clock
from kofu.center import orders
from kofu.center.models import Order, TreeHeadRecord
from kofu.center.outcomes import SWEPT
from kofu.protocol.center_gateway import HeadsCall, OutcomeCall, StatusCall
from kofu.protocol.errors import KofuError
from kofu.protocol.heads import city_log_id

log = logging.getLogger("kofu.center.sweep")

INTERVAL = 30.0
FORWARD_GRACE = timedelta(seconds=90)
TELL_AGAIN = timedelta(minutes=10)
BATCH = 64
_TOLD = {"printed": "printed", "failed": "failed", "cancelled": "cancelled"}


class Sweeper:
    """Sweeps the history of one centre service (see the module docstring)."""

    def __init__(self, service: object, sweep_after: float, interval: float = INTERVAL) -> None:
        from kofu.center.service import CenterService

        assert isinstance(service, CenterService)
        self.service = service
        self.sweep_after = timedelta(seconds=sweep_after)
        self.interval = interval

    async def run(self) -> None:
        """Sweep now and then every ``interval`` seconds, until cancelled."""
        while True:
            try:
                await self.sweep()
            except Exception:  # a sweep that failed is tried again next time
                log.exception("sweep failed")
            await asyncio.sleep(self.interval)

    async def sweep(self) -> dict[str, int]:
        """One pass; how many orders each step closed or told."""
        now = clock.now_utc()
        db = self.service.db
        counts = {"asked": 0, "closed": 0, "told": 0}
        lost = await run_in_threadpool(orders.stale, db, ("created", "forwarded"), now - FORWARD_GRACE)
        for city, rows in _by_city(lost).items():
            for batch in _batches(rows):
                counts["asked"] += len(batch)
                counts["closed"] += await self._ask_and_close(city, batch)
        unreported = await run_in_threadpool(
            orders.stale, db, ("sealed", "delivered", "paid"), now - self.sweep_after
        )
        for row in unreported:
            await run_in_threadpool(orders.sweep_close, db, row.order_id, SWEPT)
            counts["closed"] += 1
        untold = await run_in_threadpool(orders.untold, db)
        for city, rows in _by_city(untold).items():
            for batch in _batches(rows):
                counts["told"] += await self._tell(city, batch)
        if self.service.history_key is not None:  # the history's signed head, at every sweep
            head = await run_in_threadpool(_publish_head, db, self.service.history_key)
            for city in list(self.service.gateways):
                await self._exchange_heads(city, head)
        if any(counts.values()):
            log.info("sweep: %s", counts)
        return counts

    async def _ask_and_close(self, city: str, rows: list[Order]) -> int:
        call = StatusCall(request_id=_rid(), city_code=city, order_ids=[r.order_id for r in rows])
        try:
            answer = await self.service._ask_city(call)
        except KofuError as exc:
            log.warning("sweep: city %s did not answer (%s)", city, exc.code)
            return 0
        known = answer.statuses or {}
        for row in rows:
            status = known.get(row.order_id)
            if status is None:
                await run_in_threadpool(orders.sweep_close, self.service.db, row.order_id, "city.unavailable")
            elif status == "refused":
                await run_in_threadpool(orders.close, self.service.db, row.order_id, "refused", "refused")
            else:
                await run_in_threadpool(orders.sweep_close, self.service.db, row.order_id, SWEPT)
        return len(rows)

    async def _exchange_heads(self, city: str, head: str) -> None:
        """Give the city the centre's head, keep the city's (checked with its seal key)."""
        call = HeadsCall(request_id=_rid(), city_code=city, center_head=head)
        try:
            answer = await self.service._ask_city(call)
        except KofuError as exc:
            log.warning("sweep: no head exchanged with city %s (%s)", city, exc.code)
            return
        if answer.head is not None and self.service.city_head_key is not None:
            await run_in_threadpool(
                _keep_city_head, self.service.db, self.service.city_head_key, city, answer.head
            )

    async def _tell(self, city: str, rows: list[Order]) -> int:
        outcomes = {r.order_id: _TOLD[r.status] for r in rows if r.status in _TOLD}
        if not outcomes:
            return 0
        call = OutcomeCall(request_id=_rid(), city_code=city, outcomes=outcomes)  # type: ignore[arg-type]
        try:
            answer = await self.service._ask_city(call)
        except KofuError as exc:
            log.warning("sweep: could not tell city %s (%s)", city, exc.code)
            return 0
        # An order the city has no row for is told again at the next sweeps, until TELL_AGAIN has
        # passed since it ended: a request re-delivered after the order ended (its issuer died
        # holding it) may still be issued, and the city's log must learn how that order ended.
        unknown = set(answer.unknown or ())
        now = clock.now_utc()
        told = [
            r.order_id
            for r in rows
            if r.order_id in outcomes and (r.order_id not in unknown or _past(r, now))
        ]
        await run_in_threadpool(orders.told, self.service.db, told)
        return len(told)


def _past(row: Order, now: datetime) -> bool:
    """Whether ``row`` ended more than TELL_AGAIN before ``now`` (a row without an end: yes)."""
    ended = row.finished_at
    if ended is None:
        return True
    if ended.tzinfo is None:  # SQLite gives back naive UTC
        ended = ended.replace(tzinfo=UTC)
    return now - ended > TELL_AGAIN


def _publish_head(db: Any, key: Any) -> str:
    from kofu.center import history
    from kofu.history import log as history_log

    history.sequence(db)
    with db.begin() as session:
        return history_log.publish(session, history.TABLE, key).to_json()


def _keep_city_head(db: Any, keys: Any, city: str, text: str) -> None:
    """Keep a city's signed head once its signature checks with the city's seal key."""
    from kofu.history import log as history_log
    from kofu.ledger import InvalidHead, SignedTreeHead, verify_head
    from kofu.pki.errors import PkiError

    try:
        sth = SignedTreeHead.from_json(text)
        verify_head(keys(city), sth, log_id=city_log_id(city))
    except (InvalidHead, LookupError, ValueError, OSError, PkiError) as exc:
        log.warning("sweep: city %s gave a head that does not verify (%s)", city, exc)
        return
    with db.begin() as session:
        history_log.keep(session, TreeHeadRecord, sth)


def _by_city(rows: list[Order]) -> dict[str, list[Order]]:
    grouped: dict[str, list[Order]] = defaultdict(list)
    for row in rows:
        grouped[row.city_code].append(row)
    return grouped


def _batches(rows: list[Order]) -> list[list[Order]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def _rid() -> str:
    import secrets

    return secrets.token_hex(16)
