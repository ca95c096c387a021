"""What a document is made of, as plain immutable values the layout engine draws.

A document (:class:`DocumentSpec`) is a title, header rows repeated on every page, a list of
bordered tables (one per person or entry, never split across pages) and the certification
at the end. Builders such as :mod:`kofu.documents.juminhyo` turn domain data into these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol


class Figure(Protocol):
    """A drawing placed in a cell instead of text, e.g. a seal impression (印影) in its frame.

    Implementations are immutable values; ``draw`` puts the figure's bottom-left corner at
    ``(x, y)`` and uses ``width`` x ``height`` points.
    """

    @property
    def width(self) -> float:
        """Width in points."""
        ...

    @property
    def height(self) -> float:
        """Height in points."""
        ...

    def draw(self, canvas: Any, x: float, y: float) -> None:
        """Draw the figure with its bottom-left corner at ``(x, y)``."""
        ...


@dataclass(frozen=True)
class Cell:
    """One labelled value in a table row.

    ``span`` is the cell's share of the row width relative to its neighbours; ``ruby`` is a
    small reading printed above the value (ふりがな); ``large`` sets the value in the larger
    size used for names. An empty ``label`` gives a value-only cell; ``label_width`` (points)
    overrides the table style's label column width, e.g. for short labels such as 性別.
    ``align`` places the value (amounts are right-aligned); ``figure`` is drawn centred in the
    value area below any text; ``label_mark`` is a boxed word under the label, such as 除籍.
    """

    label: str
    value: str
    ruby: str | None = None
    span: float = 1.0
    large: bool = False
    label_width: float | None = None
    align: Literal["left", "right", "center"] = "left"
    figure: Figure | None = None
    label_mark: str | None = None


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
    """A bordered table of rows, kept together on one page.

    ``join`` continues the table above on the same page without a gap, so a long record
    (a family register) reads as one frame that may still break between its tables:
    ``"rule"`` separates them by a thin line, ``"flush"`` by none. ``rules`` draws thin lines
    between this table's rows. ``aside`` is a cell ``aside_width`` points wide on the left
    spanning every row (a section name such as 所得, or the frame of a seal impression); when
    it is taller than the rows, the rows share the extra height.
    """

    rows: tuple[Row, ...]
    join: Literal["", "rule", "flush"] = ""
    rules: bool = True
    aside: Cell | None = None
    aside_width: float = 0.0


@dataclass(frozen=True)
class Issue:
    """What every document's data says of its issue (the first fields of each ``…Data``): the
    city and mayor who certify it, its issue number and its issue date."""

    city_name: str
    mayor_name: str
    issue_number: str
    issue_date: date


@dataclass(frozen=True)
class Certification:
    """The closing of a document: sentence, issue date, issuing mayor and the city's seal."""

    sentence: str
    issue_date: date
    city_name: str
    mayor_name: str

    @classmethod
    def of(cls, data: Issue, sentence: str) -> Certification:
        """The closing of a document whose data carries its issue date, city and mayor."""
        return cls(sentence, data.issue_date, data.city_name, data.mayor_name)

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
    ``end_mark`` (以下余白) is printed right after the last block. ``blocks_per_page`` fixes how
    many blocks each sheet holds (a 世帯連記式 住民票: 4 people a sheet); 0 fills pages by height.
    """

    title: str
    issue_number: str
    blocks: tuple[Table, ...]
    certification: Certification
    header: Table | None = None
    pdf_title: str = ""
    end_mark: str = "以下余白"
    blocks_per_page: int = 0
