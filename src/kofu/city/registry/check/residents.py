"""住民票 and what hangs on it: dates, household 続柄, the register it names, cards, seals, taxes."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import date, timedelta

from kofu.city.registry.check.data import CityRows, Row, World
from kofu.city.registry.check.findings import Finding, row
from kofu.city.registry.check.fuhyo import resident_member
from kofu.city.registry.check.koseki import age_on, given_of
from kofu.city.registry.models import SEAL_MIN_AGE, SETAINUSHI, SealImpression, seal_shows_a_name
from kofu.city.registry.seed.names import given_name_years
from kofu.city.registry.seed.tax import per_capita, salary_income

#: 転入届 and 出生届 are due within 14 days (住民基本台帳法 第22条, 戸籍法 第49条).
NOTICE_DAYS = 14


def check(world: World, city: CityRows) -> Iterator[Finding]:
    """Every resident of one city."""
    for resident in city.residents.values():
        yield from _dates(world, city, resident)
        yield from _household(city, resident)
        yield from _foreign(world, city, resident)
        yield from _register(world, city, resident)
        yield from _status(city, resident)
        yield from _seals(city, resident)
    yield from _taxes(city)
    yield from _siblings(city)


def _r(resident: Row) -> str:
    return row("residents", resident.id)


def _dates(world: World, city: CityRows, resident: Row) -> Iterator[Finding]:
    code, me = city.code, _r(resident)
    born, came, defined = resident.birth_date, resident.became_resident_date, resident.address_defined_date
    left, notified = resident.status_date, resident.notified_on
    if (
        not born <= came <= defined
        or (left is not None and left < defined)
        or (resident.became_resident_reason == "出生" and came != born)
        or notified is None
        or not came <= notified <= came + timedelta(days=NOTICE_DAYS)
    ):
        yield Finding("resident.dates", code, (me,))
    if max(d for d in (born, came, defined, left or born, notified or born)) > world.as_of:
        yield Finding("date.future", code, (me,))
    if (resident.became_resident_reason == "転入") != bool(resident.prior_address) or (
        defined != came
    ) != bool(resident.previous_address):
        yield Finding("resident.prior-address", code, (me,))
    if resident.nationality is None:
        years = given_name_years(resident.given_name, resident.sex)
    else:
        years = given_name_years(given_of(resident.alias_name), resident.sex) if resident.alias_name else None
    if years and not years[0] <= born.year <= years[1]:
        yield Finding("name.era", code, (me,))


def _household(city: CityRows, resident: Row) -> Iterator[Finding]:
    household = city.households[resident.household_id]
    head = city.residents.get(household.head_resident_id)
    if head is None:
        return
    rows = (_r(resident), _r(head))
    relation, gap = resident.zokugara, age_on(resident.birth_date, head.birth_date)
    bad = (
        (resident is head) != (relation == SETAINUSHI)
        or (relation == "妻" and (resident.sex != "女" or head.sex != "男"))
        or (relation == "夫" and (resident.sex != "男" or head.sex != "女"))
        or (relation == "子" and age_on(head.birth_date, resident.birth_date) < 15)
        or (relation in ("父", "母") and (gap < 15 or resident.sex != ("男" if relation == "父" else "女")))
    )
    if bad:
        yield Finding("resident.household", city.code, rows)


#: 在留資格 a child living with the parents may hold (a work or study status is not a child's).
CHILD_STATUSES = ("家族滞在", "永住者", "特別永住者", "定住者", "日本人の配偶者等")
_PERIOD = re.compile(r"(?:(\d+)年)?(?:(\d+)月)?")


def _foreign(world: World, city: CityRows, resident: Row) -> Iterator[Finding]:
    """A foreign resident's 在留 items agree with each other and with their age."""
    if resident.nationality is None:
        return
    status, period, expires = resident.residence_status, resident.stay_period, resident.stay_expires_on
    permanent = status in ("永住者", "特別永住者")
    bad = permanent != (period is None) or permanent != (expires is None)
    if period and expires:
        found = _PERIOD.fullmatch(period)
        months = int(found[1] or 0) * 12 + int(found[2] or 0) if found else 0
        bad = bad or not world.as_of < expires <= world.as_of + timedelta(days=months * 31)
    if (
        resident.zokugara == "子"
        and age_on(resident.birth_date, world.as_of) < 18
        and status not in CHILD_STATUSES
    ):
        bad = True
    if bad:
        yield Finding("resident.foreign", city.code, (_r(resident),))


