"""印鑑登録 queries: the live registration (read on every inkan order), register, abolish."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kofu.city.registry.errors import SealRegistrationRefused
from kofu.city.registry.models import (
    SEAL_ABOLISHED,
    SEAL_ACTIVE,
    SEAL_MIN_AGE,
    Resident,
    SealImpression,
    SealRegistration,
)


def live_seal_registration(session: Session, resident_id: int) -> SealRegistration | None:
    """The resident's active 印鑑登録, or None (never registered, or abolished). One SELECT.

    Read it in the same transaction that issues the document: an abolition committed before
    is seen at once (there is no cached copy to go stale).
    """
    stmt = select(SealRegistration).where(
        SealRegistration.resident_id == resident_id, SealRegistration.status == SEAL_ACTIVE
    )
    return session.scalars(stmt).one_or_none()


def seal_registrations(session: Session, resident_id: int) -> list[SealRegistration]:
    """Every registration of the resident, oldest first (abolished ones included)."""
    stmt = (
        select(SealRegistration)
        .where(SealRegistration.resident_id == resident_id)
        .order_by(SealRegistration.registered_on, SealRegistration.id)
    )
    return list(session.scalars(stmt))


def register_seal(
    session: Session, resident: Resident, impression: SealImpression, *, number: str, on: date
) -> SealRegistration:
    """Register a seal for ``resident`` on ``on`` (flushed). Raises SealRegistrationRefused when the
    person is under 15 that day or already has a live registration."""
    if resident.age_on(on) < SEAL_MIN_AGE:
        raise SealRegistrationRefused(f"no seal registration under {SEAL_MIN_AGE}")
    if live_seal_registration(session, resident.id) is not None:
        raise SealRegistrationRefused("the resident already has a live seal registration")
    registration = SealRegistration(
        resident_id=resident.id,
        registration_number=number,
        registered_on=on,
        status=SEAL_ACTIVE,
        impression=impression.to_json(),
    )
    session.add(registration)
    session.flush()
    return registration


def abolish_seal_registration(session: Session, resident_id: int, *, on: date) -> SealRegistration | None:
    """Abolish (廃止) the resident's live registration on ``on``; None when there was none.

    The row is updated in the caller's transaction: once committed, the next ``inkan`` order
    reads no live registration and is refused.
    """
    registration = live_seal_registration(session, resident_id)
    if registration is None:
        return None
    registration.status, registration.abolished_on = SEAL_ABOLISHED, on
    session.flush()
    return registration
