"""TLS identities from the network CA, mutual-TLS 1.3 contexts, and peer identification.

Every TLS certificate has subject ``O=kofu network, OU=<role>, CN=<ident>``; a peer is
identified by (role, ident) after the handshake has verified the chain.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kofu.pki._files import file_lock, write_certificate, write_private_key
from kofu.pki.ca import key_usage, load_or_create_network_ca, valid_from
from kofu.pki.errors import PeerRejected, PkiError
from kofu.pki.paths import PkiPaths

ROLES = frozenset({"center", "gateway", "issuer", "kiosk"})
TLS_VALIDITY = dt.timedelta(days=2 * 365)


@dataclass(frozen=True)
class Peer:
    """Who is at the other end of a TLS link."""

    role: str
    ident: str


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise PkiError(f"unknown TLS role {role!r}; expected one of {sorted(ROLES)}")


def ensure_tls_identity(paths: PkiPaths, role: str, ident: str) -> tuple[Path, Path]:
    """Create the TLS certificate and key of ``role``/``ident`` if missing; return (cert, key) paths."""
    _check_role(role)
    cert_path, key_path = paths.tls_cert(role, ident), paths.tls_key(role, ident)
    if cert_path.exists():
        return cert_path, key_path
    authority = load_or_create_network_ca(paths)
    with file_lock(cert_path.with_suffix(".lock")):
        if cert_path.exists():
            return cert_path, key_path
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kofu network"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role),
                x509.NameAttribute(NameOID.COMMON_NAME, ident),
            ]
        )
        start = valid_from()
        builder = (
            authority.leaf_builder(subject, key.public_key(), start, start + TLS_VALIDITY)
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .add_extension(
                key_usage(digital_signature=True),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                critical=False,
            )
        )
        write_private_key(key_path, key)
        write_certificate(cert_path, authority.sign(builder))  # last: its presence means complete
    return cert_path, key_path


def _configure(ctx: ssl.SSLContext, paths: PkiPaths, role: str, ident: str) -> ssl.SSLContext:
    _check_role(role)
    cert_path, key_path = paths.tls_cert(role, ident), paths.tls_key(role, ident)
    for needed in (paths.network_ca_cert, cert_path, key_path):
        if not needed.exists():
            raise PkiError(f"missing {needed} (run `kofu pki init`)")
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cafile=str(paths.network_ca_cert))
    ctx.load_cert_chain(certfile=str(cert_path), keyfile=str(key_path))
    return ctx


def server_context(paths: PkiPaths, role: str, ident: str) -> ssl.SSLContext:
    """Server side of a mutual-TLS 1.3 link: requires a client certificate from the network CA."""
    return _configure(ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER), paths, role, ident)


def client_context(paths: PkiPaths, role: str, ident: str) -> ssl.SSLContext:
    """Client side of a mutual-TLS 1.3 link: trusts only the network CA, checks the host name."""
    ctx = _configure(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), paths, role, ident)
    ctx.check_hostname = True
    return ctx


def peer_identity(cert_der: bytes) -> Peer:
    """Read (role, ident) from the OU and CN of a DER certificate; raise :class:`PkiError` if absent."""
    try:
        cert = x509.load_der_x509_certificate(cert_der)
        ous = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
        cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError as exc:
        raise PkiError(f"peer certificate is not valid DER: {exc}") from exc
    if len(ous) != 1 or len(cns) != 1:
        raise PkiError("peer certificate subject must have exactly one OU (role) and one CN (identity)")
    role, ident = ous[0].value, cns[0].value
    if not isinstance(role, str) or not isinstance(ident, str) or not role or not ident:
        raise PkiError("peer certificate OU/CN are empty")
    return Peer(role, ident)


def require_peer(cert_der: bytes | None, role: str, ident: str | None = None) -> Peer:
    """Return the peer if its certificate is for ``role`` (and ``ident``, if given); else raise."""
    if not cert_der:
        raise PeerRejected("no peer certificate presented")
    try:
        peer = peer_identity(cert_der)
    except PkiError as exc:
        raise PeerRejected(str(exc)) from exc
    if peer.role != role:
        raise PeerRejected(f"peer role is {peer.role!r}, expected {role!r}")
    if ident is not None and peer.ident != ident:
        raise PeerRejected(f"peer {peer.role}/{peer.ident} is not {role}/{ident}")
    return peer
