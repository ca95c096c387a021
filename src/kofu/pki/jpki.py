"""The JPKI CA's operations on card user-authentication certificates, and their validation.

Card certificates carry no personal data: the subject is ``C=JP, O=JPKI, CN=<serial hex>``.
Revocations are kept in ``revoked.json`` (the CA's own list) from which the CRL is regenerated.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kofu.files import write_atomic
from kofu.pki._files import file_lock
from kofu.pki.ca import Authority, key_usage, load_or_create_jpki_ca, utcnow, valid_from
from kofu.pki.errors import PkiError
from kofu.pki.paths import PkiPaths

CARD_VALIDITY = dt.timedelta(days=5 * 365 + 1)
CRL_VALIDITY = dt.timedelta(days=1)

MALFORMED = "card.certificate.malformed"
UNTRUSTED = "card.certificate.untrusted"
EXPIRED = "card.certificate.expired"
REVOKED = "card.certificate.revoked"
CRL_INVALID = "card.certificate.crl_invalid"


@dataclass(frozen=True)
class CardCertificateStatus:
    """Outcome of :func:`validate_card_certificate`; ``code`` is ``None`` when ``ok``."""

    ok: bool
    code: str | None
    serial: int | None
    certificate: x509.Certificate | None


def load_jpki_ca(paths: PkiPaths) -> x509.Certificate:
    """The JPKI CA certificate (the CA is created if missing)."""
    return load_or_create_jpki_ca(paths).cert


def issue_card_certificate(
    paths: PkiPaths,
    public_key: rsa.RSAPublicKey,
    *,
    city: str | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> x509.Certificate:
    """Issue a user-authentication certificate for a card's RSA key (default: 5 years from now).

    ``city``: the city whose counter asked for it. The CA records it (as J-LIS knows which city
    asked for each card), and the centre routes a new card only for that city.
    """
    certificate = _issue(paths, public_key, not_before, not_after, signing=False)
    if city is not None:
        record = paths.jpki_issued / format(certificate.serial_number, "X")
        write_atomic(record, city.encode())
    return certificate


def requesting_city(paths: PkiPaths, serial_hex: str) -> str | None:
    """The city that asked for the card certificate ``serial_hex`` (None: no record)."""
    if not serial_hex.isalnum():
        return None
    record = paths.jpki_issued / serial_hex.upper()
    return record.read_text().strip() if record.exists() else None


def issue_signing_certificate(
    paths: PkiPaths,
    public_key: rsa.RSAPublicKey,
    *,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> x509.Certificate:
    """Issue a signing (non-repudiation) certificate for a card's signing key."""
    return _issue(paths, public_key, not_before, not_after, signing=True)


def _issue(
    paths: PkiPaths,
    public_key: rsa.RSAPublicKey,
    not_before: dt.datetime | None,
    not_after: dt.datetime | None,
    *,
    signing: bool,
) -> x509.Certificate:
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise PkiError("card keys are RSA")
    authority = load_or_create_jpki_ca(paths)
    # Backdated a little so that a clock slightly behind the CA's still accepts a new card.
    start = not_before or valid_from()
    end = not_after or start + CARD_VALIDITY
    serial = x509.random_serial_number()
    # No personal data: the subject is the serial alone, for both kinds of card certificate.
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, format(serial, "X")),
        ]
    )
    usage = key_usage(digital_signature=True, content_commitment=signing)
    builder = authority.leaf_builder(subject, public_key, start, end, serial).add_extension(
        usage, critical=True
    )
    if not signing:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    return authority.sign(builder)


def _reason(name: str) -> x509.ReasonFlags:
    try:
        flag = x509.ReasonFlags[name]
    except KeyError:
        flag = None
    if flag is None or flag is x509.ReasonFlags.remove_from_crl:
        allowed = ", ".join(f.name for f in x509.ReasonFlags if f is not x509.ReasonFlags.remove_from_crl)
        raise PkiError(f"unknown revocation reason {name!r}; use one of: {allowed}")
    return flag


def _read_revoked(paths: PkiPaths) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(paths.jpki_revoked.read_text("utf-8"))
    except FileNotFoundError:
        return {"crl_number": 0, "revoked": []}
    except ValueError as exc:
        raise PkiError(f"invalid revocation list {paths.jpki_revoked}: {exc}") from exc
    return data


