"""Measuring and drawing text with a per-character choice of font.

Each character is drawn with the requested font (IPAex Mincho or Gothic) when that font has
its glyph, else with IPAmj Mincho (for example 𠮷, which IPAex lacks). An ideographic
variation sequence (base + U+E0100..U+E01EF) is drawn with the variant glyph of the first
font that knows the sequence (see :mod:`kofu.documents.ivs`); the extracted text gives back
base and selector. Limit: a sequence neither font knows is drawn as its base character and
extracts as the base character alone.

A character no font has is refused (``document.invalid``) rather than printed as an empty
box: an official certificate must not show a name it cannot draw.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from kofu.documents.fonts import FALLBACK, MINCHO, font
from kofu.documents.ivs import is_variation_selector
from kofu.sealcode.content import page_log
from kofu.sealcode.errors import DocumentError

# Characters drawn as nothing; accepted in any font.
_INVISIBLE = frozenset("\u200b\ufeff")


def _is_private(char: str) -> bool:
    code = ord(char)
    return 0xE000 <= code <= 0xF8FF or code >= 0xF0000


def clusters(text: str) -> list[str]:
    """Split ``text`` into characters, each with the variation selectors that follow it."""
    out: list[str] = []
    for char in text:
        if out and is_variation_selector(char):
            out[-1] += char
        else:
            out.append(char)
    return out


@lru_cache(maxsize=65536)
def pick(cluster: str, font_name: str) -> tuple[str, str]:
    """Return ``(font, text to draw)`` for one cluster set in ``font_name``."""
    base, selectors = cluster[0], cluster[1:]
    if _is_private(base):
        # Municipal 外字 live in the private-use areas; a kiosk cannot print them (and our own
        # IVS codes live there too, so a private code must never reach the fonts directly).
        raise DocumentError(
            f"private-use character U+{ord(base):04X} cannot be printed", code="document.invalid"
        )
    candidates = [font_name]
    if font_name in FALLBACK:
        candidates.append(FALLBACK[font_name])
    if selectors:
        for name in candidates:
            code = font(name).sequence_code(base, selectors[0])
            if code is not None:
                return name, chr(code)
    if base.isspace() or base in _INVISIBLE:
        return font_name, base
    for name in candidates:
        if ord(base) in font(name).face.charToGlyph:
            return name, base
    raise DocumentError(
        f"character U+{ord(base):04X} ({base}) is in none of the fonts", code="document.invalid"
    )


def runs(text: str, font_name: str) -> list[tuple[str, str]]:
    """Return ``text`` as ``(font, drawn text)`` runs, adjacent clusters of one font merged."""
    out: list[tuple[str, str]] = []
    for cluster in clusters(text):
        name, drawn = pick(cluster, font_name)
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + drawn)
        else:
            out.append((name, drawn))
    return out


@lru_cache(maxsize=65536)
def _cluster_width(cluster: str, font_name: str) -> float:
    name, drawn = pick(cluster, font_name)
    return float(stringWidth(drawn, name, 1000.0)) / 1000.0


def cluster_width(cluster: str, font_name: str, size: float) -> float:
    """Return the advance of one cluster in points."""
    return _cluster_width(cluster, font_name) * size


def text_width(text: str, font_name: str, size: float) -> float:
    """Return the width of ``text`` in points when set in ``font_name`` at ``size``."""
    return sum(_cluster_width(c, font_name) for c in clusters(text)) * size


def draw_string(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    font_name: str,
    size: float,
    *,
    char_space: float = 0.0,
    render_mode: int | None = None,
) -> None:
    """Draw ``text`` with its baseline starting at ``(x, y)``, one text object, fonts per run."""
    if not text:
        return
    obj = canvas.beginText(x, y)
    if char_space:
        obj.setCharSpace(char_space)
    if render_mode is not None:
        obj.setTextRenderMode(render_mode)
    for name, drawn in runs(text, font_name):
        obj.setFont(name, size)
        obj.textOut(drawn)
    # Character spacing and render mode belong to the page's graphics state, not to the
    # text object: reset them or they leak into all later text.
    if char_space:
        obj.setCharSpace(0)
    if render_mode is not None:
        obj.setTextRenderMode(0)
    canvas.drawText(obj)
    log = page_log(canvas)
    if log is not None:  # the issuer signs what was drawn (reportlab keeps the CTM here)
        log.text(canvas._currentMatrix, x, y, size, text)


def spaced_width(text: str, font_name: str, size: float, char_space: float = 0.0) -> float:
    """Return the width of ``text`` drawn with ``char_space`` between characters."""
    count = len(clusters(text))
    return text_width(text, font_name, size) + char_space * max(count - 1, 0)


def draw_right_string(canvas: Any, x: float, y: float, text: str, font_name: str, size: float) -> None:
    """Draw ``text`` ending at ``x``."""
    draw_string(canvas, x - text_width(text, font_name, size), y, text, font_name, size)


def draw_centred_string(canvas: Any, x: float, y: float, text: str, font_name: str, size: float) -> None:
    """Draw ``text`` centred on ``x``."""
    draw_string(canvas, x - text_width(text, font_name, size) / 2, y, text, font_name, size)


def draw_carved_char(canvas: Any, x: float, y: float, char: str, size: float, stretch: float) -> None:
    """Draw ``char`` as a seal carves it: Mincho, filled and stroked (render mode 2, at the
    canvas's line width), centred on ``(x, y)`` and stretched vertically by ``stretch``."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(1, stretch)
    draw_string(canvas, -text_width(char, MINCHO, size) / 2, -size * 0.38, char, MINCHO, size, render_mode=2)
    canvas.restoreState()