def _siblings(city: CityRows) -> Iterator[Finding]:
    """Children of one household born on the same day (twins) or some nine months apart at least."""
    children: dict[int, list[Row]] = {}
    for resident in city.residents.values():
        if resident.zokugara == "子":
            children.setdefault(resident.household_id, []).append(resident)
    for members in children.values():
        ordered = sorted(members, key=lambda r: r.birth_date)
        for elder, younger in itertools.pairwise(ordered):
            if 0 < (younger.birth_date - elder.birth_date).days < 270:
                yield Finding("resident.siblings", city.code, (_r(elder), _r(younger)))


def _register(world: World, city: CityRows, resident: Row) -> Iterator[Finding]:
    me = _r(resident)
    if resident.nationality is not None or resident.honseki_city_code not in world.cities:
        return
    found = resident_member(world, city, resident)
    if found is None:
        yield Finding("resident.register", city.code, (me,))
        return
    kept, _, member = found
    rows = (me, f"{kept.code}/koseki_members:{member.id}")
    if resident.status == "deceased":
        if not member.removed or member.removed_reason != "死亡" or member.removed_on != resident.status_date:
            yield Finding("resident.register", city.code, rows)
    elif member.removed:
        yield Finding("resident.register", city.code, rows)
    if member.resident_id is not None and kept is city and member.resident_id == resident.id:
        same = (member.family_name, member.given_name, member.birth_date, member.sex) == (
            resident.family_name,
            resident.given_name,
            resident.birth_date,
            resident.sex,
        )
        if not same:
            yield Finding("resident.member-mismatch", city.code, rows)


def _status(city: CityRows, resident: Row) -> Iterator[Finding]:
    if resident.status == "active":
        return
    rows = (_r(resident),)
    live_cards = [c for c in city.cards_of[resident.id] if c.status == "active"]
    live_seals = [s for s in city.seals_of[resident.id] if s.status == "active"]
    if resident.status_date is None or live_cards or live_seals:
        extra = tuple(row("cards", c.id) for c in live_cards) + tuple(
            row("seal_registrations", s.id) for s in live_seals
        )
        yield Finding("resident.status", city.code, rows + extra)


def _seals(city: CityRows, resident: Row) -> Iterator[Finding]:
    seals = sorted(city.seals_of[resident.id], key=lambda s: s.registered_on)
    for seal in seals:
        rows = (_r(resident), row("seal_registrations", seal.id))
        bad = (
            age_on(resident.birth_date, seal.registered_on) < SEAL_MIN_AGE
            or seal.registered_on < resident.became_resident_date
            or (resident.status_date is not None and seal.registered_on > resident.status_date)
            or (seal.abolished_on is not None and seal.abolished_on < seal.registered_on)
        )
        if bad:
            yield Finding("inkan.dates", city.code, rows)
    names = [n for n in (f"{resident.family_name}\u3000{resident.given_name}", resident.alias_name,
                         resident.katakana_name) if n]  # fmt: skip
    for seal in seals:
        if seal.status == "active" and not seal_shows_a_name(
            SealImpression.from_json(seal.impression).characters, names
        ):
            yield Finding("inkan.name", city.code, (_r(resident), row("seal_registrations", seal.id)))
    for before, after in itertools.pairwise(seals):
        if before.abolished_on is None or before.abolished_on > after.registered_on:
            pair = (_r(resident), row("seal_registrations", before.id), row("seal_registrations", after.id))
            yield Finding("inkan.dates", city.code, pair)


def _taxes(city: CityRows) -> Iterator[Finding]:
    for tax in city.taxes:
        resident = city.residents.get(tax.resident_id)
        if resident is None:
            continue
        rows = (_r(resident), row("tax_records", tax.id))
        jan1 = date(tax.fiscal_year, 1, 1)
        if resident.became_resident_date > jan1 or (
            resident.status_date is not None and resident.status_date <= jan1
        ):
            yield Finding("tax.not-resident", city.code, rows)
        elif resident.address_defined_date <= jan1 and tax.jan1_address != city.address_text(resident):
            yield Finding("tax.jan1-address", city.code, rows)
        if not tax.declared:
            continue
        for income in city.incomes_of[tax.id]:
            if income.kind == "給与" and income.income != salary_income(income.revenue, tax.fiscal_year):
                yield Finding("tax.salary-income", city.code, (*rows, row("tax_incomes", income.id)))
        levied = (tax.city_per_capita, tax.pref_per_capita, tax.forest_env_tax)
        if levied != ((0, 0, 0) if tax.non_taxable else per_capita(tax.fiscal_year)):
            yield Finding("tax.per-capita", city.code, rows)
        kinds = (
            tax.dependants_spouse,
            tax.dependants_general,
            tax.dependants_specific,
            tax.dependants_elderly,
            tax.dependants_under16,
        )
        if sum(kinds) != tax.dependants:
            yield Finding("tax.dependants", city.code, rows)
