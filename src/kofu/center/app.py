"""The centre's HTTP surface for kiosks (mTLS; each kiosk is known by its certificate)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Header, Request, Response
from starlette.concurrency import run_in_threadpool

from kofu.center import registrations, routes_api
from kofu.center.service import CenterService
from kofu.net.app import install_error_handlers, require_peer
from kofu.protocol.messages import (
    SESSION_HEADER,
    Menu,
    MenuRequest,
    OrderOutcome,
    OrderRequest,
    OrderResult,
    SessionAuth,
    SessionAuthenticated,
    SessionChallenge,
    SessionOpen,
)


def create_app(service: CenterService) -> FastAPI:
    """The centre, serving kiosks through `service`."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        for client in service.gateways.values():
            await client.aclose()

    app = FastAPI(title="kofu centre", lifespan=lifespan, docs_url=None, redoc_url=None)
    install_error_handlers(app)
    app.state.service = service
    app.include_router(routes_api.router)  # cities register card routes
    app.include_router(registrations.router)  # 利用登録: relayed applications, 本籍地 routes

    def kiosk_of(request: Request) -> str:
        return require_peer(request, "kiosk").ident

    @app.post("/v1/sessions", response_model=SessionChallenge)
    async def open_session(body: SessionOpen, request: Request) -> SessionChallenge:
        require_peer(request, "kiosk", body.kiosk_id)
        return await run_in_threadpool(service.open_session, body.kiosk_id)

    @app.post("/v1/sessions/{session_id}/auth", response_model=SessionAuthenticated)
    async def authenticate(session_id: str, body: SessionAuth, request: Request) -> SessionAuthenticated:
        return await run_in_threadpool(service.authenticate, kiosk_of(request), session_id, body)

    @app.post("/v1/menu", response_model=Menu)
    async def menu(
        body: MenuRequest, request: Request, token: str | None = Header(None, alias=SESSION_HEADER)
    ) -> Menu:
        return await service.menu(service.session(kiosk_of(request), token), body)

    @app.post("/v1/orders", response_model=OrderResult)
    async def order(
        body: OrderRequest, request: Request, token: str | None = Header(None, alias=SESSION_HEADER)
    ) -> OrderResult:
        return await service.order(service.session(kiosk_of(request), token), body)

    @app.post("/v1/orders/{order_id}/outcome", status_code=204)
    async def outcome(order_id: str, body: OrderOutcome, request: Request) -> Response:
        await run_in_threadpool(service.outcome, kiosk_of(request), order_id, body)
        return Response(status_code=204)

    @app.get("/v1/health")
    async def health(request: Request) -> dict[str, str]:
        require_peer(request, "kiosk")
        return {"status": "ok"}

    return app
