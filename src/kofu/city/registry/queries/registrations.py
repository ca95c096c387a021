"""利用登録 (本籍地 registration): apply, approve or reject, look up by card. Kept by the 本籍地 city.

The applicant lives in another city and is known here only by the card's certificate serial
and what they typed (本籍, 筆頭者) plus, where the card's data provides them, name and birth
date. Approval checks that a current member of that register matches and links it, so the
issuer later finds the register in one step: ``registration.member.register``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from kofu.city.registry.errors import RegistrationMismatch, RegistrationNotPending, UnknownRegistration
from kofu.city.registry.models import (
    REGISTRATION_APPROVED,
    REGISTRATION_PENDING,
    REGISTRATION_REJECTED,
    HonsekiRegistration,
    KosekiMember,
)
from kofu.city.registry.queries.koseki import compact, find_member, koseki_by_honseki
from kofu.city.registry.queries.residents import normalize_cert_serial

_LIVE = (REGISTRATION_PENDING, REGISTRATION_APPROVED)


def registration_for_card(session: Session, cert_serial_hex: str) -> HonsekiRegistration | None:
    """The card's live (pending or approved) 利用登録, or None. One SELECT; an approved one comes
    with ``member`` and ``member.register`` loaded (members and events are loaded lazily)."""
    stmt = (
        select(HonsekiRegistration)
        .where(
            HonsekiRegistration.cert_serial_hex == normalize_cert_serial(cert_serial_hex),
            HonsekiRegistration.status.in_(_LIVE),
        )
        .options(joinedload(HonsekiRegistration.member).joinedload(KosekiMember.register))
    )
    return session.scalars(stmt).unique().one_or_none()


def apply_registration(
    session: Session,
    *,
    cert_serial_hex: str,
    residence_city_code: str,
    honseki: str,
    hittosha: str,
    on: date,
    applicant_name: str | None = None,
    applicant_birth_date: date | None = None,
) -> HonsekiRegistration:
    """Record a pending 利用登録 (flushed). Applying again for the same register returns the live
    one unchanged; a card with a live registration for another register raises
    RegistrationNotPending (reject that one first)."""
    existing = registration_for_card(session, cert_serial_hex)
    if existing is not None:
        if compact(existing.honseki) == compact(honseki) and compact(existing.hittosha) == compact(hittosha):
            return existing
        raise RegistrationNotPending(
            f"card already has a {existing.status} registration for another register"
        )
    registration = HonsekiRegistration(
        cert_serial_hex=normalize_cert_serial(cert_serial_hex),
        residence_city_code=residence_city_code,
        honseki=compact(honseki),
        hittosha=hittosha.strip(),
        applicant_name=applicant_name,
        applicant_birth_date=applicant_birth_date,
        status=REGISTRATION_PENDING,
        applied_on=on,
    )
    session.add(registration)
    session.flush()
    return registration


def _pending(session: Session, registration_id: int) -> HonsekiRegistration:
    registration = session.get(HonsekiRegistration, registration_id)
    if registration is None:
        raise UnknownRegistration(f"no registration {registration_id}")
    if registration.status != REGISTRATION_PENDING:
        raise RegistrationNotPending(f"registration {registration_id} is {registration.status}")
    return registration


def approve_registration(session: Session, registration_id: int, *, on: date) -> HonsekiRegistration:
    """Approve a pending registration: its register must exist here and, when the applicant's name
    and birth date are known, hold them as a current member (linked as ``member``).

    Raises UnknownRegistration, RegistrationNotPending or RegistrationMismatch.
    """
    registration = _pending(session, registration_id)
    register = koseki_by_honseki(session, registration.honseki, registration.hittosha)
    if register is None:
        raise RegistrationMismatch("no register with that 本籍 and 筆頭者 is kept in this city")
    member = None
    if registration.applicant_name is not None and registration.applicant_birth_date is not None:
        member = find_member(register, registration.applicant_name, registration.applicant_birth_date)
        if member is None:
            raise RegistrationMismatch("the applicant is not a current member of that register")
    registration.status, registration.decided_on = REGISTRATION_APPROVED, on
    registration.koseki_member_id = member.id if member is not None else None
    session.flush()
    return registration


def reject_registration(
    session: Session, registration_id: int, *, on: date, reason: str
) -> HonsekiRegistration:
    """Reject a pending registration with a reason staff can show (flushed)."""
    registration = _pending(session, registration_id)
    registration.status, registration.decided_on, registration.reason = REGISTRATION_REJECTED, on, reason
    session.flush()
    return registration


def pending_registrations(session: Session) -> list[HonsekiRegistration]:
    """Registrations waiting for a decision, oldest first (the staff console's queue)."""
    stmt = (
        select(HonsekiRegistration)
        .where(HonsekiRegistration.status == REGISTRATION_PENDING)
        .order_by(HonsekiRegistration.applied_on, HonsekiRegistration.id)
    )
    return list(session.scalars(stmt))
