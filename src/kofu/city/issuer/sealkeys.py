"""The city's seal key in the issuer: read once per process, again only when its files change."""

from __future__ import annotations

import threading
import time
from typing import Any

from kofu.documents.issue import SealKey
from kofu.pki.errors import PkiError
from kofu.pki.paths import PkiPaths
from kofu.pki.seal import load_seal
from kofu.pki.trust import seal_kid
from kofu.protocol.header import HeaderSigner


class _SealKeys:
    """Each city's seal key and certificate, read once and again only after the files change.

    A rotation swaps the key and certificate files; a read that lands in between (a key that
    does not match its certificate) retries. The files' identity (inode, size, mtime) is checked
    on every use, so a rotated key signs the very next document.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = {}

    def get(self, paths: PkiPaths, city: str) -> tuple[Any, Any]:
        where = (str(paths.seal_key(city)), str(paths.seal_cert(city)))
        stamp = _stamp(paths, city)
        with self._lock:
            found = self._loaded.get(where)
        if found is not None and found[0] == stamp:
            return found[1]  # type: ignore[no-any-return]
        for attempt in range(5):
            try:
                loaded = load_seal(paths, city)
                break
            except PkiError:
                if attempt == 4:
                    raise
                time.sleep(0.05)
                stamp = _stamp(paths, city)
        with self._lock:
            self._loaded[where] = (stamp, loaded)
        return loaded


def _stamp(paths: PkiPaths, city: str) -> tuple[Any, ...]:
    stamp: tuple[Any, ...] = ()
    for path in (paths.seal_key(city), paths.seal_cert(city)):
        try:
            st = path.stat()
            stamp += (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError:
            stamp += (None,)
    return stamp


SEAL_KEYS = _SealKeys()


def seal_key(pki: PkiPaths, city_code: str) -> SealKey:
    """The city's seal key and certificate (raises :class:`PkiError` if unusable)."""
    key, cert = SEAL_KEYS.get(pki, city_code)
    return SealKey(city_code, key, cert)


def header_signer(pki: PkiPaths, city_code: str) -> HeaderSigner:
    """The city's seal key as the signer of document headers (``kofu.protocol.header``)."""
    key, cert = SEAL_KEYS.get(pki, city_code)
    return HeaderSigner(seal_kid(cert), key)
