"""The city's official seal (公印) drawn as vector graphics: a red square with a double
border and the seal text (e.g. 西東京市長之印) in a grid read in columns, right to left,
top to bottom, as carved seals are.
"""

from __future__ import annotations

import math
from typing import Any

from reportlab.lib.units import mm

from kofu.documents.glyphs import clusters, draw_carved_char

SEAL_RED = (0.82, 0.1, 0.12)


def seal_columns(text: str) -> list[str]:
    """Split the seal text into columns, rightmost first; earlier columns take the extra characters.

    ``"西東京市長之印"`` gives ``["西東京", "市長", "之印"]``.
    """
    chars = [c for c in clusters(text) if not c.isspace()]
    if not chars:
        return []
    count = math.ceil(math.sqrt(len(chars)))
    base, extra = divmod(len(chars), count)
    columns: list[str] = []
    start = 0
    for index in range(count):
        size = base + (1 if index < extra else 0)
        columns.append("".join(chars[start : start + size]))
        start += size
    return [column for column in columns if column]


def draw_seal(canvas: Any, text: str, x: float, y: float, size: float = 21 * mm) -> None:
    """Draw the seal with its bottom-left corner at ``(x, y)``, ``size`` points square."""
    canvas.saveState()
    canvas.setStrokeColorRGB(*SEAL_RED)
    canvas.setFillColorRGB(*SEAL_RED)
    canvas.setLineWidth(size * 0.045)
    canvas.rect(x, y, size, size, stroke=1, fill=0)
    inset = size * 0.085
    canvas.setLineWidth(size * 0.015)
    canvas.rect(x + inset, y + inset, size - 2 * inset, size - 2 * inset, stroke=1, fill=0)
    columns = seal_columns(text)
    if columns:
        area = size - 2 * inset - 2 * size * 0.04
        left = x + inset + size * 0.04
        bottom = y + inset + size * 0.04
        column_w = area / len(columns)
        for index, column in enumerate(columns):
            column_x = left + area - (index + 1) * column_w
            _draw_column(canvas, column, column_x, bottom, column_w, area)
    canvas.restoreState()


def _draw_column(canvas: Any, column: str, x: float, bottom: float, width: float, height: float) -> None:
    """Draw one column, stretching characters vertically when the column has fewer of them."""
    font_size = width * 0.92
    cell_h = height / len(column)
    stretch = cell_h * 0.92 / font_size
    # Filled and stroked text gives the heavier line of a carved seal.
    canvas.setLineWidth(font_size * 0.03)
    for row, char in enumerate(column):
        cell_top = bottom + height - row * cell_h
        draw_carved_char(canvas, x + width / 2, cell_top - cell_h / 2, char, font_size, stretch)
