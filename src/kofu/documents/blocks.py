"""What a document is made of, as plain immutable values the layout engine draws.

A document (:class:`DocumentSpec`) is a title, header rows repeated on every page, a list of
bordered tables (one per person or entry, never split across pages) and the certification
at the end. Builders such as :mod:`kofu.documents.juminhyo` turn domain data into these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Cell:
    """One labelled value in a table row.

    ``span`` is the cell's share of the row width relative to its neighbours; ``ruby`` is a
    small reading printed above the value (ふりがな); ``large`` sets the value in the larger
    size used for names. An empty ``label`` gives a value-only cell; ``label_width`` (points)
    overrides the table style's label column width, e.g. for short labels such as 性別.
    """

    label: str
    value: str
    ruby: str | None = None
    span: float = 1.0
    large: bool = False
    label_width: float | None = None


@dataclass(frozen=True)
class Row:
    """A row of one or more cells sharing the table width."""

    cells: tuple[Cell, ...]

    @staticmethod
    def of(*cells: Cell) -> Row:
        """Build a row from cells given as arguments."""
        return Row(cells=tuple(cells))


@dataclass(frozen=True)
class Table:
    """A bordered table of rows, kept together on one page."""

    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Certification:
    """The closing of a document: sentence, issue date, issuing mayor and the city's seal."""

    sentence: str
    issue_date: date
    city_name: str
    mayor_name: str

    @property
    def mayor_line(self) -> str:
        """Return the signature line, e.g. ``"西東京市長　田無 太郎"``."""
        return f"{self.city_name}長\u3000{self.mayor_name}"

    @property
    def seal_text(self) -> str:
        """Return the text carved on the city's official seal, e.g. ``"西東京市長之印"``."""
        return f"{self.city_name}長之印"


@dataclass(frozen=True)
class DocumentSpec:
    """Everything the layout engine needs to draw one certificate.

    ``pdf_title`` goes into the PDF metadata and must not contain personal data.
    ``end_mark`` (以下余白) is printed right after the last block.
    """

    title: str
    issue_number: str
    blocks: tuple[Table, ...]
    certification: Certification
    header: Table | None = None
    pdf_title: str = ""
    end_mark: str = "以下余白"
