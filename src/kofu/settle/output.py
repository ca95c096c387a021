"""A statement as CSV (two files: the lines, the differences) and as a printable PDF in Japanese.

The PDF is drawn with the documents' own parts — A4 geometry of `DocumentLayout`, its bordered
tables (`draw_table`), IPAex fonts through the font loader, a reproducible canvas — so the same
statement always gives the same bytes. Nothing is computed here: every figure is the
`Statement`'s.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import astuple, fields
from datetime import date
from typing import Any

from kofu.documents.blocks import Cell, Row, Table
from kofu.documents.fonts import GOTHIC, MINCHO, SUBSET_LOCK, new_canvas, register_fonts
from kofu.documents.glyphs import draw_right_string, draw_string
from kofu.documents.layout import DocumentLayout
from kofu.documents.table import TableStyle, draw_table, table_height
from kofu.documents.wareki import format_era_year
from kofu.settle.reconcile import DIFFERENCE_TITLES, Difference, Line, Statement

DOC_TITLES = {
    "juminhyo": "住民票の写し",
    "inkan": "印鑑登録証明書",
    "koseki": "戸籍証明書",
    "fuhyo": "戸籍の附票の写し",
    "kazei": "課税（非課税）証明書",
    "total": "合計",
}
_LAYOUT = DocumentLayout()
_STYLE = TableStyle(value_size=9.0, min_row_height=6.0 * 2.835, label_width=0.0)


def lines_csv(statement: Statement) -> str:
    """Every line and every total line, one CSV row each (UTF-8, header first)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["month", *(f.name for f in fields(Line))])
    for line in _ordered(statement):
        writer.writerow([statement.month, *("" if v is None else v for v in astuple(line))])
    writer.writerow([])
    writer.writerow(["digest", statement.digest])
    return out.getvalue()


def differences_csv(statement: Statement) -> str:
    """Every difference, one CSV row each (a header only when there is none)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["month", *(f.name for f in fields(Difference))])
    for diff in statement.differences:
        writer.writerow([statement.month, *astuple(diff)])
    return out.getvalue()


def _ordered(statement: Statement) -> Iterable[Line]:
    """Lines of each city and chain followed by their total."""
    for total in statement.totals:
        yield from (x for x in statement.lines if (x.city_code, x.chain) == (total.city_code, total.chain))
        yield total


def _yen(amount: int) -> str:
    return f"{'△' if amount < 0 else ''}{abs(amount):,}円"


def _cells(*values: str, header: bool = False) -> Row:
    spans = (2.6, 1.0, 1.0, 1.5, 1.5, 1.6, 1.7)
    return Row.of(
        *(
            Cell("", value, span=span, align="left" if i == 0 or header else "right")
            for i, (value, span) in enumerate(zip(values, spans, strict=True))
        )
    )


def _city_table(statement: Statement, total: Line) -> Table:
    head = _cells(
        "証明書の種類",
        "件数",
        "通数",
        "手数料収納額",
        "委託手数料",
        "単価（１通）",
        "市区町村への支払額",
        header=True,
    )
    rows = [Row.of(Cell("", f"{total.city_name}（{total.city_code}）　店舗チェーン：{total.chain}"))]
    rows.append(head)
    for line in _ordered(statement):
        if (line.city_code, line.chain) != (total.city_code, total.chain):
            continue
        rows.append(
            _cells(
                DOC_TITLES.get(line.doc, line.doc),
                f"{line.documents:,}",
                f"{line.copies:,}",
                _yen(line.fees),
                _yen(line.commission),
                "" if line.commission_per_copy is None else _yen(line.commission_per_copy),
                _yen(line.due_to_city),
            )
        )
    return Table(rows=tuple(rows))


def _difference_tables(statement: Statement) -> list[Table]:
    title = Row.of(
        Cell(
            "",
            f"照合の結果　差異 {len(statement.differences)} 件（照合した注文 {statement.orders_compared:,} 件）",
        )
    )
    if not statement.differences:
        return [
            Table(
                rows=(
                    title,
                    Row.of(Cell("", "端末の現金記録・センターの履歴・市区町村の交付記録は一致しています。")),
                )
            )
        ]
    tables, rows = [], [title]
    for diff in statement.differences:
        rows.append(
            Row.of(
                Cell("", DIFFERENCE_TITLES[diff.kind], span=2.2),
                Cell("", diff.order_id, span=2.4),
                Cell("", f"{diff.kiosk_id}　{diff.city_code}", span=1.4),
                Cell("", diff.issue_number or "—", span=1.4),
                Cell("", diff.detail, span=3.4),
            )
        )
        if len(rows) == 18:
            tables.append(Table(rows=tuple(rows)))
            rows = []
    if rows:
        tables.append(Table(rows=tuple(rows)))
    return tables


def statement_pdf(statement: Statement) -> bytes:
    """The statement as an A4 PDF in Japanese: one table per city and chain, then the differences."""
    register_fonts()
    year, month = (int(x) for x in statement.month.split("-"))
    period = f"{format_era_year(date(year, month, 1))}{month}月分（{statement.month}）"
    blocks = [_city_table(statement, total) for total in statement.totals]
    if not blocks:
        blocks = [Table(rows=(Row.of(Cell("", "この月に印刷された証明書はありません。")),))]
    blocks += _difference_tables(statement)
    width = _LAYOUT.content_width
    top = _LAYOUT.top - _LAYOUT.title_band - 12
    bottom = _LAYOUT.body_bottom + 14
    pages: list[list[Table]] = [[]]
    used = 0.0
    for block in blocks:
        need = table_height(block, width, _STYLE) + _LAYOUT.block_gap
        if pages[-1] and used + need > top - bottom:
            pages.append([])
            used = 0.0
        pages[-1].append(block)
        used += need
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, pagesize=(_LAYOUT.page_width, _LAYOUT.page_height))
    canvas.setTitle(f"証明書コンビニ交付 精算書 {statement.month}")
    canvas.setAuthor("kofu")
    canvas.setCreator("kofu")
    canvas.setProducer("kofu")
    for number, page in enumerate(pages, start=1):
        _page(canvas, page, period, statement.digest, top)
        if len(pages) > 1:
            _LAYOUT.draw_page_number(canvas, number, len(pages))
        canvas.showPage()
    with SUBSET_LOCK:
        canvas.save()
    return buffer.getvalue()


def _page(canvas: Any, blocks: list[Table], period: str, digest: str, top: float) -> None:
    _LAYOUT.draw_title(canvas, "証明書コンビニ交付　精算書")
    draw_right_string(
        canvas, _LAYOUT.page_width - _LAYOUT.margin_x, _LAYOUT.top - _LAYOUT.small_size, period, GOTHIC, 10
    )
    y = top
    for block in blocks:
        y -= draw_table(canvas, block, _LAYOUT.margin_x, y, _LAYOUT.content_width, _STYLE)
        y -= _LAYOUT.block_gap
    note = "委託手数料は地方公共団体情報システム機構及び店舗チェーンの取り分（１通あたりの額×通数）。△は市区町村の負担。"
    draw_string(canvas, _LAYOUT.margin_x, _LAYOUT.body_bottom + 8, note, MINCHO, 7)
    draw_string(canvas, _LAYOUT.margin_x, _LAYOUT.body_bottom, f"照合値 {digest}", MINCHO, 7)
