"""The document envelope: only this kiosk key, only this order id, only this content; and the
header inside, signed by the city, which a kiosk can show the centre as proof."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kofu.protocol.envelope import DocumentHeader, envelope_document, open_document, order_binding
from kofu.protocol.errors import ProtocolViolation
from kofu.protocol.header import HeaderSigner, verify_header

SIGNER = HeaderSigner(b"kid-0001", ec.generate_private_key(ec.SECP256R1()))


def _keys(city: str, kid: bytes) -> ec.EllipticCurvePublicKey | None:
    return SIGNER.key.public_key() if (city, kid) == ("132292", SIGNER.kid) else None


PDF = b"%PDF-1.4 stand-in document bytes"


def _pair() -> tuple[X25519PrivateKey, bytes]:
    key = X25519PrivateKey.generate()
    return key, key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _header(order_id: str = "order-1", pdf: bytes = PDF) -> DocumentHeader:
    return DocumentHeader(
        order_id=order_id,
        city_code="132292",
        doc="juminhyo",
        copies=1,
        pages=1,
        issue_number="2026-000001",
        binding=order_binding(order_id, "0A1B", "juminhyo", 1),
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )


def test_round_trip() -> None:
    key, public = _pair()
    opened = open_document(envelope_document(_header(), PDF, public, SIGNER), key, "order-1")
    assert opened.pdf == PDF and opened.header == _header()
    assert verify_header(opened.raw_header, opened.signature, _keys) == _header()


def test_a_header_signed_by_another_key_or_changed_does_not_verify() -> None:
    key, public = _pair()
    opened = open_document(envelope_document(_header(), PDF, public, SIGNER), key, "order-1")
    other = HeaderSigner(SIGNER.kid, ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(ProtocolViolation):
        verify_header(opened.raw_header, other.sign(_header()), _keys)
    changed = opened.raw_header.replace(b'"copies":1', b'"copies":2')
    with pytest.raises(ProtocolViolation):
        verify_header(changed, opened.signature, _keys)
    with pytest.raises(ProtocolViolation):  # a kid the trust list does not list for that city
        verify_header(opened.raw_header, b"unknown!" + opened.signature[8:], _keys)


def test_another_order_id_does_not_open() -> None:
    key, public = _pair()
    with pytest.raises(ProtocolViolation) as exc:
        open_document(envelope_document(_header(), PDF, public, SIGNER), key, "order-2")
    assert exc.value.code == "order.mismatch"


def test_another_kiosk_key_does_not_open() -> None:
    _key, public = _pair()
    other, _ = _pair()
    with pytest.raises(ProtocolViolation):
        open_document(envelope_document(_header(), PDF, public, SIGNER), other, "order-1")


def test_tampered_ciphertext_is_refused() -> None:
    key, public = _pair()
    sealed = bytearray(envelope_document(_header(), PDF, public, SIGNER))
    sealed[-5] ^= 1
    with pytest.raises(ProtocolViolation):
        open_document(bytes(sealed), key, "order-1")


def test_document_that_does_not_match_its_header_is_refused() -> None:
    key, public = _pair()
    with pytest.raises(ProtocolViolation) as exc:
        open_document(
            envelope_document(_header(pdf=b"another document"), PDF, public, SIGNER), key, "order-1"
        )
    assert "header" in exc.value.detail


def test_binding_depends_on_every_part_and_hides_the_serial() -> None:
    base = order_binding("o", "0A1B", "juminhyo", 1)
    assert base != order_binding("o2", "0A1B", "juminhyo", 1)
    assert base != order_binding("o", "0A1C", "juminhyo", 1)
    assert base != order_binding("o", "0A1B", "inkan", 1)
    assert base != order_binding("o", "0A1B", "juminhyo", 2)
    assert base == order_binding("o", "0a1b", "juminhyo", 1)
    assert "0A1B" not in base
