"""The printed security features of the sheets (偽造防止), drawn on a reportlab canvas.

  * 地紋 (void pantograph): a field of fine dots in which 「複写」 is written with coarser dots
    at the same tone. The page is tiled in 1.35 mm cells: a cell of the word holds one 0.39 mm
    dot, any other cell nine 0.13 mm dots (:class:`DotPattern`), so the word has no outline of
    its own and an eye sees one even tint; a copier (≈150–300 dpi, blur, a black/white
    threshold) loses the fine dots and keeps the coarse ones, so 「複写」 emerges on the copy
    (measured in tests/documents/test_seal_latent.py).
  * microtext: a line repeating the city name, 0.5 mm high;
  * a security image: a guilloche rosette of 0.08 mm lines whose shape derives from the
    document, so it differs per sheet and breaks up when copied.

Words are drawn as images (:func:`text_image`), never as PDF text, so the sheets add no text to
the document's. :mod:`kofu.documents.sheets` lays these out on the printed sheets.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from kofu.documents.fonts import FONT_FILES, GOTHIC, MINCHO

LATENT_WORD = "複写"


@dataclass(frozen=True)
class DotPattern:
    """Dot geometry of the 地紋 (millimetres) and its ink (grey level, 0 = black).

    The page is tiled with square cells ``cell`` wide. A cell of the latent word holds one
    coarse dot; any other cell holds ``split`` x ``split`` fine dots. Both kinds of cell carry
    the same ink and the tiles fit edge to edge, so no undotted seam betrays the word's outline.
    The coarse dot is ``split`` times the fine one, so both carry the same area of ink (6.6 %).
    """

    fine_dot: float = 0.13
    coarse_dot: float = 0.39
    cell: float = 1.35
    split: int = 3
    ink_grey: float = 0.0
    mask_cell: float = 0.25  # resolution of the latent-word mask

    @property
    def fine_pitch(self) -> float:
        """Distance between fine dots."""
        return self.cell / self.split

    @property
    def coarse_pitch(self) -> float:
        """Distance between the latent word's dots (one per cell)."""
        return self.cell

    def coverage(self) -> tuple[float, float]:
        """Ink coverage of the fine field and of the latent word (fractions of area)."""
        fine = math.pi * (self.fine_dot / 2) ** 2 / self.fine_pitch**2
        coarse = math.pi * (self.coarse_dot / 2) ** 2 / self.coarse_pitch**2
        return fine, coarse


PATTERN = DotPattern()


