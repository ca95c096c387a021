"""The device panel: which cards the SIMULATED slot offers, or the real reader's state."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from kofu.kiosk.deps import VisitDep
from kofu.kiosk.routes.common import Area
from kofu.kiosk.slot import SimulatedSlot
from kofu.protocol import kiosk_screen as api
from kofu.protocol.kiosk_screen import DeviceCards

router = Area()


@router.route(api.DEVICE_CARDS)
async def device_cards(visit: VisitDep) -> DeviceCards:
    """The simulated slot's cards (from its card panel, if one is configured); with a real
    reader, its state and no card to pick. Never a PIN."""
    slot = visit.devices.slot
    if not isinstance(slot, SimulatedSlot):
        return DeviceCards(simulated=False, reader=slot.state())
    cards = await run_in_threadpool(slot.panel.cards)
    return DeviceCards(simulated=True, reader=slot.state(), cards=cards)
