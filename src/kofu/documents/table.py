"""Measuring and drawing bordered label/value tables on a reportlab canvas.

Coordinates are PDF points with the origin at the bottom left; a table is drawn downwards
from ``top``. Each cell is a label column of fixed width and a value column taking the rest
of the cell; long values wrap per character to the value column's width.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib.units import mm

from kofu.documents.blocks import Cell, Row, Table
from kofu.documents.fonts import GOTHIC, MINCHO
from kofu.documents.glyphs import draw_string, text_width
from kofu.documents.wrap import wrap_text

# Baseline sits this fraction of the font size below the top of a line (IPAex ascent ≈ 0.88).
_ASCENT = 0.88

Edge = Literal["outer", "inner", "none"]


@dataclass(frozen=True)
class TableStyle:
    """Fonts, sizes and spacing of tables (points)."""

    label_font: str = GOTHIC
    value_font: str = MINCHO
    label_size: float = 8.0
    value_size: float = 10.0
    large_size: float = 12.5
    ruby_size: float = 6.0
    label_width: float = 25 * mm
    padding: float = 1.4 * mm
    min_row_height: float = 6.6 * mm
    outer_line: float = 0.9
    inner_line: float = 0.4
    label_at_top: bool = False
    leading: float = 1.3


def _cell_boxes(row: Row, x: float, width: float) -> list[tuple[Cell, float, float]]:
    """Return ``(cell, x, width)`` for each cell, widths proportional to ``span``."""
    total = sum(cell.span for cell in row.cells)
    boxes: list[tuple[Cell, float, float]] = []
    for cell in row.cells:
        w = width * cell.span / total
        boxes.append((cell, x, w))
        x += w
    return boxes


def _label_width(cell: Cell, style: TableStyle) -> float:
    if not cell.label:
        return 0.0
    return style.label_width if cell.label_width is None else cell.label_width


def _value_lines(cell: Cell, width: float, style: TableStyle) -> tuple[list[str], float]:
    size = style.large_size if cell.large else style.value_size
    if not cell.value and cell.figure is not None:
        return [], size
    inner = width - _label_width(cell, style) - 2 * style.padding
    return wrap_text(cell.value, style.value_font, size, inner), size


def _label_lines(cell: Cell, style: TableStyle) -> list[str]:
    if not cell.label:
        return []
    return wrap_text(
        cell.label, style.label_font, style.label_size, _label_width(cell, style) - 2 * style.padding
    )


def _mark_height(cell: Cell, style: TableStyle) -> float:
    return style.label_size * 2.6 if cell.label_mark else 0.0


def _cell_height(cell: Cell, width: float, style: TableStyle) -> float:
    lines, size = _value_lines(cell, width, style)
    value_h = len(lines) * size * style.leading
    if cell.ruby:
        value_h += style.ruby_size * style.leading
    if cell.figure is not None:
        value_h += cell.figure.height + (style.padding if lines else 0.0)
    label_h = len(_label_lines(cell, style)) * style.label_size * style.leading + _mark_height(cell, style)
    return max(value_h, label_h) + 2 * style.padding


def row_height(row: Row, width: float, style: TableStyle) -> float:
    """Return the height of ``row`` when the table is ``width`` points wide."""
    heights = [_cell_height(c, w, style) for c, _, w in _cell_boxes(row, 0.0, width)]
    return max([style.min_row_height, *heights])


def _row_heights(table: Table, width: float, style: TableStyle) -> list[float]:
    """Heights of the rows, stretched evenly when the aside cell is taller than they are."""
    inner = width - (table.aside_width if table.aside else 0.0)
    heights = [row_height(row, inner, style) for row in table.rows]
    if table.aside is not None:
        need = max(style.min_row_height, _cell_height(table.aside, table.aside_width, style))
        extra = need - sum(heights)
        if extra > 0:
            heights = [h + extra / len(heights) for h in heights] if heights else [need]
    return heights


def table_height(table: Table, width: float, style: TableStyle) -> float:
    """Return the height of ``table`` when drawn ``width`` points wide."""
    return sum(_row_heights(table, width, style))


def _draw_lines(
    canvas: Any,
    lines: list[str],
    font: str,
    size: float,
    x: float,
    top: float,
    width: float,
    align: str = "left",
    leading: float = 1.3,
) -> None:
    for i, line in enumerate(lines):
        # Centre the em box in its line box: half the extra leading above, then the ascent.
        baseline = top - size * (i * leading + (leading - 1) / 2 + _ASCENT)
        offset = 0.0
        if align != "left":
            free = width - text_width(line, font, size)
            offset = free if align == "right" else free / 2
        draw_string(canvas, x + offset, baseline, line, font, size)


def _draw_label(canvas: Any, cell: Cell, x: float, top: float, h: float, style: TableStyle) -> float:
    label_w = _label_width(cell, style)
    labels = _label_lines(cell, style)
    mark_h = _mark_height(cell, style)
    block = len(labels) * style.label_size * style.leading + mark_h
    at_top = style.label_at_top or cell.label_mark
    label_top = top - style.padding if at_top else top - (h - block) / 2
    inner = label_w - 2 * style.padding
    _draw_lines(
        canvas,
        labels,
        style.label_font,
        style.label_size,
        x + style.padding,
        label_top,
        inner,
        "left",
        style.leading,
    )
    if cell.label_mark:
        mark_top = label_top - len(labels) * style.label_size * style.leading - style.label_size * 0.5
        mark_w = text_width(cell.label_mark, style.label_font, style.label_size) + style.label_size * 1.2
        box_h = style.label_size * 1.8
        box_x = x + (label_w - mark_w) / 2
        canvas.setLineWidth(style.inner_line)
        canvas.rect(box_x, mark_top - box_h, mark_w, box_h, stroke=1, fill=0)
        _draw_lines(
            canvas,
            [cell.label_mark],
            style.label_font,
            style.label_size,
            box_x,
            mark_top - (box_h - style.label_size * style.leading) / 2,
            mark_w,
            "center",
        )
    canvas.setLineWidth(style.inner_line)
    canvas.line(x + label_w, top, x + label_w, top - h)
    return label_w


def _draw_cell(canvas: Any, cell: Cell, x: float, top: float, w: float, h: float, style: TableStyle) -> None:
    label_w = _draw_label(canvas, cell, x, top, h, style) if cell.label else 0.0
    lines, size = _value_lines(cell, w, style)
    ruby_h = style.ruby_size * style.leading if cell.ruby else 0.0
    figure_h = 0.0
    if cell.figure is not None:
        figure_h = cell.figure.height + (style.padding if lines else 0.0)
    block = ruby_h + len(lines) * size * style.leading + figure_h
    value_top = top - (h - block) / 2
    value_x = x + label_w + style.padding
    value_w = w - label_w - 2 * style.padding
    if cell.ruby:
        _draw_lines(
            canvas,
            [cell.ruby],
            style.value_font,
            style.ruby_size,
            value_x,
            value_top,
            value_w,
            "left",
            style.leading,
        )
        value_top -= ruby_h
    _draw_lines(canvas, lines, style.value_font, size, value_x, value_top, value_w, cell.align, style.leading)
    if cell.figure is not None:
        figure_x = x + label_w + (w - label_w - cell.figure.width) / 2
        cell.figure.draw(canvas, figure_x, top - (h - block) / 2 - block)
        canvas.setStrokeColorRGB(0, 0, 0)
        canvas.setFillColorRGB(0, 0, 0)


def draw_table(
    canvas: Any,
    table: Table,
    x: float,
    top: float,
    width: float,
    style: TableStyle,
    *,
    top_edge: Edge = "outer",
    bottom_edge: Edge = "outer",
) -> float:
    """Draw ``table`` with its top-left corner at ``(x, top)``; return its height.

    ``top_edge`` and ``bottom_edge`` choose the line above and below the table: the outer
    (thick) border, an inner (thin) rule, or none when a joined table continues it.
    """
    y = top
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setFillColorRGB(0, 0, 0)
    heights = _row_heights(table, width, style)
    left, inner = x, width
    if table.aside is not None:
        _draw_cell(canvas, table.aside, x, top, table.aside_width, sum(heights), style)
        canvas.setLineWidth(style.inner_line)
        canvas.line(x + table.aside_width, top, x + table.aside_width, top - sum(heights))
        left, inner = x + table.aside_width, width - table.aside_width
    for index, (row, h) in enumerate(zip(table.rows, heights, strict=False)):
        boxes = _cell_boxes(row, left, inner)
        for cell, cx, cw in boxes:
            _draw_cell(canvas, cell, cx, y, cw, h, style)
        canvas.setLineWidth(style.inner_line)
        for _, cx, _ in boxes[1:]:
            canvas.line(cx, y, cx, y - h)
        if index and table.rules:
            canvas.line(left, y, left + inner, y)
        y -= h
    y = top - sum(heights)
    canvas.setLineWidth(style.outer_line)
    canvas.setLineCap(2)  # square caps close the frame's corners
    canvas.line(x, top, x, y)
    canvas.line(x + width, top, x + width, y)
    for edge, at in ((top_edge, top), (bottom_edge, y)):
        if edge == "none":
            continue
        canvas.setLineWidth(style.outer_line if edge == "outer" else style.inner_line)
        canvas.line(x, at, x + width, at)
    canvas.setLineCap(0)
    return top - y
