"""課税 records of one city: income of the previous calendar year, 住民税 of the fiscal year.

Simplified but recognisable rules (amounts in yen): 給与所得 by 所得税法 別表第五 (see
:func:`salary_income`; the 2025 reform's 650,000 minimum from 令和7年分, i.e. 令和8年度),
公的年金等控除 by its table; 住民税 deductions: 基礎控除 430,000, 配偶者控除 330,000 (380,000 for
a spouse of 70 or more), 扶養控除 一般 330,000, 特定 (19–22) 450,000, 老人 (70+, living with the
taxpayer) 450,000, none for a child under 16 (counted all the same); 寡婦 260,000, ひとり親
300,000, 障害者 260,000; 社会保険料 about 15% of salary. 所得割 6% (city) and 4% (prefecture) of
課税標準額 less 調整控除; 均等割 3,500 and 1,500 until 令和5年度, then 3,000 and 1,000 with the
national 森林環境税 of 1,000 from 令和6年度; 非課税 up to 450,000 (single) or 350,000 × people +
310,000 (東京都の市, 1級地), or 1,350,000 for a 障害者, 寡婦 or ひとり親.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from kofu.city.registry.seed.addresses import rename
from kofu.city.registry.seed.people import HouseholdPlan, PersonPlan, stable_days

#: The amounts of a record with nothing assessed (未申告).
NOTHING_ASSESSED: dict[str, int | bool] = {
    "total_income": 0,
    "total_deductions": 0,
    "taxable_income": 0,
    "city_income_levy": 0,
    "pref_income_levy": 0,
    "city_per_capita": 0,
    "pref_per_capita": 0,
    "forest_env_tax": 0,
    "non_taxable": False,
    "dependants_spouse": 0,
    "dependants_general": 0,
    "dependants_specific": 0,
    "dependants_elderly": 0,
    "dependants_under16": 0,
    "widow": False,
    "single_parent": False,
    "disabled": False,
}


@dataclass
class TaxPlan:
    """One future TaxRecord with its incomes and deductions (kind, amounts); ``values`` holds the
    record's other columns (amounts, dependant counts by kind, 本人該当区分)."""

    person: PersonPlan
    fiscal_year: int
    declared: bool
    jan1_address: str
    incomes: list[tuple[str, int, int]] = field(default_factory=list)
    deductions: list[tuple[str, int]] = field(default_factory=list)
    dependants: int = 0
    values: dict[str, int | bool] = field(default_factory=lambda: dict(NOTHING_ASSESSED))


#: The 均等割 of the city and the prefecture, and the 森林環境税 (国税, 森林環境税及び森林環境譲与税に
#: 関する法律) collected with them: the 復興 surcharge of 500 + 500 ran from 平成26年度 to 令和5年度.
FOREST_ENV_TAX_FROM = 2024
FOREST_ENV_TAX = 1_000


def per_capita(fiscal_year: int) -> tuple[int, int, int]:
    """均等割 (city, prefecture) and 森林環境税 of a taxed resident in ``fiscal_year``."""
    if fiscal_year >= FOREST_ENV_TAX_FROM:
        return 3_000, 1_000, FOREST_ENV_TAX
    return 3_500, 1_500, 0


def salary_income(revenue: int, fiscal_year: int) -> int:
    """給与所得 from 給与収入 for the 住民税 of ``fiscal_year`` (the income of the year before).

    Below 6,600,000 yen the law does not apply the 給与所得控除 formula but the table of 所得税法
    別表第五, whose rows are 4,000 yen wide from 1,628,000 (1,900,000 from 令和7年分): the revenue is
    cut down to its row (÷ 4,000, the remainder dropped, × 4,000) and the formula applied to that.
    Its first rows are 1,000 and 2,000 yen wide (1,619,000–1,627,999, 令和2年分–令和6年分). Above it,
    the formula of 第28条 applies to the revenue itself.
    """
    minimum, table_from = (650_000, 1_900_000) if fiscal_year >= 2026 else (550_000, 1_628_000)
    if revenue < minimum + 1_000:
        return 0
    if revenue < 1_619_000 or (minimum == 650_000 and revenue < table_from):
        return revenue - minimum
    if revenue < table_from:  # 1,619,000–1,627,999: the narrow rows of the table
        steps = (
            (1_619_000, 1_069_000),
            (1_620_000, 1_070_000),
            (1_622_000, 1_072_000),
            (1_624_000, 1_074_000),
        )
        return next(income for low, income in reversed(steps) if revenue >= low)
    if revenue < 6_600_000:
        row = revenue // 4_000 * 4_000
        if row < 1_800_000:
            return row * 60 // 100 + 100_000
        if row < 3_600_000:
            return row * 70 // 100 - 80_000
        return row * 80 // 100 - 440_000
    if revenue < 8_500_000:
        return revenue * 90 // 100 - 1_100_000
    return revenue - 1_950_000


