"""課税・非課税証明書 (所得証明): one fiscal year's income, deductions and resident tax.

A 年度 (fiscal year) taxes the income of the calendar year before it, assessed on the
賦課期日, 1 January of the 年度: 令和8年度 is the income of 令和7年, for residents of the city on
令和8年1月1日. The standard form (税務システム標準仕様書, see docs/forms.md): A4 portrait, titled
課税証明書 or 非課税証明書 by the data; 年度, the address on the 賦課期日, 氏名 and 生年月日; 所得
(収入金額 and 所得金額 by kind, 合計所得金額); 所得控除 (by kind, 控除合計); 扶養 (人数 of 配偶者,
一般, 特定, 老人 and 16歳未満) and 本人該当区分 (寡婦, ひとり親, 障害者); 税額 (課税標準額, 市民税
and 都民税/県民税 所得割額・均等割額, from 令和6年度 the national 森林環境税 with the 均等割, and
合計). With no tax due the tax cells say 非課税. Amounts are whole yen with thousands separators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from kofu.documents.blocks import Cell, Certification, DocumentSpec, Issue, Row, Table
from kofu.documents.layout import SpecRenderer
from kofu.documents.limits import check_address, check_name
from kofu.documents.wareki import format_era_year, to_wareki
from kofu.sealcode.code import SealedPerson, sealed_person
from kofu.sealcode.errors import DocumentError

SENTENCE = "上記のとおり証明します。"
HIKAZEI = "非課税"
TITLE_TAXED = "課税証明書"
TITLE_NOT_TAXED = "非課税証明書"
#: The 年度 from which the 森林環境税 (国税, 1,000 yen a year) is collected with the 均等割.
FOREST_ENV_TAX_FROM = 2024
FOREST_ENV_TAX_NAME = "森林環境税"
#: The 本人該当区分 the certificate shows, in order.
STATUSES = ("寡婦", "ひとり親", "障害者")

_ASIDE = 14 * mm


@dataclass(frozen=True)
class IncomeItem:
    """Income of one kind (給与, 営業等, 公的年金等, 不動産, 配当, 雑 …).

    ``revenue`` (収入金額) is None for kinds printed without one.
    """

    kind: str
    income: int
    revenue: int | None = None


@dataclass(frozen=True)
class Deduction:
    """One income deduction (社会保険料控除, 基礎控除 …) in yen."""

    kind: str
    amount: int


@dataclass(frozen=True)
class Dependants:
    """扶養 counted for the 年度: 控除対象配偶者, and 扶養親族 by kind (ages on 31 December of the
    income year: 特定 19–22, 老人 70 or more, 16歳未満 counted though not deducted, 一般 the rest)."""

    spouse: int = 0
    general: int = 0
    specific: int = 0
    elderly: int = 0
    under16: int = 0

    def items(self) -> tuple[tuple[str, int], ...]:
        """``(label, count)`` in the order the certificate prints them."""
        return (
            ("配偶者", self.spouse),
            ("一般", self.general),
            ("特定", self.specific),
            ("老人", self.elderly),
            ("16歳未満", self.under16),
        )

    @property
    def total(self) -> int:
        """Everyone counted."""
        return sum(count for _, count in self.items())


@dataclass(frozen=True)
class KazeiData(Issue):
    """A 課税・非課税証明書 for ``fiscal_year`` (the Gregorian year the 年度 starts: 2026 = 令和8年度).

    ``address`` is the address on the 賦課期日 (1 January of the 年度), the one the standard form
    prints. ``widow``, ``single_parent`` and ``disabled`` are the 本人該当区分 寡婦, ひとり親 and
    障害者. ``forest_env_tax`` is the 森林環境税 (only from 令和6年度). ``total_income`` and
    ``total_deductions`` default to the sums of their items.
    """

    fiscal_year: int
    address: str
    name: str
    birth_date: date
    incomes: tuple[IncomeItem, ...]
    deductions: tuple[Deduction, ...]
    dependants: Dependants
    taxable_income: int
    municipal_income_levy: int
    municipal_per_capita: int
    prefectural_income_levy: int
    prefectural_per_capita: int
    forest_env_tax: int = 0
    widow: bool = False
    single_parent: bool = False
    disabled: bool = False
    kana: str | None = None
    total_income: int | None = None
    total_deductions: int | None = None
    municipal_tax_name: str = "市民税"
    prefectural_tax_name: str = "都民税"

    @property
    def total_tax(self) -> int:
        """合計 of the tax amounts (所得割, 均等割 and the 森林環境税)."""
        return (
            self.municipal_income_levy
            + self.municipal_per_capita
            + self.prefectural_income_levy
            + self.prefectural_per_capita
            + self.forest_env_tax
        )

    @property
    def with_forest_env_tax(self) -> bool:
        """True from 令和6年度, when the 森林環境税 row is part of the form."""
        return self.fiscal_year >= FOREST_ENV_TAX_FROM

    @property
    def statuses(self) -> tuple[bool, bool, bool]:
        """寡婦, ひとり親, 障害者."""
        return self.widow, self.single_parent, self.disabled

    @property
    def taxed(self) -> bool:
        """False for a 非課税 year (no tax due)."""
        return self.total_tax > 0

    def sealed_fields(self) -> tuple[tuple[SealedPerson, ...], str]:
        """The people and the address the seal code repeats: the taxpayer and their address."""
        return (sealed_person(self.name, self.birth_date),), self.address


def yen(amount: int) -> str:
    """Format whole yen with thousands separators: ``1234567`` → ``"1,234,567"``."""
    return f"{amount:,}"


def _calendar_year(year: int) -> str:
    """A calendar year by the era in force at its end, as tax documents name it: 2019 is
    令和元年 (令和 began on 1 May 2019), so 年度 2019 is 令和元年度 and its income 令和元年分."""
    return format_era_year(date(year, 12, 31))


def title(data: KazeiData) -> str:
    """課税証明書, or 非課税証明書 when no tax is due."""
    return TITLE_TAXED if data.taxed else TITLE_NOT_TAXED


def _header(data: KazeiData) -> Table:
    levy_day = to_wareki(date(data.fiscal_year, 1, 1))
    year = _calendar_year(data.fiscal_year).removesuffix("年")
    income_year = _calendar_year(data.fiscal_year - 1)
    wide = 40 * mm  # one label column wide enough for 「住所（令和8年1月1日現在）」
    return Table(
        rows=(
            Row.of(
                Cell(
                    "年度",
                    f"{year}年度（{income_year}1月1日から12月31日までの所得）",
                    label_width=wide,
                )
            ),
            Row.of(Cell(f"住所（{levy_day}現在）", data.address, label_width=wide)),
            Row.of(
                Cell("氏名", data.name, ruby=data.kana, large=True, span=1.6, label_width=wide),
                Cell("生年月日", to_wareki(data.birth_date), label_width=18 * mm),
            ),
        )
    )


def _head(*titles: str, spans: tuple[float, ...]) -> Row:
    return Row.of(*(Cell("", t, align="center", span=s) for t, s in zip(titles, spans, strict=True)))


def _income_table(data: KazeiData) -> Table:
    spans = (1.2, 1.0, 1.0)
    rows = [_head("所得の種類", "収入金額（円）", "所得金額（円）", spans=spans)]
    for item in data.incomes:
        revenue = yen(item.revenue) if item.revenue is not None else ""
        rows.append(
            Row.of(
                Cell("", item.kind, span=spans[0]),
                Cell("", revenue, align="right", span=spans[1]),
                Cell("", yen(item.income), align="right", span=spans[2]),
            )
        )
    total = data.total_income if data.total_income is not None else sum(i.income for i in data.incomes)
    rows.append(
        Row.of(
            Cell("", "合計所得金額", span=spans[0] + spans[1]),
            Cell("", yen(total), align="right", span=spans[2]),
        )
    )
    return Table(rows=tuple(rows), aside=Cell("", "所\n得", align="center"), aside_width=_ASIDE)


def _deduction_table(data: KazeiData) -> Table:
    items = list(data.deductions)
    rows = [_head("控除の種類", "金額（円）", "控除の種類", "金額（円）", spans=(1.3, 0.8, 1.3, 0.8))]
    for i in range(0, len(items), 2):
        pair = items[i : i + 2]
        cells: list[Cell] = []
        for item in pair:
            cells += [Cell("", item.kind, span=1.3), Cell("", yen(item.amount), align="right", span=0.8)]
        if len(pair) == 1:
            cells += [Cell("", "", span=1.3), Cell("", "", span=0.8)]
        rows.append(Row.of(*cells))
    total = data.total_deductions if data.total_deductions is not None else sum(d.amount for d in items)
    rows.append(Row.of(Cell("", "控除合計", span=3.4), Cell("", yen(total), align="right", span=0.8)))
    return Table(rows=tuple(rows), aside=Cell("", "所得\n控除", align="center"), aside_width=_ASIDE)


def _dependant_table(data: KazeiData) -> Table:
    counts = [*data.dependants.items(), ("合計", data.dependants.total)]
    spans = tuple(1.0 for _ in counts)
    rows = [
        _head(*(label for label, _ in counts), spans=spans),
        Row.of(*(Cell("", f"{count}人", align="center") for _, count in counts)),
        _head(*STATUSES, "", "", "", spans=spans),
        Row.of(
            *(Cell("", "○" if flag else "", align="center") for flag in data.statuses),
            *(Cell("", "") for _ in range(len(counts) - len(STATUSES))),
        ),
    ]
    return Table(rows=tuple(rows), aside=Cell("", "扶養\n・\n本人\n該当", align="center"), aside_width=_ASIDE)


def _tax_table(data: KazeiData) -> Table:
    def amount(value: int) -> str:
        return yen(value) if data.taxed else HIKAZEI

    spans = (1.0, 1.0, 1.0, 1.0)
    municipal = data.municipal_income_levy + data.municipal_per_capita
    prefectural = data.prefectural_income_levy + data.prefectural_per_capita
    rows = [
        Row.of(
            Cell("", "課税標準額（円）", span=1.0),
            Cell("", yen(data.taxable_income), align="right", span=3.0),
        ),
        _head("", "所得割額（円）", "均等割額（円）", "計（円）", spans=spans),
    ]
    lines = [
        (data.municipal_tax_name, amount(data.municipal_income_levy), data.municipal_per_capita, municipal),
        (
            data.prefectural_tax_name,
            amount(data.prefectural_income_levy),
            data.prefectural_per_capita,
            prefectural,
        ),
    ]
    if data.with_forest_env_tax:  # collected with the 均等割; it has no 所得割
        lines.append((FOREST_ENV_TAX_NAME, "", data.forest_env_tax, data.forest_env_tax))
    for name, income_levy, per_capita, subtotal in lines:
        rows.append(
            Row.of(
                Cell("", name, align="center"),
                Cell("", income_levy, align="right"),
                Cell("", amount(per_capita), align="right"),
                Cell("", amount(subtotal), align="right"),
            )
        )
    per_capita_total = data.municipal_per_capita + data.prefectural_per_capita + data.forest_env_tax
    rows.append(
        Row.of(
            Cell("", "合計", align="center"),
            Cell("", amount(data.municipal_income_levy + data.prefectural_income_levy), align="right"),
            Cell("", amount(per_capita_total), align="right"),
            Cell("", amount(data.total_tax), align="right"),
        )
    )
    return Table(rows=tuple(rows), aside=Cell("", "税\n額", align="center"), aside_width=_ASIDE)


def _validate(data: KazeiData) -> None:
    check_name(data.name)
    check_address(data.address)
    if data.forest_env_tax and not data.with_forest_env_tax:
        raise DocumentError("the 森林環境税 is collected from 令和6年度 only", code="document.invalid")
    amounts = [
        data.taxable_income,
        data.municipal_income_levy,
        data.municipal_per_capita,
        data.prefectural_income_levy,
        data.prefectural_per_capita,
        data.forest_env_tax,
        *(d.amount for d in data.deductions),
        *(i.revenue for i in data.incomes if i.revenue is not None),
    ]
    if any(a < 0 for a in amounts) or any(c < 0 for _, c in data.dependants.items()):
        raise DocumentError("amounts and counts cannot be negative", code="document.invalid")
    if not 1990 <= data.fiscal_year <= 2200:
        raise DocumentError(f"fiscal year {data.fiscal_year} is out of range", code="document.invalid")


def build_kazei_spec(data: KazeiData) -> DocumentSpec:
    """Turn the data into a :class:`DocumentSpec`; raises ``document.invalid``/``too_long``."""
    _validate(data)
    return DocumentSpec(
        title=title(data),
        pdf_title=title(data),
        issue_number=data.issue_number,
        header=_header(data),
        blocks=(_income_table(data), _deduction_table(data), _dependant_table(data), _tax_table(data)),
        certification=Certification.of(data, SENTENCE),
    )


#: Render a 課税・非課税証明書 to PDF bytes (:class:`~kofu.documents.layout.SpecRenderer`).
render_kazei = SpecRenderer(build_kazei_spec)
