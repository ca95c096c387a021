"""Card test fixtures: one RSA-2048 card key per test module, copied for each test."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kofu.card.applet import JpkiApplet
from kofu.card.attributes import CardAttributes, encode_attributes
from kofu.card.reader import EmulatedReader
from kofu.card.state import CardState
from kofu.card.store import CardStore

PIN = "1234"
SIGN_PIN = "KOFU2016"
TEXT_PIN = "5678"


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def issue_test_certificate(state: CardState) -> tuple[bytes, bytes]:
    """(auth certificate DER, CA DER) for the card's key, from a throw-away self-signed test CA."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(2035, 1, 1, tzinfo=datetime.UTC)
    ca_name = _name("kofu TEST CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"kofu TEST card {state.label}"))
        .issuer_name(ca_name)
        .public_key(state.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(ca_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER), ca.public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="module")
def module_state() -> CardState:
    """One generated card (PIN 1234) with a certificate, per test module: RSA keygen is slow."""
    attributes = encode_attributes(
        CardAttributes("試験\u3000太郎", "東京都小平市小川町一丁目1番1号", date(1980, 1, 2), "1")
    )
    state = CardState.generate(
        "test-card", PIN, sign_pin=SIGN_PIN, text_pin=TEXT_PIN, text_attributes=attributes
    )
    state.auth_cert_der, state.auth_ca_der = issue_test_certificate(state)
    return state


@pytest.fixture
def state(module_state: CardState) -> CardState:
    """A fresh copy of the module's card (3 tries, nothing verified)."""
    return dataclasses.replace(module_state)


@pytest.fixture
def applet(state: CardState) -> JpkiApplet:
    """An applet holding the test card."""
    return JpkiApplet(state)


@pytest.fixture
def reader(applet: JpkiApplet) -> Iterator[EmulatedReader]:
    """A connected emulated reader holding the test card."""
    reader = EmulatedReader(applet)
    reader.connect()
    yield reader
    reader.disconnect()


@pytest.fixture
def store(tmp_path: Path, state: CardState) -> CardStore:
    """A card store holding the test card."""
    store = CardStore(tmp_path / "cards")
    store.save(state)
    return store
