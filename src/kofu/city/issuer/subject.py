"""Who a card is at this city, and the options of each document for them.

A card is known here as a resident (its card is registered in this city's registry) and/or
through a register kept here: the resident's own (本籍 here) or the one an approved 利用登録
points to. The options are rebuilt from live rows for the menu and again for the order, so a
member token chosen at the menu is valid at the order only if that person may still be chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from kofu.city.issuer import catalog
from kofu.city.issuer.keys import IssuerKeys
from kofu.city.registry.models import (
    REGISTRATION_APPROVED,
    CitySetting,
    KosekiMember,
    KosekiRegister,
    Resident,
)
from kofu.city.registry.queries import (
    household_members,
    koseki_by_honseki,
    koseki_for_resident,
    registration_for_card,
    resident_for_card,
)
from kofu.protocol.kiosk_center import OptionSpec
from kofu.telemetry.tracing import traced


@dataclass
class Subject:
    """The card holder as this city knows them, from rows read in the caller's session."""

    card_serial: str
    resident: Resident | None
    register: KosekiRegister | None
    member: KosekiMember | None  # the holder's own entry in ``register``, when known
    household: list[Resident] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return self.resident is not None or self.register is not None


@traced("issuer.lookup")
def load_subject(session: Session, card_serial: str, *, with_register: bool = True) -> Subject:
    """Resident (with household), and the register kept here the card may order from.

    ``with_register=False`` (an order for a resident's document, which prints nothing of the
    register): the register is not read (three SELECTs less)."""
    resident = resident_for_card(session, card_serial)
    register: KosekiRegister | None = None
    member: KosekiMember | None = None
    household: list[Resident] = []
    if resident is not None:
        household = household_members(session, resident.household_id)
        if not resident.is_foreign and with_register:
            member = koseki_for_resident(session, resident.id)
            register = member.register if member is not None else None
    if register is None and with_register:
        registration = registration_for_card(session, card_serial)
        if registration is not None and registration.status == REGISTRATION_APPROVED:
            if registration.member is not None and not registration.member.removed:
                member = registration.member
                register = member.register
            elif registration.member is None:
                register = koseki_by_honseki(session, registration.honseki, registration.hittosha)
    return Subject(card_serial, resident, register, member, household)


def household_choice(subject: Subject) -> list[Resident]:
    """Household members the holder may choose, the holder first."""
    assert subject.resident is not None
    holder = subject.resident
    return [holder, *(m for m in subject.household if m.id != holder.id)]


def register_choice(subject: Subject) -> list[KosekiMember]:
    """Register members for a 個人事項証明, the holder's own entry first."""
    assert subject.register is not None
    members = list(subject.register.members)
    if subject.member is not None:
        members.sort(key=lambda m: m.id != subject.member.id)  # type: ignore[union-attr]
    return members


@dataclass
class Options:
    """A document's option specs for one card, and the people behind each member token."""

    specs: list[OptionSpec]
    residents: dict[str, Resident] = field(default_factory=dict)
    members: dict[str, KosekiMember] = field(default_factory=dict)

    def labels(self) -> dict[str, dict[str, str]]:
        """What the kiosk shows for each token (sealed for it; never sent in clear)."""
        out: dict[str, dict[str, str]] = {}
        for token, resident in self.residents.items():
            out[token] = {"ja": f"{resident.name}（{resident.zokugara}）", "en": resident.name}
        for token, member in self.members.items():
            mark = "（除籍）" if member.removed else ""
            out[token] = {"ja": f"{member.name}{mark}", "en": member.name + (" (left)" if mark else "")}
        return out


def document_options(
    doc: str, subject: Subject, setting: CitySetting, keys: IssuerKeys, *, members: bool = True
) -> Options:
    """The options of ``doc`` for this card (``members=False``: without member choosers)."""
    if doc == "juminhyo":
        return _juminhyo(subject, keys, members)
    if doc == "koseki":
        return _koseki(subject, keys, members)
    if doc == "fuhyo":
        return Options([catalog.HONSEKI])
    if doc == "kazei":
        return Options([catalog.fiscal_year_option(setting.kazei_fiscal_years or [])])
    return Options([])


def _juminhyo(subject: Subject, keys: IssuerKeys, members: bool) -> Options:
    people = household_choice(subject)
    household = catalog.HOUSEHOLD
    options = Options([])
    if members:
        options.residents = {keys.token(subject.card_serial, "h", r.id): r for r in people}
        chooser = catalog.member_option(
            catalog.HOUSEHOLD_MEMBERS,
            "発行する方",
            "Whose record",
            list(options.residents),
            multiple=True,
            shown_when={"household": "members"},
        )
        options.specs = [household, chooser]
    else:
        options.specs = [
            household.model_copy(
                update={
                    "choices": household.choices[:2],
                    "choice_labels_ja": household.choice_labels_ja[:2],
                    "choice_labels_en": household.choice_labels_en[:2],
                }
            )
        ]
    options.specs += [catalog.SETAINUSHI, catalog.HONSEKI]
    if any(p.is_foreign for p in people):
        options.specs += list(catalog.FOREIGN)
    return options


def _koseki(subject: Subject, keys: IssuerKeys, members: bool) -> Options:
    options = Options([catalog.SCOPE])
    people = register_choice(subject)
    if members:
        options.members = {keys.token(subject.card_serial, "k", m.id): m for m in people}
        options.specs.append(
            catalog.member_option(
                "member",
                "証明するお一人",
                "The person",
                list(options.members),
                multiple=False,
                shown_when={"scope": "kojin"},
            )
        )
    return options
