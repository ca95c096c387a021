"""課税: records per resident and fiscal year, who has none, and the arithmetic holds together."""

from __future__ import annotations

from datetime import date

from registry_testdata import AS_OF, count_statements
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry import CitySetting, Resident, TaxRecord, tax_record
from kofu.city.registry.models import fiscal_year_of, offered_fiscal_years
from kofu.city.registry.seed import SeededPerson
from kofu.city.registry.seed.tax import pension_income, salary_income


def test_fiscal_years() -> None:
    assert fiscal_year_of(date(2026, 11, 29)) == 2026  # 令和8年度
    assert fiscal_year_of(date(2026, 5, 31)) == 2025
    assert offered_fiscal_years(AS_OF) == [2025, 2026]


def test_salary_and_pension_income() -> None:
    assert salary_income(1_000_000, 2026) == 350_000  # 650,000 minimum from 令和8年度
    assert salary_income(1_000_000, 2025) == 450_000
    assert salary_income(5_000_000, 2026) == 5_000_000 - 1_440_000
    assert salary_income(20_000_000, 2026) == 18_050_000
    assert pension_income(2_000_000) == 900_000


def test_tax_record_in_three_statements_for_each_offered_year(
    engine: Engine, sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    with sessions() as session:
        settled = {  # lived here on 1 January of both offered years
            r.id
            for r in session.scalars(select(Resident).where(Resident.became_resident_date < date(2025, 1, 1)))
        }
    person = next(
        p for p in seeded if "tax-declared" in p.traits and p.age >= 30 and p.resident_id in settled
    )
    with sessions() as session:
        setting = session.get(CitySetting, "132292")
        assert setting is not None and setting.kazei_fiscal_years == [2025, 2026]
        for year in setting.kazei_fiscal_years:
            with count_statements(engine) as statements:
                record = tax_record(session, person.resident_id, year)
                assert record is not None and record.fiscal_year == year
                _ = (record.incomes, record.deductions)
            assert len(statements) == 3
        assert tax_record(session, person.resident_id, 2020) is None


def test_records_hold_together(sessions: sessionmaker[Session], seeded: list[SeededPerson]) -> None:
    with sessions() as session:
        records = session.scalars(select(TaxRecord)).all()
        assert len(records) > 40
        for record in records:
            resident = session.get(Resident, record.resident_id)
            assert resident is not None
            jan1 = date(record.fiscal_year, 1, 1)
            assert resident.became_resident_date <= jan1 and resident.age_on(jan1) >= 16
            assert record.jan1_address.startswith("東京都西東京市")
            if not record.declared:
                assert not record.incomes and not record.deductions and record.total_tax == 0
                continue
            assert record.total_income == sum(i.income for i in record.incomes)
            assert all(i.revenue >= i.income >= 0 for i in record.incomes)
            assert record.total_deductions == sum(d.amount for d in record.deductions)
            assert (
                record.taxable_income == max(0, record.total_income - record.total_deductions) // 1000 * 1000
            )
            assert any(d.kind == "基礎控除" for d in record.deductions)
            if record.non_taxable:
                assert record.total_tax == 0
            else:
                assert record.city_per_capita == 3000 and record.pref_per_capita == 1000
                assert record.city_income_levy >= record.pref_income_levy >= 0


def test_no_record_for_children_or_who_arrived_after_january(
    sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    with sessions() as session:
        for person in seeded:
            resident = session.get(Resident, person.resident_id)
            assert resident is not None
            record = tax_record(session, resident.id, 2026)
            if resident.age_on(date(2026, 1, 1)) < 16 or resident.became_resident_date > date(2026, 1, 1):
                assert record is None
    undeclared = [p for p in seeded if "no-tax-declaration" in p.traits]
    assert undeclared
