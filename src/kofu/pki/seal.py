"""Each city's document-seal key, certified by the LGPKI-like CA."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kofu.pki._files import (
    file_lock,
    read_certificate,
    read_private_key,
    write_certificate,
    write_private_key,
)
from kofu.pki.ca import key_usage, load_or_create_lgpki_ca, valid_from
from kofu.pki.errors import PkiError
from kofu.pki.paths import PkiPaths

SEAL_VALIDITY = dt.timedelta(days=5 * 365 + 1)


def ensure_seal(paths: PkiPaths, city: str) -> None:
    """Create the seal key and certificate of ``city`` if missing (ECDSA P-256, 5 years)."""
    cert_path, key_path = paths.seal_cert(city), paths.seal_key(city)
    if cert_path.exists():
        return
    authority = load_or_create_lgpki_ca(paths)
    with file_lock(cert_path.with_suffix(".lock")):
        if cert_path.exists():
            return
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, city),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{city} document seal"),
            ]
        )
        start = valid_from()
        builder = authority.leaf_builder(
            subject, key.public_key(), start, start + SEAL_VALIDITY
        ).add_extension(
            key_usage(digital_signature=True, content_commitment=True),
            critical=True,
        )
        write_private_key(key_path, key)
        write_certificate(cert_path, authority.sign(builder))


def load_seal(paths: PkiPaths, city: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """The seal private key and certificate of ``city``; raise :class:`PkiError` if missing."""
    cert = read_certificate(paths.seal_cert(city))
    key = read_private_key(paths.seal_key(city))
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise PkiError(f"seal key of {city} is not an EC key")
    if cert.public_key() != key.public_key():
        raise PkiError(f"seal key of {city} does not match its certificate")
    return key, cert
