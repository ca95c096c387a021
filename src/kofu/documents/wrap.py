"""Line breaking for Japanese text: per character, with simple 禁則 (kinsoku) rules.

Japanese has no spaces between words, so a line may break between any two characters,
except that closing punctuation must not start a line: 、。 hang past the edge
(ぶら下げ) and closing brackets or small kana pull the previous character down (追い出し).
A character and its variation selector are never separated.
"""

from __future__ import annotations

from kofu.documents.glyphs import cluster_width, clusters, text_width

__all__ = ["text_width", "wrap_text"]

_HANGING = frozenset("、。，．,.")
_NO_LINE_START = frozenset("）」』】〕〉》］｝)]}ー・：；！？ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々")


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
    current: list[str] = []
    used = 0.0
    for cluster in clusters(text):
        w = cluster_width(cluster, font, size)
        if not current or used + w <= width or cluster in _HANGING:
            current.append(cluster)
            used += w
        elif cluster[0] in _NO_LINE_START and len(current) > 1:
            lines.append("".join(current[:-1]))
            current = [current[-1], cluster]
            used = sum(cluster_width(c, font, size) for c in current)
        else:
            lines.append("".join(current))
            current, used = [cluster], w
    lines.append("".join(current))
    return lines
