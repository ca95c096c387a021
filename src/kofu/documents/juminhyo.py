"""住民票の写し (copy of the residence record) as issued at a kiosk.

Options a kiosk offers: the card holder alone, the whole household or chosen members;
世帯主・続柄 yes/no; 本籍・筆頭者 yes/no; and for foreign residents 国籍・地域, the 在留資格 items
(第30条の45に規定する区分, 在留資格, 在留期間, 在留期間の満了の日) and 在留カード等の番号, each
printed only when chosen. A registered 通称 is always printed. There are deliberately no fields
for 住民票コード or 個人番号 (My Number): they are never printed at a kiosk, so they cannot leak
from here. Foreign residents have no 本籍, so their block has no 本籍 row.
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

TITLE = "住民票（写し）"
PDF_TITLE = "住民票の写し"
SENTENCE_WHOLE_HOUSEHOLD = "この写しは、世帯全員の住民票の原本と相違ないことを証明する。"
SENTENCE_SELECTED = "この写しは、住民票の原本と相違ないことを証明する。"
OMITTED = "省略"
SEXES = ("男", "女")

_DEFAULT_LAYOUT = DocumentLayout()
_SHORT_LABEL = 12 * mm
_WIDE_LABEL = 31 * mm


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

    A foreign resident has ``foreign`` set, ``name`` in the letters of the 在留カード and
    no 本籍; ``tsusho`` is a registered 通称 (common name), printed under the name.
    """

    name: str
    kana: str
    birth_date: date
    sex: str
    zokugara: str
    became_resident_date: date
    became_resident_reason: str
    address_defined_date: date
    prior_address: str | None = None
    honseki: str | None = None
    hittosha: str | None = None
    tsusho: str | None = None
    tsusho_kana: str | None = None
    foreign: ForeignResidentItems | None = None


@dataclass(frozen=True)
class JuminhyoData:
    """A 住民票の写し to print: the household, the chosen members and the kiosk options.

    ``whole_household`` means ``members`` is every member of the household (the closing then
    says 世帯全員); otherwise ``members`` are the chosen members (or the holder alone). The
    ``include_*`` foreign-resident options only affect members with ``foreign`` set.
    """

    city_name: str
    mayor_name: str
    issue_number: str
    issue_date: date
    address: str
    setainushi: str
    members: tuple[JuminhyoPerson, ...]
    whole_household: bool
    include_setainushi_zokugara: bool
    include_honseki: bool
    include_nationality: bool = False
    include_residence_status: bool = False
    include_card_number: bool = False


def closing_sentence(data: JuminhyoData) -> str:
    """Return the certification sentence for the household mode chosen."""
    return SENTENCE_WHOLE_HOUSEHOLD if data.whole_household else SENTENCE_SELECTED


def _date(d: date | None) -> str:
    return to_wareki(d) if d is not None else ""


def _foreign_rows(items: ForeignResidentItems, data: JuminhyoData) -> list[Row]:
    rows: list[Row] = []
    if data.include_nationality:
        rows.append(Row.of(Cell("国籍・地域", items.nationality)))
    if data.include_residence_status:
        rows.append(
            Row.of(
                Cell("在留資格", items.residence_status or "", span=1.6),
                Cell("30条45規定区分", items.category, label_width=_WIDE_LABEL),
            )
        )
        rows.append(
            Row.of(
                Cell("在留期間", items.period_of_stay or "", span=1.6),
                Cell("在留期間の満了の日", _date(items.period_expiry), label_width=_WIDE_LABEL),
            )
        )
    if data.include_card_number:
        rows.append(Row.of(Cell("在留カード等の番号", items.card_number or "")))
    return rows


def _person_table(person: JuminhyoPerson, data: JuminhyoData) -> Table:
    # Spans keep the second column (性別, 住所を定めた日, 筆頭者) aligned across rows.
    second = [Cell("生年月日", to_wareki(person.birth_date) + "生", span=1.6)]
    if data.include_setainushi_zokugara:
        second += [
            Cell("性別", person.sex, span=0.4, label_width=_SHORT_LABEL),
            Cell("続柄", person.zokugara, span=0.6, label_width=_SHORT_LABEL),
        ]
    else:
        second.append(Cell("性別", person.sex, span=1.0, label_width=_SHORT_LABEL))
    rows = [Row.of(Cell("氏名", person.name, ruby=person.kana, large=True))]
    if person.tsusho:
        rows.append(Row.of(Cell("通称", person.tsusho, ruby=person.tsusho_kana, large=True)))
    rows.append(Row.of(*second))
    if person.foreign is not None:
        rows += _foreign_rows(person.foreign, data)
    became = f"{to_wareki(person.became_resident_date)}\u3000{person.became_resident_reason}"
    rows += [
        Row.of(
            Cell("住民となった日", became, span=1.6),
            Cell("住所を定めた日", to_wareki(person.address_defined_date)),
        ),
        Row.of(Cell("前住所", person.prior_address or "")),
    ]
    if person.foreign is None:
        if data.include_honseki:
            rows.append(
                Row.of(Cell("本籍", person.honseki or "", span=1.6), Cell("筆頭者", person.hittosha or ""))
            )
        else:
            rows.append(Row.of(Cell("本籍", OMITTED, span=1.6), Cell("筆頭者", OMITTED)))
    return Table(rows=tuple(rows))


def _validate(data: JuminhyoData) -> None:
    if not data.members:
        raise DocumentError("a 住民票 needs at least one member", code="document.invalid")
    check_address(data.address)
    check_name(data.setainushi, "世帯主")
    for person in data.members:
        if person.sex not in SEXES:
            raise DocumentError(f"性別 must be one of {SEXES}, got {person.sex!r}", code="document.invalid")
        if not person.name.strip():
            raise DocumentError("a member has an empty name", code="document.invalid")
        check_name(person.name)
        check_name(person.tsusho, "通称")
        check_name(person.hittosha, "筆頭者")
        check_address(person.prior_address, "前住所")
        check_address(person.honseki, "本籍")


def build_juminhyo_spec(data: JuminhyoData) -> DocumentSpec:
    """Turn the data into the layout engine's :class:`DocumentSpec` (no drawing).

    Raises :class:`DocumentError` ``document.invalid`` or ``document.too_long`` (a name or
    address beyond :mod:`kofu.documents.limits`).
    """
    _validate(data)
    header_rows = [Row.of(Cell("住所", data.address))]
    if data.include_setainushi_zokugara:
        header_rows.append(Row.of(Cell("世帯主", data.setainushi)))
    return DocumentSpec(
        title=TITLE,
        pdf_title=PDF_TITLE,
        issue_number=data.issue_number,
        header=Table(rows=tuple(header_rows)),
        blocks=tuple(_person_table(person, data) for person in data.members),
        certification=Certification(
            sentence=closing_sentence(data),
            issue_date=data.issue_date,
            city_name=data.city_name,
            mayor_name=data.mayor_name,
        ),
    )


def render_juminhyo(
    data: JuminhyoData, layout: DocumentLayout = _DEFAULT_LAYOUT, page_hook: PageHook | None = None
) -> bytes:
    """Render a 住民票の写し to PDF bytes.

    Raises :class:`DocumentError` with code ``document.invalid`` (bad data),
    ``document.too_long``, ``document.font_missing`` or ``document.render_failed``.
    """
    return layout.render(build_juminhyo_spec(data), page_hook=page_hook)
