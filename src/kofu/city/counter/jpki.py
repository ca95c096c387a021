"""What the city asks of the JPKI CA (run by J-LIS): certificates for a new card, revocation.

In kofu the CA's files sit under ``var/pki`` and these calls use :mod:`kofu.pki` directly; in
reality each is a request from the city's terminal to J-LIS. Card certificates carry no
personal data (subject ``C=JP, O=JPKI, CN=<serial>``), the signing one included.
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding

from kofu.pki.jpki import (
    issue_card_certificate,
    issue_signing_certificate,
    load_jpki_ca,
    revoke_card_certificate,
)
from kofu.pki.paths import PkiPaths


def ca_der(paths: PkiPaths) -> bytes:
    """The JPKI CA certificate (DER), as written into EF 000B / 0002 of each card."""
    return load_jpki_ca(paths).public_bytes(Encoding.DER)


def auth_certificate(
    paths: PkiPaths,
    key: rsa.RSAPublicKey,
    not_before: dt.datetime | None,
    not_after: dt.datetime | None,
    city: str,
) -> x509.Certificate:
    """The user-authentication certificate for a card's auth key, asked for by ``city``."""
    return issue_card_certificate(paths, key, city=city, not_before=not_before, not_after=not_after)


def signing_certificate(
    paths: PkiPaths, key: rsa.RSAPublicKey, not_before: dt.datetime | None, not_after: dt.datetime | None
) -> x509.Certificate:
    """The signing certificate (non-repudiation) for a card's signing key."""
    return issue_signing_certificate(paths, key, not_before=not_before, not_after=not_after)


def revoke(paths: PkiPaths, serial_hex: str, reason: str = "key_compromise") -> None:
    """Put a certificate on the JPKI CRL (the centre reloads the CRL file when it changes)."""
    revoke_card_certificate(paths, int(serial_hex, 16), reason)
