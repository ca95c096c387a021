"""A verifier's copy of the centre's signed trust list (:mod:`kofu.pki.trust`), kept on disk.

The kiosk and `kofu verify` read the list from the centre's public address through a
`TrustCache`; the signature is checked on every load, so a copy on disk is only a copy.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509

from kofu.files import write_atomic
from kofu.pki.trust import TrustList, TrustListError, load_trust_list


@dataclass
class TrustCache:
    """A verifier's copy of the trust list: fetched from the centre's public address, kept on disk.

    The signature is checked against ``anchor`` on every load, cached or fresh. Without an
    anchor, the signer of the first list loaded is pinned from then on (trust on first use, so
    fetch that first list over an authenticated channel). When the centre cannot be reached, a
    cached list is used (offline verification) and ``stale`` says so.
    """

    url: str
    cache_file: Path | None
    anchor: x509.Certificate | None
    verify: Any = True  # httpx ``verify``: an SSLContext, a CA bundle path, or True
    max_age: float = 300.0
    fetcher: Callable[[str], bytes] | None = field(default=None, repr=False)
    stale: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _memory: TrustList | None = field(default=None, repr=False)
    _fetched_at: float = field(default=0.0, repr=False)

    def get(self, refresh: bool = False) -> TrustList:
        """The trust list, refetched when older than ``max_age`` or when ``refresh`` is set."""
        with self._lock:
            fresh = time.monotonic() - self._fetched_at < self.max_age
            if self._memory is not None and fresh and not refresh:
                return self._memory
            try:
                blob = self._fetch()
            except TrustListError:
                raise
            except Exception as exc:  # offline: fall back to the cached copy
                if self._memory is not None:
                    self.stale = True
                    return self._memory
                if self.cache_file is None or not self.cache_file.exists():
                    raise TrustListError(f"trust list unavailable from {self.url}: {exc}") from exc
                self.stale = True
                self._memory = self._pin(load_trust_list(self.cache_file.read_bytes(), self.anchor))
                return self._memory
            self._memory = self._pin(load_trust_list(blob, self.anchor))
            if self.cache_file is not None:
                write_atomic(self.cache_file, blob)
            self._fetched_at, self.stale = time.monotonic(), False
            return self._memory

    def _pin(self, trust: TrustList) -> TrustList:
        if self.anchor is None:
            self.anchor = trust.signer
        return trust

    def _fetch(self) -> bytes:
        import httpx

        if self.fetcher is not None:
            return self.fetcher(self.url)

        response = httpx.get(self.url, verify=self.verify, timeout=10.0)
        response.raise_for_status()
        return response.content
