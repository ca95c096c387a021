"""Plain values the seed planners fill in: people, households, registers. No database here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from kofu.city.registry.models import SETAINUSHI, address_text


def years_before(day: date, years: int) -> date:
    """Same calendar day ``years`` earlier (negative: later); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth: date, day: date) -> int:
    """Completed years on ``day``."""
    return day.year - birth.year - int((day.month, day.day) < (birth.month, birth.day))


def stable_days(key: str, low: int, high: int) -> int:
    """A number of days in [low, high] fixed by ``key`` (not drawn from any Random, so adding it
    leaves every other draw of the world as it was)."""
    return low + int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % (high - low + 1)


@dataclass
class ForeignPlan:
    """The 住民票 items of a foreign resident."""

    nationality: str
    residence_status: str
    stay_period: str | None
    stay_expires_on: date | None
    card_number: str
    alias_name: str | None = None
    alias_kana: str | None = None
    katakana_name: str | None = None


@dataclass(eq=False)
class PersonPlan:
    """A person of the world: a resident of a demo city or someone living elsewhere (``resident``
    false: parents, ex-spouses, children who married away).

    ``history`` is the address history (address, 住所を定めた日), oldest first; the 附票 is cut
    from it. ``prior_address`` is the 転入前住所, ``notified_on`` the 届出日 of becoming a resident,
    ``previous_address`` the 異動前住所 (set only when the person moved within the city). ``birth_family`` is the family name (and kana) before a marriage changed it.
    """

    family_name: str
    family_kana: str
    given_name: str
    given_kana: str
    sex: str
    birth_date: date
    zokugara: str = ""
    key: int = 0
    resident: bool = True
    city_code: str | None = None
    became_resident_date: date = date.min
    became_resident_reason: str = "転入"
    address_defined_date: date = date.min
    prior_address: str | None = None
    notified_on: date | None = None
    previous_address: str | None = None
    honseki: str | None = None
    honseki_city_code: str | None = None
    hittosha: str | None = None
    status: str = "active"
    status_date: date | None = None
    dv_protected: bool = False
    pending_change: bool = False
    birth_place: str = ""
    birth_family: tuple[str, str] | None = None
    death_date: date | None = None
    widowed: bool = False
    foreign: ForeignPlan | None = None
    history: list[tuple[str, date]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Printed name (family, full-width space, given)."""
        return f"{self.family_name}\u3000{self.given_name}"

    @property
    def birth_name(self) -> str:
        """The name before marriage (same as ``name`` when it never changed)."""
        family = self.birth_family[0] if self.birth_family else self.family_name
        return f"{family}\u3000{self.given_name}"

    @property
    def is_head(self) -> bool:
        """True for the 世帯主."""
        return self.zokugara == SETAINUSHI

    def age(self, day: date) -> int:
        """Completed years on ``day``."""
        return age_on(self.birth_date, day)


@dataclass(eq=False)
class HouseholdPlan:
    """One future Household with its Address; ``members[0]`` is the head."""

    kind: str
    city_code: str
    prefecture: str
    city_name: str
    town: str
    chome_banchi: str
    building: str | None
    honseki_city_code: str = ""
    created: date = date.min
    foreign: bool = False
    special: str | None = None
    features: list[str] = field(default_factory=list)
    members: list[PersonPlan] = field(default_factory=list)

    @property
    def address(self) -> str:
        """The address as printed."""
        return address_text(self.prefecture, self.city_name, self.town, self.chome_banchi, self.building)


@dataclass
class EventPlan:
    """One future KosekiEvent (身分事項)."""

    kind: str
    event_on: date
    place: str | None = None
    reported_on: date | None = None
    reporter: str | None = None
    counterpart_name: str | None = None
    previous_register: str | None = None
    new_register: str | None = None


@dataclass(eq=False)
class EntryPlan:
    """One future KosekiMember: a person as recorded in one register."""

    person: PersonPlan
    family_name: str
    entered_on: date
    zokugara: str = ""
    spouse_kind: str | None = None
    is_hittosha: bool = False
    father_name: str | None = None
    mother_name: str | None = None
    adoptive_father_name: str | None = None
    adoptive_zokugara: str | None = None
    removed_on: date | None = None
    removed_reason: str | None = None
    events: list[EventPlan] = field(default_factory=list)

    def remove(self, on: date, reason: str) -> None:
        """Mark the entry 除籍."""
        self.removed_on, self.removed_reason = on, reason


@dataclass(eq=False)
class RegisterPlan:
    """One future KosekiRegister; ``city_code`` None means kept outside the demo cities."""

    honseki: str
    city_code: str | None
    hittosha: str
    hensei_on: date
    hensei_reason: str
    entries: list[EntryPlan] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How other registers cite it (従前戸籍, 新本籍): ``本籍　筆頭者``."""
        return f"{self.honseki}\u3000{self.hittosha}"
