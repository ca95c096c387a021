"""Verifying a document against the trust list: one verdict, one reason, and the signed content.

Statuses and their reason codes (:class:`Verdict`)::

    valid           seal.valid                  signature and key check out; for a PDF, so does
                                                every object of every page (see pdfcheck)
    malformed       seal.code.missing           no kofu code found in the file
                    seal.code.inconsistent      pages carry different seal codes
                    seal.back.incomplete        a back code misses a part
                    seal.code.prefix|encoding|cose, seal.payload.invalid   (see sealcode.code)
                    seal.file.unreadable        neither a readable PDF nor an image
    unknown_key     seal.key.unknown            the kid is in no trust list
                    seal.key.not_valid_then     issue date outside the certificate's validity
    revoked_key     seal.key.revoked            the seal certificate was revoked
    bad_signature   seal.signature.invalid      the signature does not verify with that key
                    seal.city.mismatch          signed by another city's key
                    seal.back.invalid           a back payload is not signed by the front's key
    modified        document.modified.*         the PDF changed after issuance (see pdfcheck)
                    seal.back.mismatch          the back codes belong to another document

A PDF is checked whole. From paper (a photo or scan, or pasted code text) only the codes can
be checked, not what the front shows (``text_checked`` is False): the verdict then carries the
signed content of each page whose back code was read (``pages``), to be compared with the front.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from kofu import clock
from kofu.pki.trust import TrustList
from kofu.sealcode.back import BackPayload, ParsedBack, assemble, is_back_part, parse_back
from kofu.sealcode.code import PREFIX, SealError, SealPayload, cose_signature_valid, parse_seal
from kofu.sealcode.content import PageContent
from kofu.sealcode.errors import DocumentError
from kofu.sealcode.pdfium import Pdf


class Status(StrEnum):
    """The overall answer."""

    VALID = "valid"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KEY = "unknown_key"
    REVOKED_KEY = "revoked_key"
    MODIFIED = "modified"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class Verdict:
    """What was checked and what failed, and the signed content that was read."""

    status: Status
    reason: str
    detail: str = ""
    payload: SealPayload | None = None
    kid: str | None = None
    city_name: str | None = None
    text_checked: bool = False
    code: str | None = field(default=None, repr=False)
    backs: tuple[BackPayload, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        """True only for a valid document."""
        return self.status is Status.VALID

    @property
    def pages(self) -> tuple[PageContent, ...]:
        """The signed content of each page read, in page order."""
        return tuple(back.content for back in sorted(self.backs, key=lambda b: b.content.number))

    def fields(self) -> dict[str, Any] | None:
        """The signed identifying fields: the front code's, else a back code's."""
        if self.payload is not None:
            return self.payload.as_fields()
        if self.backs:
            fields = self.backs[0].as_fields()
            fields.pop("page")
            return fields
        return None

    def as_dict(self) -> dict[str, Any]:
        """The verdict as JSON-ready data (the public page and `kofu verify --json`)."""
        return {
            "status": self.status.value,
            "reason": self.reason,
            "detail": self.detail,
            "kid": self.kid,
            "city_name": self.city_name,
            "text_checked": self.text_checked,
            "fields": self.fields(),
            "pages": [page_dict(page) for page in self.pages],
        }


def page_dict(page: PageContent) -> dict[str, Any]:
    """A page's signed content as JSON-ready data: lines as the front reads, and its pictures."""
    return {
        "page": page.number,
        "width": page.width,
        "height": page.height,
        "lines": [
            [{"x": r.x, "y": r.y, "size": r.size, "text": r.text} for r in line] for line in page.lines()
        ],
        "pictures": [
            {
                "kind": p.kind,
                "x": p.x,
                "y": p.y,
                "width": p.width,
                "height": p.height,
                "sha256": p.sha256,
                "preview": ["".join("#" if ink else "." for ink in row) for row in p.preview_rows()],
            }
            for p in page.pictures
        ],
    }


def _with(seen: Verdict, status: Status, reason: str, detail: str, text_checked: bool = False) -> Verdict:
    return replace(seen, status=status, reason=reason, detail=detail, text_checked=text_checked)


