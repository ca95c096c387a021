"""課税: records per resident and fiscal year, who has none, and the arithmetic holds together."""

from __future__ import annotations

from datetime import date

import pytest
from registry_testdata import AS_OF, count_statements
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry import CitySetting, Resident, TaxRecord, tax_record
from kofu.city.registry.models import fiscal_year_of, offered_fiscal_years
from kofu.city.registry.seed import SeededPerson
from kofu.city.registry.seed.tax import pension_income, per_capita, salary_income


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


#: Rows of 所得税法 別表第五 (年末調整等のための給与所得控除後の給与等の金額の表), 令和2年分–令和6年分
#: (the 住民税 of 令和3年度–令和7年度): (給与等の収入金額, 給与所得控除後の給与等の金額).
BETSUHYO_5_R2 = [
    (550_999, 0),
    (551_000, 1_000),
    (1_618_999, 1_068_999),
    (1_619_000, 1_069_000),
    (1_619_999, 1_069_000),
    (1_620_000, 1_070_000),
    (1_621_999, 1_070_000),
    (1_622_000, 1_072_000),
    (1_624_000, 1_074_000),
    (1_627_999, 1_074_000),
    (1_628_000, 1_076_800),  # the first 4,000-yen row
    (1_631_999, 1_076_800),
    (1_632_000, 1_079_200),
    (1_636_000, 1_081_600),
    (1_800_000, 1_180_000),
    (1_803_999, 1_180_000),
    (3_600_000, 2_440_000),
    (3_603_999, 2_440_000),
    (4_001_000, 2_760_000),  # the formula on the revenue itself would say 2,760,800
    (6_200_000, 4_520_000),
    (6_596_000, 4_836_800),
    (6_599_999, 4_836_800),  # the last row
    (6_600_000, 4_840_000),  # above the table: 第28条's formula, 90% − 1,100,000
    (8_500_000, 6_550_000),
    (10_000_000, 8_050_000),
]
#: The same table as amended for 令和7年分 (the 住民税 of 令和8年度): the 650,000 minimum up to
#: 1,900,000, from which the 4,000-yen rows start.
BETSUHYO_5_R7 = [
    (650_999, 0),
    (651_000, 1_000),
    (1_000_000, 350_000),
    (1_628_000, 978_000),
    (1_899_999, 1_249_999),
    (1_900_000, 1_250_000),
    (1_903_999, 1_250_000),
    (1_904_000, 1_252_800),
    (3_600_000, 2_440_000),
    (4_001_000, 2_760_000),
    (6_599_999, 4_836_800),
    (6_600_000, 4_840_000),
]


@pytest.mark.parametrize(("revenue", "income"), BETSUHYO_5_R2)
def test_salary_income_follows_the_table_of_betsuhyo_5(revenue: int, income: int) -> None:
    assert salary_income(revenue, 2025) == income


@pytest.mark.parametrize(("revenue", "income"), BETSUHYO_5_R7)
def test_salary_income_follows_the_amended_table_from_reiwa_8(revenue: int, income: int) -> None:
    assert salary_income(revenue, 2026) == income


def test_per_capita_levies_carry_the_forest_environment_tax_from_reiwa_6() -> None:
    assert per_capita(2023) == (3_500, 1_500, 0)  # the 復興 surcharge, no 森林環境税
    assert per_capita(2024) == (3_000, 1_000, 1_000)
    assert per_capita(2026) == (3_000, 1_000, 1_000)


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
            kinds = (
                record.dependants_spouse,
                record.dependants_general,
                record.dependants_specific,
                record.dependants_elderly,
                record.dependants_under16,
            )
            assert sum(kinds) == record.dependants
            if record.non_taxable:
                assert record.total_tax == 0
            else:
                assert record.city_per_capita == 3000 and record.pref_per_capita == 1000
                assert record.forest_env_tax == 1000  # 令和7年度 and 令和8年度: with the 森林環境税
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
