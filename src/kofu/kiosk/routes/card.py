"""The card slot and the PIN: lay the card, take it back, type the PIN."""

from __future__ import annotations

from kofu.kiosk.deps import VisitDep
from kofu.kiosk.routes.common import Area, step
from kofu.protocol import kiosk_screen as api
from kofu.protocol.kiosk_screen import CardLaid, CardTaken, Pin, PinAccepted, PlaceCard

router = Area()


@router.route(api.CARD_PLACE)
async def place_card(body: PlaceCard, visit: VisitDep) -> CardLaid:
    (number, tries), after = await step(visit, visit.place_card, body.card)
    return CardLaid(visit=number, tries_left=tries, state=after)


@router.route(api.CARD_READ)
async def read_card(visit: VisitDep) -> CardLaid:
    (number, tries), after = await step(visit, visit.read_reader_card)
    return CardLaid(visit=number, tries_left=tries, state=after)


@router.route(api.CARD_REMOVE)
async def remove_card(visit: VisitDep) -> CardTaken:
    ended, after = await step(visit, visit.remove_card)
    return CardTaken(ended=ended, state=after)


@router.route(api.PIN)
async def pin(body: Pin, visit: VisitDep) -> PinAccepted:
    cities, after = await step(visit, visit.enter_pin, body.pin)
    return PinAccepted(cities=cities, state=after)
