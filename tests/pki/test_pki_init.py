"""init_pki creates the whole demo PKI once and is idempotent."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from kofu.pki import PkiError, PkiPaths, init_pki, load_crl, load_seal


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_init_creates_everything_and_is_idempotent(tmp_path: Path) -> None:
    paths = PkiPaths(tmp_path / "pki")
    init_pki(paths, cities=["131016", "271004"], kiosks=["K0001"])

    expected = [
        paths.jpki_ca_cert,
        paths.jpki_ca_key,
        paths.jpki_crl,
        paths.lgpki_ca_cert,
        paths.lgpki_ca_key,
        paths.network_ca_cert,
        paths.network_ca_key,
        paths.tls_cert("center", "center"),
        paths.tls_cert("kiosk", "K0001"),
    ]
    for city in ("131016", "271004"):
        expected += [paths.seal_cert(city), paths.seal_key(city)]
        for role in ("gateway", "issuer"):
            expected += [paths.tls_cert(role, city), paths.tls_key(role, city)]
    for path in expected:
        assert path.is_file(), path
    for key in paths.root.rglob("*.key"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key
    assert not list(paths.root.rglob("*.tmp"))

    jpki = x509.load_pem_x509_certificate(paths.jpki_ca_cert.read_bytes())
    assert isinstance(jpki.public_key(), rsa.RSAPublicKey)
    assert jpki.public_key().key_size == 2048  # type: ignore[union-attr]
    assert jpki.subject.rfc4514_string() == (
        "CN=kofu JPKI demo CA,OU=JPKI for user authentication,O=JPKI,C=JP"
    )
    assert jpki.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert len(load_crl(paths)) == 0

    seal_key, seal = load_seal(paths, "131016")
    assert isinstance(seal_key, ec.EllipticCurvePrivateKey)
    assert seal.subject.rfc4514_string() == "CN=131016 document seal,O=131016,C=JP"
    lgpki = x509.load_pem_x509_certificate(paths.lgpki_ca_cert.read_bytes())
    seal.verify_directly_issued_by(lgpki)

    before = _snapshot(paths.root)
    init_pki(paths, cities=["131016", "271004"], kiosks=["K0001"])
    assert _snapshot(paths.root) == before


def test_unsafe_names_rejected(tmp_path: Path) -> None:
    paths = PkiPaths(tmp_path)
    with pytest.raises(PkiError):
        paths.seal_cert("../etc")
    with pytest.raises(PkiError):
        paths.tls_cert("kiosk", "a/b")


def test_load_seal_missing(tmp_path: Path) -> None:
    with pytest.raises(PkiError, match="kofu pki init"):
        load_seal(PkiPaths(tmp_path), "131016")
