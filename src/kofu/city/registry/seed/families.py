"""Who is in which 戸籍: every Japanese household of both cities, turned into consistent registers.

A married couple has its own register (made on the 婚姻日); each spouse leaves a parents' register
(除籍 by 婚姻, 従前戸籍/新本籍 on both sides). Parents live elsewhere, or are an older couple of
another household (built first and offered as parents). Young singles may still be in their
parents' register; older ones are widowed (spouse 除籍 by 死亡), divorced (離婚 on both sides; a
divorced woman gets a new register, her children stay in the father's) or made their own (分籍).
Unmarried mothers register their children, some 認知 by the father; a few stepchildren are
adopted (養子縁組). Foreign households have no register.
"""

from __future__ import annotations

from datetime import date, timedelta

from kofu.city.registry.seed.people import EntryPlan, HouseholdPlan, PersonPlan, RegisterPlan, years_before
from kofu.city.registry.seed.registers import Parents, Tools

_LINK_SHARE = 0.45  # how often a spouse or young single is a child of another seeded household


class FamilyBuilder(Tools):
    """Builds every register of the world; ``registers`` holds them all (kept or not)."""

    pool: list[Parents]

    def build(self, households: list[HouseholdPlan]) -> None:
        """Registers for every Japanese household (older couples first: they may be parents)."""
        self.pool = []
        japanese = [h for h in households if not h.foreign]
        for household in sorted(japanese, key=lambda h: 0 if self._may_be_parents(h) else 1):
            getattr(
                self,
                f"_{'married' if household.kind in ('couple', 'family', 'three_gen') else household.kind}",
            )(household)
        self.finish()
        for register in self.registers:
            for entry in register.entries:
                person = entry.person
                if person.resident and (entry.removed_on is None or person.status == "deceased"):
                    person.honseki, person.hittosha = register.honseki, register.hittosha
                    person.honseki_city_code = register.city_code

    def _may_be_parents(self, household: HouseholdPlan) -> bool:
        return household.kind in ("couple", "family") and household.members[1].age(self.as_of) >= 45

    # -- parents -----------------------------------------------------------------------------
    def _where(self, household: HouseholdPlan, person: PersonPlan) -> str | None:
        """Where a grown-up's parents' register is kept (None: outside the demo cities)."""
        if person.age(self.as_of) >= 60:
            return None
        draw = self.rng.random()
        if draw < 0.3:
            return household.city_code
        if draw < 0.42:
            return next(code for code in ("132292", "132110") if code != household.city_code)
        return None

    def parents_of(
        self, child: PersonPlan, family: tuple[str, str], where: str | None, *, link: bool
    ) -> Parents:
        """The child's parents: a seeded older couple (when ``link``) or two people living elsewhere."""
        if link and self.pool and self.rng.random() < _LINK_SHARE:
            for _ in range(5):
                parents = self.rng.choice(self.pool)
                if self._fits(parents, child):
                    return parents
        father_birth = years_before(child.birth_date, self.rng.randint(25, 38))
        mother_birth = years_before(child.birth_date, self.rng.randint(22, 36))
        father = self.phantom(family, "男", father_birth, avoid=(child.given_name,))
        mother = self.phantom(family, "女", mother_birth, avoid=(child.given_name,))
        mother.birth_family = self.family()
        married = self.between(
            years_before(max(father_birth, mother_birth), -20), child.birth_date - timedelta(days=300)
        )
        register = self.register(where, father.name, married, "婚姻")
        parents = Parents(register, father, mother, family)
        husband, _ = self.couple(
            register, father, mother, married, *self._from_parents(father, mother, married)
        )
        if father.birth_date < years_before(self.as_of, 78) and self.rng.random() < 0.6:
            self.died(husband, self.death(father, years_before(father_birth, -70)), "妻")
        for _ in range(self.rng.randint(0, 2) if where is not None else 0):  # nobody reads the others
            self._sibling(parents, child)
        return parents

    def _from_parents(self, husband: PersonPlan, wife: PersonPlan, on: date) -> tuple[str, str]:
        """The 従前戸籍 of a couple whose parents' registers are kept outside the demo cities: each
        the register of their 【父】, its 筆頭者."""
        return (
            self.elsewhere_label(on, 0, hittosha=self.parent_names(husband)["father_name"]),
            self.elsewhere_label(on, 0, hittosha=self.parent_names(wife)["father_name"]),
        )

    def _fits(self, parents: Parents, child: PersonPlan) -> bool:
        mother_birth = parents.mother.birth_date
        if not years_before(mother_birth, -20) <= child.birth_date <= years_before(mother_birth, -42):
            return False
        if child.birth_date < parents.register.hensei_on + timedelta(days=200):
            return False  # born into the register: after the marriage that made it
        return all(
            e.person.given_name != child.given_name
            and abs((e.person.birth_date - child.birth_date).days) > 300
            for e in parents.register.entries
        )

    def child_entry(self, parents: Parents, child: PersonPlan) -> EntryPlan:
        """The child as a member of the parents' register (続柄 counted later)."""
        return self.entry(
            parents.register,
            child,
            child.birth_date,
            family=parents.family[0],
            zokugara="子",
            father_name=parents.father.name,
            mother_name=parents.mother.name,
        )

    def _sibling(self, parents: Parents, child: PersonPlan) -> None:
        birth = child.birth_date + timedelta(days=self.rng.choice((-1, 1)) * self.rng.randint(400, 2500))
        if birth >= self.as_of - timedelta(days=30) or not self._fits(
            parents, PersonPlan("", "", "", "", "男", birth)
        ):
            return
        taken = (*tuple(e.person.given_name for e in parents.register.entries), child.given_name)
        sibling = self.phantom(parents.family, self.rng.choice(("男", "女")), birth, avoid=taken)
        entry = self.child_entry(parents, sibling)
        if sibling.age(self.as_of) >= 27 and self.rng.random() < 0.7:
            self.left_by_marriage(
                entry, self.between(years_before(birth, -24), self.as_of - timedelta(days=60))
            )

    # -- households --------------------------------------------------------------------------
    def _married_on(self, a: PersonPlan, b: PersonPlan, before: date) -> date:
        low = years_before(max(a.birth_date, b.birth_date), -20)
        high = min(before, self.as_of - timedelta(days=30))
        if high < low:
            return max(high, years_before(max(a.birth_date, b.birth_date), -18))
        return self.between(max(low, years_before(high, 12)), high)

    def _married(self, household: HouseholdPlan) -> None:
        head, spouse = household.members[0], household.members[1]
        husband, wife = (head, spouse) if head.sex == "男" else (spouse, head)
        children = [m for m in household.members if m.zokugara == "子"]
        births = sorted(c.birth_date for c in children)
        married = self._married_on(
            husband,
            wife,
            births[0] - timedelta(days=200) if births else household.created + timedelta(days=700),
        )
        adopted = household.kind == "family" and husband is head and self.rng.random() < 0.06
        if adopted:  # the eldest is the wife's child from before; married between the first two births
            low = births[0] + timedelta(days=200)
            high = min(
                births[1] - timedelta(days=200) if len(births) > 1 else self.as_of, self.as_of
            ) - timedelta(days=60)
            adopted = low <= high
            married = self.between(low, high) if adopted else married
        husband_first = household.kind == "three_gen" or self.rng.random() < 0.95
        keeper, joiner = (husband, wife) if husband_first else (wife, husband)
        family = (keeper.family_name, keeper.family_kana)
        joiner.birth_family = self.family()
        joined = self.parents_of(joiner, joiner.birth_family, self._where(household, joiner), link=True)
        joiner.birth_family = joined.family
        if household.kind == "three_gen":
            kept = self._elders(household, keeper)
        else:
            kept = self.parents_of(keeper, family, self._where(household, keeper), link=False)
        register = self.register(household.honseki_city_code, keeper.name, married, "婚姻")
        by_person = {keeper: kept, joiner: joined}
        pair = self.couple(register, husband, wife, married, by_person[husband].register.label,
                           by_person[wife].register.label, husband_first=husband_first)  # fmt: skip
        for entry in pair:
            entry.father_name = by_person[entry.person].father.name
            entry.mother_name = by_person[entry.person].mother.name
        for person, parents in by_person.items():
            other = wife if person is husband else husband
            self.left_by_marriage(
                self.child_entry(parents, person), married, register.label, other.birth_name
            )
        ours = Parents(register, husband, wife, family)
        for n, child in enumerate(sorted(children, key=lambda c: c.birth_date)):
            entry = self.child_entry(ours, child)
            if adopted and n == 0:
                self.adopt(entry, husband, married)
        if household.kind != "three_gen" and wife.age(self.as_of) >= 50 and not children:
            for _ in range(self.rng.randint(0, 2)):
                self._sibling(ours, PersonPlan("", "", "", "", "男", years_before(wife.birth_date, -28)))
        if self._may_be_parents(household):
            self.pool.append(ours)

    def _elders(self, household: HouseholdPlan, head: PersonPlan) -> Parents:
        """The register of the head's parents, one of whom lives with the household."""
        elder = next(m for m in household.members if m.zokugara in ("父", "母"))
        family = (head.family_name, head.family_kana)
        birth = min(
            years_before(elder.birth_date, self.rng.randint(-4, 4)), years_before(head.birth_date, 22)
        )
        other = self.phantom(
            family, "女" if elder.sex == "男" else "男", birth, avoid=(elder.given_name, head.given_name)
        )
        father, mother = (elder, other) if elder.sex == "男" else (other, elder)
        mother.birth_family = self.family()
        married = self._married_on(father, mother, head.birth_date - timedelta(days=300))
        register = self.register(household.honseki_city_code, father.name, married, "婚姻")
        husband, wife = self.couple(
            register, father, mother, married, *self._from_parents(father, mother, married)
        )
        gone = husband if other is father else wife
        elder.widowed = True
        self.died(
            gone,
            self.death(other, max(married, years_before(head.birth_date, -20))),
            f"親族\u3000{head.name}",
        )
        if elder.status == "deceased" and elder.status_date is not None:
            self.died(wife if gone is husband else husband, elder.status_date, f"親族\u3000{head.name}")
        return Parents(register, father, mother, family)

    def _single(self, household: HouseholdPlan) -> None:
        person = household.members[0]
        family = (person.family_name, person.family_kana)
        age, draw = person.age(self.as_of), self.rng.random()
        if age < 25 or (age < 40 and draw < 0.5):
            plain = household.special is None and not household.features
            parents = self.parents_of(person, family, household.honseki_city_code, link=plain)
            person.family_name, person.family_kana = parents.family
            self.child_entry(parents, person)
        elif age >= 65 and draw < 0.6:
            self._spouse_gone(household, person, divorced=False)
        elif draw < 0.75:
            self._spouse_gone(household, person, divorced=True)
        else:
            on = self.between(years_before(person.birth_date, -20), self.as_of - timedelta(days=60))
            self._bunseki(household, person, on)

    def _bunseki(self, household: HouseholdPlan, person: PersonPlan, on: date) -> RegisterPlan:
        """``person`` leaves the parents' register on ``on`` for a register of their own (分籍)."""
        family = (person.family_name, person.family_kana)
        register = self.register(household.honseki_city_code, person.name, on, "分籍")
        parents = self.parents_of(person, family, self._where(household, person), link=False)
        names = {"father_name": parents.father.name, "mother_name": parents.mother.name}
        entry = self.entry(register, person, on, is_hittosha=True, **names)
        entry.events.append(self.event("分籍", on, previous=parents.register.label))
        left = self.child_entry(parents, person)
        left.events.append(self.event("分籍", on, new=register.label))
        left.remove(on, "分籍")
        return register

    def _single_parent(self, household: HouseholdPlan) -> None:
        head = household.members[0]
        children = sorted((m for m in household.members if m.zokugara == "子"), key=lambda c: c.birth_date)
        if head.sex == "女" and self.rng.random() < 0.25:  # unmarried: her own register (分籍) first
            first = children[0].birth_date
            low = max(years_before(head.birth_date, -20), years_before(first, 6))
            register = self._bunseki(household, head, self.between(low, first - timedelta(days=30)))
            for n, child in enumerate(children):
                entry = self.entry(register, child, child.birth_date, zokugara="子", mother_name=head.name)
                if n == 0 and self.rng.random() < 0.5:
                    born = child.birth_date.year - self.rng.randint(22, 35)
                    father = self.full_name(self.family()[0], "男", born)
                    on = min(
                        child.birth_date + timedelta(days=self.rng.randint(0, 500)),
                        self.as_of - timedelta(days=7),
                    )
                    entry.father_name = father
                    cited = self.elsewhere_label(on, born, hittosha=father)
                    entry.events.append(self.event("認知", on, father, previous=cited))
            return
        self._spouse_gone(household, head, divorced=True, children=children)

    def _spouse_gone(
        self,
        household: HouseholdPlan,
        person: PersonPlan,
        *,
        divorced: bool,
        children: list[PersonPlan] = (),  # type: ignore[assignment]
    ) -> None:
        """``person``'s marriage ended by 離婚 (or the spouse's 死亡); children stay with the 筆頭者."""
        family = (person.family_name, person.family_kana)
        birth = years_before(person.birth_date, self.rng.randint(-4, 4))
        if children:
            birth = min(birth, years_before(children[0].birth_date, 22))
        birth = min(birth, years_before(self.as_of, 23))  # an adult when they married
        taken = (person.given_name, *(c.given_name for c in children))
        spouse = self.phantom(family, "女" if person.sex == "男" else "男", birth, avoid=taken)
        husband, wife = (person, spouse) if person.sex == "男" else (spouse, person)
        wife.birth_family = self.family()
        first = children[0].birth_date - timedelta(days=200) if children else self.as_of - timedelta(days=400)
        married = self._married_on(husband, wife, first)
        register = self.register(household.honseki_city_code, husband.name, married, "婚姻")
        husband_from, wife_from = self._from_parents(husband, wife, married)
        pair = self.couple(register, husband, wife, married, husband_from, wife_from)
        for child in children:
            self.child_entry(Parents(register, husband, wife, family), child)
        gone, stays = (pair[1], pair[0]) if person is husband else (pair[0], pair[1])
        if not divorced:
            self.died(gone, self.death(spouse, married + timedelta(days=3650)), f"親族\u3000{person.name}")
            person.widowed = True
            return
        latest = self.as_of - timedelta(days=60)
        last = max([married, *(c.birth_date for c in children)]) + timedelta(days=365)
        on = max(self.between(min(last, latest), latest), married + timedelta(days=1))
        if person is husband:  # she returns to the register she came from (復籍), her father's
            self.divorce(stays, wife.name, on)
            self.divorce(gone, husband.name, on, new=wife_from)
            gone.remove(on, "離婚")
            return
        # She keeps the married name (戸籍法第77条の2) in a register of her own.
        own = self.register(household.honseki_city_code, person.name, on, "離婚")
        self.divorce(pair[0], wife.name, on)
        self.divorce(pair[1], husband.name, on, new=own.label)
        pair[1].remove(on, "離婚")
        names = {"father_name": pair[1].father_name, "mother_name": pair[1].mother_name}
        entry = self.entry(own, person, on, is_hittosha=True, **names)
        self.divorce(entry, husband.name, on, previous=register.label)
