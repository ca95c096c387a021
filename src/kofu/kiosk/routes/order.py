"""Menu and order: the city, its menu, 利用登録, document, options, copies, confirmation, order."""

from __future__ import annotations

from kofu.kiosk.deps import VisitDep
from kofu.kiosk.routes.common import Area, step
from kofu.protocol import kiosk_screen as api
from kofu.protocol.kiosk_screen import (
    CityKindChoice,
    Confirmation,
    Copies,
    DocumentChoice,
    DocumentChosen,
    DraftSaved,
    MenuShown,
    Options,
    Ordered,
    Registration,
    RegistrationCities,
    RegistrationSent,
)

router = Area()


@router.route(api.CITY)
async def city(body: CityKindChoice, visit: VisitDep) -> MenuShown:
    menu, after = await step(visit, visit.choose_city, body.kind)
    return MenuShown(menu=menu, state=after)


@router.route(api.MENU)
async def menu(visit: VisitDep) -> MenuShown:
    shown, after = await step(visit, visit.menu)
    return MenuShown(menu=shown, state=after)


@router.route(api.REGISTRATION_CITIES)
async def registration_cities(visit: VisitDep) -> RegistrationCities:
    cities, after = await step(visit, visit.registration_cities)
    return RegistrationCities(cities=cities, state=after)


@router.route(api.REGISTRATION)
async def registration(body: Registration, visit: VisitDep) -> RegistrationSent:
    done, after = await step(visit, visit.apply_registration, body.city_code, body.honseki, body.hittosha)
    return RegistrationSent(registration=done, state=after)


@router.route(api.DOCUMENT)
async def document(body: DocumentChoice, visit: VisitDep) -> DocumentChosen:
    (offer, draft), after = await step(visit, visit.choose_document, body.doc)
    return DocumentChosen(offer=offer, draft=draft, state=after)


@router.route(api.OPTIONS)
async def options(body: Options, visit: VisitDep) -> DraftSaved:
    draft, after = await step(visit, visit.choose_options, dict(body.options))
    return DraftSaved(draft=draft, state=after)


@router.route(api.COPIES)
async def copies(body: Copies, visit: VisitDep) -> DraftSaved:
    draft, after = await step(visit, visit.choose_copies, body.copies)
    return DraftSaved(draft=draft, state=after)


@router.route(api.CONFIRM)
async def confirm(visit: VisitDep) -> Confirmation:
    confirmed, after = await step(visit, visit.confirmation)
    offer = confirmed.offer
    return Confirmation(
        doc=offer.doc,
        title_ja=offer.title_ja,
        title_en=offer.title_en,
        options=confirmed.options,
        copies=confirmed.copies,
        fee=offer.fee,
        fee_total=offer.fee * confirmed.copies,
        state=after,
    )


@router.route(api.ORDER)
async def order(visit: VisitDep) -> Ordered:
    """Fetch and check the document (before any payment)."""
    ready, after = await step(visit, visit.order)
    return Ordered(document=ready, state=after)
