"""The paper layers the kiosk prints with every document (偽造防止).

Front of every sheet, under the city's page:
  * 地紋 (void pantograph): a field of fine dots in which 「複写」 is written with coarser dots
    at the same tone. The page is tiled in 1.35 mm cells: a cell of the word holds one 0.39 mm
    dot, any other cell nine 0.122 mm dots (:class:`DotPattern`), so the word has no outline of
    its own and an eye sees one even tint; a copier (≈150–300 dpi, blur, a black/white
    threshold) loses the fine dots and keeps the coarse ones, so 「複写」 emerges on the copy
    (measured in tests/documents/test_seal_latent.py).
  * a microtext line repeating the city name (0.5 mm high), top and bottom;
  * the warning sentence, in the bottom margin.
Back of every sheet: the same 地紋, a security image (a guilloche rosette of 0.08 mm lines
whose shape derives from the seal code, so it differs per document and breaks up when copied),
the seal QR, large, and how to verify the document.

All text of these layers is drawn as images, never as PDF text, so the document's text hash
(:func:`kofu.documents.seal.document_text_hash`) is the same on the printed sheets as in the
city's PDF.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from kofu.documents.errors import DocumentError
from kofu.documents.fonts import FONT_FILES, GOTHIC, MINCHO, new_canvas
from kofu.documents.qr import draw_qr

LATENT_WORD = "複写"
WARNING = (
    "この用紙は偽造防止用紙です。複写すると「複写」の文字が現れます。"
    "裏面のコードで記載内容が市区町村の発行したものか確認できます。"
)
HOW_TO_VERIFY = (
    "この証明書の確認方法 / How to verify",
    "1. 裏面のQRコードを読み取り、検証ページに画像を送るかコードを貼り付けてください。",
    "   またはこの用紙の画像やPDFを `kofu verify ファイル` で確認できます（オフライン可）。",
    "2. 署名が有効であり、表示された市区町村・発行番号・発行日・氏名・生年月日・住所が",
    "   表面の記載と一致することを確かめてください。一致しなければ偽造・改ざんの疑いがあります。",
    "3. Scan the QR, or run `kofu verify FILE`; the signed fields must match the front.",
)


@dataclass(frozen=True)
class DotPattern:
    """Dot geometry of the 地紋 (millimetres) and its ink (grey level, 0 = black).

    The page is tiled with square cells ``cell`` wide. A cell of the latent word holds one
    coarse dot; any other cell holds ``split`` x ``split`` fine dots. Both kinds of cell carry
    the same ink and the tiles fit edge to edge, so no undotted seam betrays the word's outline.
    The coarse dot is a little more than ``split`` times the fine one: a small dot prints (and
    renders) larger than its nominal area, as ink spreads, so equal nominal areas would leave
    the fine field darker. Tuned on pdfium renders at 300 and 600 dpi (fine field 6.45 % and
    6.85 %, word 6.50 % and 6.68 %).
    """

    fine_dot: float = 0.122
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
    for centre in (0.33, 0.70):  # twice, so a partial copy still shows it
        x = (cols - text_w) // 2 - box[0]
        y = round(rows * centre - text_h / 2) - box[1]
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
    cells = np.zeros((rows, cols), dtype=bool)
    for r in range(rows):
        top, bottom = round(r * per), round((r + 1) * per)
        for c in range(cols):
            left, right = round(c * per), round((c + 1) * per)
            block = mask[top:bottom, left:right]
            cells[r, c] = block.size > 0 and float(block.mean()) >= 0.5
    return cells


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


def _dots(canvas: Any, y: float, first: float, count: int, pitch: float) -> None:
    """``count`` round dots (zero-length dashes with round caps) on the line ``y``, from x=``first``."""
    if count <= 0:
        return
    last = first + (count - 1) * pitch
    canvas.line(first * mm, y, last * mm + 0.01, y)


def draw_chimon(
    canvas: Any, width: float = A4[0], height: float = A4[1], pattern: DotPattern = PATTERN
) -> None:
    """The 地紋 with the latent 「複写」 over the whole page (see :class:`DotPattern`)."""
    cells = word_cells(width, height, pattern)
    cell, split, fine = pattern.cell, pattern.split, pattern.fine_pitch
    canvas.saveState()
    canvas.setStrokeGray(pattern.ink_grey)
    canvas.setLineCap(1)
    canvas.setLineWidth(pattern.fine_dot * mm)
    canvas.setDash([0, fine * mm])
    for r, row in enumerate(cells):
        for start, end in _runs(row, False):
            for k in range(split):
                y = height - (r * cell + (k + 0.5) * fine) * mm
                _dots(canvas, y, start * cell + fine / 2, (end - start) * split, fine)
    canvas.setLineWidth(pattern.coarse_dot * mm)
    canvas.setDash([0, cell * mm])
    for r, row in enumerate(cells):
        y = height - (r + 0.5) * cell * mm
        for start, end in _runs(row, True):
            _dots(canvas, y, (start + 0.5) * cell, end - start, cell)
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


def _microtext(canvas: Any, city_name: str, y: float, width: float) -> None:
    unit = f"{city_name}　" + "".join(f"{city_name}発行証明書　" for _ in range(1))
    line = unit * max(1, int((width - 30 * mm) / (len(unit) * 0.5 * mm)))
    draw_text_image(canvas, line[: int((width - 30 * mm) / (0.5 * mm))], 15 * mm, y, 0.5)


def draw_front_layers(canvas: Any, city_name: str, width: float = A4[0], height: float = A4[1]) -> None:
    """Everything the kiosk adds under the front of a sheet: 地紋, microtext lines, warning."""
    draw_chimon(canvas, width, height)
    _microtext(canvas, city_name, height - 7 * mm, width)
    _microtext(canvas, city_name, 9 * mm, width)
    draw_text_image(canvas, WARNING, 15 * mm, 4 * mm, 2.3, dpi=600)


def draw_security_image(canvas: Any, seed: bytes, cx: float, cy: float, radius: float) -> None:
    """A guilloche rosette of fine lines whose shape comes from ``seed`` (lost in a copy)."""
    digest = hashlib.sha256(seed).digest()
    canvas.saveState()
    canvas.setLineWidth(0.08 * mm)
    for ring in range(6):
        a, b = 5 + digest[ring] % 9, 2 + digest[ring + 8] % 5
        r_outer = radius * (1 - ring * 0.12)
        canvas.setStrokeColorRGB(0.1 + 0.12 * (ring % 3), 0.25, 0.45 + 0.08 * (ring % 2))
        path = canvas.beginPath()
        steps = 720
        for i in range(steps + 1):
            t = 2 * math.pi * i / steps
            r = r_outer * (0.72 + 0.2 * math.sin(a * t) + 0.08 * math.cos(b * t + ring))
            x, y = cx + r * math.cos(t), cy + r * math.sin(t)
            if i == 0:
                path.moveTo(x, y)
            else:
                path.lineTo(x, y)
        canvas.drawPath(path, stroke=1, fill=0)
    canvas.restoreState()


def draw_back_static(
    canvas: Any, city_name: str, verify_url: str, width: float = A4[0], height: float = A4[1]
) -> None:
    """What every back of a city's sheets shares: 地紋, microtext and how to verify."""
    draw_chimon(canvas, width, height)
    _microtext(canvas, city_name, height - 7 * mm, width)
    y = height - 212 * mm
    for line in (*HOW_TO_VERIFY, f"検証ページ / verification page: {verify_url}"):
        draw_text_image(canvas, line, 20 * mm, y, 3.0, dpi=600)
        y -= 6 * mm
    _microtext(canvas, city_name, 9 * mm, width)


