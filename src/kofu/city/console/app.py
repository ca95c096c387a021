"""The city console's pages (see ``kofu.city.console``).

    GET  /                                      Today: counts by document and refusal code, state at
                                                the centre, gateway queues, issuers; orders per
                                                minute and refusals by code from the issuers'
                                                /metrics (kofu.console.metrics)
    GET  /settings                              settings and the kiosk menu they make
    POST /settings                              (supervisor) change them: applies to the next order
    GET  /registrations                         pending 利用登録 against the current register
    POST /registrations/{id}/approve|reject     (clerk, supervisor) with a reason for a rejection
    GET  /counter?q=&born=                      find a resident (name, reading, number, 住民票コード,
                                                birth date)
    GET  /counter/residents/{city}-{id}         the resident and their cards
    POST /counter/residents/{ref}/issue|lost|unblock|move     (clerk, supervisor)
    POST /counter/expire                        (clerk, supervisor) mark expired cards
    GET  /city                                  the city at the centre
    POST /city/stop|resume                      (supervisor) with a reason

Every action is audited (``kofu.console.store``); rules are the commands' own functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from kofu import clock
from kofu.city.console import data
from kofu.city.console.words import WORDS
from kofu.city.issuer.catalog import OFFERS
from kofu.city.issuer.explain import resident_name_reader
from kofu.city.issuer.staff import registry
from kofu.config import Settings
from kofu.console import chart, metrics, store
from kofu.console.explain import mount_explainer
from kofu.console.ports import console_port
from kofu.console.store import Staff
from kofu.console.web import Console, ConsoleError, NavItem, create_console

HERE = Path(__file__).resolve().parent
ACT = ("clerk", "supervisor")
DOCS = ("juminhyo", "inkan", "koseki", "fuhyo", "kazei")
T = TypeVar("T")


def _errors() -> tuple[type[Exception], ...]:
    from kofu.card.errors import CardError
    from kofu.city.counter.errors import CounterError
    from kofu.city.registry.errors import RegistryError
    from kofu.protocol.errors import KofuError

    return (CardError, CounterError, RegistryError, KofuError, ValueError)


async def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a rule of the city's own in a thread; its refusal becomes a page with its code."""
    try:
        return await run_in_threadpool(fn, *args, **kwargs)
    except _errors() as exc:
        code = getattr(exc, "code", None) or "console.invalid"
        status = (
            404
            if code.endswith((".unknown", "unknown_registration"))
            else 400
            if code.startswith("console.")
            else 409
        )
        raise ConsoleError(code, status, str(exc)[:200]) from exc


def create_app(settings: Settings, city: str, *, port: int | None = None) -> FastAPI:
    _engine, db = store.open_db(settings, city)
    app, console = create_console(
        scope=city,
        title=WORDS["title"],
        db=db,
        key=store.signing_key(settings, city),
        host=settings.host,
        port=port or console_port(settings, city),
        templates=[HERE / "templates"],
        nav=[
            NavItem("/", "nav.today"),
            NavItem("/settings", "nav.settings"),
            NavItem("/registrations", "nav.registrations"),
            NavItem("/counter", "nav.counter"),
            NavItem("/city", "nav.city"),
        ],
        words=WORDS,
    )
    app.state.settings = settings
    app.state.city = city
    _today(app, console, settings, city)
    _settings(app, console, settings, city)
    _registrations(app, console, settings, city)
    _counter(app, console, settings, city)
    _stop(app, console, settings, city)
    mount_explainer(app, console, settings, view="city", resident_name=_name_reader(settings, city))
    return app


def _name_reader(settings: Settings, city: str) -> Callable[[str], str | None]:
    """The name of the resident an order was issued for, read from the city's registry."""

    def name(order_id: str) -> str | None:
        with registry(settings, city) as db:
            return resident_name_reader(db)(order_id)

    return name


