"""What a page of a document certifies, as plain values: every string as drawn, and its pictures.

The layout engine records, page by page, each string it draws (with its position and size, in
drawing order) and each picture (the 印影); the issuer signs that record (see
:mod:`kofu.sealcode.back`) and the back of the printed sheet carries it, so a checker sees
the complete certified content of the page laid out like the front. Pure values: nothing here
draws or reads a PDF, so the verifier uses it without the renderer.

Positions are millimetres from the page's top-left corner (``y`` is a text run's baseline);
sizes are points.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

PT_PER_MM = 72 / 25.4
_WHITESPACE = re.compile(r"\s+")
LINE_TOLERANCE_MM = 1.2  # baselines closer than this read as one line (a label beside its value)


def normalise_text(text: str) -> str:
    """NFKC, then every whitespace character (spaces, newlines, form feeds) removed."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class TextRun:
    """One string as drawn: its baseline's start, its size and its characters."""

    x: float
    y: float
    size: float
    text: str


@dataclass(frozen=True)
class Picture:
    """A picture on the page (the registered seal impression, 印影).

    ``x``/``y``/``width``/``height``: its box in mm (top-left corner). ``sha256`` is the
    SHA-256 of the image as embedded in the PDF (its samples, then its alpha); ``preview`` is
    a 1-bit bitmap of it (``preview_width`` x ``preview_height``, rows padded to whole bytes,
    most significant bit first, 1 = ink), small enough to travel on paper.
    """

    kind: str
    x: float
    y: float
    width: float
    height: float
    sha256: str
    preview_width: int
    preview_height: int
    preview: bytes = field(repr=False)

    def preview_rows(self) -> list[list[bool]]:
        """The preview as rows of booleans (True = ink), top row first."""
        stride = (self.preview_width + 7) // 8
        rows = []
        for r in range(self.preview_height):
            row = self.preview[r * stride : (r + 1) * stride]
            rows.append([bool(row[c // 8] >> (7 - c % 8) & 1) for c in range(self.preview_width)])
        return rows


@dataclass(frozen=True)
class PageContent:
    """Everything one page certifies: its text runs in drawing order and its pictures."""

    number: int
    width: float
    height: float
    texts: tuple[TextRun, ...]
    pictures: tuple[Picture, ...] = ()

    def text(self) -> str:
        """The page's characters in drawing order (what text extraction of the page gives back)."""
        return "".join(run.text for run in self.texts)

    def lines(self) -> list[list[TextRun]]:
        """The runs as the eye reads the front: lines from the top, runs from the left."""
        lines: list[list[TextRun]] = []
        for run in sorted(self.texts, key=lambda r: (r.y, r.x)):
            if lines and abs(lines[-1][0].y - run.y) <= LINE_TOLERANCE_MM:
                lines[-1].append(run)
            else:
                lines.append([run])
        return [sorted(line, key=lambda r: r.x) for line in lines]

    def sha256(self) -> bytes:
        """A digest of the page's content (texts and pictures)."""
        digest = hashlib.sha256()
        for run in self.texts:
            digest.update(f"{run.x:.1f},{run.y:.1f},{run.size:.1f}:".encode())
            digest.update(run.text.encode() + b"\x00")
        for picture in self.pictures:
            digest.update(f"{picture.kind}:{picture.sha256}".encode())
        return digest.digest()


class PageLog:
    """Collects what the renderer draws on one page (see :func:`record_text`)."""

    def __init__(self, number: int, width_pt: float, height_pt: float) -> None:
        """Start the record of page ``number`` of a page ``width_pt`` x ``height_pt`` points."""
        self.number = number
        self.width_pt = width_pt
        self.height_pt = height_pt
        self.texts: list[TextRun] = []
        self.pictures: list[Picture] = []

    def text(self, matrix: tuple[float, ...], x: float, y: float, size: float, text: str) -> None:
        """Record ``text`` drawn at user-space (x, y) under the transformation ``matrix``."""
        a, b, c, d, e, f = matrix
        page_x, page_y = a * x + c * y + e, b * x + d * y + f
        scale = abs(a * d - b * c) ** 0.5
        self.texts.append(
            TextRun(
                round(page_x / PT_PER_MM, 1),
                round((self.height_pt - page_y) / PT_PER_MM, 1),
                round(size * scale, 1),
                text,
            )
        )

    def picture(self, picture: Picture) -> None:
        """Record a picture."""
        self.pictures.append(picture)

    def content(self) -> PageContent:
        """The record as a value."""
        return PageContent(
            number=self.number,
            width=round(self.width_pt / PT_PER_MM, 1),
            height=round(self.height_pt / PT_PER_MM, 1),
            texts=tuple(self.texts),
            pictures=tuple(self.pictures),
        )


# The attribute of a reportlab canvas that holds the current page's PageLog, when recording.
PAGE_LOG = "kofu_page_log"


def page_log(canvas: Any) -> PageLog | None:
    """The log recording ``canvas``'s current page, if any."""
    log = getattr(canvas, PAGE_LOG, None)
    return log if isinstance(log, PageLog) else None
