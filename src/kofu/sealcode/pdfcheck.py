"""Whether a sealed PDF is still what the city issued: one finding, named after the change.

:func:`check_pdf` compares a PDF with the front code's payload (already decoded; the caller
checks its signature). Findings, first match wins::

    document.modified.incremental_update  a revision was appended after issuance
    document.modified.pages               another number of pages than sealed
    document.modified.text                the text layer is not the text sealed
    document.modified.attachment          the manifest or the signed backs are missing or not these
    document.modified.catalog             the document catalog or /Info changed
    document.modified.content             a page's drawing changed (an overlay, a replaced stream)
    document.modified.image               an image changed or was added (the seal impression …)
    document.modified.font                a font changed (glyph shapes or the text they map to)
    document.modified.annotation          an annotation was added or changed
    document.modified.page                anything else of a page (box, rotation, resources)
    document.modified.seal_code           the seal code's square draws something else than a code

The issuer runs the same check on its own output before the document leaves it; the kiosk
and every verifier run it on what they receive. Renderer-free.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kofu.sealcode.back import ParsedBack, parse_back
from kofu.sealcode.code import SealPayload, read_page_texts, texts_hash
from kofu.sealcode.content import normalise_text
from kofu.sealcode.errors import DocumentError
from kofu.sealcode.manifest import (
    ATTACHMENT,
    COMPONENTS,
    Manifest,
    SealAttachment,
    _Canon,
    document_digest,
    embedded_files,
    is_code_drawing,
    page_digests,
    reader_of,
    revisions,
    seal_code_forms,
)
from kofu.sealcode.pdfium import Pdf

REASONS = {
    "content": "document.modified.content",
    "images": "document.modified.image",
    "fonts": "document.modified.font",
    "annotations": "document.modified.annotation",
    "page": "document.modified.page",
}
WHAT = {
    "content": "the drawing (content streams or forms)",
    "images": "an image",
    "fonts": "a font",
    "annotations": "an annotation",
    "page": "the page's other entries",
}


@dataclass(frozen=True)
class Finding:
    """What changed: a stable reason code and a sentence."""

    reason: str
    detail: str


@dataclass(frozen=True)
class PdfCheck:
    """The outcome: the first finding (None when the PDF is as issued) and the signed backs read
    from it (their signatures are for the caller to check against the trust list)."""

    finding: Finding | None
    backs: tuple[ParsedBack, ...] = ()


def _pages(numbers: list[int]) -> str:
    return (
        "page " + ", ".join(str(n) for n in numbers)
        if len(numbers) < 2
        else "pages " + ", ".join(map(str, numbers))
    )


def _attachment(reader: object, payload: SealPayload) -> tuple[Manifest, tuple[ParsedBack, ...]] | Finding:
    files = embedded_files(reader)
    if set(files) != {ATTACHMENT}:
        return Finding(
            "document.modified.attachment", f"embedded files {sorted(files)}, not the seal's alone"
        )
    try:
        attachment = SealAttachment.from_cbor(files[ATTACHMENT])
        if hashlib.sha256(attachment.manifest).hexdigest() != payload.manifest_sha256:
            return Finding("document.modified.attachment", "the manifest is not the one the seal code signs")
        manifest = Manifest.from_cbor(attachment.manifest)
        backs = tuple(parse_back(cose) for cose in attachment.backs)
    except Exception as exc:  # cbor2 raises many kinds on garbage
        return Finding("document.modified.attachment", f"the seal attachment is unreadable: {exc}")
    if len(manifest.pages) != payload.pages or len(backs) != payload.pages:
        return Finding("document.modified.attachment", "the manifest does not list every page")
    for number, (back, listed) in enumerate(zip(backs, manifest.pages, strict=True), start=1):
        b = back.payload
        same = (b.city, b.doc, b.issue_number, b.issue_date, b.pages, b.content.number)
        if back.body_sha256 != listed.back or same != (
            payload.city,
            payload.doc,
            payload.issue_number,
            payload.issue_date,
            payload.pages,
            number,
        ):
            return Finding(
                "document.modified.attachment", f"the signed back of page {number} is not this page's"
            )
    return manifest, backs


def check_pdf(
    pdf: bytes, payload: SealPayload, *, texts: list[str] | None = None, document: Pdf | None = None
) -> PdfCheck:
    """Compare ``pdf`` with what ``payload`` (a verified front code) says was issued.

    ``texts``: the pages' text as pdfium extracted it from this very ``pdf``, when the caller
    has it already; ``document``: this very ``pdf`` already opened with pdfium, to take the
    text from (else the PDF is opened here)."""
    try:
        return _check(pdf, payload, texts, document)
    except DocumentError:
        raise
    except Exception as exc:  # a damaged PDF can break pypdf anywhere: that is a change too
        return PdfCheck(Finding("document.modified.page", f"the PDF cannot be read as issued: {exc}"))


def _check(pdf: bytes, payload: SealPayload, texts: list[str] | None, document: Pdf | None) -> PdfCheck:
    reader = reader_of(pdf)
    count = revisions(pdf, reader)
    if count > 1:
        detail = f"the file has {count} revisions: something was appended after issuance"
        return PdfCheck(Finding("document.modified.incremental_update", detail))
    if len(reader.pages) != payload.pages:
        detail = f"the PDF has {len(reader.pages)} pages, the seal says {payload.pages}"
        return PdfCheck(Finding("document.modified.pages", detail))
    if texts is None:
        texts = read_page_texts(pdf if document is None else document)
    found = _attachment(reader, payload)
    backs = found[1] if not isinstance(found, Finding) else ()
    if texts_hash(texts) != payload.text_sha256:
        differing = [
            b.payload.content.number
            for b, text in zip(backs, texts, strict=False)
            if normalise_text(text) != normalise_text(b.payload.content.text())
        ]
        where = f" on {_pages(differing)}" if differing else ""
        return PdfCheck(
            Finding("document.modified.text", f"the text differs from the sealed text{where}"), backs
        )
    if isinstance(found, Finding):
        return PdfCheck(found)
    manifest, backs = found
    if document_digest(reader) != manifest.document:
        return PdfCheck(
            Finding("document.modified.catalog", "the document catalog or its /Info changed"), backs
        )
    canon = _Canon()
    changed: dict[str, list[int]] = {name: [] for name in COMPONENTS}
    impressions: list[int] = []
    for number, (page, listed, back) in enumerate(
        zip(reader.pages, manifest.pages, backs, strict=True), start=1
    ):
        digests, images = page_digests(page, canon)
        for name in listed.differences(digests):
            changed[name].append(number)
        if any(p.sha256 not in images.values() for p in back.payload.content.pictures):
            impressions.append(number)
    for name in COMPONENTS:
        if changed[name]:
            others = [other for other in COMPONENTS if other != name and changed[other]]
            also = f" (also {', '.join(WHAT[o] for o in others)})" if others else ""
            detail = f"{_pages(changed[name])}: {WHAT[name]} differs from what was sealed{also}"
            if name == "images" and impressions:
                detail += "; the seal impression (印影) is not the one sealed"
            return PdfCheck(Finding(REASONS[name], detail), backs)
    forms = seal_code_forms(reader)
    drawings = {form.get_data() for form in forms}  # the pages draw one code: each drawing checked once
    if len(forms) != payload.pages or not all(is_code_drawing(drawing) for drawing in drawings):
        return PdfCheck(
            Finding("document.modified.seal_code", "the seal code's square draws something else"), backs
        )
    return PdfCheck(None, backs)
