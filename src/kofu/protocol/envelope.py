"""Envelopes: HPKE from one end of a relayed link to the other, which the actors between cannot open.

An *envelope* here is always HPKE (X25519, HKDF-SHA256, AES-128-GCM) to one recipient's key; a
*seal* elsewhere in kofu is always the city's 公印 signature on a document. Four envelopes, each
with its own HPKE ``info`` so that one can never be opened as another:

* the document: the city-signed header (``kofu.protocol.header``), its signature and the PDF,
  from the issuer to the one kiosk that ordered it, for the kiosk's fresh key of that order,
  with the order id in ``info`` (``envelope_document`` / ``open_document``). The header repeats
  what the kiosk ordered and a binding hash over the order id, the card and the choice, which
  the kiosk checks before it prints anything;
* member names of a menu, from the issuer for the kiosk's one-menu key
  (``envelope_members`` / ``open_members``);
* a 利用登録 application (本籍, 筆頭者), from the kiosk for the 本籍地 city's application key
  (``envelope_application`` / ``open_application``);
* the applicant's name and birth date, from the residence city for the same key
  (``envelope_applicant`` / ``open_applicant``).

The last three are bound to the card they are about by a hash of the card serial in ``info``
(never the serial itself), so an envelope made for one card cannot be replayed for another.
A value that does not open is ``ProtocolViolation`` (``order.mismatch`` for a document,
``protocol.envelope`` for the others).
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from kofu.protocol.errors import ProtocolViolation
from kofu.protocol.header import DocumentHeader, HeaderSigner, order_binding
from kofu.protocol.kiosk_center import Menu

_SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_128_GCM)
_INFO = b"kofu/document/v1:"
_LEN = struct.Struct(">I")


@dataclass(frozen=True)
class OpenedDocument:
    """What a document envelope held: the header (as signed, and parsed), its signature, the PDF."""

    header: DocumentHeader
    raw_header: bytes
    signature: bytes
    pdf: bytes


def envelope_document(
    header: DocumentHeader, pdf: bytes, kiosk_public_key: bytes, signer: HeaderSigner
) -> bytes:
    """The signed header and the PDF in an envelope for the kiosk's key, bound to the order id."""
    public_key = X25519PublicKey.from_public_bytes(kiosk_public_key)
    head = header.to_bytes()
    signature = signer.sign(header)
    plaintext = _LEN.pack(len(head)) + head + _LEN.pack(len(signature)) + signature + pdf
    return _SUITE.encrypt(plaintext, public_key, info=_INFO + header.order_id.encode())


def open_document(envelope: bytes, private_key: X25519PrivateKey, order_id: str) -> OpenedDocument:
    """Open a document envelope of this order; raise ProtocolViolation if it is not one. The
    header's signature is returned, not checked: the kiosk checks it against the trust list."""
    try:
        plaintext = _SUITE.decrypt(envelope, private_key, info=_INFO + order_id.encode())
    except (InvalidTag, ValueError) as exc:
        raise ProtocolViolation("order.mismatch", "envelope does not open for this order") from exc
    head, rest = _take(plaintext)
    signature, pdf = _take(rest)
    header = DocumentHeader.from_bytes(head)
    if hashlib.sha256(pdf).hexdigest() != header.pdf_sha256:
        raise ProtocolViolation("order.mismatch", "document does not match its header")
    return OpenedDocument(header, head, signature, pdf)


def _take(data: bytes) -> tuple[bytes, bytes]:
    if len(data) < _LEN.size:
        raise ProtocolViolation("order.mismatch", "envelope too short")
    (length,) = _LEN.unpack_from(data)
    if len(data) < _LEN.size + length:
        raise ProtocolViolation("order.mismatch", "envelope too short")
    return data[_LEN.size : _LEN.size + length], data[_LEN.size + length :]


def _info(purpose: str, city_code: str, card_serial: str) -> bytes:
    card = hashlib.sha256(f"kofu/card/v1:{card_serial.upper()}".encode()).hexdigest()
    return f"kofu/{purpose}/v1:{city_code}:{card}".encode()


def _close(value: Any, public_key: bytes, info: bytes) -> bytes:
    plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return _SUITE.encrypt(plaintext, X25519PublicKey.from_public_bytes(public_key), info=info)


def _open(ciphertext: bytes, private_key: X25519PrivateKey, info: bytes) -> Any:
    try:
        return json.loads(_SUITE.decrypt(ciphertext, private_key, info=info))
    except (InvalidTag, ValueError) as exc:
        raise ProtocolViolation("protocol.envelope", "envelope does not open here") from exc