def _write_crl(
    paths: PkiPaths, authority: Authority, state: dict[str, Any]
) -> x509.CertificateRevocationList:
    """Bump the CRL number, sign a fresh CRL from ``state`` and write both files (caller holds lock)."""
    now = utcnow()
    state["crl_number"] = int(state.get("crl_number", 0)) + 1
    ski = authority.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.cert.subject)
        .last_update(now)
        .next_update(now + CRL_VALIDITY)
        .add_extension(x509.CRLNumber(state["crl_number"]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
    )
    for entry in state["revoked"]:
        revoked = (
            x509.RevokedCertificateBuilder()
            .serial_number(int(entry["serial"], 16))
            .revocation_date(dt.datetime.fromisoformat(entry["revoked_at"]))
        )
        reason = _reason(entry["reason"])
        if reason is not x509.ReasonFlags.unspecified:
            revoked = revoked.add_extension(x509.CRLReason(reason), critical=False)
        builder = builder.add_revoked_certificate(revoked.build())
    crl = builder.sign(authority.key, hashes.SHA256())
    write_atomic(paths.jpki_revoked, json.dumps(state, indent=2).encode("utf-8") + b"\n")
    write_atomic(paths.jpki_crl, crl.public_bytes(serialization.Encoding.PEM))
    return crl


def revoke_card_certificate(
    paths: PkiPaths, serial: int, reason: str = "key_compromise", when: dt.datetime | None = None
) -> None:
    """Add ``serial`` to the revocation list (idempotent) and regenerate the CRL, under a file lock."""
    flag = _reason(reason)
    revoked_at = (when or utcnow()).astimezone(dt.UTC).replace(microsecond=0)
    authority = load_or_create_jpki_ca(paths)
    with file_lock(paths.jpki_lock):
        state = _read_revoked(paths)
        key = format(serial, "X")
        if not any(entry["serial"] == key for entry in state["revoked"]):
            state["revoked"].append(
                {"serial": key, "revoked_at": revoked_at.isoformat(), "reason": flag.name}
            )
        _write_crl(paths, authority, state)


def load_crl(paths: PkiPaths) -> x509.CertificateRevocationList:
    """The current JPKI CRL; an empty signed one is created if missing, and it is re-signed if stale."""
    authority = load_or_create_jpki_ca(paths)
    crl = _read_crl(paths)
    if crl is not None and not _stale(crl):
        return crl
    with file_lock(paths.jpki_lock):
        crl = _read_crl(paths)
        if crl is not None and not _stale(crl):
            return crl
        return _write_crl(paths, authority, _read_revoked(paths))


def _read_crl(paths: PkiPaths) -> x509.CertificateRevocationList | None:
    try:
        return x509.load_pem_x509_crl(paths.jpki_crl.read_bytes())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise PkiError(f"invalid CRL in {paths.jpki_crl}: {exc}") from exc


def _stale(crl: x509.CertificateRevocationList) -> bool:
    return crl.next_update_utc is None or crl.next_update_utc <= utcnow()


def _status(code: str | None, cert: x509.Certificate | None = None) -> CardCertificateStatus:
    serial = cert.serial_number if cert is not None else None
    return CardCertificateStatus(code is None, code, serial, cert)


def validate_card_certificate(
    cert_der: bytes, ca: x509.Certificate, crl: x509.CertificateRevocationList, at: dt.datetime
) -> CardCertificateStatus:
    """Check a card certificate against the JPKI CA and CRL at time ``at``; never raises for bad input.

    Checks, in order: parses (malformed), issued and signed by ``ca`` (untrusted), within validity
    (expired), CRL signed by ``ca`` (crl_invalid), serial not in the CRL (revoked).
    """
    when = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    try:
        cert = x509.load_der_x509_certificate(cert_der)
        _ = cert.not_valid_before_utc, cert.not_valid_after_utc
        if not isinstance(cert.public_key(), rsa.RSAPublicKey):
            return _status(MALFORMED, cert)
    except (ValueError, TypeError):
        return _status(MALFORMED)
    try:
        if cert.issuer != ca.subject:
            return _status(UNTRUSTED, cert)
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return _status(UNTRUSTED, cert)
    if not cert.not_valid_before_utc <= when <= cert.not_valid_after_utc:
        return _status(EXPIRED, cert)
    try:
        crl_ok = crl.issuer == ca.subject and crl.is_signature_valid(ca.public_key())  # type: ignore[arg-type]
    except (ValueError, TypeError):
        crl_ok = False
    if not crl_ok:
        return _status(CRL_INVALID, cert)
    if crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None:
        return _status(REVOKED, cert)
    return _status(None, cert)


def verify_card_signature(cert: x509.Certificate, data: bytes, signature: bytes) -> bool:
    """True if ``signature`` is the card key's RSA PKCS#1 v1.5 SHA-256 signature over ``data``."""
    public_key = cert.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        return False
    try:
        public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
