"""交付履歴の確認: what was issued in the card holder's name, from each city's issuance log."""

from __future__ import annotations

from kofu.kiosk.deps import VisitDep
from kofu.kiosk.routes.common import Area, step
from kofu.protocol import kiosk_screen as api
from kofu.protocol.kiosk_screen import IssuedHistory

router = Area()


@router.route(api.HISTORY)
async def history(visit: VisitDep) -> IssuedHistory:
    entries, after = await step(visit, visit.issued_history)
    return IssuedHistory(entries=entries, state=after)
