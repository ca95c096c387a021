"""The copier's touch screen: a local web page and its JSON API (plain HTTP on loopback).

    GET  /                          the page: touch screen (left) and the SIMULATED device panel (right);
                                    loading it ends any visit still open (refund, tray → retained bin)
    GET  /api/state                 what the screen shows (does not count as activity)
    GET  /api/guidance                                what the speaker says at each step (ja/en)
    POST /api/touch                                   the resident is still there (idle clock restarts)
    POST /api/leave                                   the page is going away (pagehide beacon): as a load
    GET  /api/device/cards          demo cards for the simulated card slot (none with a PC/SC reader)
    POST /api/card/place            {"card": label}   lay a card on the reader → tries left
    POST /api/card/remove                             the resident takes the card back (SIMULATED slot)
    POST /api/card/read                               PC/SC: the card lying on the real reader starts the visit
    POST /api/pin                   {"pin": "1234"}   VERIFY on the card, sign the challenge → cities
    POST /api/city                  {"kind": "residence"}                                  → menu
    GET  /api/menu
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

Every error is `{"code", "message_ja", "message_en", "tries_left"}`; every answer is `no-store`.
[key]: `Authorization: Bearer <var/kiosk/maintenance.key>` (see `kofu.kiosk.maintenance`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from kofu.card.errors import CardError
from kofu.card.state import CardStore
from kofu.config import Settings
from kofu.kiosk import maintenance, registration
from kofu.kiosk.center import CenterLink
from kofu.kiosk.flow import FlowError
from kofu.kiosk.journal import kiosk_journal, recovered
from kofu.kiosk.maintenance import MaintenanceGate, load_or_create_key
from kofu.kiosk.messages import kiosk_message
from kofu.kiosk.screen import IDLE_TIMEOUT, KioskScreen
from kofu.kiosk.seals import KioskSeals
from kofu.kiosk.slot import PcscSlot
from kofu.kiosk.speaker import guidance_json
from kofu.protocol import kiosk_screen as screen_api
from kofu.protocol.errors import KofuError
from kofu.protocol.kiosk_screen import (
    CityKindChoice,
    Copies,
    DocumentChoice,
    Maintain,
    Money,
    Options,
    Pin,
    PlaceCard,
    Registration,
)
from kofu.protocol.link import route

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
NO_STORE = "no-store"
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
)
READER_POLL = 0.25  # seconds between PC/SC presence checks
_SHEET_ID = re.compile(r"[0-9a-f]{32}")


def error_response(code: str, status: int, tries_left: int | None = None) -> JSONResponse:
    message = kiosk_message(code)
    body = {"code": code, "message_ja": message.ja, "message_en": message.en, "tries_left": tries_left}
    return JSONResponse(body, status_code=status, headers={"Cache-Control": NO_STORE})


def demo_card_list(settings: Settings) -> list[dict[str, Any]]:
    """The SIMULATED card slot's choice of demo cards (names read live from the demo registries)."""
    from kofu.city.registry.cities import CITIES
    from kofu.demo import wallet, with_names

    cards = with_names(settings, wallet(settings))
    return [
        {
            "card": c["card"],
            "pin": c["pin"],
            "city": c["city"],
            "city_name": CITIES[str(c["city"])].name if str(c["city"]) in CITIES else str(c["city"]),
            "name": c["name"],
            "traits": c["traits"],
        }
        for c in cards
    ]


def served_cities(settings: Settings) -> dict[str, str]:
    """The cities of this kiosk's chain (code → name), for a 利用登録's choice of 本籍地."""
    from kofu.city.registry.cities import CITIES

    return {code: CITIES[code].name if code in CITIES else code for code in settings.cities}


