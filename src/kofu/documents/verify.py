"""Verifying a printed or downloaded document against the trust list: one verdict, one reason.

Statuses and their reason codes (:class:`Verdict`)::

    valid           seal.valid                  signature, key and (for a PDF) text all check out
    malformed       seal.code.missing           no kofu seal code found in the file
                    seal.code.inconsistent      pages carry different seal codes
                    seal.code.prefix|encoding|cose, seal.payload.invalid   (see documents.seal)
                    seal.file.unreadable        neither a readable PDF nor an image
    unknown_key     seal.key.unknown            the kid is in no trust list
                    seal.key.not_valid_then     issue date outside the certificate's validity
    revoked_key     seal.key.revoked            the seal certificate was revoked
    bad_signature   seal.signature.invalid      the signature does not verify with that key
                    seal.city.mismatch          signed by another city's key
    text_mismatch   seal.text.mismatch          the PDF's text is not the text that was sealed
                    seal.pages.mismatch         the PDF has another number of document pages

From an image only the code can be checked, not the text (``text_checked`` is False): the
reader compares the signed fields with the paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from kofu import clock
from kofu.documents.errors import DocumentError
from kofu.documents.seal import SealError, SealPayload, parse_seal, text_hash_and_pages
from kofu.pki.trust import TrustList


class Status(StrEnum):
    """The overall answer."""

    VALID = "valid"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KEY = "unknown_key"
    REVOKED_KEY = "revoked_key"
    TEXT_MISMATCH = "text_mismatch"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class Verdict:
    """What was checked and what failed."""

    status: Status
    reason: str
    detail: str = ""
    payload: SealPayload | None = None
    kid: str | None = None
    city_name: str | None = None
    text_checked: bool = False
    code: str | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True only for a valid document."""
        return self.status is Status.VALID

    def as_dict(self) -> dict[str, Any]:
        """The verdict as JSON-ready data (the public page and `kofu verify --json`)."""
        return {
            "status": self.status.value,
            "reason": self.reason,
            "detail": self.detail,
            "kid": self.kid,
            "city_name": self.city_name,
            "text_checked": self.text_checked,
            "fields": self.payload.as_fields() if self.payload else None,
        }


def _with(seen: Verdict, status: Status, reason: str, detail: str, text_checked: bool = False) -> Verdict:
    return replace(seen, status=status, reason=reason, detail=detail, text_checked=text_checked)


def verify_code(code: str, trust: TrustList, pdf: bytes | None = None) -> Verdict:
    """Check one seal code against ``trust`` and, if given, the PDF it was found in."""
    try:
        parsed = parse_seal(code)
    except SealError as exc:
        return Verdict(Status.MALFORMED, exc.code, str(exc), code=code)
    payload, kid = parsed.payload, parsed.kid.hex()
    seen = Verdict(Status.MALFORMED, "seal.payload.invalid", payload=payload, kid=kid, code=code)
    entry = trust.lookup(parsed.kid)
    if entry is None:
        return _with(seen, Status.UNKNOWN_KEY, "seal.key.unknown", f"kid {kid} is not in the trust list")
    seen = replace(seen, city_name=entry.city_name)
    revoked = trust.revocation(parsed.kid)
    if revoked is not None:
        detail = f"seal certificate {kid} of {entry.city} revoked {revoked.revoked_at} ({revoked.reason})"
        return _with(seen, Status.REVOKED_KEY, "seal.key.revoked", detail)
    public_key = entry.certificate.public_key()
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(public_key, ec.EllipticCurvePublicKey) or not parsed.signature_valid(public_key):
        return _with(seen, Status.BAD_SIGNATURE, "seal.signature.invalid", "signature does not verify")
    if payload.city != entry.city:
        detail = f"payload names city {payload.city} but the key is {entry.city}'s"
        return _with(seen, Status.BAD_SIGNATURE, "seal.city.mismatch", detail)
    # Documents are dated in Japan; a key's validity is compared on the same calendar.
    valid_from, valid_to = clock.japan_date(entry.not_before), clock.japan_date(entry.not_after)
    if not valid_from <= payload.issue_date <= valid_to:
        detail = "issued outside the key's validity"
        return _with(seen, Status.UNKNOWN_KEY, "seal.key.not_valid_then", detail)
    if pdf is None:
        return _with(seen, Status.VALID, "seal.valid", "signature valid; compare the fields with the paper")
    try:
        text_hash, pages = text_hash_and_pages(pdf)
    except DocumentError as exc:
        return _with(seen, Status.MALFORMED, "seal.file.unreadable", str(exc))
    if text_hash != payload.text_sha256:
        detail = "the PDF's text differs from the sealed text"
        return _with(seen, Status.TEXT_MISMATCH, "seal.text.mismatch", detail)
    if pages != payload.pages:
        detail = f"the PDF has {pages} document pages, the seal says {payload.pages}"
        return _with(seen, Status.TEXT_MISMATCH, "seal.pages.mismatch", detail)
    return _with(seen, Status.VALID, "seal.valid", "signature and full text valid", text_checked=True)


def _one_code(found: list[str]) -> str | Verdict:
    codes = sorted(set(found))
    if not codes:
        return Verdict(Status.MALFORMED, "seal.code.missing", "no kofu seal code found")
    if len(codes) > 1:
        return Verdict(Status.MALFORMED, "seal.code.inconsistent", f"{len(codes)} different seal codes")
    return codes[0]


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` looks like a PDF (``%PDF`` within the first KiB)."""
    return b"%PDF" in data[:1024]


def codes_in_pdf(pdf: bytes, dpi: int = 200) -> list[str]:
    """Every seal code drawn on any page of ``pdf``."""
    from kofu.documents.qr import decode_pdf
    from kofu.documents.text import page_count

    found = decode_pdf(pdf, range(1, page_count(pdf) + 1), dpi)
    return [code for codes in found.values() for code in codes]


def verify_file(data: bytes, trust: TrustList) -> Verdict:
    """Verify a PDF (code and full text) or a PNG/JPEG scan or photo (code only)."""
    from kofu.documents.qr import decode_image_bytes

    try:
        found = codes_in_pdf(data) if is_pdf(data) else decode_image_bytes(data)
    except DocumentError as exc:
        return Verdict(Status.MALFORMED, "seal.file.unreadable", str(exc))
    code = _one_code(found)
    if isinstance(code, Verdict):
        return code
    return verify_code(code, trust, data if is_pdf(data) else None)
