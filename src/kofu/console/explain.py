"""The order-path explainer (kofu.telemetry) inside a console, for signed-in staff only."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, FastAPI, Request

from kofu.config import Settings
from kofu.console.web import Console
from kofu.telemetry.explain import View, explainer_router
from kofu.telemetry.tracing import spans_dir


def mount_explainer(
    app: FastAPI,
    console: Console,
    settings: Settings,
    *,
    view: View,
    resident_name: Callable[[str], str | None] | None = None,
) -> None:
    """``/explain/…``: the path of an order and the しくみ page, behind the console's sign-in."""

    async def signed_in(request: Request) -> None:
        await console.require(request)

    router = explainer_router(lambda: spans_dir(settings.var_dir), view=view, resident_name=resident_name)
    app.include_router(router, dependencies=[Depends(signed_in)])