def create_app(
    center: CenterLink,
    cards: CardStore,
    settings: Settings,
    *,
    idle_timeout: float = IDLE_TIMEOUT,
    watchdog_interval: float = 1.0,
    card_list: Callable[[Settings], list[dict[str, Any]]] = demo_card_list,
    maintenance_key: str | None = None,
    seals: KioskSeals | None = None,
) -> FastAPI:
    """The kiosk's touch screen for one kiosk: one screen, one resident at a time."""
    pcsc = PcscSlot(settings.reader_name) if settings.reader == "pcsc" else None
    journal = kiosk_journal(settings.var_dir, settings.kiosk_id)
    screen = KioskScreen(
        center,
        cards,
        idle_timeout=idle_timeout,
        seals=seals,
        cities=served_cities(settings),
        pcsc=pcsc,
        journal=journal,
    )
    gate = MaintenanceGate(maintenance_key or load_or_create_key(settings.var_dir / "kiosk"))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async def watchdog() -> None:
            while True:
                await asyncio.sleep(watchdog_interval)
                await run_in_threadpool(screen.expire_if_idle)

        async def reader_watch() -> None:
            # PC/SC presence, polled in a worker thread: placing and taking the card off are seen here.
            while True:
                await run_in_threadpool(screen.watch_reader)
                await asyncio.sleep(READER_POLL)

        kiosk = contextlib.ExitStack()  # this process is the kiosk: close what a crash left open
        kiosk.enter_context(recovered(journal, center, screen.refund_at_start))
        screen.flow.reporter.start()
        tasks = [asyncio.create_task(watchdog())]
        if pcsc is not None:
            tasks.append(asyncio.create_task(reader_watch()))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            screen.flow.reporter.stop()
            kiosk.close()
            await run_in_threadpool(screen.close)
            if pcsc is not None:
                await run_in_threadpool(pcsc.close)
            center.close()

    app = FastAPI(title="kofu kiosk", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.screen = screen
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

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

    async def step(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        result = await run_in_threadpool(screen.run, fn, *args)
        return {**result, "state": screen.last_state}

    @route(app, screen_api.PAGE)
    async def index(request: Request) -> Response:
        # A new page is a new screen: a visit the last page left open ends now (refund, and any
        # documents still in the tray go to the retained bin), so a reload never shows them.
        await run_in_threadpool(screen.run, screen.page_left)
        response = templates.TemplateResponse(
            request,
            "index.html",
            {
                "kiosk_id": settings.kiosk_id,
                "idle_timeout": int(screen.idle_timeout),
                "pcsc": pcsc is not None,
            },
        )
        response.headers["Content-Security-Policy"] = PAGE_POLICY
        return response

    @route(app, screen_api.GUIDANCE)
    async def guidance() -> dict[str, Any]:
        return guidance_json()

    @route(app, screen_api.TOUCH)
    async def touch() -> dict[str, Any]:
        return await step(screen.touch)

    @route(app, screen_api.LEAVE)
    async def leave() -> dict[str, Any]:
        return await step(screen.page_left)

    # -- maintenance ----------------------------------------------------------------------------
    async def authorized(request: Request) -> bool:
        if gate.allows(request.headers.get("authorization")):
            return True
        log.warning("maintenance: wrong or missing credentials")
        await asyncio.sleep(0.3)  # slows guessing; the key has 144 random bits anyway
        return False

    def denied() -> JSONResponse:
        response = error_response("kiosk.maintenance.denied", 401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="kofu kiosk maintenance"'
        return response

    @route(app, screen_api.MAINTENANCE_PAGE)
    async def maintenance_page(request: Request) -> Response:
        response = templates.TemplateResponse(request, "maintenance.html", {"kiosk_id": settings.kiosk_id})
        response.headers["Content-Security-Policy"] = PAGE_POLICY
        return response

    @route(app, screen_api.MAINTENANCE_STATUS)
    async def maintenance_status(request: Request) -> dict[str, Any] | JSONResponse:
        if not await authorized(request):
            return denied()
        return await run_in_threadpool(screen.run, maintenance.maintenance_status, screen)

    @route(app, screen_api.MAINTENANCE_ACTION)
    async def maintenance_action(request: Request, body: Maintain) -> dict[str, Any] | JSONResponse:
        if not await authorized(request):
            return denied()
        log.info("maintenance: %s", body.action)
        return await run_in_threadpool(screen.run, maintenance.maintain, screen, body.action, body.value)

    @route(app, screen_api.STATE)
    async def state() -> dict[str, Any]:
        return await run_in_threadpool(screen.state)

    @route(app, screen_api.DEVICE_CARDS)
    async def device_cards() -> dict[str, Any]:
        if pcsc is not None:  # a real reader: no demo cards to pick, the card is put on it by hand
            return {"simulated": False, "reader": pcsc.json(), "cards": []}
        return {"simulated": True, "cards": await run_in_threadpool(card_list, settings)}

    @route(app, screen_api.CARD_PLACE)
    async def place_card(body: PlaceCard) -> dict[str, Any]:
        return await step(screen.place_card, body.card)

    @route(app, screen_api.CARD_READ)
    async def read_card() -> dict[str, Any]:
        return await step(screen.read_reader_card)

    @route(app, screen_api.CARD_REMOVE)
    async def remove_card() -> dict[str, Any]:
        return await step(screen.remove_card)

    @route(app, screen_api.PIN)
    async def pin(body: Pin) -> dict[str, Any]:
        return await step(screen.enter_pin, body.pin)

    @route(app, screen_api.CITY)
    async def city(body: CityKindChoice) -> dict[str, Any]:
        return await step(screen.choose_city, body.kind)

    @route(app, screen_api.MENU)
    async def menu() -> dict[str, Any]:
        return await step(screen.menu)

    @route(app, screen_api.REGISTRATION_CITIES)
    async def registration_cities() -> dict[str, Any]:
        return await step(registration.registration_cities, screen)

    @route(app, screen_api.REGISTRATION)
    async def apply(body: Registration) -> dict[str, Any]:
        return await step(
            registration.apply_registration, screen, body.city_code, body.honseki, body.hittosha
        )

    @route(app, screen_api.DOCUMENT)
    async def document(body: DocumentChoice) -> dict[str, Any]:
        return await step(screen.choose_document, body.doc)

    @route(app, screen_api.OPTIONS)
    async def options(body: Options) -> dict[str, Any]:
        return await step(screen.choose_options, body.options)

    @route(app, screen_api.COPIES)
    async def copies(body: Copies) -> dict[str, Any]:
        return await step(screen.choose_copies, body.copies)

    @route(app, screen_api.CONFIRM)
    async def confirm() -> dict[str, Any]:
        return await step(screen.confirmation)

    @route(app, screen_api.ORDER)
    async def order() -> dict[str, Any]:
        return await step(screen.order)

    @route(app, screen_api.CASH)
    async def cash(body: Money) -> dict[str, Any]:
        return await step(screen.insert_money, body.amount)

    @route(app, screen_api.CASH_TAKE)
    async def take_change() -> dict[str, Any]:
        return await step(screen.take_change)

    @route(app, screen_api.PAY)
    async def pay() -> dict[str, Any]:
        return await step(screen.pay_and_print)

    @route(app, screen_api.TRAY)
    async def tray() -> dict[str, Any]:
        return {"sheets": (await run_in_threadpool(screen.state)).get("tray", [])}

    @route(app, screen_api.SHEET)
    async def sheet(sheet_id: str) -> Response:
        if not _SHEET_ID.fullmatch(sheet_id):
            return error_response("kiosk.tray.empty", 404)
        found = await run_in_threadpool(screen.run, screen.sheet, sheet_id)
        if found is None:
            return error_response("kiosk.tray.empty", 404)
        return Response(
            found.pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": 'inline; filename="document.pdf"'},
        )

    @route(app, screen_api.TRAY_TAKE)
    async def take_documents() -> dict[str, Any]:
        return await step(screen.take_documents)

    @route(app, screen_api.CANCEL)
    async def cancel() -> dict[str, Any]:
        return await step(screen.cancel)

    return app
