"""戸籍の附票の写し: the address history of the members of one family register.

The header carries 本籍 and 筆頭者 (the kiosk option; since 2022-01-11 they are left out unless
asked for, and 「省略」 keeps their place) and the day the 附票 began: its 改製日 for a register
made on paper and later computerized, else the register's 編製日. For each member, in register
order: the name — only the 名 when 本籍・筆頭者 are shown (the register's 氏 is the 筆頭者's), the
whole 氏名 when they are not — 生年月日 and 性別 (items since 2022-01-11, so blank for a member
removed before that day), and every address with 【住所を定めた年月日】, oldest first, from the
day the member entered the register (or its 改製) without a gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from kofu.documents.blocks import Cell, Certification, DocumentSpec, Issue, Row, Table
from kofu.documents.layout import SpecRenderer
from kofu.documents.limits import check_address, check_name, check_person
from kofu.documents.wareki import to_wareki
from kofu.sealcode.code import SealedPerson, sealed_person
from kofu.sealcode.errors import DocumentError

TITLE = "戸籍の附票の写し"
SENTENCE = "この写しは、戸籍の附票の原本と相違ないことを証明する。"
OMITTED = "省略"
JOSEKI = "除\u3000籍"
#: 生年月日 and 性別 became items of the 附票 on this day (住民基本台帳法 改正, デジタル手続法).
BIRTH_AND_SEX_FROM = date(2022, 1, 11)


@dataclass(frozen=True)
class FuhyoAddress:
    """One address of a member and the day it became theirs (住所を定めた年月日)."""

    address: str
    defined_date: date


@dataclass(frozen=True)
class FuhyoPerson:
    """A member of the register and their addresses, oldest first; ``removed`` marks 除籍 and
    ``removed_on`` its day. ``given_name`` is the 名 (default: the part of ``name`` after its
    last space)."""

    name: str
    birth_date: date
    sex: str
    addresses: tuple[FuhyoAddress, ...]
    removed: bool = False
    given_name: str | None = None
    removed_on: date | None = None

    @property
    def mei(self) -> str:
        """The 名 alone."""
        return self.given_name or self.name.replace("\u3000", " ").split()[-1]


@dataclass(frozen=True)
class FuhyoData(Issue):
    """A 戸籍の附票の写し; ``include_honseki`` is the kiosk's 本籍・筆頭者 option. ``hensei_on`` and
    ``kaisei_on`` are the register's 編製日 and (for one computerized from paper) 改製日."""

    honseki: str
    hittosha: str
    members: tuple[FuhyoPerson, ...]
    include_honseki: bool
    hensei_on: date | None = None
    kaisei_on: date | None = None

    def shown_name(self, person: FuhyoPerson) -> str:
        """The person's name as printed: the 名 alone under a shown 本籍・筆頭者, else the 氏名."""
        return person.mei if self.include_honseki else person.name

    def sealed_fields(self) -> tuple[tuple[SealedPerson, ...], str]:
        """The people and the place the seal code repeats: each member as printed, and the 本籍
        when it is shown (a 附票 prints no single address of its own)."""
        people = tuple(sealed_person(self.shown_name(m), m.birth_date) for m in self.members)
        return people, self.honseki if self.include_honseki else ""


def _person_table(person: FuhyoPerson, data: FuhyoData) -> Table:
    label, name = ("名" if data.include_honseki else "氏名"), data.shown_name(person)
    recorded = person.removed_on is None or person.removed_on >= BIRTH_AND_SEX_FROM
    rows = [
        Row.of(
            Cell(label, name, large=True, span=1.5, label_mark=JOSEKI if person.removed else None),
            Cell("生年月日", to_wareki(person.birth_date) if recorded else "", span=1.1, label_width=18 * mm),
            Cell("性別", person.sex if recorded else "", span=0.4, label_width=10 * mm),
        )
    ]
    for entry in person.addresses:
        rows.append(
            Row.of(Cell("住所", f"{entry.address}\n【住所を定めた年月日】{to_wareki(entry.defined_date)}"))
        )
    return Table(rows=tuple(rows))


def _validate(data: FuhyoData) -> None:
    if not data.members:
        raise DocumentError("a 附票 has at least one member", code="document.invalid")
    check_address(data.honseki, "本籍")
    check_name(data.hittosha, "筆頭者")
    for person in data.members:
        check_person(person.name, person.sex)
        for entry in person.addresses:
            check_address(entry.address)


def build_fuhyo_spec(data: FuhyoData) -> DocumentSpec:
    """Turn the data into a :class:`DocumentSpec`; raises ``document.invalid``/``too_long``."""
    _validate(data)
    honseki = data.honseki if data.include_honseki else OMITTED
    hittosha = data.hittosha if data.include_honseki else OMITTED
    rows = [Row.of(Cell("本籍", honseki, span=1.6), Cell("筆頭者", hittosha, label_width=15 * mm))]
    if data.kaisei_on is not None:
        rows.append(Row.of(Cell("改製日", to_wareki(data.kaisei_on))))
    elif data.hensei_on is not None:
        rows.append(Row.of(Cell("編製日", to_wareki(data.hensei_on))))
    header = Table(rows=tuple(rows))
    return DocumentSpec(
        title=TITLE,
        pdf_title=TITLE,
        issue_number=data.issue_number,
        header=header,
        blocks=tuple(_person_table(p, data) for p in data.members),
        certification=Certification.of(data, SENTENCE),
    )


#: Render a 戸籍の附票の写し to PDF bytes (:class:`~kofu.documents.layout.SpecRenderer`).
render_fuhyo = SpecRenderer(build_fuhyo_spec)
