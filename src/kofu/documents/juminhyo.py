"""住民票の写し (copy of the residence record) on the standard household form (世帯連記式).

The form of 住民記録システム標準仕様書 第4.0版 as a kiosk prints it (see docs/forms.md): A4
portrait, 4 people a sheet (a larger household takes more sheets, each with the address, the
世帯主 and 「n/N」; the certification closes the last one). Per person: 氏名 with its 振り仮名,
生年月日, 性別, 続柄; 住民となった年月日, 住所を定めた年月日 (blank when the person never moved
within the city), 届出日; 転入前住所 and 異動前住所 (the old 前住所 field is gone); 本籍 and
筆頭者, or for a foreign resident 通称, カタカナ併記名, 国籍・地域, 第30条の45に規定する区分,
在留資格, 在留期間, 在留期間の満了の日 and 在留カード等の番号.

Optional items (世帯主・続柄, 本籍・筆頭者, 国籍・地域, 在留資格等, 在留カード等の番号) are
printed when chosen and otherwise keep their place with 「省略」 (:data:`OMITTED`); an item
the record does not have (no 転入前住所 for someone born here) is left blank. A registered 通称
is never omitted. There are deliberately no fields for 住民票コード or 個人番号 (My Number):
they are never printed at a kiosk, so they cannot leak from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from kofu.documents.blocks import Cell, Certification, DocumentSpec, Issue, Row, Table
from kofu.documents.layout import DocumentLayout, SpecRenderer
from kofu.documents.limits import check_address, check_name, check_person
from kofu.documents.table import TableStyle
from kofu.documents.wareki import to_wareki
from kofu.sealcode.code import SealedPerson, sealed_person
from kofu.sealcode.errors import DocumentError

TITLE = "住民票（写し）"
PDF_TITLE = "住民票の写し"
SENTENCE_WHOLE_HOUSEHOLD = "この写しは、世帯全員の住民票の原本と相違ないことを証明する。"
SENTENCE_SELECTED = "この写しは、住民票の原本と相違ないことを証明する。"
OMITTED = "省略"
#: People a sheet on the household form.
PEOPLE_PER_SHEET = 4

JUMINHYO_LAYOUT = DocumentLayout(
    table=TableStyle(
        label_size=7.5,
        value_size=8.5,
        large_size=10.5,
        ruby_size=5.0,
        label_width=22 * mm,
        padding=0.8 * mm,
        min_row_height=5.2 * mm,
        leading=1.2,
    )
)
_SHORT_LABEL = 9 * mm
_MID_LABEL = 17 * mm
_WIDE_LABEL = 26 * mm


@dataclass(frozen=True)
class ForeignResidentItems:
    """What the 住民基本台帳 records for a foreign resident (住民基本台帳法 第30条の45).

    ``category`` is the 第30条の45に規定する区分 (中長期在留者, 特別永住者, …); the 在留資格
    items are None for a 特別永住者, who has none. ``card_number`` is the 在留カード or
    特別永住者証明書 number.
    """

    nationality: str
    category: str
    residence_status: str | None = None
    period_of_stay: str | None = None
    period_expiry: date | None = None
    card_number: str | None = None


@dataclass(frozen=True)
class JuminhyoPerson:
    """One member of the household as recorded in the 住民基本台帳.

    ``became_resident_reason`` is 転入 or 出生; ``notified_date`` the 届出日 of that notice.
    ``address_defined_date`` is the 住所を定めた年月日 of a move within the city, None (printed
    blank) for someone who never moved within it. ``prior_address`` is the 転入前住所 (None for a
    birth here), ``previous_address`` the 異動前住所 (the address before the last move within the
    city). A foreign resident has ``foreign`` set, ``name`` in the letters of the 在留カード and
    no 本籍; ``tsusho`` is a registered 通称 and ``katakana_name`` a registered カタカナ併記名.
    """

    name: str
    kana: str
    birth_date: date
    sex: str
    zokugara: str
    became_resident_date: date
    became_resident_reason: str
    address_defined_date: date | None
    prior_address: str | None = None
    honseki: str | None = None
    hittosha: str | None = None
    tsusho: str | None = None
    tsusho_kana: str | None = None
    foreign: ForeignResidentItems | None = None
    notified_date: date | None = None
    previous_address: str | None = None
    katakana_name: str | None = None


@dataclass(frozen=True)
class JuminhyoData(Issue):
    """A 住民票の写し to print: the household, the chosen members and the kiosk options.

    ``whole_household`` means ``members`` is every member of the household (the closing then
    says 世帯全員); otherwise ``members`` are the chosen members (or the holder alone). The
    ``include_*`` foreign-resident options only affect members with ``foreign`` set.
    """

    address: str
    setainushi: str
    members: tuple[JuminhyoPerson, ...]
    whole_household: bool
    include_setainushi_zokugara: bool
    include_honseki: bool
    include_nationality: bool = False
    include_residence_status: bool = False
    include_card_number: bool = False

    def sealed_fields(self) -> tuple[tuple[SealedPerson, ...], str]:
        """The people and the address the seal code repeats: the members printed, the address."""
        return tuple(sealed_person(m.name, m.birth_date) for m in self.members), self.address


def closing_sentence(data: JuminhyoData) -> str:
    """Return the certification sentence for the household mode chosen."""
    return SENTENCE_WHOLE_HOUSEHOLD if data.whole_household else SENTENCE_SELECTED


def _date(d: date | None) -> str:
    return to_wareki(d) if d is not None else ""


def _chosen(value: str | None, chosen: bool) -> str:
    """An optional item: its value (blank when the record has none), or 省略 when not chosen."""
    return (value or "") if chosen else OMITTED


def _foreign_rows(person: JuminhyoPerson, items: ForeignResidentItems, data: JuminhyoData) -> list[Row]:
    rows: list[Row] = []
    if person.tsusho or person.katakana_name:
        rows.append(
            Row.of(
                Cell(
                    "通称", person.tsusho or "", ruby=person.tsusho_kana, span=1.0, label_width=_SHORT_LABEL
                ),
                Cell("カタカナ併記名", person.katakana_name or "", span=1.0, label_width=_WIDE_LABEL),
            )
        )
    status = data.include_residence_status
    rows.append(
        Row.of(
            Cell(
                "国籍・地域",
                _chosen(items.nationality, data.include_nationality),
                span=1.0,
                label_width=_MID_LABEL,
            ),
            Cell(
                "30条45規定区分", _chosen(items.category, status), span=1.0, label_width=_WIDE_LABEL - 2 * mm
            ),
            Cell(
                "在留カード等の番号",
                _chosen(items.card_number, data.include_card_number),
                span=1.0,
                label_width=_WIDE_LABEL,
            ),
        )
    )
    rows.append(
        Row.of(
            Cell(
                "在留資格",
                _chosen(items.residence_status, status),
                span=1.25,
                label_width=_SHORT_LABEL + 4 * mm,
            ),
            Cell(
                "在留期間", _chosen(items.period_of_stay, status), span=0.7, label_width=_SHORT_LABEL + 4 * mm
            ),
            Cell(
                "在留期間の満了の日",
                _chosen(_date(items.period_expiry), status),
                span=1.05,
                label_width=_WIDE_LABEL,
            ),
        )
    )
    return rows


def _person_table(person: JuminhyoPerson, data: JuminhyoData) -> Table:
    zokugara = _chosen(person.zokugara, data.include_setainushi_zokugara)
    rows = [
        Row.of(
            Cell(
                "氏名", person.name, ruby=person.kana, large=True, span=1.9, label_width=_SHORT_LABEL + 2 * mm
            ),
            Cell("生年月日", to_wareki(person.birth_date) + "生", span=1.25, label_width=_MID_LABEL),
            Cell("性別", person.sex, span=0.4, label_width=_SHORT_LABEL),
            Cell("続柄", zokugara, span=0.65, label_width=_SHORT_LABEL),
        )
    ]
    if person.foreign is not None:
        rows += _foreign_rows(person, person.foreign, data)
    rows += [
        Row.of(
            Cell(
                "住民となった年月日",
                to_wareki(person.became_resident_date),
                span=1.0,
                label_width=_WIDE_LABEL,
            ),
            Cell("住所を定めた年月日", _date(person.address_defined_date), span=1.0, label_width=_WIDE_LABEL),
            Cell("届出日", _date(person.notified_date), span=0.75, label_width=_SHORT_LABEL + 2 * mm),
        ),
        Row.of(Cell("転入前住所", person.prior_address or "")),
        Row.of(Cell("異動前住所", person.previous_address or "")),
    ]
    if person.foreign is None:
        rows.append(
            Row.of(
                Cell("本籍", _chosen(person.honseki, data.include_honseki), span=1.6),
                Cell(
                    "筆頭者", _chosen(person.hittosha, data.include_honseki), span=0.8, label_width=_MID_LABEL
                ),
            )
        )
    return Table(rows=tuple(rows))


def _validate(data: JuminhyoData) -> None:
    if not data.members:
        raise DocumentError("a 住民票 needs at least one member", code="document.invalid")
    check_address(data.address)
    check_name(data.setainushi, "世帯主")
    for person in data.members:
        check_person(person.name, person.sex)
        if person.became_resident_reason == "出生" and person.prior_address:
            raise DocumentError("someone born here has no 転入前住所", code="document.invalid")
        if (
            person.address_defined_date is not None
            and person.address_defined_date < person.became_resident_date
        ):
            raise DocumentError("住所を定めた年月日 before 住民となった年月日", code="document.invalid")
        check_name(person.tsusho, "通称")
        check_name(person.katakana_name, "カタカナ併記名")
        check_name(person.hittosha, "筆頭者")
        check_address(person.prior_address, "転入前住所")
        check_address(person.previous_address, "異動前住所")
        check_address(person.honseki, "本籍")


def build_juminhyo_spec(data: JuminhyoData) -> DocumentSpec:
    """Turn the data into the layout engine's :class:`DocumentSpec` (no drawing).

    Raises :class:`DocumentError` ``document.invalid`` or ``document.too_long`` (a name or
    address beyond :mod:`kofu.documents.limits`).
    """
    _validate(data)
    header_rows = [
        Row.of(Cell("住所", data.address)),
        Row.of(Cell("世帯主", _chosen(data.setainushi, data.include_setainushi_zokugara))),
    ]
    return DocumentSpec(
        title=TITLE,
        pdf_title=PDF_TITLE,
        issue_number=data.issue_number,
        header=Table(rows=tuple(header_rows)),
        blocks=tuple(_person_table(person, data) for person in data.members),
        blocks_per_page=PEOPLE_PER_SHEET,
        certification=Certification.of(data, closing_sentence(data)),
    )


#: Render a 住民票の写し to PDF bytes (:class:`~kofu.documents.layout.SpecRenderer`).
render_juminhyo = SpecRenderer(build_juminhyo_spec, JUMINHYO_LAYOUT)
