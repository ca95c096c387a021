"""Maintenance: its page, and the status and actions behind the maintenance key."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from kofu.kiosk.deps import GateDep, VisitDep
from kofu.kiosk.maintenance import maintain, maintenance_status
from kofu.kiosk.routes.common import PAGE_POLICY, TEMPLATES, Area
from kofu.protocol import kiosk_screen as api
from kofu.protocol.errors import AuthFailed
from kofu.protocol.kiosk_maintenance import Maintain, MaintenanceStatus

log = logging.getLogger(__name__)
router = Area()


class Denied(AuthFailed):
    """Wrong or missing maintenance credentials."""

    status = 401


async def require_key(request: Request, gate: GateDep) -> None:
    if gate.allows(request.headers.get("authorization")):
        return
    log.warning("maintenance: wrong or missing credentials")
    await asyncio.sleep(0.3)  # slows guessing; the key has 144 random bits anyway
    raise Denied("kiosk.maintenance.denied")


Authorized = Annotated[None, Depends(require_key)]


@router.route(api.MAINTENANCE_PAGE)
async def maintenance_page(request: Request) -> Response:
    response = TEMPLATES.TemplateResponse(
        request, "maintenance.html", {"kiosk_id": request.app.state.kiosk_id}
    )
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response


@router.route(api.MAINTENANCE_STATUS)
async def status(_key: Authorized, visit: VisitDep) -> MaintenanceStatus:
    return await run_in_threadpool(visit.inspect, maintenance_status, visit.devices, visit)


@router.route(api.MAINTENANCE_ACTION)
async def action(body: Maintain, _key: Authorized, visit: VisitDep) -> MaintenanceStatus:
    log.info("maintenance: %s", body.action)
    return await run_in_threadpool(visit.inspect, maintain, visit.devices, visit, body.action, body.value)
