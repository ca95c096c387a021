"""Certificates (証明書) as PDF: pure functions from data to bytes.

Public API::

    to_wareki(d) -> str, era_year(d) -> (str, int)          和暦 dates
    JuminhyoPerson, JuminhyoData, render_juminhyo(data)      住民票の写し
    DocumentLayout, DocumentSpec, Table, Row, Cell,
    Certification                                            the shared layout engine
    extract_text(pdf), page_count(pdf)                       reading PDFs back
    DocumentError (.code)                                    all failures
"""

from kofu.documents.blocks import Cell, Certification, DocumentSpec, Row, Table
from kofu.documents.errors import DocumentError
from kofu.documents.juminhyo import JuminhyoData, JuminhyoPerson, build_juminhyo_spec, render_juminhyo
from kofu.documents.layout import DocumentLayout
from kofu.documents.text import extract_text, page_count, page_texts
from kofu.documents.wareki import era_year, to_wareki

__all__ = [
    "Cell",
    "Certification",
    "DocumentError",
    "DocumentLayout",
    "DocumentSpec",
    "JuminhyoData",
    "JuminhyoPerson",
    "Row",
    "Table",
    "build_juminhyo_spec",
    "era_year",
    "extract_text",
    "page_count",
    "page_texts",
    "render_juminhyo",
    "to_wareki",
]
