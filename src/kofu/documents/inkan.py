"""印鑑登録証明書 (seal registration certificate): the registered 印影 and who registered it.

Kiosks offer no options. The impression sits in its frame on the left, 氏名, 生年月日, 性別,
住所 and the 登録番号 on the right, as in most municipal formats. A registered 通称 is printed
(for a foreign resident it cannot be left out; a seal may be registered in it), and so is a
registered カタカナ併記名. Only a live registration whose impression shows one of the printed
names is ever printed; those checks belong to the issuer, which reads the registry at order time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from kofu.documents.blocks import Cell, Certification, DocumentSpec, Issue, Row, Table
from kofu.documents.impression import SealFrame, SealImpression
from kofu.documents.layout import SpecRenderer
from kofu.documents.limits import check_address, check_name, check_person
from kofu.documents.wareki import to_wareki
from kofu.sealcode.code import SealedPerson, sealed_person

TITLE = "印鑑登録証明書"
SENTENCE = "この写しは、登録されている印影と相違ないことを証明します。"


@dataclass(frozen=True)
class InkanData(Issue):
    """A 印鑑登録証明書 to print for the registrant."""

    registration_number: str
    impression: SealImpression
    name: str
    birth_date: date
    sex: str
    address: str
    kana: str | None = None
    tsusho: str | None = None
    tsusho_kana: str | None = None
    katakana_name: str | None = None

    def sealed_fields(self) -> tuple[tuple[SealedPerson, ...], str]:
        """The people and the address the seal code repeats: the registrant and their address."""
        return (sealed_person(self.name, self.birth_date),), self.address


def _validate(data: InkanData) -> None:
    data.impression.validate()
    check_person(data.name, data.sex, "the registrant")
    check_name(data.tsusho, "通称")
    check_name(data.katakana_name, "カタカナ併記名")
    check_address(data.address)


def build_inkan_spec(data: InkanData) -> DocumentSpec:
    """Turn the data into a :class:`DocumentSpec`; raises ``document.invalid``/``too_long``."""
    _validate(data)
    names = [Row.of(Cell("氏名", data.name, ruby=data.kana, large=True))]
    if data.tsusho:
        names.append(Row.of(Cell("通称", data.tsusho, ruby=data.tsusho_kana, large=True)))
    if data.katakana_name:
        names.append(Row.of(Cell("カタカナ併記名", data.katakana_name)))
    table = Table(
        rows=(
            *names,
            Row.of(
                Cell("生年月日", to_wareki(data.birth_date) + "生", span=1.6),
                Cell("性別", data.sex, label_width=12 * mm),
            ),
            Row.of(Cell("住所", data.address)),
            Row.of(Cell("登録番号", data.registration_number)),
        ),
        aside=Cell("印影", "", figure=SealFrame(data.impression), label_width=10 * mm),
        aside_width=50 * mm,
    )
    return DocumentSpec(
        title=TITLE,
        pdf_title=TITLE,
        issue_number=data.issue_number,
        blocks=(table,),
        end_mark="",
        certification=Certification.of(data, SENTENCE),
    )


#: Render a 印鑑登録証明書 to PDF bytes (:class:`~kofu.documents.layout.SpecRenderer`).
render_inkan = SpecRenderer(build_inkan_spec)
