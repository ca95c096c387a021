"""What the operator console shows, from the centre's database and its PKI files (no personal data)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import ssl
from collections.abc import Iterable
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
from kofu.console import chart, metrics
from kofu.pki.tls import client_context
from kofu.pki.trust import TrustListError, load_trust_list, signer_cert_path

WINDOW = dt.timedelta(minutes=15)
METRICS_PATH = "/metrics"
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
    """Orders per minute over the window, and latency p50/p99, per city and in total — from the
    centre processes' ``kofu_order_seconds`` histogram as the console scraped it
    (``kofu.console.metrics``): its ``_count`` counts the orders, its buckets time them."""

    minutes: list[str] = field(default_factory=list)
    per_minute: dict[str, list[int]] = field(default_factory=dict)
    latency: dict[str, tuple[int, float | None, float | None]] = field(default_factory=dict)
    #: Every city together, minute by minute, for the chart (``kofu.console.chart``).
    figure: chart.Minutes = field(default_factory=chart.Minutes)


ORDER_HISTOGRAM = "kofu_order_seconds"


def throughput(
    samples: Iterable[metrics.Sample], window: dt.timedelta = WINDOW, now: dt.datetime | None = None
) -> Throughput:
    samples = list(samples)

    def read(group: metrics.Select) -> metrics.Window:
        return metrics.window(
            samples,
            counter=f"{ORDER_HISTOGRAM}_count",
            histogram=ORDER_HISTOGRAM,
            group=group,
            span=window,
            now=now,
        )

    by_city, together = read(lambda _name, labels: labels.get("city")), read(lambda _name, _labels: "total")
    view = Throughput(minutes=by_city.labels, figure=together.minutes("total"))
    for key, found in [(city, by_city) for city in sorted(by_city.counts)] + [("total", together)]:
        figures = found.minutes(key)
        if key == "total" and not found.counts:
            continue
        view.per_minute[key] = figures.counts
        view.latency[key] = (figures.finished, figures.total_p50, figures.total_p99)
    return view


def metrics_targets(settings: Settings) -> metrics.Targets:
    """Every centre process (each replica when several run behind HAProxy: their counters are
    their own), read with the centre's own certificate, the one its ``/metrics`` door lets in."""
    contexts: list[ssl.SSLContext] = []

    def targets() -> list[metrics.Target]:
        if not contexts:
            contexts.append(client_context(settings.pki, "center", "center"))
        if settings.center_replicas > 1:
            urls = [
                (f"center-{n}", f"https://{settings.host}:{settings.center_replica_port(n)}")
                for n in range(settings.center_replicas)
            ]
        else:
            urls = [("center", settings.center_url)]
        return [metrics.Target(name, url + METRICS_PATH, contexts[0]) for name, url in urls]

    return targets


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