def pension_income(revenue: int) -> int:
    """雑所得 (公的年金等) of someone 65 or older."""
    if revenue <= 3_300_000:
        deduction = 1_100_000
    elif revenue <= 4_100_000:
        deduction = revenue * 25 // 100 + 275_000
    else:
        deduction = revenue * 15 // 100 + 685_000
    return max(0, revenue - deduction)


def _incomes(rng: random.Random, age: int, fiscal_year: int) -> list[tuple[str, int, int]]:
    if age >= 65:
        pension = rng.randrange(1_200_000, 3_000_000, 1000)
        found = [("年金", pension, pension_income(pension))]
        if rng.random() < 0.2:
            salary = rng.randrange(500_000, 2_000_000, 1000)
            found.append(("給与", salary, salary_income(salary, fiscal_year)))
        return found
    draw = rng.random()
    if age < 23:
        if draw < 0.5:
            salary = rng.randrange(200_000, 1_500_000, 1000)
            return [("給与", salary, salary_income(salary, fiscal_year))]
        return []
    if draw < 0.72:
        salary = rng.randrange(2_400_000, 9_600_000, 1000)
        found = [("給与", salary, salary_income(salary, fiscal_year))]
        if rng.random() < 0.05:
            side = rng.randrange(100_000, 600_000, 1000)
            found.append(("雑", side, side * 6 // 10))
        return found
    if draw < 0.84:
        revenue = rng.randrange(3_000_000, 15_000_000, 1000)
        return [("事業", revenue, revenue * rng.randint(15, 40) // 100)]
    if draw < 0.90:
        salary = rng.randrange(500_000, 1_500_000, 1000)
        return [("給与", salary, salary_income(salary, fiscal_year))]
    return []


def plan_taxes(
    rng: random.Random, household: HouseholdPlan, fiscal_year: int, *, undeclared: set[int]
) -> list[TaxPlan]:
    """Records of ``fiscal_year`` for members who lived in the city on 1 January and were 16 or
    older; members whose ``id()`` is in ``undeclared`` (and ~8% of the others) filed nothing."""
    jan1 = date(fiscal_year, 1, 1)
    plans: list[TaxPlan] = []
    for person in household.members:
        if person.became_resident_date > jan1 or person.age(jan1) < 16:
            continue
        if person.status_date is not None and person.status_date <= jan1:
            continue
        held = next((a for a, since in reversed(person.history) if since <= jan1), household.address)
        address = rename(held, jan1)  # as named on 1 January
        declared = id(person) not in undeclared and rng.random() >= 0.08
        plan = TaxPlan(person, fiscal_year, declared, address)
        if declared:
            plan.incomes = _incomes(rng, person.age(jan1), fiscal_year)
        plans.append(plan)
    low = {id(p.person) for p in plans if p.declared and sum(i[2] for i in p.incomes) <= 580_000}
    for plan in plans:
        if plan.declared:
            _assess(plan, household, low if plan.person is household.members[0] else set(), jan1)
    return plans


#: 住民税 deductions (yen).
_BASIC, _SPOUSE, _SPOUSE_ELDERLY = 430_000, 330_000, 380_000
_GENERAL, _SPECIFIC, _ELDERLY_PARENT = 330_000, 450_000, 450_000
_WIDOW, _SINGLE_PARENT, _DISABLED = 260_000, 300_000, 260_000
#: 寡婦, ひとり親: only up to this 合計所得金額; 非課税 up to 1,350,000 for them and 障害者.
_STATUS_INCOME_LIMIT, _STATUS_NON_TAXABLE = 5_000_000, 1_350_000


def is_disabled(person: PersonPlan) -> bool:
    """About one adult in 25 holds a 障害者手帳 (fixed per person, so every year agrees)."""
    return stable_days(f"{person.name}:{person.birth_date}:障害者", 0, 24) == 0


def dependant_kind(person: PersonPlan, fiscal_year: int) -> str:
    """A dependant's kind for ``fiscal_year``, by age on 31 December of the income year: 16歳未満,
    一般 (16–18, 23–69), 特定 (19–22) or 老人 (70 or more)."""
    age = person.age(date(fiscal_year - 1, 12, 31))
    if age < 16:
        return "under16"
    if 19 <= age <= 22:
        return "specific"
    return "elderly" if age >= 70 else "general"


def _assess(plan: TaxPlan, household: HouseholdPlan, low: set[int], jan1: date) -> None:
    person, year = plan.person, plan.fiscal_year
    total = sum(income for _, _, income in plan.incomes)
    deductions = [("基礎控除", _BASIC if total <= 24_000_000 else 0)]
    salary = sum(revenue for kind, revenue, _ in plan.incomes if kind == "給与")
    insurance = salary * 15 // 100 + sum(revenue for kind, revenue, _ in plan.incomes if kind != "給与") // 10
    if insurance:
        deductions.insert(0, ("社会保険料控除", insurance))
    others = [m for m in household.members if m is not person and m.status == "active"]
    spouse = [m for m in others if m.zokugara in ("妻", "夫") and id(m) in low] if total else []
    dependants = (
        [m for m in others if m.zokugara in ("子", "父", "母") and (m.age(jan1) < 16 or id(m) in low)]
        if total
        else []
    )
    kinds = {"under16": 0, "general": 0, "specific": 0, "elderly": 0}
    for member in dependants:
        kinds[dependant_kind(member, year)] += 1
    children = any(m.zokugara == "子" for m in dependants)
    single_parent = household.kind == "single_parent" and person.is_head and children
    single_parent = single_parent and total <= _STATUS_INCOME_LIMIT
    widow = person.widowed and person.sex == "女" and not single_parent and total <= _STATUS_INCOME_LIMIT
    disabled = is_disabled(person)
    if spouse and total <= 10_000_000:
        # Full up to 9,000,000 of the taxpayer's income, then two thirds, one third (rounded as the law's table).
        elderly = dependant_kind(spouse[0], year) == "elderly"
        bands = (380_000, 260_000, 130_000) if elderly else (330_000, 220_000, 110_000)
        band = 0 if total <= 9_000_000 else 1 if total <= 9_500_000 else 2
        deductions.append(("配偶者控除", bands[band]))
    counted = kinds["general"] * _GENERAL + kinds["specific"] * _SPECIFIC + kinds["elderly"] * _ELDERLY_PARENT
    if counted:
        deductions.append(("扶養控除", counted))
    for flag, kind, amount in ((widow, "寡婦控除", _WIDOW), (single_parent, "ひとり親控除", _SINGLE_PARENT),
                               (disabled, "障害者控除", _DISABLED)):  # fmt: skip
        if flag:
            deductions.append((kind, amount))
    plan.dependants = len(spouse) + len(dependants)
    plan.deductions = [d for d in deductions if d[1]]
    deducted = sum(amount for _, amount in plan.deductions)
    taxable = max(0, total - deducted) // 1000 * 1000
    people = 1 + plan.dependants
    limit = 450_000 if plan.dependants == 0 else 350_000 * people + 310_000
    if widow or single_parent or disabled:
        limit = max(limit, _STATUS_NON_TAXABLE)
    non_taxable = total <= limit
    city = pref = city_capita = pref_capita = forest = 0
    if not non_taxable:
        city, pref = (
            max(0, taxable * 6 // 100 - 1_500) // 100 * 100,
            max(0, taxable * 4 // 100 - 1_000) // 100 * 100,
        )
        city_capita, pref_capita, forest = per_capita(year)
    plan.values = {
        "total_income": total,
        "total_deductions": deducted,
        "taxable_income": taxable,
        "city_income_levy": city,
        "pref_income_levy": pref,
        "city_per_capita": city_capita,
        "pref_per_capita": pref_capita,
        "forest_env_tax": forest,
        "non_taxable": non_taxable,
        "dependants_spouse": len(spouse),
        "dependants_general": kinds["general"],
        "dependants_specific": kinds["specific"],
        "dependants_elderly": kinds["elderly"],
        "dependants_under16": kinds["under16"],
        "widow": widow,
        "single_parent": single_parent,
        "disabled": disabled,
    }
