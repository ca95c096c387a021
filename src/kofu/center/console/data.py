"""What the operator console shows, from the centre's database and its PKI files (no personal data)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import ssl
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography import x509
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from kofu import clock
from kofu.center import stops
from kofu.center.models import Challenge, City, CityEvent, Order
from kofu.config import Settings
from kofu.console import chart
from kofu.pki.trust import TrustListError, load_trust_list, signer_cert_path

WINDOW = dt.timedelta(minutes=15)
CHALLENGE_TTL = dt.timedelta(minutes=5)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


@dataclass(frozen=True)
class CityRow:
    code: str
    name: str
    stopped: bool
    stopped_by: str | None
    stop_reason: str | None
    stopped_at: dt.datetime | None
    misissuance: int


def cities(db: sessionmaker[Session]) -> list[CityRow]:
    with db() as session:
        counts = dict(
            session.execute(
                select(CityEvent.city_code, func.count())
                .where(CityEvent.kind.in_(("misissuance_proven", "misissuance_suspected")))
                .group_by(CityEvent.city_code)
            ).all()
        )
        return [
            CityRow(
                c.code,
                c.name,
                c.stopped,
                c.stopped_by,
                c.stop_reason,
                _aware(c.stopped_at),
                counts.get(c.code, 0),
            )
            for c in session.scalars(select(City).order_by(City.code))
        ]


def events(db: sessionmaker[Session], limit: int = 30) -> list[CityEvent]:
    return stops.events(db, None, limit)


@dataclass(frozen=True)
class KioskRow:
    kiosk_id: str
    store_id: str
    last_seen: dt.datetime | None
    orders: int
    failed: int
    last_error: str | None


def kiosks(db: sessionmaker[Session]) -> list[KioskRow]:
    """Every kiosk the history knows: its store, when it was last seen (an order or a card
    session), its orders and failures in the last day, and its last failure's code."""
    since = clock.now_utc() - dt.timedelta(days=1)
    with db() as session:
        seen: dict[str, dt.datetime] = {}
        for kiosk, expires in session.execute(
            select(Challenge.kiosk_id, func.max(Challenge.expires_at)).group_by(Challenge.kiosk_id)
        ):
            if expires is not None:
                seen[kiosk] = _utc(expires) - CHALLENGE_TTL
        rows = session.execute(
            select(
                Order.kiosk_id,
                Order.store_id,
                func.max(func.coalesce(Order.updated_at, Order.created_at)),
                func.count(),
                func.sum(case((Order.status == "failed", 1), else_=0)),
            )
            .where(Order.created_at >= since)
            .group_by(Order.kiosk_id, Order.store_id)
        ).all()
        found = []
        for kiosk, store, last, count, failed in rows:
            last_error = session.scalars(
                select(Order.outcome)
                .where(Order.kiosk_id == kiosk, Order.status == "failed")
                .order_by(Order.created_at.desc())
                .limit(1)
            ).first()
            last_seen = max(t for t in (_aware(last), seen.pop(kiosk, None)) if t is not None)
            found.append(KioskRow(kiosk, store, last_seen, count, int(failed or 0), last_error))
        found += [KioskRow(k, "—", t, 0, 0, None) for k, t in seen.items()]
        return sorted(found, key=lambda r: r.kiosk_id)


@dataclass
class Throughput:
    """Orders per minute over the window, and latency (order to its end) p50/p99, per city and total."""

    minutes: list[str] = field(default_factory=list)
    per_minute: dict[str, list[int]] = field(default_factory=dict)
    latency: dict[str, tuple[int, float | None, float | None]] = field(default_factory=dict)
    #: Every city together, minute by minute, for the chart (``kofu.console.chart``).
    figure: chart.Minutes = field(default_factory=chart.Minutes)


def throughput(db: sessionmaker[Session], window: dt.timedelta = WINDOW) -> Throughput:
    now = clock.now_utc().replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    start = now - window
    buckets = int(window.total_seconds() // 60)
    view = Throughput(
        minutes=[f"{clock.in_japan(start + dt.timedelta(minutes=i)):%H:%M}" for i in range(buckets)]
    )
    latencies: dict[str, list[float]] = {}
    timed: list[tuple[dt.datetime, float | None]] = []
    with db() as session:
        rows = session.execute(
            select(Order.city_code, Order.created_at, Order.finished_at).where(Order.created_at >= start)
        ).all()
    for city, created_at, finished in rows:
        created = _utc(created_at)
        timed.append((created, (_utc(finished) - created).total_seconds() if finished is not None else None))
        for key in (city, "total"):
            counts = view.per_minute.setdefault(key, [0] * buckets)
            index = int((created - start).total_seconds() // 60)
            if 0 <= index < buckets:
                counts[index] += 1
            if finished is not None:
                latencies.setdefault(key, []).append((_utc(finished) - created).total_seconds())
    for key in view.per_minute:
        values = latencies.get(key, [])
        view.latency[key] = (len(values), chart.percentile(values, 50), chart.percentile(values, 99))
    view.figure = chart.by_minute(timed, window)
    return view


@dataclass(frozen=True)
class PkiState:
    crl_number: int | None
    crl_issued: dt.datetime | None
    crl_next: dt.datetime | None
    crl_revoked: int
    trust_version: str | None
    trust_issued: dt.datetime | None
    trust_next: dt.datetime | None
    trust_seals: int
    trust_revoked: int
    trust_error: str | None
    now: dt.datetime


def pki(settings: Settings) -> PkiState:
    """The JPKI CRL the centre checks cards against, and the trust list its public address serves."""
    crl_number = crl_issued = crl_next = None
    revoked = 0
    try:
        crl = x509.load_pem_x509_crl(settings.pki.jpki_crl.read_bytes())
        crl_issued, crl_next, revoked = crl.last_update_utc, crl.next_update_utc, len(list(crl))
        with contextlib.suppress(x509.ExtensionNotFound):
            crl_number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except (OSError, ValueError):
        pass
    trust: dict[str, Any] = {
        "version": None,
        "issued": None,
        "next": None,
        "seals": 0,
        "revoked": 0,
        "error": None,
    }
    try:
        context = ssl.create_default_context(cafile=str(settings.pki.network_ca_cert))
        response = httpx.get(f"{settings.public_url}/trust-list", verify=context, timeout=5.0)
        response.raise_for_status()
        listed = load_trust_list(
            response.content, x509.load_pem_x509_certificate(signer_cert_path(settings.pki).read_bytes())
        )
        trust.update(
            version=hashlib.sha256(listed.raw).hexdigest()[:16],
            issued=listed.issued_at,
            next=listed.next_update,
            seals=len(listed.seals),
            revoked=len(listed.revoked),
        )
    except (httpx.HTTPError, TrustListError, OSError, ValueError) as exc:
        trust["error"] = type(exc).__name__
    return PkiState(
        crl_number,
        crl_issued,
        crl_next,
        revoked,
        trust["version"],
        trust["issued"],
        trust["next"],
        trust["seals"],
        trust["revoked"],
        trust["error"],
        clock.now_utc(),
    )
