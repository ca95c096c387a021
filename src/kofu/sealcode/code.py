"""The seal code printed as a QR on every document: what it says, how it is signed and read.

Code text: ``KOFU1:`` + base45(zlib(COSE_Sign1)) — the EU digital COVID certificate's recipe.
The COSE_Sign1 is ES256 with the protected header ``{alg: ES256, kid: 8 bytes}``, kid being the
first 8 bytes of SHA-256 of the city's seal certificate (DER). Its payload is a CBOR map with
small integer keys::

    0 version (2)          5 page count                 9 order binding (32 bytes, a hash)
    1 city code            6 [[name, birth date], …]   10 SHA-256 of the manifest (32 bytes)
    2 document type        7 address (or 本籍) shown
    3 issue number         8 SHA-256 of the document's full text (32 bytes)
    4 issue date (ISO)

"Full text" is :func:`texts_hash`: the pages' text, NFKC-normalised with every whitespace
character removed, as text extraction gives it back from the final PDF (the QR, the 地紋 and the
other paper layers add no text). The manifest (:mod:`kofu.sealcode.manifest`) digests every
page's drawing, images, fonts and annotations and each page's signed back payload
(:mod:`kofu.sealcode.back`), which holds everything the page certifies. The payload never
holds the My Number or the 住民票コード; :func:`check_no_identifiers` refuses any value that looks
like either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import base45
import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from kofu.sealcode.content import normalise_text
from kofu.sealcode.pdfium import Pdf

PREFIX = "KOFU1:"
VERSION = 2
MAX_CODE_CHARS = 4296  # the most a QR (version 40, alphanumeric, level L) can carry
_MAX_INFLATED = 16 * 1024
_IDENTIFIER = re.compile(r"\d{11,}")  # 住民票コード has 11 digits, the My Number 12


class SealError(Exception):
    """A seal code that cannot be read; ``code`` says at which layer."""

    def __init__(self, message: str, *, code: str) -> None:
        """Create the error with a stable ``code`` (``seal.code.*`` or ``seal.payload.*``)."""
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SealedPerson:
    """A person named on the document, as the code repeats them."""

    name: str
    birth_date: str  # ISO date


def sealed_person(name: str, birth_date: dt.date | None) -> SealedPerson:
    """A person as the seal code repeats them (no birth date: an empty one)."""
    return SealedPerson(name, birth_date.isoformat() if isinstance(birth_date, dt.date) else "")


@dataclass(frozen=True)
class SealPayload:
    """What the city signs about one issued document."""

    city: str
    doc: str
    issue_number: str
    issue_date: dt.date
    pages: int
    people: tuple[SealedPerson, ...]
    address: str
    text_sha256: str  # hex
    binding: str  # hex, the order binding of kofu.protocol.envelope
    manifest_sha256: str = "00" * 32  # hex, see kofu.sealcode.manifest

    def to_cbor(self) -> bytes:
        """The CBOR map that is signed."""
        check_no_identifiers(self)
        return cbor2.dumps(
            {
                0: VERSION,
                1: self.city,
                2: self.doc,
                3: self.issue_number,
                4: self.issue_date.isoformat(),
                5: self.pages,
                6: [[p.name, p.birth_date] for p in self.people],
                7: self.address,
                8: bytes.fromhex(self.text_sha256),
                9: bytes.fromhex(self.binding),
                10: bytes.fromhex(self.manifest_sha256),
            }
        )

    @classmethod
    def from_cbor(cls, data: bytes) -> SealPayload:
        """Parse a signed payload; raise :class:`SealError` ``seal.payload.invalid`` if it is not one."""
        try:
            m = cbor2.loads(data)
            if not isinstance(m, dict) or m.get(0) != VERSION:
                raise ValueError(f"not a version-{VERSION} payload map")
            people = m[6]
            if not isinstance(people, list):
                raise ValueError("people is not a list")
            payload = cls(
                city=_str(m[1]),
                doc=_str(m[2]),
                issue_number=_str(m[3]),
                issue_date=dt.date.fromisoformat(_str(m[4])),
                pages=_int(m[5]),
                people=tuple(SealedPerson(_str(p[0]), _str(p[1])) for p in people),
                address=_str(m[7]),
                text_sha256=_bytes32(m[8]).hex(),
                binding=_bytes32(m[9]).hex(),
                manifest_sha256=_bytes32(m[10]).hex(),
            )
        except Exception as exc:  # cbor2 raises many kinds; garbage must never escape as a crash
            raise SealError(f"payload is not a seal payload: {exc}", code="seal.payload.invalid") from exc
        return payload

    def as_fields(self) -> dict[str, Any]:
        """The signed fields for display (labels in English, values as printed)."""
        return {
            "city": self.city,
            "document": self.doc,
            "issue_number": self.issue_number,
            "issue_date": self.issue_date.isoformat(),
            "pages": self.pages,
            "people": [{"name": p.name, "birth_date": p.birth_date} for p in self.people],
            "address": self.address,
            "text_sha256": self.text_sha256,
            "order_binding": self.binding,
            "manifest_sha256": self.manifest_sha256,
        }


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 1000:
        raise ValueError("page count out of range")
    return value


def _bytes32(value: Any) -> bytes:
    if not isinstance(value, bytes) or len(value) != 32:
        raise ValueError("expected 32 bytes")
    return value


def check_text(value: str) -> None:
    """Refuse a value shaped like a My Number or 住民票コード (11+ digits): none is ever signed."""
    if _IDENTIFIER.search(unicodedata.normalize("NFKC", value)):
        raise ValueError("a seal payload must never carry a My Number or 住民票コード")


def check_no_identifiers(payload: SealPayload) -> None:
    """Refuse a payload holding anything shaped like a My Number or 住民票コード (11+ digits)."""
    values = [payload.city, payload.doc, payload.issue_number, payload.address]
    values += [v for p in payload.people for v in (p.name, p.birth_date)]
    for value in values:
        check_text(value)


def texts_hash(texts: list[str]) -> str:
    """SHA-256 (hex) of a document's full text, given its pages' text: :func:`normalise_text` of
    each page, concatenated."""
    return hashlib.sha256("".join(normalise_text(t) for t in texts).encode()).hexdigest()


def read_page_texts(pdf: bytes | Pdf) -> list[str]:
    """Each page's text as pdfium extracts it (in drawing order; ~20x faster than pypdf)."""
    from kofu.sealcode.pdfium import open_pdf

    with open_pdf(pdf) as document:
        return document.texts()