def _key_check(
    seen: Verdict, trust: TrustList, kid: bytes, city: str, issue_date: Any, message: Any
) -> Verdict:
    """``seen`` with the key's verdict: VALID (so far) or why not."""
    entry = trust.lookup(kid)
    if entry is None:
        return _with(
            seen, Status.UNKNOWN_KEY, "seal.key.unknown", f"kid {kid.hex()} is not in the trust list"
        )
    seen = replace(seen, city_name=entry.city_name)
    revoked = trust.revocation(kid)
    if revoked is not None:
        detail = (
            f"seal certificate {kid.hex()} of {entry.city} revoked {revoked.revoked_at} ({revoked.reason})"
        )
        return _with(seen, Status.REVOKED_KEY, "seal.key.revoked", detail)
    public_key = entry.certificate.public_key()
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(public_key, ec.EllipticCurvePublicKey) or not cose_signature_valid(message, public_key):
        return _with(seen, Status.BAD_SIGNATURE, "seal.signature.invalid", "signature does not verify")
    if city != entry.city:
        detail = f"payload names city {city} but the key is {entry.city}'s"
        return _with(seen, Status.BAD_SIGNATURE, "seal.city.mismatch", detail)
    valid_from, valid_to = clock.japan_date(entry.not_before), clock.japan_date(entry.not_after)
    if not valid_from <= issue_date <= valid_to:
        return _with(seen, Status.UNKNOWN_KEY, "seal.key.not_valid_then", "issued outside the key's validity")
    return _with(seen, Status.VALID, "seal.valid", "")


def _backs_check(seen: Verdict, trust: TrustList, backs: tuple[ParsedBack, ...]) -> Verdict:
    """``seen`` with each back's signature checked; the backs' content attached when all pass."""
    for back in backs:
        payload = back.payload
        checked = _key_check(seen, trust, back.kid, payload.city, payload.issue_date, back.message)
        if not checked.ok:
            page = payload.content.number
            if checked.reason == "seal.signature.invalid":
                return _with(
                    checked, Status.BAD_SIGNATURE, "seal.back.invalid", f"back of page {page}: not signed"
                )
            return replace(checked, detail=f"back of page {page}: {checked.detail}")
        if seen.kid is not None and back.kid.hex() != seen.kid:
            detail = f"back of page {payload.content.number} is signed by another key"
            return _with(seen, Status.BAD_SIGNATURE, "seal.back.invalid", detail)
    return replace(seen, backs=tuple(back.payload for back in backs))


def verify_code(
    code: str, trust: TrustList, pdf: bytes | None = None, *, document: Pdf | None = None
) -> Verdict:
    """Check one front seal code against ``trust`` and, if given, the PDF it was found in.

    ``document``: that ``pdf`` already opened with pdfium (its pages' text is read from it)."""
    try:
        parsed = parse_seal(code)
    except SealError as exc:
        return Verdict(Status.MALFORMED, exc.code, str(exc), code=code)
    payload, kid = parsed.payload, parsed.kid.hex()
    seen = Verdict(Status.MALFORMED, "seal.payload.invalid", payload=payload, kid=kid, code=code)
    seen = _key_check(seen, trust, parsed.kid, payload.city, payload.issue_date, parsed.message)
    if not seen.ok:
        return seen
    if pdf is None:
        return _with(seen, Status.VALID, "seal.valid", "signature valid; compare the fields with the paper")
    from kofu.sealcode.pdfcheck import check_pdf

    try:
        checked = check_pdf(pdf, payload, document=document)
    except DocumentError as exc:
        return _with(seen, Status.MALFORMED, "seal.file.unreadable", str(exc))
    if checked.finding is not None:
        return _with(seen, Status.MODIFIED, checked.finding.reason, checked.finding.detail)
    seen = _backs_check(seen, trust, checked.backs)
    if not seen.ok:
        return seen
    detail = "signature, every page's drawing, images, fonts and text valid"
    return _with(seen, Status.VALID, "seal.valid", detail, text_checked=True)


def verify_codes(found: list[str], trust: TrustList) -> Verdict:
    """Check the codes read from paper (a photo, a scan or pasted text): front and back codes."""
    fronts = sorted({code for code in found if code.startswith(PREFIX)})
    parts = [code for code in found if is_back_part(code)]
    if not fronts and not parts:
        return Verdict(Status.MALFORMED, "seal.code.missing", "no kofu seal code found")
    if len(fronts) > 1:
        return Verdict(Status.MALFORMED, "seal.code.inconsistent", f"{len(fronts)} different seal codes")
    seen = verify_code(fronts[0], trust) if fronts else Verdict(Status.VALID, "seal.valid")
    if not seen.ok or not parts:
        return seen
    try:
        backs = tuple(parse_back(cose) for cose in assemble(parts))
    except SealError as exc:
        status = Status.MALFORMED
        return _with(seen, status, exc.code, str(exc))
    first = backs[0].payload
    for back in backs:
        b = back.payload
        same = (b.city, b.doc, b.issue_number, b.issue_date, b.pages)
        if same != (first.city, first.doc, first.issue_number, first.issue_date, first.pages):
            return _with(
                seen, Status.MODIFIED, "seal.back.mismatch", "the back codes belong to different documents"
            )
        front = seen.payload
        if front is not None and same != (
            front.city,
            front.doc,
            front.issue_number,
            front.issue_date,
            front.pages,
        ):
            return _with(
                seen, Status.MODIFIED, "seal.back.mismatch", "the back code belongs to another document"
            )
    if seen.payload is None:
        seen = replace(seen, kid=backs[0].kid.hex())
    seen = _backs_check(seen, trust, backs)
    if not seen.ok:
        return seen
    detail = "signatures valid; compare the signed content below with the front of each sheet"
    return _with(seen, Status.VALID, "seal.valid", detail)


