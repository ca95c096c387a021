"""The sealed document: only this kiosk key, only this order id, only this content."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kofu.protocol.envelope import DocumentHeader, envelope_document, open_document, order_binding
from kofu.protocol.errors import ProtocolViolation

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
    header, pdf = open_document(envelope_document(_header(), PDF, public), key, "order-1")
    assert pdf == PDF and header == _header()


def test_another_order_id_does_not_open() -> None:
    key, public = _pair()
    with pytest.raises(ProtocolViolation) as exc:
        open_document(envelope_document(_header(), PDF, public), key, "order-2")
    assert exc.value.code == "order.mismatch"


def test_another_kiosk_key_does_not_open() -> None:
    _key, public = _pair()
    other, _ = _pair()
    with pytest.raises(ProtocolViolation):
        open_document(envelope_document(_header(), PDF, public), other, "order-1")


def test_tampered_ciphertext_is_refused() -> None:
    key, public = _pair()
    sealed = bytearray(envelope_document(_header(), PDF, public))
    sealed[-5] ^= 1
    with pytest.raises(ProtocolViolation):
        open_document(bytes(sealed), key, "order-1")


def test_document_that_does_not_match_its_header_is_refused() -> None:
    key, public = _pair()
    with pytest.raises(ProtocolViolation) as exc:
        open_document(envelope_document(_header(pdf=b"another document"), PDF, public), key, "order-1")
    assert "header" in exc.value.detail


def test_binding_depends_on_every_part_and_hides_the_serial() -> None:
    base = order_binding("o", "0A1B", "juminhyo", 1)
    assert base != order_binding("o2", "0A1B", "juminhyo", 1)
    assert base != order_binding("o", "0A1C", "juminhyo", 1)
    assert base != order_binding("o", "0A1B", "inkan", 1)
    assert base != order_binding("o", "0A1B", "juminhyo", 2)
    assert base == order_binding("o", "0a1b", "juminhyo", 1)
    assert "0A1B" not in base