def _today(app: FastAPI, console: Console, settings: Settings, city: str) -> None:
    scraper = metrics.Scraper(data.metrics_targets(settings, city))
    metrics.attach(app, scraper)  # the issuers' /metrics, every 15 s while the console runs

    @app.get("/", response_class=HTMLResponse)
    async def today(request: Request) -> Response:
        staff = await console.require(request)
        view = await run_in_threadpool(data.today, settings, city)
        recent, refused = data.recent(scraper.ring)
        figure = chart.context(
            recent,
            chart_id="today-chart",
            title=console.t(request)("today.chart"),
            lang=console.lang(request),
            source=console.t(request)("today.chart_source"),
        )
        titles = {doc: (OFFERS[doc].title_ja, OFFERS[doc].title_en) for doc in DOCS}
        return console.render(
            request,
            "today.html",
            staff,
            view=view,
            city=city,
            titles=titles,
            outcomes=data.OUTCOMES,
            recent_refusals=refused,
            **figure,
        )


# -- settings --------------------------------------------------------------------------------------


def _onoff(form: dict[str, str], name: str) -> bool:
    return form.get(name) == "on"


def _settings(app: FastAPI, console: Console, settings: Settings, city: str) -> None:
    from kofu.city.issuer.staff import set_settings, show_settings

    async def page(request: Request, staff: Staff, status: int = 200, **extra: Any) -> Response:
        values = await _run(show_settings, settings, city)
        preview, copy_limit, years = await _run(data.menu_preview, settings, city)
        return console.render(
            request,
            "settings.html",
            staff,
            status,
            values=values,
            preview=preview,
            copy_limit=copy_limit,
            years=years,
            can_change=staff.role == "supervisor",
            titles={doc: (OFFERS[doc].title_ja, OFFERS[doc].title_en) for doc in DOCS},
            **extra,
        )

    @app.get("/settings", response_class=HTMLResponse)
    async def show(request: Request) -> Response:
        return await page(request, await console.require(request))

    @app.post("/settings", response_class=HTMLResponse)
    async def change(request: Request) -> Response:
        staff = await console.require(request, "supervisor")
        form = await console.form(request, staff, limits={"kazei_years": 64})
        try:
            copy_limit = int(form.get("copy_limit", ""))
            years = [int(y) for y in form.get("kazei_years", "").replace("、", ",").split(",") if y.strip()]
            fees = {doc: int(form.get(f"{doc}.fee", "")) for doc in DOCS}
        except ValueError as exc:
            raise ConsoleError("console.number.invalid", 400) from exc
        if not all(1900 <= y <= 2200 for y in years) or len(years) > 10:
            raise ConsoleError("console.number.invalid", 400, "kazei_years")
        if any(fee > 100_000 for fee in fees.values()):
            raise ConsoleError("console.number.invalid", 400, "fee")
        # All fields are checked by the command's own function first, in one transaction each;
        # validate every document's hours before writing any of them.
        from kofu.city.issuer.staff import parse_hours

        for doc in DOCS:
            try:
                parse_hours(form.get(f"{doc}.hours", ""))
            except ValueError as exc:
                raise ConsoleError("console.invalid", 400, f"{doc}: {exc}") from exc
        before = await _run(show_settings, settings, city)
        await _run(set_settings, settings, city, copy_limit=copy_limit, kazei_years=years)
        for doc in DOCS:
            if doc not in before["documents"]:
                continue
            await _run(
                set_settings,
                settings,
                city,
                doc=doc,
                offered=_onoff(form, f"{doc}.offered"),
                fee=fees[doc],
                hours=form.get(f"{doc}.hours", ""),
                weekdays_only=_onoff(form, f"{doc}.weekdays_only"),
                year_end_closed=_onoff(form, f"{doc}.year_end_closed"),
            )
        after = await _run(show_settings, settings, city)
        await console.audit(request, staff, "settings.set", target=city, detail=_changes(before, after))
        return await page(request, staff, notice=console.t(request)("settings.saved"))


def _changes(before: dict[str, Any], after: dict[str, Any]) -> str:
    changed = [
        f"{k}: {before[k]} → {after[k]}" for k in ("copy_limit", "kazei_years") if before[k] != after[k]
    ]
    for doc, values in after["documents"].items():
        old = before["documents"].get(doc, {})
        changed += [f"{doc}.{k}: {old.get(k)} → {v}" for k, v in values.items() if old.get(k) != v]
    return "; ".join(changed) or "no change"


# -- 利用登録 --------------------------------------------------------------------------------------


