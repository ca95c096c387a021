"""The document header: what a sealed document says it is, signed by the city that made it.

The issuer puts the header beside the PDF inside the envelope for the ordering kiosk; the kiosk
checks it against its own order before it takes any money. The header carries no personal data
(order id, city, type, copies, pages, issue number, a binding hash over the order id, the card
and the choice, the PDF's hash), and it is signed with the city's seal key, so that when a kiosk
refuses a document it can show the centre *what the city sent*: the centre verifies the
signature against the trust list and compares the header with the order it recorded before it
stops a city (``kofu.center.stops``).

    signature = kid (8 bytes: SHA-256 of the seal certificate, as in the seal code) || ES256 (DER)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from kofu.protocol.errors import ProtocolViolation

KID_LENGTH = 8


def order_binding(order_id: str, card_serial: str, doc: str, copies: int) -> str:
    """Hash that ties a document to one order, one card and one choice (never the serial itself)."""
    material = "\x00".join(["kofu/order-binding/v1", order_id, card_serial.upper(), doc, str(copies)])
    return hashlib.sha256(material.encode()).hexdigest()


@dataclass(frozen=True)
class DocumentHeader:
    """What the enveloped document says it is; checked by the kiosk against its own order."""

    order_id: str
    city_code: str
    doc: str
    copies: int
    pages: int
    issue_number: str
    binding: str
    pdf_sha256: str

    def to_bytes(self) -> bytes:
        """The canonical bytes that are signed (compact JSON, sorted keys)."""
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> DocumentHeader:
        """Parse header bytes; raise ProtocolViolation ``order.mismatch`` if they are not one."""
        try:
            return cls(**json.loads(raw))
        except (ValueError, TypeError) as exc:
            raise ProtocolViolation("order.mismatch", "document header unreadable") from exc


@dataclass(frozen=True)
class HeaderSigner:
    """The city's seal key and its key id, for signing headers."""

    kid: bytes
    key: ec.EllipticCurvePrivateKey

    def sign(self, header: DocumentHeader) -> bytes:
        """``kid || ES256`` over the header's canonical bytes."""
        return self.kid + self.key.sign(header.to_bytes(), ec.ECDSA(hashes.SHA256()))


#: Finds the public seal key of a city by key id (from the trust list); None when unknown.
KeyLookup = Callable[[str, bytes], ec.EllipticCurvePublicKey | None]


def verify_header(raw: bytes, signature: bytes, lookup: KeyLookup) -> DocumentHeader:
    """The header in ``raw`` if ``signature`` is its city's; raise ProtocolViolation otherwise."""
    header = DocumentHeader.from_bytes(raw)
    kid, der = signature[:KID_LENGTH], signature[KID_LENGTH:]
    key = lookup(header.city_code, kid)
    if key is None:
        raise ProtocolViolation("order.mismatch", "header signed by a key the trust list does not know")
    try:
        key.verify(der, raw, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise ProtocolViolation("order.mismatch", "header signature invalid") from exc
    return header
