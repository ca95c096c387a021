"""課税台帳: one record per resident and fiscal year (年度), with income and deductions by kind.

A fiscal year's tax is assessed on the previous calendar year's income for the people living
in the city on 1 January of the fiscal year (賦課期日). A record with ``declared`` false is a
resident who filed nothing (未申告): no certificate can be issued from it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kofu.city.registry.models.base import Base, one_of
from kofu.city.registry.models.residents import Resident

#: 所得の種類 (TaxIncome.kind).
INCOME_KINDS = ("給与", "事業", "不動産", "配当", "年金", "雑", "一時")


class TaxRecord(Base):
    """市民税・都民税 of one resident for one fiscal year (amounts in yen).

    ``total_income`` is 合計所得金額, ``total_deductions`` 所得控除の合計, ``taxable_income``
    課税標準額 (rounded down to 1,000 yen); ``*_income_levy`` 所得割額 and ``*_per_capita``
    均等割額 for the city (市民税) and the prefecture (都民税/県民税); ``non_taxable`` marks a
    非課税 resident (both levies zero). ``jan1_address`` is the address on 1 January of the year.
    ``forest_env_tax`` is the national 森林環境税 collected with the 均等割 (1,000 from 令和6年度).
    ``dependants`` counts everyone claimed (配偶者 included); ``dependants_*`` break it down as the
    certificate does: 配偶者, 一般, 特定 (19–22), 老人 (70+), 16歳未満. ``widow``, ``single_parent``
    and ``disabled`` are the 本人該当区分 寡婦, ひとり親 and 障害者.
    """

    __tablename__ = "tax_records"
    __table_args__ = (
        UniqueConstraint("resident_id", "fiscal_year", name="uq_tax_records_resident_id_fiscal_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    declared: Mapped[bool] = mapped_column(Boolean)
    jan1_address: Mapped[str] = mapped_column(String(200))
    total_income: Mapped[int] = mapped_column(Integer, default=0)
    total_deductions: Mapped[int] = mapped_column(Integer, default=0)
    dependants: Mapped[int] = mapped_column(Integer, default=0)
    dependants_spouse: Mapped[int] = mapped_column(Integer, default=0)
    dependants_general: Mapped[int] = mapped_column(Integer, default=0)
    dependants_specific: Mapped[int] = mapped_column(Integer, default=0)
    dependants_elderly: Mapped[int] = mapped_column(Integer, default=0)
    dependants_under16: Mapped[int] = mapped_column(Integer, default=0)
    widow: Mapped[bool] = mapped_column(Boolean, default=False)
    single_parent: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    taxable_income: Mapped[int] = mapped_column(Integer, default=0)
    city_income_levy: Mapped[int] = mapped_column(Integer, default=0)
    pref_income_levy: Mapped[int] = mapped_column(Integer, default=0)
    city_per_capita: Mapped[int] = mapped_column(Integer, default=0)
    pref_per_capita: Mapped[int] = mapped_column(Integer, default=0)
    forest_env_tax: Mapped[int] = mapped_column(Integer, default=0)
    non_taxable: Mapped[bool] = mapped_column(Boolean, default=False)

    resident: Mapped[Resident] = relationship()
    incomes: Mapped[list[TaxIncome]] = relationship(order_by="TaxIncome.id")
    deductions: Mapped[list[TaxDeduction]] = relationship(order_by="TaxDeduction.id")

    @property
    def total_tax(self) -> int:
        """合計 (所得割 + 均等割, city and prefecture, and the 森林環境税)."""
        return (
            self.city_income_levy
            + self.pref_income_levy
            + self.city_per_capita
            + self.pref_per_capita
            + self.forest_env_tax
        )


class TaxIncome(Base):
    """One kind of income: 収入金額 (``revenue``) and 所得金額 (``income``)."""

    __tablename__ = "tax_incomes"
    __table_args__ = (CheckConstraint(one_of("kind", INCOME_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tax_record_id: Mapped[int] = mapped_column(ForeignKey("tax_records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    revenue: Mapped[int] = mapped_column(Integer)
    income: Mapped[int] = mapped_column(Integer)


class TaxDeduction(Base):
    """One 所得控除 by kind (基礎控除, 社会保険料控除, 配偶者控除, 扶養控除…)."""

    __tablename__ = "tax_deductions"

    id: Mapped[int] = mapped_column(primary_key=True)
    tax_record_id: Mapped[int] = mapped_column(ForeignKey("tax_records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer)


def fiscal_year_of(day: date) -> int:
    """The newest 年度 whose assessment is out on ``day``: a year's tax is fixed in June.

    2026-11-29 → 2026 (令和8年度); 2026-05-31 → 2025 (令和7年度).
    """
    return day.year if day.month >= 6 else day.year - 1


def offered_fiscal_years(day: date) -> list[int]:
    """The 年度 a city offers by default on ``day``: the current one and the previous one."""
    current = fiscal_year_of(day)
    return [current - 1, current]
