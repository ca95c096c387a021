"""Load-or-create the three certificate authorities (JPKI, LGPKI-like, network)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from kofu import clock
from kofu.pki._files import (
    PrivateKey,
    file_lock,
    read_certificate,
    read_private_key,
    write_certificate,
    write_private_key,
)
from kofu.pki.errors import PkiError
from kofu.pki.paths import PkiPaths

CA_VALIDITY = dt.timedelta(days=3653)
#: Certificates are valid from this long before they are made, so that a peer whose clock is a
#: little behind (another machine, or a process started under `faketime` a moment earlier)
#: accepts them at once. JPKI card certificates do the same.
CLOCK_SKEW = dt.timedelta(minutes=5)

JPKI_CA_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for user authentication"),
        x509.NameAttribute(NameOID.COMMON_NAME, "kofu JPKI demo CA"),
    ]
)
LGPKI_CA_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "LGPKI demo"),
        x509.NameAttribute(NameOID.COMMON_NAME, "kofu LGPKI demo CA"),
    ]
)
NETWORK_CA_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kofu network"),
        x509.NameAttribute(NameOID.COMMON_NAME, "kofu network CA"),
    ]
)


def utcnow() -> dt.datetime:
    """Current time (:func:`kofu.clock.now_utc`), timezone-aware UTC, whole seconds."""
    return clock.now_utc().replace(microsecond=0)


def valid_from() -> dt.datetime:
    """The notBefore of a certificate made now: :data:`CLOCK_SKEW` before the current time."""
    return utcnow() - CLOCK_SKEW


#: The nine bits of the KeyUsage extension (RFC 5280 §4.2.1.3), as ``x509.KeyUsage`` names them.
KEY_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)
_NO_KEY_USAGE = dict.fromkeys(KEY_USAGES, False)


def key_usage(**uses: bool) -> x509.KeyUsage:
    """The KeyUsage extension with only ``uses`` set, e.g. ``key_usage(digital_signature=True)``."""
    unknown = uses.keys() - _NO_KEY_USAGE.keys()
    if unknown:
        raise ValueError(f"not a key usage: {', '.join(sorted(unknown))}")
    return x509.KeyUsage(**{**_NO_KEY_USAGE, **uses})


@dataclass(frozen=True)
class Authority:
    """A certificate authority: its certificate and private key."""

    cert: x509.Certificate
    key: PrivateKey

    @classmethod
    def load(cls, cert_path: Path, key_path: Path) -> Authority:
        """Load a CA from PEM files; raise :class:`PkiError` if missing or mismatched."""
        cert = read_certificate(cert_path)
        key = read_private_key(key_path)
        if cert.public_key() != key.public_key():
            raise PkiError(f"key {key_path} does not match certificate {cert_path}")
        return cls(cert, key)

    def sign(self, builder: x509.CertificateBuilder) -> x509.Certificate:
        """Sign a certificate builder with this CA (SHA-256)."""
        return builder.sign(self.key, hashes.SHA256())

    def leaf_builder(
        self,
        subject: x509.Name,
        public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
        not_before: dt.datetime,
        not_after: dt.datetime,
        serial: int | None = None,
    ) -> x509.CertificateBuilder:
        """Start an end-entity certificate issued by this CA (random serial, SKI/AKI, CA:false)."""
        ski = self.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.cert.subject)
            .public_key(public_key)
            .serial_number(serial if serial is not None else x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
            )
        )


def create_ca(subject: x509.Name, key: PrivateKey, now: dt.datetime | None = None) -> Authority:
    """Create a self-signed CA certificate for ``key`` (10 years, keyCertSign+cRLSign)."""
    start = now or valid_from()
    public_key = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            key_usage(key_cert_sign=True, crl_sign=True),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False)
    )
    return Authority(builder.sign(key, hashes.SHA256()), key)


def load_or_create_ca(
    cert_path: Path, key_path: Path, subject: x509.Name, new_key: Callable[[], PrivateKey]
) -> Authority:
    """Load the CA at ``cert_path``/``key_path``, creating it (under a file lock) if missing."""
    if cert_path.exists():
        return Authority.load(cert_path, key_path)
    with file_lock(cert_path.with_suffix(".lock")):
        if cert_path.exists():
            return Authority.load(cert_path, key_path)
        authority = create_ca(subject, new_key())
        write_private_key(key_path, authority.key)
        write_certificate(cert_path, authority.cert)  # last: its presence means complete
        return authority


def _rsa2048() -> PrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _p256() -> PrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def load_or_create_jpki_ca(paths: PkiPaths) -> Authority:
    """The JPKI CA (RSA-2048), created if missing."""
    return load_or_create_ca(paths.jpki_ca_cert, paths.jpki_ca_key, JPKI_CA_SUBJECT, _rsa2048)


def load_or_create_lgpki_ca(paths: PkiPaths) -> Authority:
    """The LGPKI-like CA (ECDSA P-256) that certifies city document-seal keys, created if missing."""
    return load_or_create_ca(paths.lgpki_ca_cert, paths.lgpki_ca_key, LGPKI_CA_SUBJECT, _p256)


def load_or_create_network_ca(paths: PkiPaths) -> Authority:
    """The network CA (ECDSA P-256) behind every TLS certificate, created if missing."""
    return load_or_create_ca(paths.network_ca_cert, paths.network_ca_key, NETWORK_CA_SUBJECT, _p256)
