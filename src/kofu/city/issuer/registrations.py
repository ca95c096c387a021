"""利用登録 (本籍地 registration) at the issuer: three request kinds the centre relays.

    registration_key   (本籍地 city)   → its X25519 application key
    applicant          (residence city) → the card holder's name and birth date, read live from
                                         the residence record, in an envelope for the 本籍地 city's key
    registration       (本籍地 city)   → opens the kiosk's application (本籍, 筆頭者) and the
                                         residence city's applicant data, records it pending

The centre sees ciphertext and the two city codes only. Staff of the 本籍地 city approve with
``kofu city registrations approve``, which matches the applicant to a current member of the
register and routes the card to the city at the centre.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kofu.city.issuer.eligibility import check_resident
from kofu.city.registry.errors import RegistrationNotPending
from kofu.city.registry.queries import apply_registration, resident_for_card
from kofu.protocol.center_gateway import (
    ApplicantCall,
    CityResponse,
    RegistrationCall,
    RegistrationKeyCall,
)
from kofu.protocol.envelope import envelope_applicant, open_applicant, open_application
from kofu.protocol.errors import Refused
from kofu.protocol.kiosk_center import RegistrationResult

if TYPE_CHECKING:
    from kofu.city.issuer.service import IssuerService


def handle(
    service: IssuerService, request: RegistrationKeyCall | ApplicantCall | RegistrationCall
) -> CityResponse:
    """Answer a registration_key, applicant or registration request."""
    rid = request.request_id
    if isinstance(request, RegistrationKeyCall):
        return CityResponse(request_id=rid, public_key=service.keys.application_public_key)
    if isinstance(request, ApplicantCall):
        return CityResponse(request_id=rid, envelope=_applicant(service, request))
    return CityResponse(request_id=rid, registration=_register(service, request))


def _applicant(service: IssuerService, request: ApplicantCall) -> bytes:
    with service.db() as session:
        resident = check_resident(resident_for_card(session, request.card_serial))
        if resident.is_foreign:
            raise Refused("city.koseki.not_found", "foreign residents have no family register")
        name, birth = resident.name, resident.birth_date.isoformat()
    return envelope_applicant(name, birth, request.recipient_key, request.other_city, request.card_serial)


def _register(service: IssuerService, request: RegistrationCall) -> RegistrationResult:
    key, city, serial = service.keys.application_key, service.city_code, request.card_serial
    honseki, hittosha = open_application(request.application, key, city, serial)
    name, birth = open_applicant(request.applicant, key, city, serial)
    if not honseki.strip() or not hittosha.strip():
        raise Refused("order.invalid", "本籍 and 筆頭者 are needed")
    try:
        with service.db.begin() as session:
            registration = apply_registration(
                session,
                cert_serial_hex=serial,
                residence_city_code=request.other_city,
                honseki=honseki,
                hittosha=hittosha,
                on=service.today(),
                applicant_name=name,
                applicant_birth_date=date.fromisoformat(birth),
            )
            result = RegistrationResult(
                city_code=city,
                registration_id=registration.id,
                status=registration.status,  # type: ignore[arg-type]
            )
    except RegistrationNotPending as exc:
        raise Refused("city.registration.exists", "another register is registered or pending") from exc
    return result
