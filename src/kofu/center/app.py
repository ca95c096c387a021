"""The centre's HTTP surface for kiosks and cities (mTLS; each peer is known by its certificate).

Every route is an endpoint of ``kofu.protocol.kiosk_center`` or ``kofu.protocol.city_center``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import FastAPI, Header, Path

from kofu.center import city_status, registrations, routes_api
from kofu.center.deps import Service
from kofu.center.service import CenterService
from kofu.center.sweeper import Sweeper
from kofu.net.app import PeerDep, expect_peer, install_error_handlers
from kofu.protocol import kiosk_center as link
from kofu.protocol.kiosk_center import (
    SESSION_HEADER,
    Abandoned,
    Health,
    Menu,
    MenuRequest,
    NoticeRequest,
    Notices,
    OrderOutcome,
    OrderRequest,
    OrderResult,
    OutcomeRecorded,
    SessionAuth,
    SessionAuthenticated,
    SessionChallenge,
    SessionOpen,
)
from kofu.protocol.link import route
from kofu.protocol.types import ID_PATTERN
from kofu.telemetry import metrics
from kofu.telemetry.relay import order_noted
from kofu.telemetry.tracing import note

Token = Annotated[str | None, Header(alias=SESSION_HEADER, max_length=2048)]
SessionId = Annotated[str, Path(pattern=ID_PATTERN)]
OrderId = Annotated[str, Path(pattern=ID_PATTERN)]


def create_app(
    service: CenterService | None = None, *, sweep_after: float | None = None, sweep_interval: float = 30.0
) -> FastAPI:
    """The centre, serving kiosks and cities through `service` (None: for its OpenAPI only).
    With ``sweep_after``, the app sweeps the history while it runs (``kofu.center.sweeper``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sweeping = None
        if app.state.service is not None and sweep_after is not None:
            sweeping = asyncio.create_task(Sweeper(app.state.service, sweep_after, sweep_interval).run())
        yield
        if sweeping is not None:
            sweeping.cancel()
        if app.state.service is not None:
            for clients in app.state.service.gateways.values():
                for client in clients:
                    await client.aclose()

    app = FastAPI(title="kofu centre", lifespan=lifespan, docs_url=None, redoc_url=None)
    install_error_handlers(app)
    app.state.service = service
    routes_api.install(app)  # cities register card routes
    registrations.install(app)  # 利用登録: relayed applications, 本籍地 routes
    city_status.install(app)  # a city's own state and counts, stop/resume (the city console)

    @route(app, link.OPEN_SESSION)
    async def open_session(body: SessionOpen, peer: PeerDep, service: Service) -> SessionChallenge:
        expect_peer(peer, "kiosk", body.kiosk_id)
        return await service.step(service.open_session, body.kiosk_id)

    @route(app, link.AUTHENTICATE)
    async def authenticate(
        session_id: SessionId, body: SessionAuth, peer: PeerDep, service: Service
    ) -> SessionAuthenticated:
        kiosk = expect_peer(peer, "kiosk").ident
        return await service.step(service.authenticate, kiosk, session_id, body)

    @route(app, link.MENU)
    async def menu(body: MenuRequest, peer: PeerDep, service: Service, token: Token = None) -> Menu:
        return await service.menu(service.session(expect_peer(peer, "kiosk").ident, token), body)

    @route(app, link.NOTICES)
    async def notices(body: NoticeRequest, peer: PeerDep, service: Service, token: Token = None) -> Notices:
        return await service.notices(service.session(expect_peer(peer, "kiosk").ident, token), body)

    @route(app, link.ORDER)
    async def order(body: OrderRequest, peer: PeerDep, service: Service, token: Token = None) -> OrderResult:
        session = service.session(expect_peer(peer, "kiosk").ident, token)
        started = time.perf_counter()
        try:
            return order_noted(body, await service.order(session, body))
        finally:  # every order, refused or failed too; a city the centre does not serve is "other"
            city = body.city_code if body.city_code in service.gateways else "other"
            metrics.order_timed(city, time.perf_counter() - started)

    @route(app, link.OUTCOME)
    async def outcome(
        order_id: OrderId, body: OrderOutcome, peer: PeerDep, service: Service
    ) -> OutcomeRecorded:
        kiosk = expect_peer(peer, "kiosk").ident
        note(order_id=order_id, outcome=body.outcome)
        return await service.step(service.outcome, kiosk, order_id, body)

    @route(app, link.ABANDONED)
    async def abandoned(body: Abandoned, peer: PeerDep, service: Service) -> OutcomeRecorded:
        return await service.step(service.abandoned, expect_peer(peer, "kiosk").ident, body)

    @route(app, link.HEALTH)
    async def health(peer: PeerDep) -> Health:
        expect_peer(peer, "kiosk")
        return Health(status="ok")

    return app