def _one_code(found: list[str]) -> str | Verdict:
    codes = sorted({code for code in found if code.startswith(PREFIX)})
    if not codes:
        return Verdict(Status.MALFORMED, "seal.code.missing", "no kofu seal code found")
    if len(codes) > 1:
        return Verdict(Status.MALFORMED, "seal.code.inconsistent", f"{len(codes)} different seal codes")
    return codes[0]


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` looks like a PDF (``%PDF`` within the first KiB)."""
    return b"%PDF" in data[:1024]


def codes_in_pdf(pdf: bytes | Pdf, dpi: int = 200) -> list[str]:
    """Every kofu code drawn on any page of ``pdf`` (whole pages read)."""
    from kofu.sealcode.pdfium import open_pdf, page_image
    from kofu.sealcode.qr import decode_image

    with open_pdf(pdf) as document:
        return [
            code
            for page in range(1, len(document) + 1)
            for code in decode_image(page_image(document, page, dpi))
        ]


def front_codes(pdf: bytes | Pdf) -> list[str]:
    """The front seal code of each page, read in the code's square (else on the whole page)."""
    from kofu.sealcode.pdfium import open_pdf, page_image
    from kofu.sealcode.qr import DEFAULT_DPI, READBACK_DPI, decode_image, qr_crop

    found = []
    with open_pdf(pdf) as document:
        for page in range(1, len(document) + 1):
            codes = decode_image(page_image(document, page, READBACK_DPI, qr_crop()))
            found += codes or decode_image(page_image(document, page, DEFAULT_DPI))
    return found


def verify_file(data: bytes, trust: TrustList) -> Verdict:
    """Verify a PDF (whole) or a PNG/JPEG scan or photo of either side of a sheet (codes)."""
    from kofu.sealcode.pdfium import open_pdf
    from kofu.sealcode.qr import decode_image_bytes

    try:
        if not is_pdf(data):
            return verify_codes(decode_image_bytes(data), trust)
        with open_pdf(data) as pdf:  # one parse of each page, whatever is read from it
            return _verify_pdf(data, pdf, trust)
    except DocumentError as exc:
        return Verdict(Status.MALFORMED, "seal.file.unreadable", str(exc))


def _verify_pdf(data: bytes, pdf: Pdf, trust: TrustList) -> Verdict:
    code = _one_code(front_codes(pdf))
    if isinstance(code, Verdict):
        return code
    verdict = verify_code(code, trust, data, document=pdf)
    if verdict.reason == "document.modified.pages" and verdict.payload is not None:
        return _printed_sheets(pdf, verdict, trust) or verdict
    return verdict


def _printed_sheets(pdf: Pdf, seen: Verdict, trust: TrustList) -> Verdict | None:
    """A kiosk's print job (each page followed by its back) checked as paper: the codes, and each
    front's text against its back's signed content. None when ``pdf`` is not one."""
    from kofu.sealcode.code import read_page_texts
    from kofu.sealcode.content import normalise_text

    assert seen.payload is not None
    try:
        texts = read_page_texts(pdf)
        if len(texts) != 2 * seen.payload.pages or any(normalise_text(t) for t in texts[1::2]):
            return None
        verdict = verify_codes(codes_in_pdf(pdf), trust)
    except DocumentError:
        return None
    if not verdict.ok or len(verdict.pages) != seen.payload.pages:
        return verdict if not verdict.ok else None
    for page, front in zip(verdict.pages, texts[0::2], strict=True):
        if normalise_text(front) != normalise_text(page.text()):
            detail = f"printed sheets: the front of sheet {page.number} is not the text its back signs"
            return _with(verdict, Status.MODIFIED, "document.modified.text", detail)
    detail = (
        "printed sheets: codes valid and each front's text is its back's signed content; the "
        "drawing of a print is not checked: compare the content with the paper"
    )
    return _with(verdict, Status.VALID, "seal.valid", detail)
