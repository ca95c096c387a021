"""What the city issuer reads (and the few things it writes) in its registry, live.

Every function takes the caller's Session and runs a few statements at most (each says how
many); nothing is cached, so a change committed by staff is seen by the very next order.

residents      resident_for_card, register_card, household_members, next_issue_number,
               normalize_cert_serial
inkan          live_seal_registration, seal_registrations, register_seal, abolish_seal_registration
koseki         koseki_by_honseki, koseki_for_resident, find_member, fuhyo_for_register, compact
tax            tax_record
settings       city_settings, document_setting
registrations  registration_for_card, apply_registration, approve_registration,
               reject_registration, pending_registrations
"""

from kofu.city.registry.queries.inkan import (
    abolish_seal_registration,
    live_seal_registration,
    register_seal,
    seal_registrations,
)
from kofu.city.registry.queries.koseki import (
    compact,
    find_member,
    fuhyo_for_register,
    koseki_by_honseki,
    koseki_for_resident,
)
from kofu.city.registry.queries.registrations import (
    apply_registration,
    approve_registration,
    pending_registrations,
    registration_for_card,
    reject_registration,
)
from kofu.city.registry.queries.residents import (
    ISSUE_NUMBER_DIGITS,
    household_members,
    next_issue_number,
    normalize_cert_serial,
    register_card,
    resident_for_card,
)
from kofu.city.registry.queries.settings import city_settings, document_setting
from kofu.city.registry.queries.tax import tax_record

__all__ = [
    "ISSUE_NUMBER_DIGITS",
    "abolish_seal_registration",
    "apply_registration",
    "approve_registration",
    "city_settings",
    "compact",
    "document_setting",
    "find_member",
    "fuhyo_for_register",
    "household_members",
    "koseki_by_honseki",
    "koseki_for_resident",
    "live_seal_registration",
    "next_issue_number",
    "normalize_cert_serial",
    "pending_registrations",
    "register_card",
    "register_seal",
    "registration_for_card",
    "reject_registration",
    "resident_for_card",
    "seal_registrations",
    "tax_record",
]
