"""Start one actor in this process (what `kofu center|gateway|issuer|kiosk` run)."""

from __future__ import annotations

import logging
import sys

from kofu.config import Settings
from kofu.net.server import serve
from kofu.pki.tls import client_context, server_context
from kofu.storage import make_engine


def _logging(settings: Settings, actor: str) -> None:
    # Logs carry ids, codes and timings only; request bodies are never logged.
    logging.basicConfig(
        level=logging.INFO,
        format=f"%(asctime)s {actor} %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)


def run_center(settings: Settings) -> None:
    """The centre, for kiosks, on the centre port."""
    from kofu.center.app import create_app
    from kofu.center.auth import CardVerifier, SessionSealer
    from kofu.center.models import Base
    from kofu.center.service import CenterService
    from kofu.net.client import async_client
    from kofu.storage import session_factory

    _logging(settings, "center")
    engine = make_engine(settings.center_db_url())
    Base.metadata.create_all(engine)
    context = client_context(settings.pki, "center", "center")
    gateways = {
        code: async_client(settings.gateway_url(code), context, timeout=40.0) for code in settings.cities
    }
    service = CenterService(
        db=session_factory(engine),
        verifier=CardVerifier(settings.pki),
        sealer=SessionSealer.from_file(settings.var_dir / "center" / "session.key"),
        gateways=gateways,
    )
    start_public(settings)
    serve(
        create_app(service),
        settings.host,
        settings.center_port,
        server_context(settings.pki, "center", "center"),
    )


def start_public(settings: Settings) -> None:
    """The centre's public server (trust list, verification page) in a daemon thread of its own."""
    import threading

    from kofu.center.public import create_public_app, public_tls_context
    from kofu.city.registry.cities import CITIES
    from kofu.net.server import make_server
    from kofu.pki.trust import TrustPublisher

    names = {code: CITIES[code].name if code in CITIES else code for code in settings.cities}
    app = create_public_app(TrustPublisher(settings.pki, names, settings.public_verify_url))
    server = make_server(app, settings.host, settings.public_port, public_tls_context(settings.pki))
    threading.Thread(target=server.run, name="public", daemon=True).start()


def run_gateway(settings: Settings, city: str) -> None:
    """One city's gateway, for the centre and that city's issuer."""
    from kofu.city.gateway.app import create_app

    _logging(settings, f"gateway-{city}")
    context = server_context(settings.pki, "gateway", city)
    serve(create_app(city), settings.host, settings.gateway_port(city), context)


def run_issuer(settings: Settings, city: str) -> None:
    """One city's issuer: pulls from its gateway; opens no port."""
    from kofu.city.issuer.service import IssuerService
    from kofu.city.issuer.worker import run_workers
    from kofu.city.registry.db import create_schema, session_factory

    _logging(settings, f"issuer-{city}")
    engine = make_engine(settings.city_db_url(city))
    create_schema(engine)
    service = IssuerService(city, session_factory(engine), pki=settings.pki)
    context = client_context(settings.pki, "issuer", city)
    run_workers(service, settings.gateway_url(city), context, settings.issuer_workers)


def run_kiosk(settings: Settings) -> None:
    """The kiosk's touch screen (local HTTP on loopback), its devices and its link to the centre.

    The devices are those the settings name (`kofu.kiosk.equipment`): a copier's own drivers,
    or the simulated ones, each of which says so in the log.
    """
    from kofu.kiosk.app import create_app
    from kofu.kiosk.center import CenterLink
    from kofu.kiosk.equipment import build_devices
    from kofu.kiosk.visit import Visit

    _logging(settings, "kiosk")
    center = CenterLink(
        settings.center_url, client_context(settings.pki, "kiosk", settings.kiosk_id), settings.kiosk_id
    )
    visit = Visit(center, build_devices(settings), idle_timeout=float(settings.kiosk_idle_timeout))
    # The maintenance key (created on first start) is in var/kiosk/maintenance.key; never logged.
    try:
        serve(create_app(settings, visit), settings.host, settings.kiosk_port, None)
    finally:
        center.close()
