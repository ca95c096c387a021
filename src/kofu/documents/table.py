"""Measuring and drawing bordered label/value tables on a reportlab canvas.

Coordinates are PDF points with the origin at the bottom left; a table is drawn downwards
from ``top``. Each cell is a label column of fixed width and a value column taking the rest
of the cell; long values wrap per character to the value column's width.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm

from kofu.documents.blocks import Cell, Row, Table
from kofu.documents.fonts import GOTHIC, MINCHO
from kofu.documents.wrap import wrap_text

# Baseline sits this fraction of the font size below the top of a line (IPAex ascent ≈ 0.88).
_ASCENT = 0.88
_LEADING = 1.3


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
    inner = width - _label_width(cell, style) - 2 * style.padding
    return wrap_text(cell.value, style.value_font, size, inner), size


def _label_lines(cell: Cell, style: TableStyle) -> list[str]:
    if not cell.label:
        return []
    return wrap_text(
        cell.label, style.label_font, style.label_size, _label_width(cell, style) - 2 * style.padding
    )


def _cell_height(cell: Cell, width: float, style: TableStyle) -> float:
    lines, size = _value_lines(cell, width, style)
    value_h = len(lines) * size * _LEADING
    if cell.ruby:
        value_h += style.ruby_size * _LEADING
    label_h = len(_label_lines(cell, style)) * style.label_size * _LEADING
    return max(value_h, label_h) + 2 * style.padding


def row_height(row: Row, width: float, style: TableStyle) -> float:
    """Return the height of ``row`` when the table is ``width`` points wide."""
    heights = [_cell_height(c, w, style) for c, _, w in _cell_boxes(row, 0.0, width)]
    return max([style.min_row_height, *heights])


def table_height(table: Table, width: float, style: TableStyle) -> float:
    """Return the height of ``table`` when drawn ``width`` points wide."""
    return sum(row_height(row, width, style) for row in table.rows)


def _draw_lines(canvas: Any, lines: list[str], font: str, size: float, x: float, top: float) -> None:
    canvas.setFont(font, size)
    for i, line in enumerate(lines):
        # Centre the em box in its line box: half the extra leading above, then the ascent.
        baseline = top - size * (i * _LEADING + (_LEADING - 1) / 2 + _ASCENT)
        canvas.drawString(x, baseline, line)


def _draw_cell(canvas: Any, cell: Cell, x: float, top: float, w: float, h: float, style: TableStyle) -> None:
    label_w = _label_width(cell, style)
    if label_w:
        labels = _label_lines(cell, style)
        block = len(labels) * style.label_size * _LEADING
        label_top = top - (h - block) / 2
        _draw_lines(canvas, labels, style.label_font, style.label_size, x + style.padding, label_top)
        canvas.setLineWidth(style.inner_line)
        canvas.line(x + label_w, top, x + label_w, top - h)
    lines, size = _value_lines(cell, w, style)
    ruby_h = style.ruby_size * _LEADING if cell.ruby else 0.0
    block = ruby_h + len(lines) * size * _LEADING
    value_top = top - (h - block) / 2
    value_x = x + label_w + style.padding
    if cell.ruby:
        _draw_lines(canvas, [cell.ruby], style.value_font, style.ruby_size, value_x, value_top)
        value_top -= ruby_h
    _draw_lines(canvas, lines, style.value_font, size, value_x, value_top)


def draw_table(canvas: Any, table: Table, x: float, top: float, width: float, style: TableStyle) -> float:
    """Draw ``table`` with its top-left corner at ``(x, top)``; return its height."""
    y = top
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setFillColorRGB(0, 0, 0)
    for index, row in enumerate(table.rows):
        h = row_height(row, width, style)
        boxes = _cell_boxes(row, x, width)
        for cell, cx, cw in boxes:
            _draw_cell(canvas, cell, cx, y, cw, h, style)
        canvas.setLineWidth(style.inner_line)
        for _, cx, _ in boxes[1:]:
            canvas.line(cx, y, cx, y - h)
        if index:
            canvas.line(x, y, x + width, y)
        y -= h
    canvas.setLineWidth(style.outer_line)
    canvas.rect(x, y, width, top - y, stroke=1, fill=0)
    return top - y
