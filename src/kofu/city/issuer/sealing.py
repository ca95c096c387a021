"""The issuer's seal: one call that signs a rendered document and stamps its QR on every page.

`seal_document` works on the finished PDF of any document type, so each renderer stays
unaware of it: it hashes the full text, builds the payload from the document data (the people
and the address it shows), signs with the city's seal key, draws the QR at the top left of each
page (over the margin, never over content), then re-reads its own output (same text hash, the
code decodes back) before the document leaves the issuer.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterable
from typing import Any

from kofu.documents.errors import DocumentError
from kofu.documents.fonts import new_canvas
from kofu.documents.qr import (
    QR_LEFT,
    QR_SIZE,
    QR_TOP,
    READBACK_DPI,
    decode_image,
    draw_qr,
    qr_crop,
    render_page,
)
from kofu.documents.seal import (
    SealedPerson,
    SealPayload,
    kid_of,
    sign_payload,
    text_hash_and_pages,
    texts_hash_and_pages,
)
from kofu.pki.errors import PkiError
from kofu.pki.paths import PkiPaths
from kofu.pki.seal import load_seal
from kofu.protocol.errors import KofuError


def _people(data: Any) -> list[Any]:
    for attr in ("members", "persons", "people", "entries"):
        value = getattr(data, attr, None)
        if isinstance(value, Iterable) and not isinstance(value, str | bytes):
            members = list(value)
            selected = getattr(data, "selected", ())
            if getattr(data, "scope", None) == "kojin" and selected:  # 個人事項: only those shown
                members = [m for i, m in enumerate(members) if i in set(selected)]
            return members
    for attr in ("person", "resident", "subject", "applicant"):
        if getattr(data, attr, None) is not None:
            return [getattr(data, attr)]
    return [data] if getattr(data, "name", None) else []


def identifying_fields(data: Any) -> tuple[tuple[SealedPerson, ...], str]:
    """The people (name, birth date) and the address a document's data shows, for any type."""
    people = []
    for person in _people(data):
        name = getattr(person, "name", None)
        birth = getattr(person, "birth_date", None)
        if isinstance(name, str) and name:
            people.append(SealedPerson(name, birth.isoformat() if isinstance(birth, dt.date) else ""))
    shown = ("address", "honseki") if getattr(data, "include_honseki", True) else ("address",)
    address = next((v for a in shown if isinstance(v := getattr(data, a, None), str)), "")
    return tuple(people), address


def _load_seal(paths: PkiPaths) -> Any:
    # A rotation swaps the key and certificate files; a load that lands in between retries.
    def load(city: str) -> Any:
        for attempt in range(5):
            try:
                return load_seal(paths, city)
            except PkiError:
                if attempt == 4:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    return load


def stamp_qr(pdf: bytes, code: str) -> bytes:
    """``pdf`` with the QR of ``code`` drawn at the top left of every page."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        buffer = io.BytesIO()
        canvas = new_canvas(buffer, pagesize=(width, height))
        # The QR's modules go into a form XObject: merging then touches a one-line page stream
        # instead of re-parsing thousands of drawing operations.
        canvas.beginForm("kofuSealQR")
        draw_qr(canvas, code, QR_LEFT, height - QR_TOP - QR_SIZE, QR_SIZE)
        canvas.endForm()
        canvas.doForm("kofuSealQR")
        canvas.showPage()
        canvas.save()
        page.merge_page(PdfReader(io.BytesIO(buffer.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def seal_document(
    pdf: bytes,
    data: Any,
    *,
    city_code: str,
    doc: str,
    issue_number: str,
    binding: str,
    pki: PkiPaths,
    texts: list[str] | None = None,
) -> bytes:
    """Sign ``pdf`` (rendered from ``data``) with the city's seal key and stamp the seal QR.

    ``texts``: the pages' text of ``pdf`` (:func:`kofu.documents.text.page_texts`) when the
    caller has already read it, so it is not extracted again; the sealed output is read anew.
    Raises :class:`KofuError` ``document.render_failed`` if the seal key is unusable or the
    sealed PDF does not read back: nothing unsealed or unreadable leaves the issuer.
    """
    try:
        key, cert = _load_seal(pki)(city_code)
        text_hash, pages = text_hash_and_pages(pdf) if texts is None else texts_hash_and_pages(texts)
        people, address = identifying_fields(data)
        issue_date = getattr(data, "issue_date", None)
        payload = SealPayload(
            city=city_code,
            doc=doc,
            issue_number=issue_number,
            issue_date=issue_date if isinstance(issue_date, dt.date) else dt.date.today(),
            pages=pages,
            people=people,
            address=address,
            text_sha256=text_hash,
            binding=binding,
        )
        code = sign_payload(payload, key, kid_of(cert))
        return _stamped_and_read_back(pdf, code, (text_hash, pages))
    except (DocumentError, PkiError) as exc:
        raise KofuError("document.render_failed", f"sealing failed: {exc}") from exc


def _stamped_and_read_back(pdf: bytes, code: str, text: tuple[str, int]) -> bytes:
    """``pdf`` with the QR of ``code``, once its text (hash, pages) is unchanged and the QR reads."""
    sealed = stamp_qr(pdf, code)
    if text_hash_and_pages(sealed) != text:
        raise DocumentError("stamping the seal changed the document's text", code="document.render_failed")
    if code not in decode_image(render_page(sealed, 1, READBACK_DPI, qr_crop())):
        raise DocumentError("the seal QR does not read back", code="document.render_failed")
    return sealed
