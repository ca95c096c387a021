"""Start one actor in this process (what `kofu center|gateway|issuer|kiosk` run)."""

from __future__ import annotations

import logging
import sys
from typing import Any

from kofu.config import Settings
from kofu.net.server import serve
from kofu.pki.tls import client_context, server_context
from kofu.storage import make_engine
from kofu.telemetry import doors, metrics, tracing
from kofu.telemetry.asgi import Door, TelemetryMiddleware


def _logging(settings: Settings, actor: str) -> None:
    # Logs carry ids, codes and timings only; request bodies are never logged.
    logging.basicConfig(
        level=logging.INFO,
        format=f"%(asctime)s {actor} %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    tracing.start(settings.var_dir, actor)  # spans to var/telemetry/spans (kofu.telemetry)


def run_center(settings: Settings, replica: int | None = None) -> None:
    """The centre, for kiosks and cities: on the centre port, or (one of several replicas behind
    HAProxy) on its replica port. Its database is migrated first; it sweeps while it runs."""
    from kofu.center.app import create_app
    from kofu.center.auth import CardVerifier, SessionSealer
    from kofu.center.migrate import upgrade
    from kofu.center.service import CenterService
    from kofu.net.client import async_client
    from kofu.protocol import kiosk_center as link
    from kofu.storage import session_factory

    _logging(settings, "center" if replica is None else f"center-{replica}")
    engine = make_engine(settings.center_db_url())
    upgrade(engine)
    db = session_factory(engine)
    context = client_context(settings.pki, "center", "center")
    gateways = {
        code: [async_client(url, context, timeout=40.0) for url in settings.gateway_urls(code)]
        for code in settings.cities
    }
    publisher = trust_publisher(settings, db)
    service = CenterService(
        db=db,
        verifier=CardVerifier(settings.pki),
        sealer=SessionSealer.from_file(settings.var_dir / "center" / "session.key"),
        gateways=gateways,
        seal_keys=lambda: publisher.trust_list().seal_key,
        stores=publisher.directory,
    )
    from kofu.center import history as history_center

    service.history_key = history_center.signing_key(settings.pki)  # heads published by the sweeper
    service.city_head_key = history_center.city_key_lookup(settings.pki)  # and the cities' heads kept
    port = settings.center_port if replica is None else settings.center_replica_port(replica)
    app = create_app(service, sweep_after=settings.sweep_after, sweep_interval=settings.sweep_interval)
    serve(
        TelemetryMiddleware(app, door=doors.peer_door(("center", None)), untraced={link.HEALTH.path}),
        settings.host,
        port,
        server_context(settings.pki, "center", "center"),
    )


def trust_publisher(settings: Settings, db: Any) -> Any:
    """The centre's trust list, naming the cities the centre knows (its ``cities`` table)."""
    from kofu.center.models import City
    from kofu.pki.trust import TrustPublisher

    with db() as session:
        names = {city.code: city.name for city in session.query(City).all()}
    return TrustPublisher(
        settings.pki,
        {code: names.get(code, code) for code in settings.cities},
        settings.public_verify_url,
        stores_file=settings.stores_file,
    )


def run_verifier(settings: Settings) -> None:
    """The public verifier: the trust list and the verification page, for anyone (server-only TLS),
    in a process of its own so that nothing sent there can slow the centre's kiosk API."""
    from kofu.center.migrate import upgrade
    from kofu.storage import session_factory
    from kofu.verifier.app import create_public_app, public_tls_context

    _logging(settings, "verifier")
    engine = make_engine(settings.center_db_url())
    upgrade(engine)
    app = create_public_app(trust_publisher(settings, session_factory(engine)))
    metrics.serve_locally(settings.var_dir, "verifier")  # its public port shows no metrics
    serve(
        TelemetryMiddleware(app, door=doors.closed, traced=False),
        settings.host,
        settings.public_port,
        public_tls_context(settings.pki),
    )


def run_gateway(settings: Settings, city: str, index: int = 0) -> None:
    """One of a city's gateways, for the centre and that city's issuers."""
    from kofu.city.gateway.app import create_app
    from kofu.protocol.center_gateway import HEALTH
    from kofu.protocol.gateway_issuer import PULL

    _logging(settings, f"gateway-{city}" + (f"-{index}" if index else ""))
    context = server_context(settings.pki, "gateway", city)
    door = doors.peer_door(("issuer", city), ("center", None))
    app = TelemetryMiddleware(create_app(city), door=door, untraced={PULL.path, HEALTH.path})
    serve(app, settings.host, settings.gateway_port(city, index), context)


def run_issuer(settings: Settings, city: str) -> None:
    """One city's issuer: pulls from every gateway of its city; opens no port."""
    from kofu.city.issuer.service import IssuerService
    from kofu.city.issuer.worker import run_workers
    from kofu.city.registry.db import create_schema, session_factory

    _logging(settings, f"issuer-{city}")
    engine = make_engine(settings.city_db_url(city))
    create_schema(engine)
    service = IssuerService(city, session_factory(engine), settings.pki)
    context = client_context(settings.pki, "issuer", city)
    metrics.serve_locally(settings.var_dir, f"issuer-{city}")  # it opens no port but loopback's
    run_workers(service, settings.gateway_urls(city), context, settings.issuer_workers)


def run_kiosk(settings: Settings) -> None:
    """The kiosk's touch screen (local HTTP on loopback), its devices and its link to the centre.

    The devices are those the settings name (`kofu.kiosk.equipment`): a copier's own drivers,
    or the simulated ones, each of which says so in the log.
    """
    from kofu.kiosk.app import create_app
    from kofu.kiosk.center import CenterLink
    from kofu.kiosk.equipment import build_devices
    from kofu.kiosk.journal import kiosk_journal
    from kofu.kiosk.visit import Visit

    _logging(settings, "kiosk")
    center = CenterLink(
        settings.center_url, client_context(settings.pki, "kiosk", settings.kiosk_id), settings.kiosk_id
    )
    visit = Visit(
        center,
        build_devices(settings),
        journal=kiosk_journal(settings.var_dir, settings.kiosk_id),
        idle_timeout=float(settings.kiosk_idle_timeout),
    )
    # The maintenance key (created on first start) is in var/kiosk/maintenance.key; never logged.
    try:
        app = TelemetryMiddleware(create_app(settings, visit), door=_kiosk_door(settings), traced=False)
        serve(app, settings.host, settings.kiosk_port, None)
    finally:
        center.close()


def _kiosk_door(settings: Settings) -> Door:
    """The kiosk's ``/metrics``: its own host names and the maintenance key."""
    from kofu.kiosk.guard import own_hosts
    from kofu.kiosk.maintenance import load_or_create_key

    key = load_or_create_key(settings.var_dir / "kiosk")
    return doors.key_door(own_hosts(settings.host, settings.kiosk_port), key)
