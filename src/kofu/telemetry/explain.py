"""The explainer: the path of an order and "how it works", as a FastAPI router any console mounts.

    GET /explain/                  recent orders (from the centre's spans) and an order-id form
    GET /explain/order?id=…        one order's path, hop by hop (400: not an order id; 404: unknown)
    GET /explain/how               しくみ — the architecture for a resident, with the same drawing

Every page is Japanese first, ``?lang=en`` for English. ``explainer_router(spans, view=…)``:
``spans`` is the span directory (``kofu.telemetry.tracing.spans_dir``) or a function giving it;
``view="city"`` may show the resident's name, read through ``resident_name(order_id)`` that the
city supplies from its own register; ``view="center"`` never shows one and takes no such
function. The pages are self-contained (inline SVG and CSS, no external assets).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from kofu.protocol.codes import message_for
from kofu.telemetry import words
from kofu.telemetry.path import OrderPath, SpanStore, order_path, recent_orders, valid_order_id

View = Literal["city", "center"]
_env = Environment(
    loader=PackageLoader("kofu.telemetry", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "ja")
    return lang if lang in words.LANGS else "ja"


def _say(lang: str) -> Callable[[dict[str, tuple[str, str]], str], str]:
    index = words.LANGS.index(lang)

    def say(table: dict[str, tuple[str, str]], key: str) -> str:
        found = table.get(key)
        return found[index] if found else key

    return say


def render(template: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A page of the explainer in ``lang``."""
    say = _say(lang)
    page = _env.get_template(template).render(
        lang=lang,
        other="en" if lang == "ja" else "ja",
        t=lambda key: say(words.TEXT, key),
        actor=lambda key: say(words.ACTORS, key),
        hop_words=lambda key: say(words.HOP_WORDS, key),
        check=lambda key: say(words.CHECKS, key),
        message=lambda code: getattr(message_for(code), lang),
        how=[pair[words.LANGS.index(lang)] for pair in words.HOW],
        **values,
    )
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


def lit_hops(path: OrderPath | None) -> int:
    """How many of the five hops the drawing shows as taken."""
    return 5 if path is None else len(path.hops)


def explainer_router(
    spans: Path | Callable[[], Path],
    *,
    view: View,
    resident_name: Callable[[str], str | None] | None = None,
    prefix: str = "/explain",
) -> APIRouter:
    """The explainer's pages under ``prefix`` (see the module docstring)."""
    if view == "center" and resident_name is not None:
        raise ValueError("the centre's view shows no personal data: it takes no resident_name")
    if view not in ("city", "center"):
        raise ValueError(f"view must be city or center, not {view!r}")
    router = APIRouter(prefix=prefix)

    def store() -> SpanStore:
        return SpanStore(spans() if callable(spans) else spans)

    @router.get("/", response_class=HTMLResponse, name="explain_index")
    def index(request: Request) -> HTMLResponse:
        return render("explain_index.html", _lang(request), orders=recent_orders(store()), view=view)

    @router.get("/order", response_class=HTMLResponse, name="explain_order")
    def order(request: Request) -> HTMLResponse:
        lang = _lang(request)
        order_id = request.query_params.get("id", "").strip()
        if not valid_order_id(order_id):
            return render("explain_index.html", lang, 400, orders=[], view=view, error="bad_id")
        path = order_path(store(), order_id)
        if path is None:
            return render("explain_index.html", lang, 404, orders=[], view=view, error="unknown")
        name = resident_name(order_id) if view == "city" and resident_name is not None else None
        return render("explain_order.html", lang, path=path, view=view, name=name, lit=lit_hops(path))

    @router.get("/how", response_class=HTMLResponse, name="explain_how")
    def how(request: Request) -> HTMLResponse:
        return render("explain_how.html", _lang(request), lit=5, path=None)

    return router
