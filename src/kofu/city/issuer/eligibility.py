"""Who is refused, and why: the rules of DOMAIN.md applied to live registry rows.

Each rule raises ``Refused`` with its stable code (messages in ``kofu.protocol.codes``). The
menu applies them to say early what it can; the order applies them all again, on the rows it
reads in its own transaction, because the order is what matters.

    check_resident     not found, deceased, moved out, DV-protected, pending change
    check_age          under 15
    check_household    a chosen household member refused (moved out, DV, pending change)
    check_document     not offered, outside hours
    check_copies       over the city's copy limit
    check_seal         no live seal registration / abolished / the seal shows no printed name
    check_tax          year not offered, no record, no declaration
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from kofu import clock
from kofu.city.registry.models import (
    SEAL_MIN_AGE,
    CitySetting,
    DocumentSetting,
    Resident,
    SealRegistration,
    TaxRecord,
    seal_shows_a_name,
)
from kofu.city.registry.queries import live_seal_registration, seal_registrations, tax_record
from kofu.protocol.errors import Refused
from kofu.telemetry.tracing import traced

KIOSK_MIN_AGE = SEAL_MIN_AGE


@traced("rule", rule="resident")
def check_resident(resident: Resident | None) -> Resident:
    """The resident, if a kiosk may issue for them at all; otherwise the refusal with its code."""
    if resident is None:
        raise Refused("city.resident.not_found")
    if resident.status == "deceased":
        raise Refused("city.resident.deceased")
    if resident.status == "moved_out":
        raise Refused("city.resident.moved_out")
    if resident.dv_protected:
        raise Refused("city.resident.dv_protected")
    if resident.pending_change:
        raise Refused("city.resident.pending_change")
    return resident


@traced("rule", rule="age")
def check_age(resident: Resident, now: datetime) -> None:
    """Kiosks here serve people aged 15 and over (as many cities do)."""
    if resident.age_on(clock.japan_date(now)) < KIOSK_MIN_AGE:
        raise Refused("city.resident.under_15")


@traced("rule", rule="household")
def check_household(holder: Resident, members: Sequence[Resident]) -> None:
    """Every chosen member obeys the rules too; another member's reason is not told."""
    for member in members:
        if member.id == holder.id:
            continue
        try:
            check_resident(member)
        except Refused as exc:
            raise Refused("city.resident.household_refused", exc.code) from exc


@traced("rule", rule="document")
def check_document(setting: CitySetting, doc: str, now: datetime) -> DocumentSetting:
    """The document's live setting, if it is offered and open at ``now`` (read in Japan time)."""
    document = setting.document(doc)
    if document is None or not document.offered:
        raise Refused("city.document.not_offered", f"{doc} not offered")
    if not document.open_at(now):
        raise Refused("city.document.outside_hours", f"{doc} closed now")
    return document


@traced("rule", rule="copies")
def check_copies(setting: CitySetting, copies: int) -> None:
    """At most the city's copy limit per order."""
    if not 1 <= copies <= setting.copy_limit:
        raise Refused("order.copies.invalid", f"at most {setting.copy_limit} copies")


@traced("rule", rule="seal")
def check_seal(session: Session, resident: Resident) -> SealRegistration:
    """The live seal registration, read in the caller's transaction (never a copy), whose
    impression shows a name the certificate prints (a seal in a former name is void)."""
    registration = live_seal_registration(session, resident.id)
    if registration is not None:
        names = [resident.name, resident.alias_name, resident.katakana_name]
        if not seal_shows_a_name(registration.seal.characters, [n for n in names if n]):
            raise Refused("city.inkan.name_mismatch")
        return registration
    if seal_registrations(session, resident.id):
        raise Refused("city.inkan.abolished")
    raise Refused("city.inkan.not_registered")


@traced("rule", rule="tax")
def check_tax(session: Session, setting: CitySetting, resident: Resident, fiscal_year: int) -> TaxRecord:
    """The declared tax record of an offered fiscal year."""
    if fiscal_year not in (setting.kazei_fiscal_years or []):
        raise Refused("city.kazei.year_not_offered", str(fiscal_year))
    record = tax_record(session, resident.id, fiscal_year)
    if record is None:
        raise Refused("city.kazei.no_record", str(fiscal_year))
    if not record.declared:
        raise Refused("city.kazei.not_declared", str(fiscal_year))
    return record
