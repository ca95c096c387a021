"""The sealed document: HPKE from the issuer to the one kiosk that ordered it.

The issuer encrypts `header || pdf` to the kiosk's fresh X25519 key for this order, with the
order id in the HPKE info, so the centre and the gateway relay bytes they cannot read, and a
document sealed for one order cannot be opened as another's. The header repeats what the kiosk
ordered and a binding hash over the order id, the card and the choice, which the kiosk checks
before it prints anything.
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from kofu.protocol.errors import ProtocolViolation

_SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_128_GCM)
_INFO = b"kofu/document/v1:"
_HEADER_LEN = struct.Struct(">I")


def order_binding(order_id: str, card_serial: str, doc: str, copies: int) -> str:
    """Hash that ties a document to one order, one card and one choice (never the serial itself)."""
    material = "\x00".join(["kofu/order-binding/v1", order_id, card_serial.upper(), doc, str(copies)])
    return hashlib.sha256(material.encode()).hexdigest()


@dataclass(frozen=True)
class DocumentHeader:
    """What the sealed document says it is; checked by the kiosk against its own order."""

    order_id: str
    city_code: str
    doc: str
    copies: int
    pages: int
    issue_number: str
    binding: str
    pdf_sha256: str


def seal(header: DocumentHeader, pdf: bytes, kiosk_public_key: bytes) -> bytes:
    """Encrypt the header and PDF for the kiosk key, bound to the order id."""
    public_key = X25519PublicKey.from_public_bytes(kiosk_public_key)
    head = json.dumps(asdict(header), separators=(",", ":")).encode()
    plaintext = _HEADER_LEN.pack(len(head)) + head + pdf
    return _SUITE.encrypt(plaintext, public_key, info=_INFO + header.order_id.encode())


def open_sealed(
    envelope: bytes, private_key: X25519PrivateKey, order_id: str
) -> tuple[DocumentHeader, bytes]:
    """Decrypt an envelope for this order; raise ProtocolViolation if it is not one."""
    try:
        plaintext = _SUITE.decrypt(envelope, private_key, info=_INFO + order_id.encode())
    except (InvalidTag, ValueError) as exc:
        raise ProtocolViolation("order.mismatch", "envelope does not open for this order") from exc
    if len(plaintext) < _HEADER_LEN.size:
        raise ProtocolViolation("order.mismatch", "envelope too short")
    (length,) = _HEADER_LEN.unpack_from(plaintext)
    try:
        fields = json.loads(plaintext[_HEADER_LEN.size : _HEADER_LEN.size + length])
        header = DocumentHeader(**fields)
    except (ValueError, TypeError) as exc:
        raise ProtocolViolation("order.mismatch", "envelope header unreadable") from exc
    pdf = plaintext[_HEADER_LEN.size + length :]
    if hashlib.sha256(pdf).hexdigest() != header.pdf_sha256:
        raise ProtocolViolation("order.mismatch", "document does not match its header")
    return header, pdf
