"""A PKI for the issuer's unit tests (the cities' seal and issuer keys), made once, on first use."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from kofu.pki.init import init_pki
from kofu.pki.paths import PkiPaths


class _TestPki:
    @functools.cached_property
    def paths(self) -> PkiPaths:
        paths = PkiPaths(Path(tempfile.mkdtemp(prefix="kofu-issuer-pki-")))
        init_pki(paths, cities=["132292", "132110"], kiosks=["K0001"])
        return paths


PKI = _TestPki()
