"""Card certificates: issuing, validating, revoking, signature checks."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from kofu.pki import (
    PkiError,
    PkiPaths,
    issue_card_certificate,
    load_crl,
    load_jpki_ca,
    revoke_card_certificate,
    validate_card_certificate,
    verify_card_signature,
)

DER = serialization.Encoding.DER


@pytest.fixture(scope="module")
def card_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def paths(tmp_path: Path) -> PkiPaths:
    return PkiPaths(tmp_path / "pki")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_valid_certificate(paths: PkiPaths, card_key: rsa.RSAPrivateKey) -> None:
    cert = issue_card_certificate(paths, card_key.public_key())
    assert cert.serial_number >= 2**63
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == format(
        cert.serial_number, "X"
    )
    assert {a.oid for a in cert.subject} == {
        NameOID.COUNTRY_NAME,
        NameOID.ORGANIZATION_NAME,
        NameOID.COMMON_NAME,
    }
    status = validate_card_certificate(cert.public_bytes(DER), load_jpki_ca(paths), load_crl(paths), _now())
    assert status.ok and status.code is None
    assert status.serial == cert.serial_number and status.certificate == cert


def test_expired_and_not_yet_valid(paths: PkiPaths, card_key: rsa.RSAPrivateKey) -> None:
    now = _now()
    ca, crl = load_jpki_ca(paths), load_crl(paths)
    expired = issue_card_certificate(
        paths,
        card_key.public_key(),
        not_before=now - dt.timedelta(days=30),
        not_after=now - dt.timedelta(days=1),
    )
    future = issue_card_certificate(paths, card_key.public_key(), not_before=now + dt.timedelta(days=1))
    for cert in (expired, future):
        status = validate_card_certificate(cert.public_bytes(DER), ca, crl, now)
        assert not status.ok and status.code == "card.certificate.expired"
        assert status.serial == cert.serial_number


def test_wrong_ca(paths: PkiPaths, tmp_path: Path, card_key: rsa.RSAPrivateKey) -> None:
    other = PkiPaths(tmp_path / "other")
    cert = issue_card_certificate(other, card_key.public_key())
    status = validate_card_certificate(cert.public_bytes(DER), load_jpki_ca(paths), load_crl(paths), _now())
    assert status.code == "card.certificate.untrusted"


def test_revoked(paths: PkiPaths, card_key: rsa.RSAPrivateKey) -> None:
    cert = issue_card_certificate(paths, card_key.public_key())
    keep = issue_card_certificate(paths, card_key.public_key())
    ca = load_jpki_ca(paths)
    revoke_card_certificate(paths, cert.serial_number)
    revoke_card_certificate(paths, cert.serial_number)  # idempotent
    crl = load_crl(paths)
    assert len(crl) == 1
    entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    assert entry is not None
    assert (
        entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
        is x509.ReasonFlags.key_compromise
    )
    assert crl.is_signature_valid(ca.public_key())  # type: ignore[arg-type]
    status = validate_card_certificate(cert.public_bytes(DER), ca, crl, _now())
    assert status.code == "card.certificate.revoked"
    assert validate_card_certificate(keep.public_bytes(DER), ca, crl, _now()).ok


def test_crl_from_other_ca(paths: PkiPaths, tmp_path: Path, card_key: rsa.RSAPrivateKey) -> None:
    cert = issue_card_certificate(paths, card_key.public_key())
    foreign_crl = load_crl(PkiPaths(tmp_path / "other"))
    status = validate_card_certificate(cert.public_bytes(DER), load_jpki_ca(paths), foreign_crl, _now())
    assert status.code == "card.certificate.crl_invalid"


@pytest.mark.parametrize("blob", [b"", b"\x30\x03junk", b"not a certificate" * 10])
def test_malformed(paths: PkiPaths, blob: bytes) -> None:
    status = validate_card_certificate(blob, load_jpki_ca(paths), load_crl(paths), _now())
    assert status.code == "card.certificate.malformed" and status.serial is None


def _revoke(root: str, serial: int) -> None:
    revoke_card_certificate(PkiPaths(Path(root)), serial, reason="cessation_of_operation")


def test_concurrent_revocations(paths: PkiPaths) -> None:
    load_crl(paths)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_revoke, args=(str(paths.root), 1000 + i)) for i in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    crl = load_crl(paths)
    assert sorted(r.serial_number for r in crl) == [1000, 1001, 1002, 1003]


def test_unknown_reason(paths: PkiPaths) -> None:
    with pytest.raises(PkiError, match="reason"):
        revoke_card_certificate(paths, 12345, reason="bored")


def test_card_signature(paths: PkiPaths, card_key: rsa.RSAPrivateKey) -> None:
    cert = issue_card_certificate(paths, card_key.public_key())
    data = b"challenge-nonce-0123456789"
    signature = card_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    assert verify_card_signature(cert, data, signature)
    flipped = bytes([signature[0] ^ 0x01]) + signature[1:]
    assert not verify_card_signature(cert, data, flipped)
    assert not verify_card_signature(cert, data + b"x", signature)
    assert not verify_card_signature(cert, data, b"short")
