"""課税 records of one city: income of the previous calendar year, 住民税 of the fiscal year.

Simplified but recognisable rules (amounts in yen): 給与所得控除 and 公的年金等控除 by the
tables of the Income Tax Act (the 2025 reform's 650,000 minimum from 令和8年度), 基礎控除
430,000, 配偶者控除 and 扶養控除 330,000 each, 社会保険料 about 15% of salary; 所得割 6% (city)
and 4% (prefecture) of 課税標準額 less 調整控除; 均等割 3,000 and 1,000; 非課税 up to
450,000 (single) or 350,000 × people + 310,000 (東京都の市, 1級地).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from kofu.city.registry.seed.addresses import rename
from kofu.city.registry.seed.people import HouseholdPlan, PersonPlan

#: The amounts of a record with nothing assessed (未申告).
NOTHING_ASSESSED: dict[str, int | bool] = {
    "total_income": 0,
    "total_deductions": 0,
    "taxable_income": 0,
    "city_income_levy": 0,
    "pref_income_levy": 0,
    "city_per_capita": 0,
    "pref_per_capita": 0,
    "non_taxable": False,
}


@dataclass
class TaxPlan:
    """One future TaxRecord with its incomes and deductions (kind, amounts)."""

    person: PersonPlan
    fiscal_year: int
    declared: bool
    jan1_address: str
    incomes: list[tuple[str, int, int]] = field(default_factory=list)
    deductions: list[tuple[str, int]] = field(default_factory=list)
    dependants: int = 0
    values: dict[str, int | bool] = field(default_factory=lambda: dict(NOTHING_ASSESSED))


def salary_income(revenue: int, fiscal_year: int) -> int:
    """給与所得 from 給与収入."""
    if fiscal_year >= 2026 and revenue <= 1_900_000:
        deduction = 650_000
    elif revenue <= 1_625_000:
        deduction = 550_000
    elif revenue <= 1_800_000:
        deduction = revenue * 40 // 100 - 100_000
    elif revenue <= 3_600_000:
        deduction = revenue * 30 // 100 + 80_000
    elif revenue <= 6_600_000:
        deduction = revenue * 20 // 100 + 440_000
    elif revenue <= 8_500_000:
        deduction = revenue * 10 // 100 + 1_100_000
    else:
        deduction = 1_950_000
    return max(0, revenue - deduction)


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


def _assess(plan: TaxPlan, household: HouseholdPlan, low: set[int], jan1: date) -> None:
    total = sum(income for _, _, income in plan.incomes)
    deductions = [("基礎控除", 430_000 if total <= 24_000_000 else 0)]
    salary = sum(revenue for kind, revenue, _ in plan.incomes if kind == "給与")
    insurance = salary * 15 // 100 + sum(revenue for kind, revenue, _ in plan.incomes if kind != "給与") // 10
    if insurance:
        deductions.insert(0, ("社会保険料控除", insurance))
    others = [m for m in household.members if m is not plan.person and m.status == "active"]
    spouse = [m for m in others if m.zokugara in ("妻", "夫") and id(m) in low]
    dependants = [
        m for m in others if m.zokugara in ("子", "父", "母") and (m.age(jan1) < 16 or id(m) in low)
    ]
    if spouse and total <= 10_000_000:
        deductions.append(("配偶者控除", 330_000))
    counted = [m for m in dependants if m.age(jan1) >= 16]
    if counted:
        deductions.append(("扶養控除", 330_000 * len(counted)))
    plan.dependants = len(spouse) + len(dependants) if total else 0
    plan.deductions = [d for d in deductions if d[1]]
    deducted = sum(amount for _, amount in plan.deductions)
    taxable = max(0, total - deducted) // 1000 * 1000
    people = 1 + plan.dependants
    limit = 450_000 if plan.dependants == 0 else 350_000 * people + 310_000
    non_taxable = total <= limit
    city = pref = city_capita = pref_capita = 0
    if not non_taxable:
        city, pref = (
            max(0, taxable * 6 // 100 - 1_500) // 100 * 100,
            max(0, taxable * 4 // 100 - 1_000) // 100 * 100,
        )
        city_capita, pref_capita = 3_000, 1_000
    plan.values = {
        "total_income": total,
        "total_deductions": deducted,
        "taxable_income": taxable,
        "city_income_levy": city,
        "pref_income_levy": pref,
        "city_per_capita": city_capita,
        "pref_per_capita": pref_capita,
        "non_taxable": non_taxable,
    }
