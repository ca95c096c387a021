"""A city's own registry: schema, migrations, database access, issuer queries and demo seeding.

Public surface::

    models    Address, Household, Resident (Japanese or foreign), Card, IssueCounter;
              KosekiRegister, KosekiMember, KosekiEvent, FuhyoEntry (戸籍 and 附票, 本籍 here);
              SealRegistration + SealImpression (印鑑登録); TaxRecord, TaxIncome, TaxDeduction;
              CitySetting, DocumentSetting, HonsekiRegistration (利用登録)
    migrate   upgrade(engine_or_url), head_revision(), current_revision(engine), alembic_config()
    db        make_engine(url), create_schema(engine) (= upgrade), session_factory(engine), sqlite_url(path)
    queries   resident_for_card, register_card, household_members, next_issue_number, live_seal_registration,
              register_seal, abolish_seal_registration, koseki_by_honseki, koseki_for_resident,
              find_member, fuhyo_for_register, tax_record, city_settings, document_setting,
              registration_for_card, apply_registration, approve_registration,
              reject_registration, pending_registrations
    seed      CITIES, CityInfo, seed_city(...), SeededPerson, TRAITS, ensure_city_setting
    errors    RegistryError and its subclasses (each with a stable ``code``)
"""

from kofu.city.registry.cities import CITIES, CityInfo
from kofu.city.registry.db import create_schema, make_engine, session_factory, sqlite_url
from kofu.city.registry.errors import (
    InvalidCertSerial,
    IssueNumberExhausted,
    RegistrationMismatch,
    RegistrationNotPending,
    RegistryError,
    SchemaPredatesMigrations,
    SealRegistrationRefused,
    UnknownCity,
    UnknownRegistration,
    UnknownResident,
)
from kofu.city.registry.migrate import upgrade
from kofu.city.registry.models import (
    Address,
    Base,
    Card,
    CitySetting,
    DocumentSetting,
    FuhyoEntry,
    HonsekiRegistration,
    Household,
    IssueCounter,
    KosekiEvent,
    KosekiMember,
    KosekiRegister,
    Resident,
    SealImpression,
    SealRegistration,
    TaxDeduction,
    TaxIncome,
    TaxRecord,
)
from kofu.city.registry.queries import (
    abolish_seal_registration,
    apply_registration,
    approve_registration,
    city_settings,
    document_setting,
    find_member,
    fuhyo_for_register,
    household_members,
    koseki_by_honseki,
    koseki_for_resident,
    live_seal_registration,
    next_issue_number,
    pending_registrations,
    register_card,
    register_seal,
    registration_for_card,
    reject_registration,
    resident_for_card,
    seal_registrations,
    tax_record,
)

_SEED = ("TRAITS", "SeededPerson", "ensure_city_setting", "seed_city")


def __getattr__(name: str) -> object:
    """The seeding names, imported when first asked for: seeding needs Faker, serving does not."""
    if name in _SEED:
        from kofu.city.registry import seed

        return getattr(seed, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CITIES",
    "TRAITS",
    "Address",
    "Base",
    "Card",
    "CityInfo",
    "CitySetting",
    "DocumentSetting",
    "FuhyoEntry",
    "HonsekiRegistration",
    "Household",
    "InvalidCertSerial",
    "IssueCounter",
    "IssueNumberExhausted",
    "KosekiEvent",
    "KosekiMember",
    "KosekiRegister",
    "RegistrationMismatch",
    "RegistrationNotPending",
    "RegistryError",
    "Resident",
    "SchemaPredatesMigrations",
    "SealImpression",
    "SealRegistration",
    "SealRegistrationRefused",
    "SeededPerson",
    "TaxDeduction",
    "TaxIncome",
    "TaxRecord",
    "UnknownCity",
    "UnknownRegistration",
    "UnknownResident",
    "abolish_seal_registration",
    "apply_registration",
    "approve_registration",
    "city_settings",
    "create_schema",
    "document_setting",
    "ensure_city_setting",
    "find_member",
    "fuhyo_for_register",
    "household_members",
    "koseki_by_honseki",
    "koseki_for_resident",
    "live_seal_registration",
    "make_engine",
    "next_issue_number",
    "pending_registrations",
    "register_card",
    "register_seal",
    "registration_for_card",
    "reject_registration",
    "resident_for_card",
    "seal_registrations",
    "seed_city",
    "session_factory",
    "sqlite_url",
    "tax_record",
    "upgrade",
]
