"""Payment and tray: money in, printing, change and documents out."""

from __future__ import annotations

import re

from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from kofu.kiosk.deps import VisitDep
from kofu.kiosk.routes.common import Area, step
from kofu.protocol import kiosk_screen as api
from kofu.protocol.errors import Refused
from kofu.protocol.kiosk_screen import CashInserted, Money, Paid, Taken, Tray

router = Area()

_SHEET_ID = re.compile(r"[0-9a-f]{32}")


class NoSheet(Refused):
    """No such sheet in the tray."""

    status = 404


@router.route(api.CASH)
async def cash(body: Money, visit: VisitDep) -> CashInserted:
    inserted, after = await step(visit, visit.insert_money, body.amount)
    return CashInserted(inserted=inserted, state=after)


@router.route(api.CASH_TAKE)
async def take_change(visit: VisitDep) -> Taken:
    taken, after = await step(visit, visit.take_change)
    return Taken(taken=taken, state=after)


@router.route(api.PAY)
async def pay(visit: VisitDep) -> Paid:
    """Print; the money is kept only if printing worked."""
    change, after = await step(visit, visit.pay_and_print)
    return Paid(change=change, state=after)


@router.route(api.TRAY)
async def tray(visit: VisitDep) -> Tray:
    return Tray(sheets=(await run_in_threadpool(visit.state)).tray)


@router.route(api.SHEET)
async def sheet(sheet_id: str, visit: VisitDep) -> Response:
    found = (
        await run_in_threadpool(visit.run, visit.sheet, sheet_id) if _SHEET_ID.fullmatch(sheet_id) else None
    )
    if found is None:
        raise NoSheet("kiosk.tray.empty")
    return Response(
        found.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="document.pdf"'},
    )


@router.route(api.TRAY_TAKE)
async def take_documents(visit: VisitDep) -> Taken:
    taken, after = await step(visit, visit.take_documents)
    return Taken(taken=taken, state=after)