def envelope_members(
    labels: dict[str, dict[str, str]], kiosk_key: bytes, city_code: str, card_serial: str
) -> bytes:
    """``{token: {"ja": label, "en": label}}`` in an envelope for the kiosk's menu key."""
    return _close(labels, kiosk_key, _info("members", city_code, card_serial))


def open_members(
    ciphertext: bytes, private_key: X25519PrivateKey, city_code: str, card_serial: str
) -> dict[str, dict[str, str]]:
    """Open what ``envelope_members`` made; raises ProtocolViolation ``protocol.envelope``."""
    value = _open(ciphertext, private_key, _info("members", city_code, card_serial))
    if not isinstance(value, dict):
        raise ProtocolViolation("protocol.envelope", "member labels are not a mapping")
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in value.items()}


def envelope_notices(
    entries: list[dict[str, str]], kiosk_key: bytes, city_code: str, card_serial: str
) -> bytes:
    """本人通知 entries (date, doc, title, store, city) in an envelope for the kiosk's key."""
    return _close({"entries": entries}, kiosk_key, _info("notices", city_code, card_serial))


def open_notices(
    ciphertext: bytes, private_key: X25519PrivateKey, city_code: str, card_serial: str
) -> list[dict[str, str]]:
    """Open what ``envelope_notices`` made; raises ProtocolViolation ``protocol.envelope``."""
    value = _open(ciphertext, private_key, _info("notices", city_code, card_serial))
    entries = value.get("entries") if isinstance(value, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ProtocolViolation("protocol.envelope", "notices are not a list of entries")
    return [{str(k): str(v) for k, v in e.items()} for e in entries]


def envelope_application(
    honseki: str, hittosha: str, city_key: bytes, city_code: str, card_serial: str
) -> bytes:
    """A 利用登録 application (本籍, 筆頭者) in an envelope for the 本籍地 city's application key."""
    value = {"honseki": honseki, "hittosha": hittosha}
    return _close(value, city_key, _info("application", city_code, card_serial))


def open_application(
    ciphertext: bytes, private_key: X25519PrivateKey, city_code: str, card_serial: str
) -> tuple[str, str]:
    """Open an application: ``(honseki, hittosha)``; raises ProtocolViolation."""
    honseki, hittosha = _open_texts(
        ciphertext, private_key, "application", city_code, card_serial, "honseki", "hittosha"
    )
    return honseki, hittosha


def envelope_applicant(
    name: str, birth_date: str, city_key: bytes, city_code: str, card_serial: str
) -> bytes:
    """The card holder's name and birth date (ISO) in an envelope for the 本籍地 city ``city_code``."""
    value = {"name": name, "birth_date": birth_date}
    return _close(value, city_key, _info("applicant", city_code, card_serial))


def open_applicant(
    ciphertext: bytes, private_key: X25519PrivateKey, city_code: str, card_serial: str
) -> tuple[str, str]:
    """Open what ``envelope_applicant`` made: ``(name, birth_date_iso)``."""
    name, birth_date = _open_texts(
        ciphertext, private_key, "applicant", city_code, card_serial, "name", "birth_date"
    )
    return name, birth_date


def _open_texts(
    ciphertext: bytes,
    private_key: X25519PrivateKey,
    purpose: str,
    city_code: str,
    card_serial: str,
    *names: str,
) -> tuple[str, ...]:
    """The named fields of an envelope for ``purpose``, as text; ProtocolViolation if one is missing."""
    value = _open(ciphertext, private_key, _info(purpose, city_code, card_serial))
    try:
        return tuple(str(value[name]) for name in names)
    except (KeyError, TypeError) as exc:
        raise ProtocolViolation("protocol.envelope", f"{purpose} incomplete") from exc


def with_member_labels(menu: Menu, labels: dict[str, dict[str, str]]) -> Menu:
    """The menu with the names of ``labels`` in place of the placeholders of member choosers."""
    documents = []
    for offer in menu.documents:
        options = []
        for spec in offer.options:
            if spec.enveloped_labels:
                spec = spec.model_copy(
                    update={
                        "choice_labels_ja": [labels.get(c, {}).get("ja", c) for c in spec.choices],
                        "choice_labels_en": [labels.get(c, {}).get("en", c) for c in spec.choices],
                    }
                )
            options.append(spec)
        documents.append(offer.model_copy(update={"options": options}))
    return menu.model_copy(update={"documents": documents, "member_envelope": None})


__all__ = [
    "DocumentHeader",
    "OpenedDocument",
    "envelope_applicant",
    "envelope_application",
    "envelope_document",
    "envelope_members",
    "open_applicant",
    "open_application",
    "open_document",
    "open_members",
    "order_binding",
    "with_member_labels",
]
