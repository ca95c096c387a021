"""A throw-away PKI for seal tests: LGPKI CA, one city's seal key, the trust-list signer."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from kofu import clock
from kofu.documents.issue import SealKey, seal_document
from kofu.documents.render import render_document
from kofu.pki.ca import load_or_create_lgpki_ca
from kofu.pki.paths import PkiPaths
from kofu.pki.seal import ensure_seal, load_seal
from kofu.pki.trust import TrustList, TrustPublisher, ensure_trust_signer

CITY = "132292"
CITY_NAME = "西東京市"
BINDING = "5e" * 32
T = TypeVar("T")


def issued_today(data: T) -> T:
    """``data`` dated today in Japan, as the issuer dates what it seals.

    The samples carry a fixed date for their golden text; a seal key made by this test run is
    valid only from today, and a document dated before its key is rightly refused.
    """
    return replace(data, issue_date=clock.today())  # type: ignore[type-var]


@dataclass
class SealPki:
    paths: PkiPaths

    @classmethod
    def create(cls, root: Path) -> SealPki:
        paths = PkiPaths(root)
        load_or_create_lgpki_ca(paths)
        ensure_seal(paths, CITY)
        ensure_trust_signer(paths)
        return cls(paths)

    @property
    def publisher(self) -> TrustPublisher:
        return TrustPublisher(self.paths, {CITY: CITY_NAME})

    def trust(self) -> TrustList:
        return self.publisher.trust_list()

    def seal(self, pdf: bytes, data: object, doc: str = "juminhyo", issue_number: str = "00012345") -> bytes:
        """``pdf`` (``data`` rendered as ``doc``) sealed as the issuer seals it."""
        rendered = render_document(doc, data)  # type: ignore[arg-type]
        assert rendered.pdf == pdf, "seal() takes the document rendered from its data"
        key, cert = load_seal(self.paths, CITY)
        sealed, _code = seal_document(
            pdf,
            data,  # type: ignore[arg-type]
            pages=rendered.pages,
            seal=SealKey(CITY, key, cert),
            doc=doc,
            issue_number=issue_number,
            binding=BINDING,
        )
        return sealed


def png_of(pdf: bytes, page: int = 1, dpi: int = 200) -> bytes:
    """Page ``page`` of ``pdf`` as a PNG, the way a reader would render it (pdftoppm)."""
    done = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return done.stdout
