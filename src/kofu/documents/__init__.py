"""Certificates (証明書) as PDF: pure functions from data to bytes.

Public API::

    render(doc_type, data, page_hook=None) -> bytes          any document, by type
    kofu.documents.issue.issue_document(doc, data, seal=…)  rendered, sealed and checked, as a value
    JuminhyoData, JuminhyoPerson, ForeignResidentItems,
        render_juminhyo(data)                                住民票の写し
    InkanData, SealImpression, render_inkan(data)            印鑑登録証明書
    KosekiData, KosekiPerson, MibunEvent, render_koseki(data) 戸籍全部/個人事項証明書
    FuhyoData, FuhyoPerson, FuhyoAddress, render_fuhyo(data)  戸籍の附票の写し
    KazeiData, IncomeItem, Deduction, Dependants,
        render_kazei(data)                                   課税・非課税証明書
    to_wareki(d) -> str, era_year(d) -> (str, int)          和暦 dates
    NAME_MAX_UNITS, ADDRESS_MAX_UNITS                        layout limits (document.too_long)
    DocumentLayout, DocumentSpec, Table, Row, Cell,
    Certification                                            the shared layout engine
    extract_text(pdf), page_count(pdf), page_texts(pdf)     reading PDFs back
    DocumentError (.code)                                    all failures (kofu.sealcode.errors)

Reading and checking the seal code needs none of this: :mod:`kofu.sealcode`.

Every ``render_*`` takes ``(data, layout=…, page_hook=None)``; ``page_hook(canvas, n, total)``
runs before each page is drawn (the anti-forgery layer draws its pattern there).
"""

from kofu.documents.blocks import Cell, Certification, DocumentSpec, Row, Table
from kofu.documents.fuhyo import FuhyoAddress, FuhyoData, FuhyoPerson, build_fuhyo_spec, render_fuhyo
from kofu.documents.impression import SealImpression
from kofu.documents.inkan import InkanData, build_inkan_spec, render_inkan
from kofu.documents.juminhyo import (
    ForeignResidentItems,
    JuminhyoData,
    JuminhyoPerson,
    build_juminhyo_spec,
    render_juminhyo,
)
from kofu.documents.kazei import (
    Deduction,
    Dependants,
    IncomeItem,
    KazeiData,
    build_kazei_spec,
    render_kazei,
)
from kofu.documents.koseki import KosekiData, KosekiPerson, MibunEvent, build_koseki_spec, render_koseki
from kofu.documents.layout import DocumentLayout
from kofu.documents.limits import ADDRESS_MAX_UNITS, NAME_MAX_UNITS
from kofu.documents.render import DOCUMENT_TYPES, RENDERERS, DocumentData, render
from kofu.documents.text import extract_text, page_count, page_texts
from kofu.documents.wareki import era_year, to_wareki
from kofu.sealcode.errors import DocumentError

__all__ = [
    "ADDRESS_MAX_UNITS",
    "DOCUMENT_TYPES",
    "NAME_MAX_UNITS",
    "RENDERERS",
    "Cell",
    "Certification",
    "Deduction",
    "Dependants",
    "DocumentData",
    "DocumentError",
    "DocumentLayout",
    "DocumentSpec",
    "ForeignResidentItems",
    "FuhyoAddress",
    "FuhyoData",
    "FuhyoPerson",
    "IncomeItem",
    "InkanData",
    "JuminhyoData",
    "JuminhyoPerson",
    "KazeiData",
    "KosekiData",
    "KosekiPerson",
    "MibunEvent",
    "Row",
    "SealImpression",
    "Table",
    "build_fuhyo_spec",
    "build_inkan_spec",
    "build_juminhyo_spec",
    "build_kazei_spec",
    "build_koseki_spec",
    "era_year",
    "extract_text",
    "page_count",
    "page_texts",
    "render",
    "render_fuhyo",
    "render_inkan",
    "render_juminhyo",
    "render_kazei",
    "render_koseki",
    "to_wareki",
]
