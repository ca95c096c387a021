"""Locked, atomically written PEM material (private to :mod:`kofu.pki`)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from kofu.files import write_atomic
from kofu.pki.errors import PkiError

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@contextlib.contextmanager
def file_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive ``fcntl.flock`` on ``lock_path`` (created if missing)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def write_private_key(path: Path, key: PrivateKey) -> None:
    """Write an unencrypted PKCS#8 PEM private key with mode 0600."""
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_atomic(path, pem, 0o600)


def write_certificate(path: Path, cert: x509.Certificate) -> None:
    """Write a PEM certificate."""
    write_atomic(path, cert.public_bytes(serialization.Encoding.PEM))


def read_certificate(path: Path) -> x509.Certificate:
    """Read a PEM certificate, raising :class:`PkiError` if missing or invalid."""
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except FileNotFoundError as exc:
        raise PkiError(f"certificate not found: {path} (run `kofu pki init`)") from exc
    except ValueError as exc:
        raise PkiError(f"invalid certificate in {path}: {exc}") from exc


#: Keys read, by file contents: loading an RSA key checks it (~14 ms), and a CA's key signs many
#: certificates in one process (the seed's cards, the counter's). A file rewritten reads anew.
_KEYS: dict[bytes, PrivateKey] = {}
_KEYS_LOCK = threading.Lock()


def read_private_key(path: Path) -> PrivateKey:
    """Read an unencrypted PEM private key (RSA or EC)."""
    try:
        pem = path.read_bytes()
    except FileNotFoundError as exc:
        raise PkiError(f"private key not found: {path} (run `kofu pki init`)") from exc
    with _KEYS_LOCK:
        known = _KEYS.get(pem)
    if known is not None:
        return known
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise PkiError(f"invalid private key in {path}: {exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise PkiError(f"unsupported private key type in {path}: {type(key).__name__}")
    with _KEYS_LOCK:
        if len(_KEYS) >= 256:  # a process reads a handful of keys; never more than this many kept
            _KEYS.clear()
        _KEYS[pem] = key
    return key