def draw_back_variable(canvas: Any, seal_code: str, width: float = A4[0], height: float = A4[1]) -> None:
    """What is this document's own on the back: the security image and the seal QR."""
    draw_security_image(canvas, seal_code.encode(), width / 2, height - 75 * mm, 45 * mm)
    size = 70 * mm
    draw_qr(canvas, seal_code, (width - size) / 2, height - 200 * mm, size)


def draw_back(
    canvas: Any, city_name: str, seal_code: str, verify_url: str, width: float = A4[0], height: float = A4[1]
) -> None:
    """The back of a sheet: 地紋, security image, the seal QR and how to verify."""
    draw_back_static(canvas, city_name, verify_url, width, height)
    draw_back_variable(canvas, seal_code, width, height)


@functools.lru_cache(maxsize=8)
def _front_layer_pdf(city_name: str) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, A4)
    # Inside a form XObject, so that laying a document over it touches a one-line page stream,
    # never the pattern's tens of thousands of dots.
    canvas.beginForm("kofuFront")
    draw_front_layers(canvas, city_name)
    canvas.endForm()
    canvas.doForm("kofuFront")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@functools.lru_cache(maxsize=8)
def _back_static_pdf(city_name: str, verify_url: str) -> bytes:
    # The pattern is the same on every back of a city's sheets: drawn once, reused (it is the
    # slow part: tens of thousands of dots).
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, A4)
    canvas.beginForm("kofuBack")
    draw_back_static(canvas, city_name, verify_url)
    canvas.endForm()
    canvas.doForm("kofuBack")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _back_variable_pdf(seal_code: str) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, A4)
    draw_back_variable(canvas, seal_code)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def print_sheets(pdf: bytes, city_name: str, seal_code: str, verify_url: str) -> bytes:
    """The PDF a printer prints duplex: each page of ``pdf`` over the front layers, then a back.

    Raises :class:`DocumentError` ``document.unreadable`` for a PDF that cannot be read.
    """
    from pypdf import PdfReader, PdfWriter

    try:
        # The pattern pages hold one form XObject each; they are merged *under* the city's pages,
        # so pypdf only rewrites their one-line streams (merging the other way round re-parses
        # every page's content stream, which costs ~0.4 s a page).
        front = PdfReader(io.BytesIO(_front_layer_pdf(city_name))).pages[0]
        back_pattern = PdfReader(io.BytesIO(_back_static_pdf(city_name, verify_url))).pages[0]
        writer = PdfWriter(clone_from=io.BytesIO(pdf))
        back = PdfWriter(clone_from=io.BytesIO(_back_variable_pdf(seal_code))).pages[0]
        back.merge_page(back_pattern, over=False)
        count = len(writer.pages)
        for index in range(count):
            writer.pages[index].merge_page(front, over=False)  # the city's page lies over the pattern
        for index in range(count):
            writer.insert_page(back, index * 2 + 1)
        out = io.BytesIO()
        writer.write(out)
    except Exception as exc:
        raise DocumentError(f"cannot lay the security layers: {exc}", code="document.unreadable") from exc
    return out.getvalue()
