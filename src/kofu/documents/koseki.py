"""戸籍全部事項証明書 / 戸籍個人事項証明書: the computerized family register certificate.

The layout follows the computerized format (コンピュータ化された戸籍): a header with 本籍 and
氏名 (of the 筆頭者) repeated on every page, 戸籍事項 (編製, 転籍 …), then for each person a
block 「戸籍に記録されている者」 with 【名】【生年月日】【配偶者区分】【父】【母】【続柄】, a 除籍 mark
on members who left, and the 身分事項 entries (出生, 婚姻, 離婚, 養子縁組, 認知, 死亡 …) as
labelled fields. 氏名の振り仮名 (recorded since 2025-05-26) appear as 【名の振り仮名】 under
each person's 【名】 and as the 戸籍事項 entry 氏の振り仮名. 【続柄】 is written as a family
register writes it (長男, 二女 …, 養子/養女 towards adoptive parents) for everyone, the 筆頭者 and
the spouse included; 婚姻, 離婚, 養子縁組, 認知, 分籍 and 転籍 entries carry the day of the event
(which is the day of the notice) and never a separate 【届出日】. All of a register's tables are joined into one frame that breaks between
entries, so a long register runs over several pages, each naming the register, the issue
number and 「n/total」.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from reportlab.lib.units import mm

from kofu.documents.blocks import Cell, Certification, DocumentSpec, Issue, Row, Table
from kofu.documents.fonts import MINCHO
from kofu.documents.layout import DocumentLayout, SpecRenderer
from kofu.documents.limits import check_address, check_name
from kofu.documents.table import TableStyle
from kofu.documents.wareki import to_wareki
from kofu.sealcode.code import SealedPerson, sealed_person
from kofu.sealcode.errors import DocumentError

TITLE_ZENBU = "全部事項証明"
TITLE_KOJIN = "個人事項証明"
PDF_TITLE_ZENBU = "戸籍全部事項証明書"
PDF_TITLE_KOJIN = "戸籍個人事項証明書"
SENTENCE_ZENBU = "これは、戸籍に記録されている事項の全部を証明した書面である。"
SENTENCE_KOJIN = "これは、戸籍中の一部の者について記録されている事項の全部を証明した書面である。"
JOSEKI = "除\u3000籍"
#: 続柄 as a family register writes it: 長男, 二女, 三男 … (「子」 is a 住民票 word).
ZOKUGARA = re.compile("^[長二三四五六七八九十]+[男女]$")
ADOPTIVE_ZOKUGARA = ("養子", "養女")
#: Entries whose own date is the day of the notice: no 【届出日】 line.
NO_NOTICE_DATE = ("婚姻", "離婚", "養子縁組", "認知", "分籍", "転籍", "戸籍編製", "戸籍改製")

KOSEKI_LAYOUT = DocumentLayout(
    table=TableStyle(
        label_font=MINCHO,
        label_size=10.0,
        value_size=10.0,
        label_width=42 * mm,
        padding=1.1 * mm,
        min_row_height=6.0 * mm,
        label_at_top=True,
        leading=1.2,
    )
)

FieldValue = str | date


@dataclass(frozen=True)
class MibunEvent:
    """One entry of 身分事項 or 戸籍事項: its kind and its labelled fields, in print order.

    ``kind`` is what the register calls it (出生, 婚姻, 離婚, 養子縁組, 認知, 死亡, 入籍, 分籍,
    戸籍編製, 転籍 …); ``fields`` are ``(label, value)`` pairs printed as 【label】value, a
    date value printed in 和暦. For example::

        MibunEvent("出生", (("出生日", date(1980, 4, 1)), ("出生地", "架空県試験市"),
                            ("届出日", date(1980, 4, 8)), ("届出人", "父")))
    """

    kind: str
    fields: tuple[tuple[str, FieldValue], ...] = ()


@dataclass(frozen=True)
class KosekiPerson:
    """One person recorded in the register (戸籍に記録されている者).

    ``name`` is the given name only (【名】), as the register prints it; ``father`` and
    ``mother`` are full names (None prints an empty field, e.g. no 認知 by a father).
    ``spouse_kubun`` (夫/妻) is set while married; ``adoptive_father``/``adoptive_mother``
    add 【養父】【養母】 and the 【続柄】 ``adoptive_zokugara``. ``removed`` marks 除籍.
    ``name_kana`` is the 名の振り仮名 (None for someone who left before it was recorded).
    """

    name: str
    birth_date: date
    zokugara: str
    father: str | None = None
    mother: str | None = None
    spouse_kubun: str | None = None
    adoptive_father: str | None = None
    adoptive_mother: str | None = None
    adoptive_zokugara: str = "養子"
    events: tuple[MibunEvent, ...] = ()
    removed: bool = False
    name_kana: str | None = None


@dataclass(frozen=True)
class KosekiData(Issue):
    """A 戸籍 certificate: the whole register (全部) or chosen persons (個人).

    ``members`` is every person of the register in register order; with ``scope="kojin"``,
    ``selected`` lists the indices of the persons to print (at least one).
    """

    honseki: str
    hittosha: str
    koseki_events: tuple[MibunEvent, ...]
    members: tuple[KosekiPerson, ...]
    scope: Literal["zenbu", "kojin"] = "zenbu"
    selected: tuple[int, ...] = ()

    def sealed_fields(self) -> tuple[tuple[SealedPerson, ...], str]:
        """The people and the place the seal code repeats: the persons printed (個人事項: the
        selected ones) and the 本籍."""
        shown = set(self.selected) if self.scope == "kojin" and self.selected else None
        people = [m for i, m in enumerate(self.members) if shown is None or i in shown]
        return tuple(sealed_person(m.name, m.birth_date) for m in people), self.honseki


def spaced(kind: str) -> str:
    """Spread a two-character kind the way registers print it: 出生 → 出　　生."""
    return f"{kind[0]}\u3000\u3000{kind[1]}" if len(kind) == 2 else kind


def _value(value: FieldValue) -> str:
    return to_wareki(value) if isinstance(value, date) else value


def _fields(event: MibunEvent) -> str:
    return "\n".join(f"【{label}】{_value(value)}" for label, value in event.fields)


def _event_row(event: MibunEvent) -> Row:
    return Row.of(Cell("\u3000" + spaced(event.kind), _fields(event)))


def _section(title: str, events: tuple[MibunEvent, ...], join: Literal["", "rule", "flush"]) -> list[Table]:
    """A section (戸籍事項, 身分事項): its title with the first entry, then one table per entry,
    so that pages may break between entries but never inside one."""
    heading = Row.of(Cell(title, ""))
    if not events:
        return [Table(rows=(heading,), join=join, rules=False)]
    first = Table(rows=(heading, _event_row(events[0])), join=join, rules=False)
    return [first, *(Table(rows=(_event_row(e),), join="flush", rules=False) for e in events[1:])]


def _person_tables(person: KosekiPerson) -> list[Table]:
    birth = f"【生年月日】{to_wareki(person.birth_date)}"
    if person.spouse_kubun:
        birth += f"\u3000\u3000【配偶者区分】{person.spouse_kubun}"
    lines = [f"【名】{person.name}"]
    if person.name_kana:
        lines.append(f"【名の振り仮名】{person.name_kana}")
    lines += [birth, f"【父】{person.father or ''}", f"【母】{person.mother or ''}"]
    lines.append(f"【続柄】{person.zokugara}")
    if person.adoptive_father or person.adoptive_mother:
        lines += [f"【養父】{person.adoptive_father or ''}", f"【養母】{person.adoptive_mother or ''}"]
        lines.append(f"【続柄】{person.adoptive_zokugara}")
    head = Table(
        rows=(
            Row.of(
                Cell(
                    "戸籍に記録されている者",
                    "\n".join(lines),
                    label_mark=JOSEKI if person.removed else None,
                )
            ),
        ),
        join="rule",
    )
    return [head, *_section("身分事項", person.events, "flush")]


def _chosen(data: KosekiData) -> tuple[KosekiPerson, ...]:
    if data.scope == "zenbu":
        return data.members
    if data.scope != "kojin" or not data.selected:
        raise DocumentError("a 個人事項証明 needs at least one selected person", code="document.invalid")
    if any(not 0 <= i < len(data.members) for i in data.selected):
        raise DocumentError("selected person is not in the register", code="document.invalid")
    return tuple(data.members[i] for i in sorted(set(data.selected)))


def _validate(data: KosekiData) -> None:
    if not data.members:
        raise DocumentError("a register has at least one person", code="document.invalid")
    check_address(data.honseki, "本籍")
    check_name(data.hittosha, "筆頭者")
    for person in data.members:
        if not person.name.strip():
            raise DocumentError("a person has an empty 名", code="document.invalid")
        for what, name in (("名", person.name), ("父", person.father), ("母", person.mother)):
            check_name(name, what)
        if not ZOKUGARA.match(person.zokugara):
            raise DocumentError(
                f"【続柄】{person.zokugara!r} is not a family register's word", code="document.invalid"
            )
        if (
            person.adoptive_father or person.adoptive_mother
        ) and person.adoptive_zokugara not in ADOPTIVE_ZOKUGARA:
            raise DocumentError(
                f"【続柄】{person.adoptive_zokugara!r} towards adoptive parents", code="document.invalid"
            )
        for event in (*person.events, *data.koseki_events):
            if event.kind in NO_NOTICE_DATE and any(label == "届出日" for label, _ in event.fields):
                raise DocumentError(f"a {event.kind} entry carries no 【届出日】", code="document.invalid")
        for event in person.events:
            for label, value in event.fields:
                if isinstance(value, str):
                    check_address(value, label)


def build_koseki_spec(data: KosekiData) -> DocumentSpec:
    """Turn the data into a :class:`DocumentSpec`; raises ``document.invalid``/``too_long``."""
    _validate(data)
    persons = _chosen(data)
    zenbu = data.scope == "zenbu"
    blocks: list[Table] = _section("戸籍事項", data.koseki_events, "")
    for person in persons:
        blocks += _person_tables(person)
    header = Table(
        rows=(Row.of(Cell("本\u3000\u3000籍", data.honseki)), Row.of(Cell("氏\u3000\u3000名", data.hittosha)))
    )
    return DocumentSpec(
        title=TITLE_ZENBU if zenbu else TITLE_KOJIN,
        pdf_title=PDF_TITLE_ZENBU if zenbu else PDF_TITLE_KOJIN,
        issue_number=data.issue_number,
        header=header,
        blocks=tuple(blocks),
        certification=Certification.of(data, SENTENCE_ZENBU if zenbu else SENTENCE_KOJIN),
    )


#: Render a 戸籍全部事項証明書 or 戸籍個人事項証明書 to PDF bytes (:class:`~kofu.documents.layout.SpecRenderer`).
render_koseki = SpecRenderer(build_koseki_spec, KOSEKI_LAYOUT)
