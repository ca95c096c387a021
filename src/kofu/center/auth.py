"""Card authentication at the centre: one-time challenges, the card's proof, session tokens.

A challenge is issued to one kiosk and can be answered once, by that kiosk, before it expires.
The answer is checked against the JPKI CA and its CRL (reloaded when the file changes, so a
card reported lost is refused at once). The resulting session is a token sealed with the
centre's key (AES-GCM) and held by the kiosk: centre replicas need no shared session memory,
and the card serial inside it is never written anywhere by the centre.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from kofu.center.models import Challenge
from kofu.files import write_atomic
from kofu.pki.jpki import load_crl, load_jpki_ca, validate_card_certificate, verify_card_signature
from kofu.pki.paths import PkiPaths
from kofu.protocol.errors import AuthFailed

CHALLENGE_TTL = timedelta(minutes=5)
SESSION_TTL = timedelta(minutes=15)


def card_ref(serial_hex: str) -> str:
    """The centre's name for a card: a hash of its certificate serial, never the serial."""
    return hashlib.sha256(b"kofu/card-ref/v1:" + serial_hex.upper().encode()).hexdigest()


@dataclass(frozen=True)
class CardSession:
    """An authenticated card session, as sealed in the kiosk's token."""

    session_id: str
    kiosk_id: str
    card_serial: str
    cities: tuple[tuple[str, str], ...]
    expires_at: float

    def allows(self, city_code: str) -> bool:
        return any(code == city_code for code, _kind in self.cities)


class SessionSealer:
    """Seals and opens session tokens with the centre's key."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def from_file(cls, path: Path) -> SessionSealer:
        """Load the key, creating it on first use (shared by every centre replica)."""
        if not path.exists():  # the first replica to write wins; the others load its key
            write_atomic(path, AESGCM.generate_key(bit_length=256), 0o600, replace=False)
        return cls(path.read_bytes())

    def seal(self, session: CardSession) -> str:
        nonce = secrets.token_bytes(12)
        body = json.dumps(
            [session.session_id, session.kiosk_id, session.card_serial, session.cities, session.expires_at]
        ).encode()
        return (nonce + self._aead.encrypt(nonce, body, b"kofu/session/v1")).hex()

    def open(self, token: str, kiosk_id: str, now: datetime, *, allow_expired: bool = False) -> CardSession:
        """The session in a token, if it is genuine, this kiosk's and not expired (``allow_expired``:
        an expired one too, to recompute an order binding for a proof that came in late)."""
        try:
            raw = bytes.fromhex(token)
            body = self._aead.decrypt(raw[:12], raw[12:], b"kofu/session/v1")
            sid, kiosk, serial, cities, expires = json.loads(body)
        except (ValueError, InvalidTag, TypeError) as exc:
            raise AuthFailed("session.invalid", "session token not genuine") from exc
        session = CardSession(sid, kiosk, serial, tuple((c, k) for c, k in cities), float(expires))
        if session.kiosk_id != kiosk_id:
            raise AuthFailed("session.invalid", "session belongs to another kiosk")
        if session.expires_at < now.timestamp() and not allow_expired:
            raise AuthFailed("session.invalid", "session expired")
        return session


class CardVerifier:
    """Checks a card's certificate and signature; reloads the CRL when its file changes."""

    def __init__(self, pki: PkiPaths) -> None:
        self.pki = pki
        self._pki = pki
        self._ca = load_jpki_ca(pki)
        self._lock = threading.Lock()
        self._crl_mtime = self._crl_file_mtime()  # read before the CRL: a change after it reloads
        self._crl = load_crl(pki)

    def _crl_file_mtime(self) -> float:
        return self._pki.jpki_crl.stat().st_mtime if self._pki.jpki_crl.exists() else 0.0

    def _current_crl(self) -> x509.CertificateRevocationList:
        mtime = self._crl_file_mtime()
        with self._lock:
            if mtime != self._crl_mtime:
                self._crl = load_crl(self._pki)
                self._crl_mtime = mtime
            return self._crl

    def verify(self, certificate_der: bytes, challenge: bytes, signature: bytes, now: datetime) -> str:
        """The card's serial (upper-case hex) if certificate and signature hold; else AuthFailed."""
        status = validate_card_certificate(certificate_der, self._ca, self._current_crl(), now)
        if not status.ok or status.certificate is None or status.serial is None:
            raise AuthFailed(status.code or "card.certificate.malformed")
        if not verify_card_signature(status.certificate, challenge, signature):
            raise AuthFailed("card.signature.invalid")
        return format(status.serial, "X")


def issue_challenge(db: sessionmaker[Session], kiosk_id: str, now: datetime) -> Challenge:
    """A fresh one-time challenge for this kiosk."""
    row = Challenge(
        session_id=secrets.token_hex(16),
        kiosk_id=kiosk_id,
        challenge=secrets.token_hex(32),
        expires_at=now + CHALLENGE_TTL,
        used=False,
    )
    with db.begin() as session:
        session.add(row)
    return row


def consume_challenge(db: sessionmaker[Session], session_id: str, kiosk_id: str, now: datetime) -> bytes:
    """Take a challenge for its one use: it must be this kiosk's, unused and unexpired."""
    with db.begin() as session:
        row = session.get(Challenge, session_id)
        if row is None or row.kiosk_id != kiosk_id:
            raise AuthFailed("session.invalid", "unknown challenge")
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        if expires < now:
            raise AuthFailed("session.invalid", "challenge expired")
        result = session.execute(
            update(Challenge)
            .where(Challenge.session_id == session_id, Challenge.used.is_(False))
            .values(used=True)
        )
        taken = getattr(result, "rowcount", 0)
        if taken != 1:
            raise AuthFailed("session.replayed", "challenge already answered")
        return bytes.fromhex(row.challenge)


def session_expiry(now: datetime) -> float:
    return (now + SESSION_TTL).timestamp()