def _registrations(app: FastAPI, console: Console, settings: Settings, city: str) -> None:
    from kofu.city.issuer.staff import approve, reject

    @app.get("/registrations", response_class=HTMLResponse)
    async def listing(request: Request) -> Response:
        staff = await console.require(request)
        views = await _run(data.registration_view, settings, city)
        return console.render(request, "registrations.html", staff, views=views, can_act=staff.role in ACT)

    @app.post("/registrations/{registration_id}/{decision}", response_class=HTMLResponse)
    async def decide(request: Request, registration_id: str, decision: str) -> Response:
        staff = await console.require(request, *ACT)
        form = await console.form(request, staff)
        if decision not in ("approve", "reject") or not registration_id.isdigit() or len(registration_id) > 9:
            raise ConsoleError("console.not_found", 404)
        number = int(registration_id)
        target = f"registration {number}"
        try:
            if decision == "approve":
                await _run(approve, settings, city, number, clock.today())
                notice = "regs.approved"
            else:
                reason = form.get("reason", "").strip()
                if not reason:
                    raise ConsoleError("console.reason.missing", 400)
                await _run(reject, settings, city, number, clock.today(), reason)
                notice = "regs.rejected"
        except ConsoleError as exc:
            await console.audit(request, staff, f"registration.{decision}", target=target, outcome=exc.code)
            raise
        await console.audit(
            request, staff, f"registration.{decision}", target=target, detail=form.get("reason", "")
        )
        views = await _run(data.registration_view, settings, city)
        return console.render(
            request, "registrations.html", staff, views=views, can_act=True, notice=console.t(request)(notice)
        )


# -- the counter -----------------------------------------------------------------------------------


