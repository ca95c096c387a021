"""課税・非課税証明書 (所得証明): one fiscal year's income, deductions and resident tax.

A 年度 (fiscal year) taxes the income of the calendar year before it, assessed on the
賦課期日, 1 January of the 年度: 令和8年度 is the income of 令和7年, for residents of the city on
令和8年1月1日. The sections follow the usual municipal form: 所得 (収入金額 and 所得金額 by kind,
合計所得金額), 所得控除 (by kind, 控除合計), 扶養 (人数 by kind), and 税額 (課税標準額, 市民税 and
都民税/県民税 所得割額・均等割額, 合計). With no tax due it is a 非課税証明書 and the tax cells
say 非課税. Amounts are whole yen, printed with thousands separators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from kofu.documents.blocks import Cell, Certification, DocumentSpec, Row, Table
from kofu.documents.errors import DocumentError
from kofu.documents.layout import DocumentLayout, PageHook
from kofu.documents.limits import check_address, check_name
from kofu.documents.wareki import format_era_year, to_wareki

SENTENCE = "上記のとおり証明します。"
HIKAZEI = "非課税"

_DEFAULT_LAYOUT = DocumentLayout()
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
class KazeiData:
    """A 課税・非課税証明書 for ``fiscal_year`` (the Gregorian year the 年度 starts: 2026 = 令和8年度).

    ``levy_date_address`` is the address on the 賦課期日 (1 January) when it differs from the
    current ``address``. ``dependants`` are ``(kind, count)`` pairs such as ``("年少", 2)``.
    ``total_income`` and ``total_deductions`` default to the sums of their items.
    """

    city_name: str
    mayor_name: str
    issue_number: str
    issue_date: date
    fiscal_year: int
    address: str
    name: str
    birth_date: date
    incomes: tuple[IncomeItem, ...]
    deductions: tuple[Deduction, ...]
    dependants: tuple[tuple[str, int], ...]
    taxable_income: int
    municipal_income_levy: int
    municipal_per_capita: int
    prefectural_income_levy: int
    prefectural_per_capita: int
    levy_date_address: str | None = None
    kana: str | None = None
    total_income: int | None = None
    total_deductions: int | None = None
    municipal_tax_name: str = "市民税"
    prefectural_tax_name: str = "都民税"

    @property
    def total_tax(self) -> int:
        """合計 of the four tax amounts."""
        return (
            self.municipal_income_levy
            + self.municipal_per_capita
            + self.prefectural_income_levy
            + self.prefectural_per_capita
        )

    @property
    def taxed(self) -> bool:
        """False for a 非課税 year (no tax due)."""
        return self.total_tax > 0


def yen(amount: int) -> str:
    """Format whole yen with thousands separators: ``1234567`` → ``"1,234,567"``."""
    return f"{amount:,}"


def _calendar_year(year: int) -> str:
    """A calendar year by the era in force at its end, as tax documents name it: 2019 is
    令和元年 (令和 began on 1 May 2019), so 年度 2019 is 令和元年度 and its income 令和元年分."""
    return format_era_year(date(year, 12, 31))


def _title(data: KazeiData) -> str:
    year = _calendar_year(data.fiscal_year).removesuffix("年")
    kind = "課税証明書" if data.taxed else "非課税証明書"
    return f"{year}年度\u3000{data.municipal_tax_name}・{data.prefectural_tax_name}\u3000{kind}"


def _header(data: KazeiData) -> Table:
    levy_day = to_wareki(date(data.fiscal_year, 1, 1))
    income_year = _calendar_year(data.fiscal_year - 1)
    wide = 40 * mm  # one label column wide enough for 「令和8年1月1日現在の住所」
    return Table(
        rows=(
            Row.of(Cell("住所", data.address, label_width=wide)),
            Row.of(Cell(f"{levy_day}現在の住所", data.levy_date_address or data.address, label_width=wide)),
            Row.of(
                Cell("氏名", data.name, ruby=data.kana, large=True, span=1.6, label_width=wide),
                Cell("生年月日", to_wareki(data.birth_date), label_width=18 * mm),
            ),
            Row.of(
                Cell(
                    "所得の年分", f"{income_year}分（{income_year}1月1日から12月31日まで）", label_width=wide
                )
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
    cells = [Cell(kind, f"{count}人", label_width=26 * mm, align="right") for kind, count in data.dependants]
    total = sum(count for _, count in data.dependants)
    cells.append(Cell("合計", f"{total}人", label_width=12 * mm, align="right"))
    rows = [Row(cells=tuple(cells[i : i + 3])) for i in range(0, len(cells), 3)]
    return Table(rows=tuple(rows), aside=Cell("", "扶養\n人数", align="center"), aside_width=_ASIDE)


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
    for name, income_levy, per_capita, subtotal in (
        (data.municipal_tax_name, data.municipal_income_levy, data.municipal_per_capita, municipal),
        (data.prefectural_tax_name, data.prefectural_income_levy, data.prefectural_per_capita, prefectural),
    ):
        rows.append(
            Row.of(
                Cell("", name, align="center"),
                Cell("", amount(income_levy), align="right"),
                Cell("", amount(per_capita), align="right"),
                Cell("", amount(subtotal), align="right"),
            )
        )
    rows.append(
        Row.of(
            Cell("", "合計", align="center"),
            Cell("", amount(data.municipal_income_levy + data.prefectural_income_levy), align="right"),
            Cell("", amount(data.municipal_per_capita + data.prefectural_per_capita), align="right"),
            Cell("", amount(data.total_tax), align="right"),
        )
    )
    return Table(rows=tuple(rows), aside=Cell("", "税\n額", align="center"), aside_width=_ASIDE)


def _validate(data: KazeiData) -> None:
    check_name(data.name)
    check_address(data.address)
    check_address(data.levy_date_address, "賦課期日現在の住所")
    amounts = [
        data.taxable_income,
        data.municipal_income_levy,
        data.municipal_per_capita,
        data.prefectural_income_levy,
        data.prefectural_per_capita,
        *(d.amount for d in data.deductions),
        *(i.revenue for i in data.incomes if i.revenue is not None),
    ]
    if any(a < 0 for a in amounts) or any(c < 0 for _, c in data.dependants):
        raise DocumentError("amounts and counts cannot be negative", code="document.invalid")
    if not 1990 <= data.fiscal_year <= 2200:
        raise DocumentError(f"fiscal year {data.fiscal_year} is out of range", code="document.invalid")


def build_kazei_spec(data: KazeiData) -> DocumentSpec:
    """Turn the data into a :class:`DocumentSpec`; raises ``document.invalid``/``too_long``."""
    _validate(data)
    title = _title(data)
    return DocumentSpec(
        title=title,
        pdf_title="非課税証明書" if not data.taxed else "課税証明書",
        issue_number=data.issue_number,
        header=_header(data),
        blocks=(_income_table(data), _deduction_table(data), _dependant_table(data), _tax_table(data)),
        certification=Certification(
            sentence=SENTENCE,
            issue_date=data.issue_date,
            city_name=data.city_name,
            mayor_name=data.mayor_name,
        ),
    )


def render_kazei(
    data: KazeiData, layout: DocumentLayout = _DEFAULT_LAYOUT, page_hook: PageHook | None = None
) -> bytes:
    """Render a 課税・非課税証明書 to PDF bytes.

    Raises :class:`DocumentError` ``document.invalid``, ``document.too_long``,
    ``document.font_missing`` or ``document.render_failed``.
    """
    return layout.render(build_kazei_spec(data), page_hook=page_hook)
