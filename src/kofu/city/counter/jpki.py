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
from cryptography.x509.oid import NameOID

from kofu.pki.ca import load_or_create_jpki_ca, utcnow
from kofu.pki.jpki import CARD_VALIDITY, issue_card_certificate, load_jpki_ca, revoke_card_certificate
from kofu.pki.paths import PkiPaths


def ca_der(paths: PkiPaths) -> bytes:
    """The JPKI CA certificate (DER), as written into EF 000B / 0002 of each card."""
    return load_jpki_ca(paths).public_bytes(Encoding.DER)


def auth_certificate(
    paths: PkiPaths, key: rsa.RSAPublicKey, not_before: dt.datetime | None, not_after: dt.datetime | None
) -> x509.Certificate:
    """The user-authentication certificate for a card's auth key."""
    return issue_card_certificate(paths, key, not_before=not_before, not_after=not_after)


def signing_certificate(
    paths: PkiPaths, key: rsa.RSAPublicKey, not_before: dt.datetime | None, not_after: dt.datetime | None
) -> x509.Certificate:
    """The signing certificate (non-repudiation) for a card's signing key."""
    authority = load_or_create_jpki_ca(paths)
    start = not_before or utcnow() - dt.timedelta(minutes=5)
    end = not_after or start + CARD_VALIDITY
    serial = x509.random_serial_number()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, format(serial, "X")),
        ]
    )
    builder = authority.leaf_builder(subject, key, start, end, serial).add_extension(
        x509.KeyUsage(
            digital_signature=True,
            content_commitment=True,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        ),
        critical=True,
    )
    return authority.sign(builder)


def revoke(paths: PkiPaths, serial_hex: str, reason: str = "key_compromise") -> None:
    """Put a certificate on the JPKI CRL (the centre reloads the CRL file when it changes)."""
    revoke_card_certificate(paths, int(serial_hex, 16), reason)
