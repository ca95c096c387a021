"""A certificate from its content to a finished, sealed and checked PDF, in one pass.

:func:`issue_document` renders the data as its document type, recording what each page
certifies, then seals it with the city's seal key and returns it as a value
(:class:`IssuedDocument`): the PDF, each page's content and the front seal code.

`seal_document` takes the rendered PDF and what each page certifies (recorded while drawing,
:class:`kofu.sealcode.content.PageContent`). It signs one back payload per page (the page's
complete content, for the back of the printed sheet), digests the PDF's structure into the
manifest, signs the front payload (identifying fields, the text's hash, the manifest's hash),
draws the front code in every page's reserved square and embeds the manifest and the backs —
one revision, written once. Before the document is returned it is checked as any
verifier would check it (:func:`kofu.sealcode.pdfcheck.check_pdf`), its text is confirmed to be
the content signed, and the front code must read back from page 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from kofu.documents.render import DocumentData, render_document
from kofu.sealcode import manifest as pdf_manifest
from kofu.sealcode.back import BackPayload, payload_sha256, sign_back
from kofu.sealcode.code import SealPayload, kid_of, sign_payload, texts_hash
from kofu.sealcode.content import PageContent
from kofu.sealcode.errors import DocumentError
from kofu.sealcode.manifest import Manifest, SealAttachment
from kofu.sealcode.pdfcheck import check_pdf
from kofu.sealcode.pdfium import open_pdf, page_image, texts_of
from kofu.sealcode.qr import (
    QR_SIZE,
    QUIET_ZONE,
    READBACK_DPI,
    decode_image,
    qr_crop,
    qr_rows,
)
from kofu.telemetry.tracing import traced


def stamp_code(pdf: bytes | Any, code: str, attachment: bytes = b"") -> bytes:
    """``pdf`` (rendered with the seal code's square; bytes or a pypdf reader over them) with the
    QR of ``code`` drawn in that square on every page and ``attachment`` embedded."""
    drawing = pdf_manifest.code_drawing(qr_rows(code), QR_SIZE, QUIET_ZONE)
    return pdf_manifest.finish(pdf, drawing, attachment)


@dataclass(frozen=True)
class SealKey:
    """The city's seal: its private key and certificate, and the city code it signs for."""

    city_code: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


@dataclass(frozen=True)
class IssuedDocument:
    """A finished document: the sealed PDF, what each page certifies, and its front seal code."""

    pdf: bytes
    pages: tuple[PageContent, ...]
    code: str


def issue_document(
    doc: str, data: DocumentData, *, seal: SealKey, issue_number: str, binding: str
) -> IssuedDocument:
    """Render ``data`` as ``doc`` and seal it (see the module docstring).

    Raises :class:`DocumentError`: the renderer's codes (``document.too_long``,
    ``document.invalid``, ...) or ``document.render_failed`` when sealing or its check fails.
    """
    rendered = _render(doc, data)
    pdf, code = seal_document(
        rendered.pdf,
        data,
        pages=rendered.pages,
        seal=seal,
        doc=doc,
        issue_number=issue_number,
        binding=binding,
    )
    return IssuedDocument(pdf, rendered.pages, code)


@traced("issuer.render")
def _render(doc: str, data: DocumentData) -> Any:
    return render_document(doc, data)


@traced("issuer.seal")
def seal_document(
    pdf: bytes,
    data: DocumentData,
    *,
    pages: Sequence[PageContent],
    seal: SealKey,
    doc: str,
    issue_number: str,
    binding: str,
) -> tuple[bytes, str]:
    """The sealed PDF and its front code.

    Raises :class:`DocumentError` ``document.render_failed`` if the key is unusable, the PDF
    does not match its recorded content, or the sealed PDF does not check out: nothing unsealed,
    unreadable or inconsistent is returned.
    """
    key, city_code = seal.key, seal.city_code
    try:
        kid = kid_of(seal.cert)
        issue_date = data.issue_date
        if not isinstance(issue_date, dt.date):
            raise DocumentError("the document has no issue date", code="document.render_failed")
        backs = tuple(
            sign_back(BackPayload(city_code, doc, issue_number, issue_date, len(pages), page), key, kid)
            for page in pages
        )
        reader = pdf_manifest.reader_of(pdf)  # parsed once: digested, then finished
        document, digests = pdf_manifest.digest_reader(reader)
        if len(digests) != len(pages):
            raise DocumentError("the PDF's pages are not the pages recorded", code="document.render_failed")
        manifest = Manifest(
            document, tuple(replace(d, back=payload_sha256(b)) for d, b in zip(digests, backs, strict=True))
        )
        people, address = data.sealed_fields()  # each document type names its signed fields
        payload = SealPayload(
            city=city_code,
            doc=doc,
            issue_number=issue_number,
            issue_date=issue_date,
            pages=len(pages),
            people=people,
            address=address,
            text_sha256=texts_hash([page.text() for page in pages]),
            binding=binding,
            manifest_sha256=manifest.sha256().hex(),
        )
        code = sign_payload(payload, key, kid)
        sealed = stamp_code(reader, code, SealAttachment(manifest.to_cbor(), backs).to_cbor())
        _check(sealed, code, payload)
        return sealed, code
    except (DocumentError, ValueError) as exc:
        raise DocumentError(f"sealing failed: {exc}", code="document.render_failed") from exc


def _check(sealed: bytes, code: str, payload: SealPayload) -> None:
    """The sealed PDF is exactly what was signed (text included) and its code reads back."""
    with open_pdf(sealed) as document:  # one pdfium parse: the text layer and the printed code
        texts = texts_of(document)
        crop = page_image(document, 1, READBACK_DPI, qr_crop())
    finding = check_pdf(sealed, payload, texts=texts).finding
    if finding is not None:
        raise DocumentError(
            f"the sealed document does not check: {finding.reason} {finding.detail}",
            code="document.render_failed",
        )
    if code not in decode_image(crop):
        raise DocumentError("the seal QR does not read back", code="document.render_failed")
