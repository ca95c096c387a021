"""The issuer's order path alone, in this process: what one order costs with no network.

:func:`run_inprocess` builds an :class:`IssuerService` for a demo city in a scratch directory
(a fresh PKI, unless one is given, and a seeded SQLite registry), then sends ``orders`` one-page
住民票 orders (the card holder alone, one copy) straight through :meth:`IssuerService.order`:
rules, render, confirmation, seal, read-back, envelope. The first order is a warm-up (fonts
and keys loaded once per process) and is not counted. ``kofu bench`` prints the result as the
chain's in-process limit; ``profile`` writes a cProfile of the counted orders.
"""

from __future__ import annotations

import cProfile
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kofu.city.issuer.service import IssuerService
from kofu.city.registry.db import create_schema
from kofu.city.registry.seed import register_card, seed_city
from kofu.config import Settings
from kofu.pki.init import init_pki
from kofu.pki.paths import PkiPaths
from kofu.protocol.center_gateway import OrderCall
from kofu.protocol.kiosk_center import OrderRequest
from kofu.storage import make_engine, session_factory

CITY = "132292"
# A fixed working day at noon: the city's hours are open and ages are those of the seed.
DAY = date(2026, 11, 30)
NOON = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
_CARD = "1A2B3C4D"


@dataclass(frozen=True)
class InprocessResult:
    """What the counted orders cost: CPU and wall time per order, in milliseconds."""

    orders: int
    cpu_ms_per_order: float
    wall_ms_per_order: float
    cpu_s: float
    wall_s: float

    @property
    def orders_per_second(self) -> float:
        """The orders one core could issue per second at this cost."""
        return 1000.0 / self.cpu_ms_per_order if self.cpu_ms_per_order > 0 else 0.0


def run_inprocess(
    source: Settings | PkiPaths | None = None,
    orders: int = 50,
    *,
    profile: Path | None = None,
    households: int = 8,
) -> InprocessResult:
    """Issue ``orders`` one-page 住民票 through the issuer's order path (see the module docstring).

    ``source``: the settings (their PKI is used, read-only) or a PKI; ``None`` makes a scratch one.
    """
    if orders < 1:
        raise ValueError("orders must be at least 1")
    scratch = Path(tempfile.mkdtemp(prefix="kofu-inprocess-"))
    try:
        pki = _pki(source, scratch)
        service = _service(pki, scratch / "city.db", households)
        key = X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        _order(service, key)  # warm-up: fonts, keys, imports
        profiler = cProfile.Profile() if profile is not None else None
        cpu0, wall0 = time.process_time(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        for _ in range(orders):
            _order(service, key)
        if profiler is not None:
            profiler.disable()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        if profiler is not None and profile is not None:
            profiler.dump_stats(str(profile))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return InprocessResult(orders, cpu * 1000 / orders, wall * 1000 / orders, cpu, wall)


def _pki(source: Settings | PkiPaths | None, scratch: Path) -> PkiPaths:
    if isinstance(source, Settings):
        return source.pki
    if isinstance(source, PkiPaths):
        return source
    paths = PkiPaths(scratch / "pki")
    init_pki(paths, cities=[CITY], kiosks=[])
    return paths


def _service(pki: PkiPaths, db_path: Path, households: int) -> IssuerService:
    engine = make_engine(f"sqlite:///{db_path}")
    create_schema(engine)
    db = session_factory(engine)
    with db.begin() as session:
        people = seed_city(session, CITY, seed=2016, households=households, as_of=DAY)
        holder = next(p for p in people if _plain(p.traits))
        register_card(session, holder.resident_id, _CARD, "inprocess")
    return IssuerService(CITY, db, pki, today=lambda: DAY, now=lambda: NOON)


_UNUSUAL = {"dv-protected", "moved-out", "deceased", "pending-change", "foreign-resident", "long-address"}


def _plain(traits: tuple[str, ...]) -> bool:
    """An adult resident with a plain one-page 住民票 (no restriction, no long address)."""
    return "adult" in traits and not _UNUSUAL.intersection(traits)


def _order(service: IssuerService, kiosk_key: bytes) -> None:
    order = OrderRequest(
        city_code=CITY,
        doc="juminhyo",
        options={"household": "self"},
        copies=1,
        kiosk_public_key=kiosk_key,
        idempotency_key=secrets.token_hex(8),
    )
    call = OrderCall(
        request_id=secrets.token_hex(4),
        city_code=CITY,
        card_serial=_CARD,
        kiosk_id="K0001",
        order_id=secrets.token_hex(16),
        order=order,
    )
    result = service.order(call)
    if result.status != "issued":
        raise RuntimeError(f"in-process order not issued: {result.status} {result.error}")
