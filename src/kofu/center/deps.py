"""The centre's service as a FastAPI dependency: routes exist before any service does (OpenAPI)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kofu.center.service import CenterService


async def center_service(request: Request) -> CenterService:
    """The service behind the app."""
    service: CenterService = request.app.state.service
    return service


Service = Annotated[CenterService, Depends(center_service)]
