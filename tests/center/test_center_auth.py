"""Card authentication at the centre: challenges, signatures, revocation, session tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from kofu.center.auth import (
    CardSession,
    CardVerifier,
    SessionSealer,
    card_ref,
    consume_challenge,
    issue_challenge,
)
from kofu.pki.jpki import issue_card_certificate, revoke_card_certificate
from kofu.protocol.errors import AuthFailed

NOW = datetime.now(UTC)


def _sign(key, data: bytes) -> bytes:  # type: ignore[no-untyped-def]
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def test_challenge_is_one_time_and_bound_to_its_kiosk(db) -> None:  # type: ignore[no-untyped-def]
    row = issue_challenge(db, "K0001", NOW)
    with pytest.raises(AuthFailed) as other:
        consume_challenge(db, row.session_id, "K0002", NOW)
    assert other.value.code == "session.invalid"
    assert consume_challenge(db, row.session_id, "K0001", NOW) == bytes.fromhex(row.challenge)
    with pytest.raises(AuthFailed) as replay:
        consume_challenge(db, row.session_id, "K0001", NOW)
    assert replay.value.code == "session.replayed"


def test_expired_challenge_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    row = issue_challenge(db, "K0001", NOW - timedelta(hours=1))
    with pytest.raises(AuthFailed) as exc:
        consume_challenge(db, row.session_id, "K0001", NOW)
    assert exc.value.code == "session.invalid"


def test_genuine_card_signature_gives_the_serial(pki, card_key) -> None:  # type: ignore[no-untyped-def]
    cert = issue_card_certificate(pki, card_key.public_key())
    from cryptography.hazmat.primitives.serialization import Encoding

    der = cert.public_bytes(Encoding.DER)
    verifier = CardVerifier(pki)
    challenge = b"c" * 32
    now = datetime.now(UTC)
    assert verifier.verify(der, challenge, _sign(card_key, challenge), now) == format(cert.serial_number, "X")
    with pytest.raises(AuthFailed) as forged:
        verifier.verify(der, challenge, _sign(card_key, b"another challenge"), now)
    assert forged.value.code == "card.signature.invalid"


def test_revoked_card_is_refused_as_soon_as_the_crl_changes(pki, card_key) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.serialization import Encoding

    cert = issue_card_certificate(pki, card_key.public_key())
    der = cert.public_bytes(Encoding.DER)
    verifier = CardVerifier(pki)
    verifier.verify(der, b"x", _sign(card_key, b"x"), datetime.now(UTC))
    revoke_card_certificate(pki, cert.serial_number)
    with pytest.raises(AuthFailed) as exc:
        verifier.verify(der, b"y", _sign(card_key, b"y"), datetime.now(UTC))
    assert exc.value.code == "card.certificate.revoked"


def test_expired_and_garbage_certificates(pki, card_key) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.serialization import Encoding

    old = issue_card_certificate(
        pki, card_key.public_key(), not_before=NOW - timedelta(days=800), not_after=NOW - timedelta(days=1)
    )
    verifier = CardVerifier(pki)
    with pytest.raises(AuthFailed) as expired:
        verifier.verify(old.public_bytes(Encoding.DER), b"x", _sign(card_key, b"x"), NOW)
    assert expired.value.code == "card.certificate.expired"
    with pytest.raises(AuthFailed) as garbage:
        verifier.verify(b"not a certificate", b"x", b"sig", NOW)
    assert garbage.value.code == "card.certificate.malformed"


def test_session_token_is_sealed_bound_and_expires(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sealer = SessionSealer.from_file(tmp_path / "session.key")
    session = CardSession(
        "s1", "K0001", "0A1B", (("132292", "residence"),), (NOW + timedelta(minutes=5)).timestamp()
    )
    token = sealer.seal(session)
    assert "0A1B" not in token and "0a1b" not in token
    assert sealer.open(token, "K0001", NOW) == session
    with pytest.raises(AuthFailed):
        sealer.open(token, "K0002", NOW)
    with pytest.raises(AuthFailed):
        sealer.open(token, "K0001", NOW + timedelta(minutes=10))
    tampered = token[:-2] + ("00" if token[-2:] != "00" else "11")
    with pytest.raises(AuthFailed):
        sealer.open(tampered, "K0001", NOW)
    # Every replica loads the same key from the same file.
    assert SessionSealer.from_file(tmp_path / "session.key").open(token, "K0001", NOW) == session


def test_card_ref_is_stable_and_not_the_serial() -> None:
    assert card_ref("0a1b") == card_ref("0A1B")
    assert "0A1B" not in card_ref("0A1B")
