"""The registered seal impression (印影) of a 印鑑登録証明書, drawn from vector data.

A registered seal is 8–25 mm (the usual 印鑑条例 rule), round, square or oval, carved with one
to four characters (usually the family name, or the full name), read in columns from right to
left and top to bottom. We draw it in vermilion at its real size: the rim, then either the
characters stretched to fill their cells (as seal carvers do) or, when the registry holds
them, explicit stroke paths traced from the registered impression.

The certificate prints the impression as an image (as a registered impression is an image of
the stamped paper), made once from the vector drawing at :data:`IMAGE_DPI`: the issuer signs
the image's digest, so swapping it on a PDF shows, and the back of the sheet carries a small
bitmap of it for a checker to compare.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib.units import mm as _mm

from kofu.documents.fonts import SUBSET_LOCK, new_canvas
from kofu.documents.glyphs import clusters, draw_carved_char
from kofu.sealcode.content import PT_PER_MM, Picture, page_log
from kofu.sealcode.errors import DocumentError

mm: float = float(_mm)
VERMILION = (0.86, 0.16, 0.1)
MIN_SIZE_MM = 8.0
MAX_SIZE_MM = 25.0
SHAPES = ("round", "square", "oval")
IMAGE_DPI = 400  # the printed impression: 0.064 mm a pixel, finer than any stamp's detail
PREVIEW_MM = 0.25  # the bitmap on the back of the sheet: 0.25 mm a pixel

# A stroke is a polyline in the seal's unit box: (0, 0) bottom left, (1, 1) top right.
Stroke = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class SealImpression:
    """A registered seal impression as vector data.

    ``size_mm`` is the diameter (round), side (square) or width (oval; ``height_mm`` defaults
    to 1.25 x the width). ``characters`` are the 1–4 carved characters in reading order;
    ``strokes``, when given, are drawn instead of the characters, ``stroke_width`` being a
    fraction of the seal's width.
    """

    shape: Literal["round", "square", "oval"]
    size_mm: float
    characters: str
    height_mm: float | None = None
    strokes: tuple[Stroke, ...] = ()
    stroke_width: float = 0.045

    @property
    def width(self) -> float:
        """Width in points."""
        return self.size_mm * mm

    @property
    def height(self) -> float:
        """Height in points."""
        if self.shape == "oval":
            return (self.height_mm or self.size_mm * 1.25) * mm
        return self.size_mm * mm

    def validate(self) -> None:
        """Raise ``document.invalid`` unless this is a seal a city would register."""
        if self.shape not in SHAPES:
            raise DocumentError(f"seal shape must be one of {SHAPES}", code="document.invalid")
        for side in (self.size_mm, self.height_mm or self.size_mm):
            if not MIN_SIZE_MM <= side <= MAX_SIZE_MM * 1.4:
                raise DocumentError(f"seal size {side} mm is outside 8–25 mm", code="document.invalid")
        if not MIN_SIZE_MM <= self.size_mm <= MAX_SIZE_MM:
            raise DocumentError(f"seal size {self.size_mm} mm is outside 8–25 mm", code="document.invalid")
        count = len([c for c in clusters(self.characters) if not c.isspace()])
        if not 1 <= count <= 4:
            raise DocumentError("a seal carries 1 to 4 characters", code="document.invalid")
        for stroke in self.strokes:
            if not all(0.0 <= v <= 1.0 for point in stroke for v in point):
                raise DocumentError("seal stroke points must lie in the unit box", code="document.invalid")

    def columns(self) -> list[str]:
        """The characters by column, rightmost first: one column up to 3 characters on a
        round or oval seal (2 on a square one), else two columns, the right one fuller."""
        chars = [c for c in clusters(self.characters) if not c.isspace()]
        one_column = len(chars) <= (2 if self.shape == "square" else 3)
        if one_column:
            return ["".join(chars)]
        split = math.ceil(len(chars) / 2)
        return ["".join(chars[:split]), "".join(chars[split:])]

    def draw(self, canvas: Any, x: float, y: float, colour: tuple[float, float, float] = VERMILION) -> None:
        """Draw the impression (as vectors) with its bottom-left corner at ``(x, y)``."""
        w, h = self.width, self.height
        rim = w * 0.055
        canvas.saveState()
        canvas.setStrokeColorRGB(*colour)
        canvas.setFillColorRGB(*colour)
        canvas.setLineWidth(rim)
        path = canvas.beginPath()
        if self.shape == "square":
            path.roundRect(x + rim / 2, y + rim / 2, w - rim, h - rim, w * 0.04)
        else:
            path.ellipse(x + rim / 2, y + rim / 2, w - rim, h - rim)
        canvas.drawPath(path, stroke=1, fill=0)
        # Everything carved stays inside the rim, as on the stone.
        inset = rim * 1.6
        clip = canvas.beginPath()
        if self.shape == "square":
            clip.rect(x + inset, y + inset, w - 2 * inset, h - 2 * inset)
        else:
            clip.ellipse(x + inset, y + inset, w - 2 * inset, h - 2 * inset)
        canvas.clipPath(clip, stroke=0, fill=0)
        if self.strokes:
            self._draw_strokes(canvas, x, y)
        else:
            self._draw_characters(canvas, x, y, inset)
        canvas.restoreState()

    def _draw_strokes(self, canvas: Any, x: float, y: float) -> None:
        canvas.setLineWidth(self.width * self.stroke_width)
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        for stroke in self.strokes:
            if not stroke:
                continue
            path = canvas.beginPath()
            (x0, y0), rest = stroke[0], stroke[1:]
            path.moveTo(x + x0 * self.width, y + y0 * self.height)
            for px, py in rest or ((x0, y0),):
                path.lineTo(x + px * self.width, y + py * self.height)
            canvas.drawPath(path, stroke=1, fill=0)

    def _draw_characters(self, canvas: Any, x: float, y: float, inset: float) -> None:
        columns = self.columns()
        w, h = self.width, self.height
        # A round rim leaves less room near its edge: keep the characters in the inscribed box.
        ratio = 0.78 if self.shape != "square" else 0.92
        area_w, area_h = (w - 2 * inset) * ratio, (h - 2 * inset) * ratio
        left = x + (w - area_w) / 2
        bottom = y + (h - area_h) / 2
        column_w = area_w / len(columns)
        for index, column in enumerate(columns):
            column_x = left + area_w - (index + 1) * column_w
            cells = clusters(column)
            cell_h = area_h / len(cells)
            size = column_w * 0.98
            stretch = cell_h * 0.98 / size
            canvas.setLineWidth(size * 0.04)  # filled and stroked: the heavy line of a carved seal
            for row, char in enumerate(cells):
                centre_y = bottom + area_h - (row + 0.5) * cell_h
                draw_carved_char(canvas, column_x + column_w / 2, centre_y, char, size, stretch)


@dataclass(frozen=True)
class SealFrame:
    """The printed frame of the 印影 with the impression centred in it (a table figure)."""

    impression: SealImpression
    side_mm: float = 34.0

    @property
    def width(self) -> float:
        """Width in points."""
        return self.side_mm * mm

    @property
    def height(self) -> float:
        """Height in points."""
        return max(self.side_mm * mm, self.impression.height + 6 * mm)

    def draw(self, canvas: Any, x: float, y: float) -> None:
        """Draw the frame and the impression with the frame's bottom-left corner at ``(x, y)``."""
        canvas.saveState()
        canvas.setStrokeColorRGB(0, 0, 0)
        canvas.setLineWidth(0.5)
        canvas.rect(x, y, self.width, self.height, stroke=1, fill=0)
        canvas.restoreState()
        imp = self.impression
        left, bottom = x + (self.width - imp.width) / 2, y + (self.height - imp.height) / 2
        draw_impression(canvas, imp, left, bottom)


