"""The issuer's two derived secrets: member tokens and the 利用登録 application key.

Both come from the issuer's own TLS private key (one file every issuer process of the city
already reads), through HKDF with a purpose label, so every process of the city derives the
same values without sharing state, and nothing new has to be stored or distributed.

* Member tokens: a menu offers household or register members as opaque tokens, an HMAC of
  (card, kind, record id). The centre relays tokens it cannot turn into people or ids; at
  order time the issuer recomputes the tokens of the people it may offer and matches.
* Application key: the X25519 key a kiosk seals a 利用登録 application to. The centre relays the
  public half (the kiosk trusts the centre's relay as it trusts its signed trust list).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kofu.pki.paths import PkiPaths

TOKEN_HEX = 16


def _derive(secret: bytes, purpose: str, city_code: str) -> bytes:
    info = f"kofu/issuer/{purpose}/v1:{city_code}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class IssuerKeys:
    """The derived secrets of one city's issuer."""

    city_code: str
    token_key: bytes = field(repr=False)
    application_key: X25519PrivateKey = field(repr=False)

    @classmethod
    def load(cls, city_code: str, pki: PkiPaths) -> IssuerKeys:
        """Derive from the city issuer's TLS private key in ``pki``."""
        secret = pki.tls_key("issuer", city_code).read_bytes()
        return cls(
            city_code,
            _derive(secret, "member-token", city_code),
            X25519PrivateKey.from_private_bytes(_derive(secret, "application-key", city_code)),
        )

    def token(self, card_serial: str, kind: str, record_id: int) -> str:
        """The opaque token of one person (kind ``h`` household, ``k`` register) for this card."""
        message = f"{card_serial.upper()}|{kind}|{record_id}".encode()
        return hmac.new(self.token_key, message, hashlib.sha256).hexdigest()[:TOKEN_HEX]

    @property
    def application_public_key(self) -> bytes:
        """The raw X25519 public key applicants seal to."""
        return self.application_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
