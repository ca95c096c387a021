"""課税・非課税証明書: one declared tax record as KazeiData (the address is that of 1 January)."""

from __future__ import annotations

from datetime import date

from kofu.city.issuer.mapping import issued
from kofu.city.registry.models import CitySetting, Resident, TaxRecord
from kofu.documents.kazei import Deduction, Dependants, IncomeItem, KazeiData

_PREFECTURE_TAX = {"東京都": "都民税", "北海道": "道民税", "大阪府": "府民税", "京都府": "府民税"}


def build_kazei(
    setting: CitySetting, resident: Resident, record: TaxRecord, issue_number: str, issue_date: date
) -> KazeiData:
    """The certificate of ``record`` (declared, of an offered year: the caller checked)."""
    dependants = Dependants(
        spouse=record.dependants_spouse,
        general=record.dependants_general,
        specific=record.dependants_specific,
        elderly=record.dependants_elderly,
        under16=record.dependants_under16,
    )
    return KazeiData(
        **issued(setting, issue_number, issue_date),
        fiscal_year=record.fiscal_year,
        address=record.jan1_address,
        name=resident.name,
        birth_date=resident.birth_date,
        incomes=tuple(IncomeItem(i.kind, i.income, i.revenue) for i in record.incomes),
        deductions=tuple(Deduction(d.kind, d.amount) for d in record.deductions),
        dependants=dependants,
        taxable_income=record.taxable_income,
        municipal_income_levy=record.city_income_levy,
        municipal_per_capita=record.city_per_capita,
        prefectural_income_levy=record.pref_income_levy,
        prefectural_per_capita=record.pref_per_capita,
        forest_env_tax=record.forest_env_tax,
        widow=record.widow,
        single_parent=record.single_parent,
        disabled=record.disabled,
        kana=resident.kana,
        total_income=record.total_income,
        total_deductions=record.total_deductions,
        municipal_tax_name="市民税",
        prefectural_tax_name=_PREFECTURE_TAX.get(setting.prefecture, "県民税"),
    )
