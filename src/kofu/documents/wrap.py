"""Line breaking for Japanese text: per character, with simple 禁則 (kinsoku) rules.

Japanese has no spaces between words, so a line may break between any two characters,
except that closing punctuation must not start a line: 、。 hang past the edge
(ぶら下げ) and closing brackets or small kana pull the previous character down (追い出し).
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

_HANGING = frozenset("、。，．,.")
_NO_LINE_START = frozenset("）」』】〕〉》］｝)]}ー・：；！？ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々")


def text_width(text: str, font: str, size: float) -> float:
    """Return the width of ``text`` in points when set in ``font`` at ``size``."""
    return float(stringWidth(text, font, size))


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points (a hanging 、。 excepted).

    Explicit newlines are kept. An empty text gives one empty line, so every value
    occupies at least one line.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, font, size, width))
    return lines


def _wrap_paragraph(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for char in text:
        fits = not current or text_width(current + char, font, size) <= width
        if fits or char in _HANGING:
            current += char
        elif char in _NO_LINE_START and len(current) > 1:
            lines.append(current[:-1])
            current = current[-1] + char
        else:
            lines.append(current)
            current = char
    lines.append(current)
    return lines
