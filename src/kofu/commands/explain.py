"""`kofu explain`: the path of an order, from the spans every actor exported.

kofu explain ORDER_ID                 the centre's view, printed (no personal data)
kofu explain ORDER_ID --city 132292   the city's view (adds the resident's name, from its register)
kofu explain --list                   the latest orders the centre relayed
kofu explain --serve [--port 8090]    the explainer pages on http://127.0.0.1:PORT/explain/
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from kofu.commands._shared import add_documented
from kofu.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    explain = add_documented(
        sub,
        "explain",
        "the path of an order (kiosk → centre → gateway → issuer → back), from the spans",
        description=__doc__,
    )
    explain.add_argument("order_id", nargs="?", help="the order id (as `kofu issue` prints it)")
    explain.add_argument("--city", help="the city's view: may show the resident's name")
    explain.add_argument("--lang", choices=("ja", "en"), default="ja")
    explain.add_argument("--list", action="store_true", help="list the latest orders")
    explain.add_argument("--serve", action="store_true", help="serve the explainer pages on loopback")
    explain.add_argument("--port", type=int, default=8090, help="with --serve (default 8090)")
    explain.set_defaults(handler=_explain)


def _names(settings: Settings, city: str | None) -> Callable[[str], str | None] | None:
    if city is None:
        return None
    if city not in settings.cities:
        raise SystemExit(f"unknown city {city!r} (known: {', '.join(settings.cities)})")
    from kofu.city.issuer.explain import resident_name_reader
    from kofu.city.registry.db import session_factory
    from kofu.storage import make_engine

    return resident_name_reader(session_factory(make_engine(settings.city_db_url(city))))


def _explain(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.telemetry import tracing
    from kofu.telemetry.path import SpanStore, order_path, recent_orders, valid_order_id
    from kofu.telemetry.text import path_text

    spans = tracing.spans_dir(settings.var_dir)
    names = _names(settings, args.city)
    if args.serve:
        return _serve(settings, args, names)
    store = SpanStore(spans)
    if args.list or not args.order_id:
        for o in recent_orders(store):
            print(
                f"{o.started:%Y-%m-%d %H:%M:%S}  {o.order_id}  {o.doc or '-':8}  {o.code or o.outcome or ''}"
            )
        return 0
    if not valid_order_id(args.order_id):
        print("not an order id (up to 64 letters, digits, - or _)", file=sys.stderr)
        return 2
    path = order_path(store, args.order_id)
    if path is None:
        print(f"no record of order {args.order_id} in {spans}", file=sys.stderr)
        return 1
    name = names(args.order_id) if names is not None else None
    print(path_text(path, args.lang, name))
    return 0


def _serve(settings: Settings, args: argparse.Namespace, names: Callable[[str], str | None] | None) -> int:
    from fastapi import FastAPI
    from fastapi.responses import RedirectResponse

    from kofu.net.server import serve
    from kofu.telemetry import tracing
    from kofu.telemetry.explain import explainer_router

    app = FastAPI(title="kofu explainer", docs_url=None, redoc_url=None, openapi_url=None)
    spans = tracing.spans_dir(settings.var_dir)
    if args.city:
        app.include_router(explainer_router(spans, view="city", resident_name=names))
    else:
        app.include_router(explainer_router(spans, view="center"))
    view = "city" if args.city else "center"

    @app.get("/", include_in_schema=False)
    def _root() -> RedirectResponse:
        return RedirectResponse("/explain/")

    print(f"explainer ({view} view): http://{settings.host}:{args.port}/explain/", flush=True)
    serve(app, settings.host, args.port, None)
    return 0