def _date(value: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ConsoleError("console.date.invalid", 400) from exc


def _counter(app: FastAPI, console: Console, settings: Settings, city: str) -> None:
    from kofu.city.counter.service import CounterService, move

    @app.get("/counter", response_class=HTMLResponse)
    async def search(request: Request, q: str = "", born: str = "") -> Response:
        staff = await console.require(request)
        if len(q) > 64 or len(born) > 10:
            raise ConsoleError("console.field.too_long", 400)
        when = _date(born)
        try:
            rows = await _run(data.search_residents, settings, city, q, when) if (q.strip() or when) else None
        except ConsoleError as exc:
            if exc.code != data.JUMINHYO_CODE_INVALID:
                raise
            await console.audit(request, staff, "counter.search", outcome=exc.code)
            return console.render(
                request, "counter.html", staff, 400, q=q, born=born, rows=None, code=exc.code,
                can_act=staff.role in ACT,
            )  # fmt: skip
        if rows is not None:
            await console.audit(request, staff, "counter.search", detail=f"{len(rows)} found")
        return console.render(
            request, "counter.html", staff, q=q, born=born, rows=rows, can_act=staff.role in ACT
        )

    async def resident_page(
        request: Request, staff: Staff, ref: str, status: int = 200, **extra: Any
    ) -> Response:
        resident_id = await _run(data.parse_ref, city, ref)
        row = await _run(data.resident, settings, city, resident_id)
        others = [c for c in settings.cities if c != city]
        return console.render(
            request, "resident.html", staff, status, r=row, others=others, can_act=staff.role in ACT, **extra
        )

    @app.get("/counter/residents/{ref}", response_class=HTMLResponse)
    async def show(request: Request, ref: str) -> Response:
        staff = await console.require(request)
        response = await resident_page(request, staff, ref)
        await console.audit(request, staff, "counter.view", target=ref[:32])
        return response

    def _issue(resident_id: int, pin: str | None) -> Any:
        with CounterService(settings, city) as service:
            return service.issue_card(resident_id, pin=pin)

    def _lost(label: str) -> None:
        with CounterService(settings, city) as service:
            service.report_lost(label)

    def _unblock(label: str, which: str, pin: str | None) -> str:
        with CounterService(settings, city) as service, service.stored_card_reader(label) as reader:
            return str(service.unblock(reader, which, pin))  # type: ignore[arg-type]

    def _move(resident_id: int, to: str, day: dt.date) -> int:
        with CounterService(settings, city) as old, CounterService(settings, to) as new:
            return move(old, new, resident_id, day)

    @app.post("/counter/residents/{ref}/{action}", response_class=HTMLResponse)
    async def act(request: Request, ref: str, action: str) -> Response:
        staff = await console.require(request, *ACT)
        form = await console.form(request, staff)
        if action not in ("issue", "lost", "unblock", "move"):
            raise ConsoleError("console.not_found", 404)
        resident_id = await _run(data.parse_ref, city, ref)
        row = await _run(data.resident, settings, city, resident_id)
        t = console.t(request)
        label = form.get("card", "")
        if action in ("lost", "unblock") and label not in {c["label"] for c in row.cards}:
            await console.audit(
                request, staff, f"counter.{action}", target=ref, outcome="console.card.unknown"
            )
            raise ConsoleError("console.card.unknown", 400)
        try:
            if action == "issue":
                issued = await _run(_issue, resident_id, form.get("pin") or None)
                notice = f"{t('counter.issued')}: {issued.label} — PIN {issued.pin} / {issued.sign_pin} / {issued.text_pin}"
                detail = f"card {issued.label}"
            elif action == "lost":
                await _run(_lost, label)
                notice, detail = t("counter.lost_done"), f"card {label}"
            elif action == "unblock":
                which = form.get("which", "auth")
                if which not in ("auth", "sign", "text"):
                    raise ConsoleError("console.invalid", 400, "which")
                pin = await _run(_unblock, label, which, form.get("pin") or None)
                notice, detail = f"{t('counter.unblocked')}: {pin}", f"card {label} {which} PIN"
            else:
                to = form.get("to", "")
                if to not in settings.cities or to == city:
                    raise ConsoleError("console.invalid", 400, "to")
                day = _date(form.get("date", "")) or clock.today()
                new_id = await _run(_move, resident_id, to, day)
                notice, detail = t("counter.moved"), f"to {to} on {day} (resident {to}-{new_id})"
        except ConsoleError as exc:
            await console.audit(request, staff, f"counter.{action}", target=ref, outcome=exc.code)
            raise
        await console.audit(request, staff, f"counter.{action}", target=ref, detail=detail)
        return await resident_page(request, staff, ref, notice=notice)

    @app.post("/counter/expire", response_class=HTMLResponse)
    async def expire(request: Request) -> Response:
        staff = await console.require(request, *ACT)
        await console.form(request, staff)

        def _expire() -> list[str]:
            with CounterService(settings, city) as service:
                return list(service.expire(None))

        labels = await _run(_expire)
        await console.audit(request, staff, "counter.expire", detail=f"{len(labels)} card(s)")
        notice = f"{len(labels)} {console.t(request)('counter.expired')}"
        return console.render(
            request, "counter.html", staff, q="", born="", rows=None, can_act=True, notice=notice
        )


# -- stop / resume at the centre -----------------------------------------------------------------


def _stop(app: FastAPI, console: Console, settings: Settings, city: str) -> None:
    @app.get("/city", response_class=HTMLResponse)
    async def show(request: Request) -> Response:
        staff = await console.require(request)
        view = await run_in_threadpool(data.today, settings, city)
        return console.render(request, "city.html", staff, view=view, can_stop=staff.role == "supervisor")

    @app.post("/city/{change}", response_class=HTMLResponse)
    async def change(request: Request, change: str) -> Response:
        staff = await console.require(request, "supervisor")
        form = await console.form(request, staff, limits={"reason": 256})
        if change not in ("stop", "resume"):
            raise ConsoleError("console.not_found", 404)
        reason = form.get("reason", "").strip()
        if not reason:
            raise ConsoleError("console.reason.missing", 400)
        try:
            await _run(
                data.center_stop, settings, city, stop=change == "stop", by=staff.username, reason=reason
            )
        except ConsoleError as exc:
            await console.audit(
                request, staff, f"city.{change}", target=city, detail=reason, outcome=exc.code
            )
            raise
        await console.audit(request, staff, f"city.{change}", target=city, detail=reason)
        view = await run_in_threadpool(data.today, settings, city)
        notice = console.t(request)("city.stopped_done" if change == "stop" else "city.resumed_done")
        return console.render(request, "city.html", staff, view=view, can_stop=True, notice=notice)
