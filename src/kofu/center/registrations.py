"""利用登録 (本籍地 registration) at the centre: relayed, never read, never stored.

    POST /v1/registrations/key   kiosk, session   {city_code}              → RegistrationKey
    POST /v1/registrations       kiosk, session   {city_code, application} → RegistrationResult
    POST /v1/routes/honseki      issuer of honseki_city  {card_serial, honseki_city}

An application goes: kiosk seals 本籍 and 筆頭者 for the 本籍地 city's application key (which the
centre relays from that city); the centre asks the card's residence city for the holder's name and
birth date, sealed by that city for the same key; then hands both ciphertexts to the 本籍地 city,
which records a pending registration and answers its number. The centre keeps no row and logs
no body: it sees two city codes and ciphertext. Once staff approve, the 本籍地 city's issuer
certificate sets the card's ``honseki_city`` route here, and the next session of that card is
offered the city as 「本籍地」.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kofu import clock
from kofu.center import routing
from kofu.center.auth import CardSession, card_ref
from kofu.center.models import City, Route
from kofu.center.service import CenterService
from kofu.net.app import require_peer
from kofu.protocol.errors import ProtocolViolation, Refused
from kofu.protocol.messages import (
    SESSION_HEADER,
    CityRequest,
    RegistrationKey,
    RegistrationKeyRequest,
    RegistrationRequest,
    RegistrationResult,
)

router = APIRouter()


def _residence(session: CardSession) -> str:
    city = next((code for code, kind in session.cities if kind == "residence"), None)
    if city is None:
        raise Refused("card.unknown", "no residence city for this card")
    return city


def _request(session: CardSession, kind: str, city: str, **fields: object) -> CityRequest:
    return CityRequest(
        request_id=secrets.token_hex(16),
        kind=kind,  # type: ignore[arg-type]
        city_code=city,
        card_serial=session.card_serial,
        kiosk_id=session.kiosk_id,
        **fields,  # type: ignore[arg-type]
    )


async def application_key(service: CenterService, session: CardSession, city: str) -> bytes:
    """The 本籍地 city's application key, as that city answers it now."""
    await run_in_threadpool(routing.check_open, service.db, city)
    answer = await service._ask_city(_request(session, "registration_key", city))
    if answer.public_key is None:
        raise ProtocolViolation("protocol.invalid", "city answered without its key")
    return answer.public_key


async def apply(
    service: CenterService, session: CardSession, body: RegistrationRequest
) -> RegistrationResult:
    """Relay one application (see the module docstring)."""
    residence = _residence(session)
    if body.city_code == residence:
        raise Refused("order.invalid", "the 本籍地 is the residence city: no registration needed")
    key = await application_key(service, session, body.city_code)
    await run_in_threadpool(routing.check_open, service.db, residence)
    applicant = await service._ask_city(
        _request(session, "applicant", residence, recipient_key=key, other_city=body.city_code)
    )
    if applicant.sealed is None:
        raise ProtocolViolation("protocol.invalid", "residence city answered without the applicant")
    answer = await service._ask_city(
        _request(
            session,
            "registration",
            body.city_code,
            application=body.application,
            applicant=applicant.sealed,
            other_city=residence,
        )
    )
    if answer.registration is None or answer.registration.city_code != body.city_code:
        raise ProtocolViolation("protocol.invalid", "city answered without the registration")
    return answer.registration


class HonsekiRoute(BaseModel):
    """A 本籍地 city's request to route a card to itself for 戸籍 documents."""

    card_serial: str = Field(pattern=r"^[0-9A-F]{1,64}$")
    honseki_city: str = Field(pattern=r"^[0-9]{6}$")


class HonsekiRouted(BaseModel):
    """What the centre recorded (no serial, no card_ref)."""

    honseki_city: str


def set_honseki_route(db: sessionmaker[Session], body: HonsekiRoute) -> HonsekiRouted:
    """Record ``honseki_city`` on the card's route; the card must already be routed."""
    with db.begin() as session:
        if session.get(City, body.honseki_city) is None:
            raise Refused("city.unknown", "the centre does not know this city")
        route = session.get(Route, card_ref(body.card_serial))
        if route is None:
            raise Refused("route.unknown", "no route for this card")
        route.honseki_city = body.honseki_city
        route.updated_at = clock.now_utc()
    return HonsekiRouted(honseki_city=body.honseki_city)


def _session(request: Request, token: str | None) -> tuple[CenterService, CardSession]:
    service: CenterService = request.app.state.service
    kiosk = require_peer(request, "kiosk").ident
    return service, service.session(kiosk, token)


@router.post("/v1/registrations/key", response_model=RegistrationKey)
async def registration_key(
    body: RegistrationKeyRequest, request: Request, token: str | None = Header(None, alias=SESSION_HEADER)
) -> RegistrationKey:
    """The key a kiosk seals a 利用登録 application to."""
    service, session = _session(request, token)
    key = await application_key(service, session, body.city_code)
    return RegistrationKey(city_code=body.city_code, public_key=key)


@router.post("/v1/registrations", response_model=RegistrationResult)
async def register(
    body: RegistrationRequest, request: Request, token: str | None = Header(None, alias=SESSION_HEADER)
) -> RegistrationResult:
    """Relay a sealed 利用登録 application to the 本籍地 city."""
    service, session = _session(request, token)
    return await apply(service, session, body)


@router.post("/v1/routes/honseki", response_model=HonsekiRouted)
async def honseki_route(body: HonsekiRoute, request: Request) -> HonsekiRouted:
    """Route an approved card to its 本籍地 city; only that city's issuer may."""
    require_peer(request, "issuer", body.honseki_city)
    return await run_in_threadpool(set_honseki_route, request.app.state.service.db, body)
