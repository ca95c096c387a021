"""The kiosk's visit, devices and gates as FastAPI dependencies: routes exist before any of them
does (``kofu openapi kiosk`` builds the app with none), and tests build them as they like."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kofu.kiosk.guard import PageToken
from kofu.kiosk.maintenance import MaintenanceGate
from kofu.kiosk.visit import Visit


async def current_visit(request: Request) -> Visit:
    """The kiosk's visit (one at a time)."""
    visit: Visit = request.app.state.visit
    return visit


async def page_token(request: Request) -> PageToken:
    """The token of the page last served."""
    token: PageToken = request.app.state.page_token
    return token


async def maintenance_gate(request: Request) -> MaintenanceGate:
    """The check of the maintenance key."""
    gate: MaintenanceGate = request.app.state.maintenance_gate
    return gate


VisitDep = Annotated[Visit, Depends(current_visit)]
TokenDep = Annotated[PageToken, Depends(page_token)]
GateDep = Annotated[MaintenanceGate, Depends(maintenance_gate)]
