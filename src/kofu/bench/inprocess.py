"""The bench's in-process limit: the same 1-page 住民票 orders through the issuer's order path,
in this process, with no network — what one issuer thread could do if links cost nothing.

The orders run against an in-memory copy of the city's SQLite registry (taken with SQLite's
backup), so they take no issue numbers and leave no rows in the running city; nothing of the
copy reaches a file. With another database the limit is not measured.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.procstat import own_cpu
from kofu.protocol.errors import KofuError


class InProcessRefused(RuntimeError):
    """The city refused the in-process order (its stable code is the message): nothing to measure."""


@dataclass(frozen=True)
class InProcess:
    """``orders`` orders of ``city`` through the order path: wall and CPU seconds they took."""

    city: str
    orders: int
    wall_seconds: float
    cpu_seconds: float

    @property
    def orders_per_s(self) -> float:
        return self.orders / self.wall_seconds if self.wall_seconds > 0 else 0.0

    @property
    def ms_per_order(self) -> float:
        return self.wall_seconds / self.orders * 1000 if self.orders else 0.0

    @property
    def cpu_ms_per_order(self) -> float:
        return self.cpu_seconds / self.orders * 1000 if self.orders else 0.0


def inprocess_limit(settings: Settings, card: DemoCard, orders: int) -> InProcess | None:
    """Run ``orders`` 1-page 住民票 orders for ``card``'s holder through the issuer's order path;
    None when there is nothing to measure (no orders, a registry that is not SQLite)."""
    url = make_url(settings.city_db_url(card.city))
    if orders < 1 or url.get_backend_name() != "sqlite" or not url.database:
        return None
    if not Path(url.database).exists():  # the city's registry is on another machine
        return None
    memory = sqlite3.connect(":memory:", check_same_thread=False)
    source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
    try:
        source.backup(memory)
    finally:
        source.close()
    engine = create_engine("sqlite://", creator=lambda: memory, poolclass=StaticPool)
    event.listen(engine, "connect", lambda conn, _rec: conn.execute("PRAGMA foreign_keys = ON"))
    try:
        return _orders(settings, engine, card, orders)
    except KofuError as exc:  # refused (the document is not offered, say): there is no limit to show
        raise InProcessRefused(exc.code) from exc
    finally:
        engine.dispose()
        memory.close()


def _orders(settings: Settings, engine, card: DemoCard, orders: int) -> InProcess:  # type: ignore[no-untyped-def]
    from kofu.city.issuer.service import IssuerService
    from kofu.city.registry.models import Card
    from kofu.storage import session_factory

    db = session_factory(engine)
    with db() as session:
        serial = session.scalars(select(Card.cert_serial_hex).where(Card.label == card.card)).one()
    service = IssuerService(card.city, db, settings.pki)
    _issued(service.order(_call(card.city, serial)))  # the first order loads what is loaded once
    wall, cpu = time.perf_counter(), own_cpu()
    for _ in range(orders):
        _issued(service.order(_call(card.city, serial)))
    return InProcess(card.city, orders, time.perf_counter() - wall, own_cpu() - cpu)


def _issued(result) -> None:  # type: ignore[no-untyped-def]
    if result.status != "issued":
        raise InProcessRefused(result.error.code if result.error else "order.invalid")


def _call(city: str, serial: str):  # type: ignore[no-untyped-def]
    """One 1-page 住民票 order as the centre forwards it (a fresh kiosk key each time)."""
    from kofu.protocol.center_gateway import OrderCall
    from kofu.protocol.kiosk_center import OrderRequest

    key = X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    order = OrderRequest(
        city_code=city,
        doc="juminhyo",
        options={"household": "self"},
        copies=1,
        kiosk_public_key=key,
        idempotency_key=secrets.token_hex(8),
    )
    return OrderCall(
        request_id=secrets.token_hex(16),
        city_code=city,
        card_serial=serial,
        kiosk_id="K9001",
        order_id=secrets.token_hex(16),
        order=order,
    )
