"""A city's own resident registry: schema, database access, issuer queries and demo seeding.

Public surface::

    models   Base, Address, Household, Resident, Card, IssueCounter, CitySetting
    db       make_engine(url), create_schema(engine), session_factory(engine), sqlite_url(path)
    queries  resident_for_card(session, serial), household_members(session, household_id),
             next_issue_number(session, city_code, year)
    seed     CITIES, CityInfo, seed_city(...), SeededPerson, ensure_city_setting, register_card
    errors   RegistryError and its subclasses (each with a stable ``code``)
"""

from kofu.city.registry.cities import CITIES, CityInfo
from kofu.city.registry.db import create_schema, make_engine, session_factory, sqlite_url
from kofu.city.registry.errors import (
    InvalidCertSerial,
    IssueNumberExhausted,
    RegistryError,
    UnknownCity,
    UnknownResident,
)
from kofu.city.registry.models import (
    Address,
    Base,
    Card,
    CitySetting,
    Household,
    IssueCounter,
    Resident,
)
from kofu.city.registry.queries import household_members, next_issue_number, resident_for_card
from kofu.city.registry.seed import SeededPerson, ensure_city_setting, register_card, seed_city

__all__ = [
    "CITIES",
    "Address",
    "Base",
    "Card",
    "CityInfo",
    "CitySetting",
    "Household",
    "InvalidCertSerial",
    "IssueCounter",
    "IssueNumberExhausted",
    "RegistryError",
    "Resident",
    "SeededPerson",
    "UnknownCity",
    "UnknownResident",
    "create_schema",
    "ensure_city_setting",
    "household_members",
    "make_engine",
    "next_issue_number",
    "register_card",
    "resident_for_card",
    "seed_city",
    "session_factory",
    "sqlite_url",
]
