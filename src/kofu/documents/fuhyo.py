"""戸籍の附票の写し: the address history of the members of one family register.

For each member, in register order: 氏名, 生年月日, 性別 and every address with
【住所を定めた年月日】, oldest first. The kiosk option 本籍・筆頭者 prints them in the header or
prints 省略 in their place (since 2022 they are left out unless asked for).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from kofu.documents.blocks import Cell, Certification, DocumentSpec, Row, Table
from kofu.documents.errors import DocumentError
from kofu.documents.layout import DocumentLayout, PageHook
from kofu.documents.limits import check_address, check_name
from kofu.documents.wareki import to_wareki

TITLE = "戸籍の附票の写し"
SENTENCE = "この写しは、戸籍の附票の原本と相違ないことを証明する。"
OMITTED = "省略"
JOSEKI = "除\u3000籍"
SEXES = ("男", "女")

_DEFAULT_LAYOUT = DocumentLayout()


@dataclass(frozen=True)
class FuhyoAddress:
    """One address of a member and the day it became theirs (住所を定めた年月日)."""

    address: str
    defined_date: date


@dataclass(frozen=True)
class FuhyoPerson:
    """A member of the register and their addresses, oldest first; ``removed`` marks 除籍."""

    name: str
    birth_date: date
    sex: str
    addresses: tuple[FuhyoAddress, ...]
    removed: bool = False


@dataclass(frozen=True)
class FuhyoData:
    """A 戸籍の附票の写し; ``include_honseki`` is the kiosk's 本籍・筆頭者 option."""

    city_name: str
    mayor_name: str
    issue_number: str
    issue_date: date
    honseki: str
    hittosha: str
    members: tuple[FuhyoPerson, ...]
    include_honseki: bool


def _person_table(person: FuhyoPerson) -> Table:
    rows = [
        Row.of(
            Cell("氏名", person.name, large=True, span=1.5, label_mark=JOSEKI if person.removed else None),
            Cell("生年月日", to_wareki(person.birth_date), span=1.1, label_width=18 * mm),
            Cell("性別", person.sex, span=0.4, label_width=10 * mm),
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
        if person.sex not in SEXES:
            raise DocumentError(f"性別 must be one of {SEXES}, got {person.sex!r}", code="document.invalid")
        if not person.name.strip():
            raise DocumentError("a member has an empty name", code="document.invalid")
        check_name(person.name)
        for entry in person.addresses:
            check_address(entry.address)


def build_fuhyo_spec(data: FuhyoData) -> DocumentSpec:
    """Turn the data into a :class:`DocumentSpec`; raises ``document.invalid``/``too_long``."""
    _validate(data)
    honseki = data.honseki if data.include_honseki else OMITTED
    hittosha = data.hittosha if data.include_honseki else OMITTED
    header = Table(
        rows=(Row.of(Cell("本籍", honseki, span=1.6), Cell("筆頭者", hittosha, label_width=15 * mm)),)
    )
    return DocumentSpec(
        title=TITLE,
        pdf_title=TITLE,
        issue_number=data.issue_number,
        header=header,
        blocks=tuple(_person_table(p) for p in data.members),
        certification=Certification(
            sentence=SENTENCE,
            issue_date=data.issue_date,
            city_name=data.city_name,
            mayor_name=data.mayor_name,
        ),
    )


def render_fuhyo(
    data: FuhyoData, layout: DocumentLayout = _DEFAULT_LAYOUT, page_hook: PageHook | None = None
) -> bytes:
    """Render a 戸籍の附票の写し to PDF bytes.

    Raises :class:`DocumentError` ``document.invalid``, ``document.too_long``,
    ``document.font_missing`` or ``document.render_failed``.
    """
    return layout.render(build_fuhyo_spec(data), page_hook=page_hook)
