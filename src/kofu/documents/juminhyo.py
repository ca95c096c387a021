"""住民票の写し (copy of the residence record) as issued at a kiosk.

Options a kiosk offers: whole household or selected members, 世帯主・続柄 yes/no, 本籍・筆頭者
yes/no. There are deliberately no fields for 住民票コード or 個人番号 (My Number): they are
never printed at a kiosk, so they cannot leak from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from kofu.documents.blocks import Cell, Certification, DocumentSpec, Row, Table
from kofu.documents.errors import DocumentError
from kofu.documents.layout import DocumentLayout, PageHook
from kofu.documents.wareki import to_wareki

TITLE = "住民票（写し）"
PDF_TITLE = "住民票の写し"
SENTENCE_WHOLE_HOUSEHOLD = "この写しは、世帯全員の住民票の原本と相違ないことを証明する。"
SENTENCE_SELECTED = "この写しは、住民票の原本と相違ないことを証明する。"
OMITTED = "省略"
SEXES = ("男", "女")

_DEFAULT_LAYOUT = DocumentLayout()
_SHORT_LABEL = 12 * mm


@dataclass(frozen=True)
class JuminhyoPerson:
    """One member of the household as recorded in the 住民基本台帳."""

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


@dataclass(frozen=True)
class JuminhyoData:
    """A 住民票の写し to print: the household, the chosen members and the kiosk options.

    ``whole_household`` means ``members`` is every member of the household.
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


def closing_sentence(data: JuminhyoData) -> str:
    """Return the certification sentence for the household mode chosen."""
    return SENTENCE_WHOLE_HOUSEHOLD if data.whole_household else SENTENCE_SELECTED


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
    if data.include_honseki:
        honseki = Row.of(Cell("本籍", person.honseki or "", span=1.6), Cell("筆頭者", person.hittosha or ""))
    else:
        honseki = Row.of(Cell("本籍", OMITTED, span=1.6), Cell("筆頭者", OMITTED))
    became = f"{to_wareki(person.became_resident_date)}\u3000{person.became_resident_reason}"
    return Table(
        rows=(
            Row.of(Cell("氏名", person.name, ruby=person.kana, large=True)),
            Row.of(*second),
            Row.of(
                Cell("住民となった日", became, span=1.6),
                Cell("住所を定めた日", to_wareki(person.address_defined_date)),
            ),
            Row.of(Cell("前住所", person.prior_address or "")),
            honseki,
        )
    )


def _validate(data: JuminhyoData) -> None:
    if not data.members:
        raise DocumentError("a 住民票 needs at least one member", code="document.invalid")
    for person in data.members:
        if person.sex not in SEXES:
            raise DocumentError(f"性別 must be one of {SEXES}, got {person.sex!r}", code="document.invalid")
        if not person.name.strip():
            raise DocumentError("a member has an empty name", code="document.invalid")


def build_juminhyo_spec(data: JuminhyoData) -> DocumentSpec:
    """Turn the data into the layout engine's :class:`DocumentSpec` (no drawing)."""
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
