"""The centre's operator console pages (see ``kofu.center.console``).

GET  /                          cities: running or stopped, by whom and why, misissuance events
POST /cities/{code}/stop|resume (supervisor) with a reason
GET  /kiosks                    kiosks and stores: last seen, orders, failures
GET  /traffic                   orders per minute and latency p50/p99, per city and total (from
                                the centre's /metrics, scraped every 15 s: kofu.console.metrics)
GET  /pki                       the CRL and the trust list: version, age, next update
GET  /audit                     the audit trail (supervisor, auditor)
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from kofu.center import stops
from kofu.center.console import data
from kofu.center.console.words import WORDS
from kofu.center.migrate import upgrade
from kofu.config import Settings
from kofu.console import chart, metrics, store
from kofu.console.explain import mount_explainer
from kofu.console.ports import console_port
from kofu.console.web import Console, ConsoleError, NavItem, create_console
from kofu.protocol.errors import KofuError
from kofu.storage import make_engine, session_factory

HERE = Path(__file__).resolve().parent
CODE = re.compile(r"[0-9]{6}")


def create_app(settings: Settings, *, port: int | None = None) -> FastAPI:
    _engine, db = store.open_db(settings, "center")
    center_engine = make_engine(settings.center_db_url())
    upgrade(center_engine)
    center = session_factory(center_engine)
    app, console = create_console(
        scope="center",
        title=WORDS["title"],
        db=db,
        key=store.signing_key(settings, "center"),
        host=settings.host,
        port=port or console_port(settings, "center"),
        templates=[HERE / "templates"],
        nav=[
            NavItem("/", "nav.cities"),
            NavItem("/kiosks", "nav.kiosks"),
            NavItem("/traffic", "nav.traffic"),
            NavItem("/pki", "nav.pki"),
        ],
        words=WORDS,
    )

    scraper = metrics.Scraper(data.metrics_targets(settings))
    metrics.attach(app, scraper)  # the centre's /metrics, every 15 s while the console runs

    async def cities_page(request: Request, staff: store.Staff, notice: str | None = None) -> Response:
        rows = await run_in_threadpool(data.cities, center)
        events = await run_in_threadpool(data.events, center)
        return console.render(
            request,
            "cities.html",
            staff,
            rows=rows,
            events=events,
            can_stop=staff.role == "supervisor",
            notice=notice,
        )

    @app.get("/", response_class=HTMLResponse)
    async def cities(request: Request) -> Response:
        return await cities_page(request, await console.require(request))

    @app.post("/cities/{code}/{change}", response_class=HTMLResponse)
    async def stop_or_resume(request: Request, code: str, change: str) -> Response:
        staff = await console.require(request, "supervisor")
        form = await console.form(request, staff, limits={"reason": 256})
        if change not in ("stop", "resume") or not CODE.fullmatch(code):
            raise ConsoleError("console.not_found", 404)
        reason = form.get("reason", "").strip()
        if not reason:
            raise ConsoleError("console.reason.missing", 400)
        known = {row.code for row in await run_in_threadpool(data.cities, center)}
        if code not in known:
            await console.audit(request, staff, f"city.{change}", target=code, outcome="city.unknown")
            raise ConsoleError("city.unknown", 404)
        action = stops.stop if change == "stop" else stops.resume
        try:
            await run_in_threadpool(action, center, code, by=f"operator:{staff.username}", reason=reason)
        except KofuError as exc:
            await console.audit(request, staff, f"city.{change}", target=code, outcome=exc.code)
            raise ConsoleError(exc.code, 409) from exc
        await console.audit(request, staff, f"city.{change}", target=code, detail=reason)
        return await cities_page(
            request,
            staff,
            console.t(request)(
                f"cities.{change.replace('stop', 'stopped').replace('resume', 'resumed')}_done"
            ),
        )

    @app.get("/kiosks", response_class=HTMLResponse)
    async def kiosks(request: Request) -> Response:
        staff = await console.require(request)
        return console.render(
            request, "kiosks.html", staff, rows=await run_in_threadpool(data.kiosks, center)
        )

    @app.get("/traffic", response_class=HTMLResponse)
    async def traffic(request: Request) -> Response:
        staff = await console.require(request)
        view = data.throughput(scraper.ring)
        figure = chart.context(
            view.figure,
            chart_id="traffic-chart",
            title=console.t(request)("traffic.chart"),
            lang=console.lang(request),
            source=console.t(request)("traffic.source"),
        )
        return console.render(request, "traffic.html", staff, view=view, **figure)

    @app.get("/pki", response_class=HTMLResponse)
    async def pki(request: Request) -> Response:
        staff = await console.require(request)
        return console.render(request, "pki.html", staff, state=await run_in_threadpool(data.pki, settings))

    _unused: Console = console
    mount_explainer(app, console, settings, view="center")
    return app
