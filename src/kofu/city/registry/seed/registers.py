"""The register builder's tools: places, people living elsewhere, registers and their entries.

``families`` decides who is in which register; this module knows how a register is written:
a 筆頭者 first, 出生 on every entry, 婚姻/離婚/死亡 on both sides, 続柄 (長男, 二女…) counted per
mother in birth order, 戸籍改製 for registers older than the city's computerization.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kofu.city.registry import places
from kofu.city.registry.seed import addresses
from kofu.city.registry.seed.names import NameSource
from kofu.city.registry.seed.people import EntryPlan, EventPlan, PersonPlan, RegisterPlan

#: When each demo city computerized its registers (invented): older registers show 戸籍改製.
KAISEI_ON = {"132292": date(2004, 3, 20), "132110": date(2005, 2, 12)}
_ORDINALS = ("長", "二", "三", "四", "五", "六", "七")


@dataclass(eq=False)
class Parents:
    """A couple and their register (the register of their children until those leave it)."""

    register: RegisterPlan
    father: PersonPlan
    mother: PersonPlan
    family: tuple[str, str]


class Tools:
    """Random draws and register writing shared by every family shape."""

    def __init__(self, rng: random.Random, source: NameSource, as_of: date):
        self.rng, self.names, self.as_of = rng, source, as_of
        self.registers: list[RegisterPlan] = []
        self.phantoms: list[PersonPlan] = []
        self._labels: set[tuple[str, str]] = set()
        self._parents: dict[int, dict[str, str]] = {}
        self._births: dict[int, EventPlan] = {}
        self.mothers: dict[int, PersonPlan] = {}

    # -- draws -------------------------------------------------------------------------------
    def between(self, low: date, high: date) -> date:
        """A day in [low, high] (low when empty)."""
        if high <= low:
            return low
        return low + timedelta(days=self.rng.randint(0, (high - low).days))

    def _lineage(self, city_code: str | None, day: date) -> places.Lineage:
        if city_code is not None:
            return addresses.city_lineage(self.rng, city_code)
        return addresses.pick(self.rng, day)

    def place(self, city_code: str | None, day: date) -> str:
        """A municipality (出生地, 死亡地) as named on ``day``: a demo city, or elsewhere when None."""
        return addresses.municipality(self._lineage(city_code, day), day)

    def honseki(self, city_code: str | None, day: date) -> str:
        """A 本籍 in a demo city (None: elsewhere, a place that existed on ``day``), as a current
        register writes it."""
        return addresses.honseki(self.rng, self._lineage(city_code, day))

    def given(self, sex: str, born: int) -> tuple[str, str]:
        """A given name fitting someone of that sex born in ``born``, and its kana."""
        return self.names.given(sex, born)

    def family(self) -> tuple[str, str]:
        """A family name and its kana."""
        return self.names.family()

    def full_name(self, family: str, sex: str, born: int) -> str:
        """``氏　名`` of someone of that sex born in ``born``."""
        return f"{family}\u3000{self.given(sex, born)[0]}"

    def phantom(
        self, family: tuple[str, str], sex: str, birth: date, *, avoid: tuple[str, ...] = ()
    ) -> PersonPlan:
        """Someone living outside the demo cities (a parent, an ex-spouse, a child who left), with a
        given name not in ``avoid``; their address history is drawn later (``lives``)."""
        given = self.given(sex, birth.year)
        for _ in range(8):
            if given[0] not in avoid:
                break
            given = self.given(sex, birth.year)
        person = PersonPlan(family[0], family[1], given[0], given[1], sex, birth, resident=False)
        person.birth_place = self.place(None, birth)
        self.phantoms.append(person)
        return person

    def parent_names(self, person: PersonPlan) -> dict[str, str]:
        """父 and 母 of someone whose parents are no one else in the world (drawn once per person)."""
        found = self._parents.get(id(person))
        if found is None:
            family = person.birth_family[0] if person.birth_family else person.family_name
            born = person.birth_date.year
            found = {
                "father_name": self.full_name(family, "男", born - self.rng.randint(24, 36)),
                "mother_name": self.full_name(family, "女", born - self.rng.randint(22, 34)),
            }
            self._parents[id(person)] = found
        return found

    def death(self, person: PersonPlan, not_before: date) -> date:
        """Let ``person`` die between ``not_before`` and last month; returns the day."""
        latest = self.as_of - timedelta(days=30)
        person.death_date = self.between(min(not_before, latest), latest)
        return person.death_date

    def birth_of(self, person: PersonPlan) -> EventPlan | None:
        """The person's 出生 entry, once a register records them."""
        return self._births.get(id(person))

    # -- registers ---------------------------------------------------------------------------
    def register(self, city_code: str | None, hittosha: str, hensei_on: date, reason: str) -> RegisterPlan:
        """A new register with a 本籍 not yet used with this 筆頭者."""
        while True:
            honseki = self.honseki(city_code, hensei_on)
            if (honseki, hittosha) not in self._labels:
                self._labels.add((honseki, hittosha))
                break
        register = RegisterPlan(honseki, city_code, hittosha, hensei_on, reason)
        self.registers.append(register)
        return register

    def entry(
        self,
        register: RegisterPlan,
        person: PersonPlan,
        entered_on: date,
        *,
        family: str | None = None,
        **fields: Any,
    ) -> EntryPlan:
        """Append ``person`` to ``register`` with their 出生 event (the same in every register the
        person is in: a new register copies it); ``fields`` set EntryPlan fields."""
        if not person.birth_place:
            person.birth_place = self.place(
                person.city_code if self.rng.random() < 0.5 else None, person.birth_date
            )
        entry = EntryPlan(person, family or person.family_name, entered_on, **fields)
        birth = self._births.get(id(person))
        if birth is None:
            reporter = "母" if entry.father_name is None or self.rng.random() < 0.15 else "父"
            reported = person.birth_date + timedelta(days=self.rng.randint(2, 13))
            birth = EventPlan("出生", person.birth_date, person.birth_place, reported, reporter)
            self._births[id(person)] = birth
        entry.events.append(birth)
        register.entries.append(entry)
        return entry

    def event(
        self,
        kind: str,
        on: date,
        counterpart: str | None = None,
        *,
        previous: str | None = None,
        new: str | None = None,
    ) -> EventPlan:
        """A 身分事項 that takes effect on the day it is notified: its date is the day, and the
        register carries no separate 届出日."""
        return EventPlan(
            kind, on, None, None, None, counterpart, previous_register=previous, new_register=new
        )

    def marriage(
        self,
        entry: EntryPlan,
        spouse_name: str,
        on: date,
        *,
        previous: str | None = None,
        new: str | None = None,
    ) -> None:
        """婚姻 on one side: 配偶者氏名, and 従前戸籍 (entering) or 新本籍 (leaving)."""
        entry.events.append(self.event("婚姻", on, spouse_name, previous=previous, new=new))

    def divorce(
        self,
        entry: EntryPlan,
        spouse_name: str,
        on: date,
        *,
        previous: str | None = None,
        new: str | None = None,
    ) -> None:
        """離婚 on one side (the one who leaves gets ``new``, the new register gets ``previous``);
        the register no longer shows a 配偶者区分."""
        entry.spouse_kind = None
        entry.events.append(self.event("離婚", on, spouse_name, previous=previous, new=new))

    def died(self, entry: EntryPlan, on: date, reporter: str) -> None:
        """死亡 and 除籍 of an entry."""
        reported = on + timedelta(days=self.rng.randint(1, 6))
        entry.events.append(EventPlan("死亡", on, self.place(entry.person.city_code, on), reported, reporter))
        entry.remove(on, "死亡")

    def couple(self, register: RegisterPlan, husband: PersonPlan, wife: PersonPlan, on: date,
               husband_from: str, wife_from: str, *, husband_first: bool = True) -> tuple[EntryPlan, EntryPlan]:  # fmt: skip
        """A married couple entering ``register`` on ``on`` from their parents' registers (父母 drawn
        here; a caller that knows the parents overwrites them)."""
        husband_entry = self.entry(register, husband, on, spouse_kind="夫", is_hittosha=husband_first,
                                   **self.parent_names(husband))  # fmt: skip
        wife_entry = self.entry(register, wife, on, spouse_kind="妻", is_hittosha=not husband_first,
                                **self.parent_names(wife))  # fmt: skip
        self.marriage(husband_entry, wife.birth_name, on, previous=husband_from)
        self.marriage(wife_entry, husband.birth_name, on, previous=wife_from)
        if not husband_first:
            register.entries.reverse()  # the 筆頭者 comes first
        return husband_entry, wife_entry

    def elsewhere_label(
        self, on: date, born: int, family: str | None = None, hittosha: str | None = None
    ) -> str:
        """The label of a register kept outside the demo cities, cited on ``on``, whose 筆頭者 is
        ``hittosha`` (or someone of ``family`` born about ``born``)."""
        hittosha = hittosha or self.full_name(family or self.family()[0], "男", born)
        return f"{self.honseki(None, on)}\u3000{hittosha}"

    def left_by_marriage(
        self, entry: EntryPlan, on: date, new: str | None = None, spouse: str | None = None
    ) -> None:
        """The entry leaves its register by marriage (婚姻 with 新本籍, then 除籍)."""
        sex, born = ("女" if entry.person.sex == "男" else "男"), entry.person.birth_date.year
        spouse = spouse or self.full_name(self.family()[0], sex, born + self.rng.randint(-3, 3))
        hittosha = f"{entry.family_name}\u3000{entry.person.given_name}" if sex == "女" else spouse
        self.marriage(entry, spouse, on, new=new or self.elsewhere_label(on, born, hittosha=hittosha))
        entry.remove(on, "婚姻")

    def adopt(self, entry: EntryPlan, father: PersonPlan, married: date) -> None:
        """A stepchild adopted by the mother's husband (養子縁組)."""
        on = min(married + timedelta(days=self.rng.randint(30, 300)), self.as_of - timedelta(days=7))
        entry.father_name = self.full_name(self.family()[0], "男", entry.person.birth_date.year - 30)
        entry.adoptive_father_name = father.name
        entry.adoptive_zokugara = "養子" if entry.person.sex == "男" else "養女"
        entry.entered_on = on
        # The child came from the register of the father, whose 筆頭者 he is.
        previous = self.elsewhere_label(on, 0, hittosha=entry.father_name)
        entry.events.append(self.event("養子縁組", on, father.name, previous=previous))

    def finish(self) -> None:
        """Count 続柄 of children per mother in birth order; give 筆頭者 and spouses the 続柄 of
        their parents' register (drawn when that is kept nowhere); order entries."""
        own: dict[int, str] = {}
        for register in self.registers:
            by_mother: dict[str | None, list[EntryPlan]] = defaultdict(list)
            for entry in register.entries:
                if entry.zokugara == "子":
                    by_mother[entry.mother_name].append(entry)
            for children in by_mother.values():
                counts = {"男": 0, "女": 0}
                for child in sorted(children, key=lambda e: e.person.birth_date):
                    sex = child.person.sex
                    child.zokugara = _ORDINALS[min(counts[sex], 6)] + ("男" if sex == "男" else "女")
                    own.setdefault(id(child.person), child.zokugara)
                    counts[sex] += 1
        for register in self.registers:
            for entry in register.entries:
                if not entry.zokugara:
                    person = entry.person
                    if id(person) not in own:
                        rank = self.rng.choices(_ORDINALS[:3], weights=(6, 3, 1))[0]
                        own[id(person)] = rank + ("男" if person.sex == "男" else "女")
                    entry.zokugara = own[id(person)]
            heads = [e for e in register.entries if e.is_hittosha]
            rest = sorted((e for e in register.entries if not e.is_hittosha), key=_entry_order)
            register.entries = heads + rest


def _entry_order(entry: EntryPlan) -> tuple[int, date]:
    return (0 if entry.spouse_kind else 1, entry.person.birth_date)


def kaisei_on(register: RegisterPlan) -> date | None:
    """The 戸籍改製 date of a register made on paper before its city computerized, else None."""
    computerized = KAISEI_ON.get(register.city_code or "")
    return computerized if computerized is not None and register.hensei_on < computerized else None