@functools.lru_cache(maxsize=4)
def latent_mask(width: float = A4[0], height: float = A4[1], cell_mm: float = PATTERN.mask_cell) -> Any:
    """Where the latent 「複写」 lies: a boolean numpy array, one cell per ``cell_mm``, row 0 at the top."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    cols, rows = round(width / mm / cell_mm), round(height / mm / cell_mm)
    image = Image.new("L", (cols, rows), 0)
    draw = ImageDraw.Draw(image)
    size = round(62 / cell_mm)  # 62 mm characters: large enough to stop any photocopy being used
    font = ImageFont.truetype(str(FONT_FILES[GOTHIC]), size)
    box = draw.textbbox((0, 0), LATENT_WORD, font=font)
    text_w, text_h = box[2] - box[0], box[3] - box[1]
    for center in (0.33, 0.70):  # twice, so a partial copy still shows it
        x = (cols - text_w) // 2 - box[0]
        y = round(rows * center - text_h / 2) - box[1]
        draw.text((x, y), LATENT_WORD, fill=255, font=font)
    return np.asarray(image) > 127


@functools.lru_cache(maxsize=4)
def word_cells(width: float = A4[0], height: float = A4[1], pattern: DotPattern = PATTERN) -> Any:
    """Which pattern cells belong to the word: a boolean array, row 0 at the top.

    A cell is the word's when most of it lies inside the latent mask.
    """
    import numpy as np

    mask = latent_mask(width, height, pattern.mask_cell).astype(float)
    per = pattern.cell / pattern.mask_cell
    cols, rows = int(width / mm / pattern.cell) + 1, int(height / mm / pattern.cell) + 1
    # Each cell's block of mask cells: rows [top, bottom), columns [left, right), clipped to the mask.
    tops = np.minimum([round(r * per) for r in range(rows + 1)], mask.shape[0])
    lefts = np.minimum([round(c * per) for c in range(cols + 1)], mask.shape[1])
    summed = np.zeros((mask.shape[0] + 1, mask.shape[1] + 1))
    summed[1:, 1:] = mask.cumsum(0).cumsum(1)  # summed-area table: any block's sum in four reads
    inside = summed[np.ix_(tops[1:], lefts[1:])] - summed[np.ix_(tops[:-1], lefts[1:])]
    inside -= summed[np.ix_(tops[1:], lefts[:-1])] - summed[np.ix_(tops[:-1], lefts[:-1])]
    size = np.outer(tops[1:] - tops[:-1], lefts[1:] - lefts[:-1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return (size > 0) & (inside / np.where(size > 0, size, 1) >= 0.5)


def _runs(line: Any, want: bool) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, value in enumerate(line.tolist()):
        if bool(value) == want and start is None:
            start = i
        elif bool(value) != want and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(line)))
    return runs


def _strip(canvas: Any, name: str, dot: float, per_row: int, width: float, cell: float) -> None:
    """A form one cell high and the page wide: ``per_row`` rows of filled dots in every cell.

    Filled circles, not round-capped zero-length strokes: renderers give a stroke at least a
    pixel's width, which darkens fine dots on a screen; a fill keeps its true area at any zoom.
    """
    if canvas.hasForm(name):
        return
    pitch = cell / per_row
    count = int(width / mm / pitch) + per_row
    canvas.beginForm(name, 0, 0, count * pitch * mm, cell * mm)
    canvas.setFillGray(0)
    path = canvas.beginPath()
    for row in range(per_row):
        y = (row + 0.5) * pitch * mm
        for k in range(count):
            path.circle((k + 0.5) * pitch * mm, y, dot / 2 * mm)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.endForm()


def _clipped_rows(canvas: Any, cells: Any, want: bool, form: str, height: float, cell: float) -> None:
    """Draw ``form`` along each row of cells, clipped to the runs of cells equal to ``want``."""
    for r, row in enumerate(cells):
        runs = _runs(row, want)
        if not runs:
            continue
        bottom = height - (r + 1) * cell * mm
        canvas.saveState()
        clip = canvas.beginPath()
        for start, end in runs:
            clip.rect(start * cell * mm, bottom, (end - start) * cell * mm, cell * mm)
        canvas.clipPath(clip, stroke=0, fill=0)
        canvas.translate(0, bottom)
        canvas.doForm(form)
        canvas.restoreState()


def draw_chimon(
    canvas: Any, width: float = A4[0], height: float = A4[1], pattern: DotPattern = PATTERN
) -> None:
    """The 地紋 with the latent 「複写」 over the whole page (see :class:`DotPattern`).

    Two forms, a strip of fine cells and a strip of word cells, are drawn along every row of
    cells, each clipped to its own cells: a few kilobytes of page for ~300,000 dots.
    """
    cells = word_cells(width, height, pattern)
    _strip(canvas, "kofuChimonFine", pattern.fine_dot, pattern.split, width, pattern.cell)
    _strip(canvas, "kofuChimonWord", pattern.coarse_dot, 1, width, pattern.cell)
    canvas.saveState()
    _clipped_rows(canvas, cells, False, "kofuChimonFine", height, pattern.cell)
    _clipped_rows(canvas, cells, True, "kofuChimonWord", height, pattern.cell)
    canvas.restoreState()


def text_image(text: str, height_mm: float, dpi: int = 1200, font: str = MINCHO) -> tuple[Any, float]:
    """``text`` as an RGBA image (black on transparent) and its width in points at ``height_mm``."""
    from PIL import Image, ImageDraw, ImageFont

    px = max(8, round(height_mm / 25.4 * dpi))
    face = ImageFont.truetype(str(FONT_FILES[font]), px)
    box = face.getbbox(text)
    image = Image.new("RGBA", (int(box[2]) + 2, round(px * 1.25)), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((1, round(px * 0.1)), text, font=face, fill=(0, 0, 0, 255))
    return image, image.width / dpi * 72


def draw_text_image(canvas: Any, text: str, x: float, y: float, height_mm: float, dpi: int = 1200) -> float:
    """Draw ``text`` as an image with its box's lower left at (x, y); return its width in points."""
    from reportlab.lib.utils import ImageReader

    image, width = text_image(text, height_mm, dpi)
    box_h = height_mm * 1.25 * mm
    canvas.drawImage(ImageReader(image), x, y, width=width, height=box_h, mask="auto")
    return width


def draw_microtext(canvas: Any, city_name: str, y: float, width: float) -> None:
    unit = f"{city_name}　" + "".join(f"{city_name}発行証明書　" for _ in range(1))
    line = unit * max(1, int((width - 30 * mm) / (len(unit) * 0.5 * mm)))
    draw_text_image(canvas, line[: int((width - 30 * mm) / (0.5 * mm))], 15 * mm, y, 0.5)


def security_image_ops(seed: bytes, cx: float, cy: float, radius: float) -> str:
    """A guilloche rosette of fine lines whose shape comes from ``seed`` (lost in a copy), as
    page operators: six closed curves of 720 segments each, every point computed at once and
    written in hundredths of a point (a path call a point made it the back's costliest drawing)."""
    import numpy as np

    digest = hashlib.sha256(seed).digest()
    steps = 720
    t = 2 * math.pi * np.arange(steps + 1) / steps
    ops = [f"q 0.01 0 0 0.01 0 0 cm {0.08 * mm * 100:.2f} w"]
    for ring in range(6):
        a, b = 5 + digest[ring] % 9, 2 + digest[ring + 8] % 5
        r_outer = radius * (1 - ring * 0.12)
        red, green, blue = 0.1 + 0.12 * (ring % 3), 0.25, 0.45 + 0.08 * (ring % 2)
        r = r_outer * (0.72 + 0.2 * np.sin(a * t) + 0.08 * np.cos(b * t + ring))
        xy = np.column_stack((cx + r * np.cos(t), cy + r * np.sin(t)))
        points = np.rint(xy * 100).astype(np.int64).ravel().tolist()
        ops.append(f"{red:.4f} {green:.4f} {blue:.4f} RG")
        ops.append("{} {} m".format(*points[:2]) + (" {} {} l" * steps).format(*points[2:]) + " S")
    ops.append("Q")
    return "\n".join(ops)