# -- COSE_Sign1 (RFC 9052), ES256 only, with the ``cryptography`` package ------------------------
_COSE_SIGN1_TAG = 18
_ALG, _KID, _ES256 = 1, 4, -7


@dataclass(frozen=True)
class CoseSign1:
    """A decoded COSE_Sign1: the protected header as sent, the kid, the payload, the signature."""

    protected: bytes
    kid: bytes
    payload: bytes
    signature: bytes

    def to_be_signed(self) -> bytes:
        """The Sig_structure the signature covers (no external data)."""
        return _to_be_signed(self.protected, self.payload)


def _to_be_signed(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def sign_cose(payload: bytes, key: ec.EllipticCurvePrivateKey, kid: bytes) -> bytes:
    """A COSE_Sign1 (ES256, ``kid`` in the protected header) over ``payload``."""
    protected = cbor2.dumps({_ALG: _ES256, _KID: kid})
    der = key.sign(_to_be_signed(protected, payload), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return cbor2.dumps(cbor2.CBORTag(_COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def encode_code(cose: bytes) -> str:
    """base45(zlib(``cose``)): the QR-alphanumeric text of a signed message."""
    text: str = base45.b45encode(zlib.compress(cose, 9)).decode()
    return text


def sign_payload(payload: SealPayload, key: ec.EllipticCurvePrivateKey, kid: bytes) -> str:
    """Sign ``payload`` (ES256, ``kid`` in the protected header) and return the code text."""
    return PREFIX + encode_code(sign_cose(payload.to_cbor(), key, kid))


@dataclass(frozen=True)
class ParsedSeal:
    """A decoded seal code, not yet checked against any key."""

    kid: bytes
    payload: SealPayload
    code: str
    message: CoseSign1 = field(repr=False, compare=False)

    def signature_valid(self, public_key: ec.EllipticCurvePublicKey) -> bool:
        """Whether the COSE signature verifies with ``public_key``."""
        return cose_signature_valid(self.message, public_key)


def decode_code(text: str) -> bytes:
    """The COSE bytes of base45(zlib(…)) ``text``; raise ``seal.code.encoding``."""
    try:
        compressed = base45.b45decode(text)
        inflater = zlib.decompressobj()
        raw = inflater.decompress(compressed, _MAX_INFLATED)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("truncated or oversized zlib stream")
    except Exception as exc:
        raise SealError(f"code is not base45 + zlib: {exc}", code="seal.code.encoding") from exc
    return bytes(raw)


def parse_cose(raw: bytes) -> tuple[bytes, bytes, CoseSign1]:
    """The kid, payload and message of COSE_Sign1 bytes; raise ``seal.code.cose``."""
    try:
        tagged = cbor2.loads(raw)
        if not isinstance(tagged, cbor2.CBORTag) or tagged.tag != _COSE_SIGN1_TAG:
            raise ValueError("not a tagged COSE_Sign1 (tag 18)")
        if not isinstance(tagged.value, list | tuple) or len(tagged.value) != 4:
            raise ValueError("COSE_Sign1 must be an array of 4")
        protected, unprotected, body, signature = tagged.value
        if not isinstance(unprotected, Mapping):
            raise ValueError("unprotected header is not a map")
        if not isinstance(protected, bytes) or not isinstance(signature, bytes):
            raise ValueError("protected header and signature must be byte strings")
        header = cbor2.loads(protected) if protected else {}
        if not isinstance(header, Mapping):
            raise ValueError("protected header is not a map")
        if header.get(_ALG) != _ES256 or isinstance(header.get(_ALG), bool):
            raise ValueError(f"algorithm {header.get(_ALG)!r} is not ES256")
        kid = header.get(_KID)
        if not isinstance(kid, bytes) or len(kid) != 8:
            raise ValueError("kid must be 8 bytes in the protected header")
        if not isinstance(body, bytes):
            raise ValueError("no payload")
    except Exception as exc:  # cbor2 raises many kinds; garbage must never escape as a crash
        raise SealError(f"not a COSE_Sign1: {exc}", code="seal.code.cose") from exc
    return kid, body, CoseSign1(protected, kid, body, signature)


def cose_signature_valid(message: CoseSign1, public_key: ec.EllipticCurvePublicKey) -> bool:
    """Whether a parsed COSE_Sign1 verifies with ``public_key`` (P-256 only)."""
    if not isinstance(public_key.curve, ec.SECP256R1) or len(message.signature) != 64:
        return False
    r = int.from_bytes(message.signature[:32], "big")
    s = int.from_bytes(message.signature[32:], "big")
    try:
        public_key.verify(encode_dss_signature(r, s), message.to_be_signed(), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def parse_seal(code: str) -> ParsedSeal:
    """Decode a seal code text; raise :class:`SealError` saying which layer is malformed.

    Codes: ``seal.code.prefix`` (not a kofu seal), ``seal.code.encoding`` (base45/zlib),
    ``seal.code.cose`` (not an ES256 COSE_Sign1 with an 8-byte kid), ``seal.payload.invalid``.
    """
    code = code.strip()
    if not code.startswith(PREFIX):
        raise SealError("not a kofu seal code (no KOFU1: prefix)", code="seal.code.prefix")
    if len(code) > MAX_CODE_CHARS:
        raise SealError("code longer than any QR can hold", code="seal.code.encoding")
    kid, body, message = parse_cose(decode_code(code[len(PREFIX) :]))
    return ParsedSeal(kid=kid, payload=SealPayload.from_cbor(body), code=code, message=message)


def kid_of(cert: x509.Certificate) -> bytes:
    """The kid of a seal certificate (first 8 bytes of SHA-256 of its DER)."""
    from kofu.pki.trust import seal_kid

    return seal_kid(cert)
