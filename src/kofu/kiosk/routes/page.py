"""The page itself, what it shows and speaks, and the visit's end: page, state, guidance, touch,
leave (the pagehide beacon) and やめる."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from kofu.kiosk.deps import TokenDep, VisitDep
from kofu.kiosk.routes.common import PAGE_POLICY, TEMPLATES, Area, step
from kofu.kiosk.speaker import guidance
from kofu.protocol import kiosk_screen as api
from kofu.protocol.kiosk_screen import TOKEN_META, Guidance, Refund, ScreenState, Touched

router = Area()

#: /api/leave's body, as sendBeacon sends it (documented in its OpenAPI entry).
BEACON_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/plain": {"schema": {"type": "string", "description": "the page token"}}},
    }
}


@router.route(api.PAGE)
async def page(request: Request, visit: VisitDep, token: TokenDep) -> Response:
    # A new page is a new screen: a visit the last page left open ends now (refund, and any
    # documents still in the tray go to the retained bin), so a reload never shows them. Its
    # token replaces the last page's, which can change nothing any more.
    await run_in_threadpool(visit.run, visit.page_left)
    response = TEMPLATES.TemplateResponse(
        request,
        "index.html",
        {
            "kiosk_id": request.app.state.kiosk_id,
            "idle_timeout": int(visit.idle_timeout),
            "pcsc": visit.devices.pcsc is not None,
            "token_meta": TOKEN_META,
            "token": token.issue(),
        },
    )
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response


@router.route(api.STATE)
async def state(visit: VisitDep) -> ScreenState:
    """What the screen shows (does not count as the resident's activity)."""
    return await run_in_threadpool(visit.state)


@router.route(api.GUIDANCE)
async def speech(visit: VisitDep) -> Guidance:
    return guidance(visit.devices.speaker)


@router.route(api.TOUCH)
async def touch(visit: VisitDep) -> Touched:
    _, after = await step(visit, visit.touch)
    return Touched(state=after)


@router.route(api.LEAVE, openapi_extra=BEACON_BODY)
async def leave(visit: VisitDep) -> Refund:
    """The page is going away (the guard has checked the token its beacon carries)."""
    refund, after = await step(visit, visit.page_left)
    return Refund(refund=refund, state=after)


@router.route(api.CANCEL)
async def cancel(visit: VisitDep) -> Refund:
    refund, after = await step(visit, visit.cancel)
    return Refund(refund=refund, state=after)
