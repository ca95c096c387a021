"""What each kind of certificate may be used for (its KeyUsage extension)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from kofu.pki import PkiPaths, issue_card_certificate, load_or_create_jpki_ca
from kofu.pki.ca import KEY_USAGES, key_usage
from kofu.pki.errors import PkiError
from kofu.pki.jpki import issue_signing_certificate
from kofu.pki.seal import ensure_seal
from kofu.pki.tls import ensure_tls_identity

USES = [name for name in KEY_USAGES if name not in ("encipher_only", "decipher_only")]  # need key_agreement


def _uses(cert: x509.Certificate) -> set[str]:
    extension = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert extension.critical
    return {name for name in USES if getattr(extension.value, name)}


def test_each_certificate_kind_has_only_its_own_uses(tmp_path: Path) -> None:
    paths = PkiPaths(tmp_path / "pki")
    card = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    ensure_seal(paths, "132292")
    cert_path, _key = ensure_tls_identity(paths, "kiosk", "K0001")
    assert _uses(load_or_create_jpki_ca(paths).cert) == {"key_cert_sign", "crl_sign"}
    assert _uses(issue_card_certificate(paths, card)) == {"digital_signature"}
    assert _uses(issue_signing_certificate(paths, card)) == {"digital_signature", "content_commitment"}
    assert _uses(x509.load_pem_x509_certificate(paths.seal_cert("132292").read_bytes())) == {
        "digital_signature",
        "content_commitment",
    }
    assert _uses(x509.load_pem_x509_certificate(cert_path.read_bytes())) == {"digital_signature"}


def test_a_misspelt_use_is_refused() -> None:
    with pytest.raises(ValueError, match="not a key usage: key_signing"):
        key_usage(key_signing=True)
    usage = key_usage(crl_sign=True)
    assert usage.crl_sign and not usage.key_cert_sign
    with pytest.raises(ValueError):
        usage.encipher_only  # noqa: B018 - only defined with key_agreement


def test_a_key_file_is_parsed_once_and_read_anew_when_rewritten(tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec

    from kofu.pki._files import read_private_key, write_private_key

    path = tmp_path / "ca.key"
    first = ec.generate_private_key(ec.SECP256R1())
    write_private_key(path, first)
    read = read_private_key(path)
    assert read.private_numbers() == first.private_numbers()
    assert read_private_key(path) is read  # the same contents: the key already parsed
    second = ec.generate_private_key(ec.SECP256R1())
    write_private_key(path, second)  # a rotation rewrites the file
    assert read_private_key(path).private_numbers() == second.private_numbers()
    path.unlink()
    with pytest.raises(PkiError, match="not found"):
        read_private_key(path)