def draw_impression(canvas: Any, impression: SealImpression, x: float, y: float) -> None:
    """Print the impression's image with its bottom-left corner at ``(x, y)``, and record it."""
    from reportlab.lib.utils import ImageReader

    image = impression_image(impression)
    canvas.drawImage(ImageReader(image), x, y, impression.width, impression.height, mask="auto")
    log = page_log(canvas)
    if log is None:
        return
    a, b, c, d, e, f = canvas._currentMatrix  # reportlab keeps the CTM here
    page_x, page_y = a * x + c * y + e, b * x + d * y + f
    width_mm, height_mm = impression.width / PT_PER_MM, impression.height / PT_PER_MM
    preview_w, preview_h, bits = preview_bits(image, width_mm, height_mm)
    log.picture(
        Picture(
            kind="印影",
            x=round(page_x / PT_PER_MM, 1),
            y=round((log.height_pt - page_y) / PT_PER_MM - height_mm, 1),
            width=round(width_mm, 1),
            height=round(height_mm, 1),
            sha256=image_sha256(image),
            preview_width=preview_w,
            preview_height=preview_h,
            preview=bits,
        )
    )


@functools.lru_cache(maxsize=64)
def impression_image(impression: SealImpression) -> Any:
    """The impression as a vermilion RGBA image at :data:`IMAGE_DPI` (alpha = ink)."""
    import pypdfium2 as pdfium
    from PIL import Image

    from kofu.sealcode.pdfium import PDFIUM_LOCK

    buffer = io.BytesIO()
    canvas = new_canvas(buffer, (impression.width, impression.height))
    impression.draw(canvas, 0, 0, colour=(0, 0, 0))
    canvas.showPage()
    with SUBSET_LOCK:
        canvas.save()
    with PDFIUM_LOCK:  # pdfium is not thread-safe (kofu.sealcode.pdfium)
        document = pdfium.PdfDocument(buffer.getvalue())
        try:
            grey = document[0].render(scale=IMAGE_DPI / 72, grayscale=True).to_pil().convert("L")
        finally:
            document.close()
    alpha = grey.point(lambda v: 255 - v)
    red, green, blue = (round(c * 255) for c in VERMILION)
    image = Image.new("RGBA", grey.size, (red, green, blue, 0))
    image.putalpha(alpha)
    return image


def image_sha256(image: Any) -> str:
    """SHA-256 of an RGBA image as a PDF embeds it: its RGB samples, then its alpha (SMask)."""
    return hashlib.sha256(image.convert("RGB").tobytes() + image.getchannel("A").tobytes()).hexdigest()


def preview_bits(image: Any, width_mm: float, height_mm: float) -> tuple[int, int, bytes]:
    """A 1-bit bitmap of ``image``'s ink at :data:`PREVIEW_MM` a pixel: width, height, packed rows."""
    from PIL import Image

    size = (max(1, round(width_mm / PREVIEW_MM)), max(1, round(height_mm / PREVIEW_MM)))
    small = image.getchannel("A").resize(size, Image.Resampling.BOX)
    bits = small.point(lambda v: 255 if v >= 96 else 0).convert("1")
    return size[0], size[1], bits.tobytes()
