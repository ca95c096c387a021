"""The copier's touch screen: a local web page and its JSON API (plain HTTP on loopback).

    GET  /                          the page: touch screen (left) and the SIMULATED device panel (right);
                                    loading it ends any visit still open (refund, tray → retained bin)
                                    and gives the page a new token (the last page's stops working)
    GET  /api/state                 what the screen shows (does not count as activity)
    GET  /api/guidance                                what the speaker says at each step (ja/en)
    POST /api/touch                                   the resident is still there (idle clock restarts)
    POST /api/leave                 token (text/plain) the page is going away (pagehide beacon): as a load
    GET  /api/device/cards          the simulated slot's cards (labels and holders, never a PIN)
    POST /api/card/place            {"card": label}   lay a card on the reader → tries left
    POST /api/card/remove                             the resident takes the card back (SIMULATED slot)
    POST /api/card/read                               PC/SC: the card lying on the real reader starts the visit
    POST /api/pin                   {"pin": "1234"}   VERIFY on the card, sign the challenge → cities
    POST /api/city                  {"kind": "residence"}                                  → menu
    GET  /api/menu
    GET  /api/history                                 交付履歴の確認: issued in the holder's name (12 months)
    GET  /api/registration/cities                     利用登録: the 本籍地 cities one can apply to
    POST /api/registration          {"city_code", "honseki", "hittosha"}  apply (sealed for the city)
    POST /api/document              {"doc": "juminhyo"}                                     → offer
    POST /api/options               {"options": {name: value}}
    POST /api/copies                {"copies": n}
    GET  /api/confirm                                 document, options in words, copies, fee
    POST /api/order                                   fetch and check the document (before payment)
    POST /api/cash                  {"amount": 100}   insert a coin or note
    POST /api/cash/take                               take the change / refund from the tray
    POST /api/pay                                     print (money kept only if printing worked)
    GET  /api/tray                                    printed sheets waiting in the tray
    GET  /api/tray/{sheet_id}                         one sheet as application/pdf
    POST /api/tray/take                               take the documents
    POST /api/cancel                                  やめる: refund, card released, back to start
    GET  /maintenance                                 the maintenance page (asks for the key)
    GET  /api/maintenance/status    [key]             paper, toner, cash box, devices, retained count
    POST /api/maintenance/action    [key] {"action", "value"}   refill, replace, empty, destroy, …

The contract (paths, bodies, typed answers) is `kofu.protocol.kiosk_screen`; the routers are
`kofu.kiosk.routes`, one per area of the screen; who may call at all is `kofu.kiosk.guard`
(own Host and Origin, the page's token on every POST, small JSON bodies). Every error is a
`ScreenError` (`{"code", "message_ja", "message_en", "tries_left"}`); every answer is `no-store`.
[key]: `Authorization: Bearer <var/kiosk/maintenance.key>` (see `kofu.kiosk.maintenance`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from kofu.card.errors import CardError
from kofu.config import Settings
from kofu.kiosk import routes
from kofu.kiosk.flow import FlowError
from kofu.kiosk.guard import PageToken, ScreenGuard, own_hosts
from kofu.kiosk.journal import recovered
from kofu.kiosk.maintenance import MaintenanceGate, load_or_create_key
from kofu.kiosk.messages import kiosk_message
from kofu.kiosk.visit import Visit
from kofu.protocol.errors import KofuError

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
NO_STORE = "no-store"
READER_POLL = 0.25  # seconds between PC/SC presence checks


def error_response(code: str, status: int, tries_left: int | None = None) -> JSONResponse:
    message = kiosk_message(code)
    body = {"code": code, "message_ja": message.ja, "message_en": message.en, "tries_left": tries_left}
    headers = {"Cache-Control": NO_STORE}
    if code == "kiosk.maintenance.denied":
        headers["WWW-Authenticate"] = 'Bearer realm="kofu kiosk maintenance"'
    return JSONResponse(body, status_code=status, headers=headers)


def create_app(
    settings: Settings,
    visit: Visit | None = None,
    *,
    maintenance_key: str | None = None,
    watchdog_interval: float = 1.0,
) -> FastAPI:
    """The touch screen of one kiosk serving ``visit`` (None: the routes alone, for its OpenAPI).

    The maintenance key is ``maintenance_key``, else the one in ``var/kiosk`` (created on first
    start). Only requests naming the kiosk's own host and port get in (`kofu.kiosk.guard`).
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        served: Visit | None = app.state.visit
        if served is None:
            yield
            return
        kiosk = contextlib.ExitStack()  # this process is the kiosk: close what a crash left open
        kiosk.enter_context(recovered(served.flow.journal, served.flow.center, served.refund_at_start))
        served.flow.reporter.start()
        tasks = [asyncio.create_task(_watchdog(served, watchdog_interval))]
        if served.devices.pcsc is not None:
            tasks.append(asyncio.create_task(_reader_watch(served)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            served.flow.reporter.stop()
            kiosk.close()
            await run_in_threadpool(served.close)
            await run_in_threadpool(served.devices.close)

    app = FastAPI(title="kofu kiosk", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.kiosk_id = settings.kiosk_id
    app.state.visit = visit
    app.state.page_token = PageToken()
    if visit is not None:
        key = maintenance_key or load_or_create_key(settings.var_dir / "kiosk")
        app.state.maintenance_gate = MaintenanceGate(key)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    routes.install(app)
    _install_error_handlers(app)
    # Before any route: who may call at all. The headers middleware below wraps its refusals too.
    app.add_middleware(
        ScreenGuard, hosts=own_hosts(settings.host, settings.kiosk_port), token=app.state.page_token
    )

    @app.middleware("http")
    async def no_store(request: Request, call_next: Callable[[Request], Any]) -> Response:
        try:
            response: Response = await call_next(request)
        except Exception as exc:  # answered here, so no traceback reaches a log
            log.error("unexpected %s on %s", type(exc).__name__, request.url.path)
            response = error_response("kiosk.error", 500)
        response.headers["Cache-Control"] = NO_STORE
        response.headers["Pragma"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(KofuError)
    async def _kofu_error(_request: Request, exc: KofuError) -> JSONResponse:
        code = "kiosk.flow" if isinstance(exc, FlowError) else exc.code
        status = 409 if isinstance(exc, FlowError) else exc.status
        log.info("refused: %s", code)  # the code only; details may name a step, never a person
        return error_response(code, status, exc.tries_left)

    @app.exception_handler(CardError)
    async def _card_error(_request: Request, exc: CardError) -> JSONResponse:
        log.info("card error: %s", exc.code)
        return error_response(exc.code, 422, getattr(exc, "tries_left", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, _exc: RequestValidationError) -> JSONResponse:
        return error_response("kiosk.invalid", 400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(
            "kiosk.not_found" if exc.status_code == 404 else "kiosk.invalid", exc.status_code
        )


async def _watchdog(visit: Visit, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        await run_in_threadpool(visit.expire_if_idle)


async def _reader_watch(visit: Visit) -> None:
    # PC/SC presence, polled in a worker thread: placing and taking the card off are seen here.
    while True:
        await run_in_threadpool(visit.watch_reader)
        await asyncio.sleep(READER_POLL)
