"""What makes a seeded resident interesting to a test or a demo card (``SeededPerson.traits``)."""

from __future__ import annotations

from datetime import date

from kofu.city.registry.seed.households import LONG_ADDRESS_CHARS as _LONG
from kofu.city.registry.seed.inkan import SealPlan
from kofu.city.registry.seed.names import has_rare_character
from kofu.city.registry.seed.people import HouseholdPlan, PersonPlan
from kofu.city.registry.seed.tax import TaxPlan

#: Every trait a SeededPerson can carry. ``honseki-registered`` is added by the demo when a
#: 利用登録 of that card is approved at the 本籍地 city.
TRAITS = (
    "household-head",
    "household-member",
    "adult",
    "minor",
    "under-15",
    "dv-protected",
    "moved-out",
    "deceased",
    "pending-change",
    "honseki-here",
    "honseki-elsewhere",
    "honseki-registered",
    "foreign-resident",
    "tsusho",
    "inkan-registered",
    "inkan-abolished",
    "no-inkan",
    "tax-declared",
    "no-tax-declaration",
    "no-tax-record",
    "long-address",
    "rare-character",
)
#: An address longer than this (characters, as printed) is flagged ``long-address``.
LONG_ADDRESS_CHARS = _LONG


def traits_of(
    person: PersonPlan,
    household: HouseholdPlan,
    city_code: str,
    as_of: date,
    seals: list[SealPlan],
    tax: TaxPlan | None,
) -> tuple[str, ...]:
    """The traits of one resident; ``seals`` are theirs, ``tax`` their current-year record."""
    age = person.age(as_of)
    traits = ["household-head" if person.is_head else "household-member", "adult" if age >= 18 else "minor"]
    if age < 15:
        traits.append("under-15")
    flags = (
        (person.dv_protected, "dv-protected"),
        (person.status == "moved_out", "moved-out"),
        (person.status == "deceased", "deceased"),
        (person.pending_change, "pending-change"),
    )
    traits.extend(trait for flag, trait in flags if flag)
    if person.foreign is not None:
        traits.append("foreign-resident")
        if person.foreign.alias_name:
            traits.append("tsusho")
    else:
        traits.append("honseki-here" if person.honseki_city_code == city_code else "honseki-elsewhere")
    if any(s.abolished_on is None for s in seals):
        traits.append("inkan-registered")
    elif seals:
        traits.append("inkan-abolished")
    else:
        traits.append("no-inkan")
    if tax is None:
        traits.append("no-tax-record")
    else:
        traits.append("tax-declared" if tax.declared else "no-tax-declaration")
    if len(household.address) > LONG_ADDRESS_CHARS:
        traits.append("long-address")
    if has_rare_character(person.name):
        traits.append("rare-character")
    return tuple(traits)
