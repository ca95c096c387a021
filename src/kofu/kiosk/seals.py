"""The kiosk's seal check before printing, and the paper layers it prints.

The trust list comes from the centre's public address (the centre's port + 9) through the
kiosk's own TLS client, which trusts only the network CA and checks the host name; its signer
is pinned on first load (or given explicitly as ``anchor``). Each page of the document must
carry the same seal code, signed by a listed, unrevoked key of the ordering city, for this
order (binding), type, issue number and page count, and the PDF must be, object for object,
what the city sealed (:mod:`kofu.sealcode.pdfcheck`). The backs it prints carry each page's
signed content and the verification address from the centre's signed trust list.
"""

from __future__ import annotations

from typing import Any

import httpx
from cryptography import x509

from kofu.config import PUBLIC_PORT_OFFSET
from kofu.documents.sheets import print_sheets
from kofu.pki.trust import TrustList, TrustListError
from kofu.pki.trust_cache import TrustCache
from kofu.protocol.errors import LinkFailed, ProtocolViolation
from kofu.sealcode.errors import DocumentError
from kofu.sealcode.pdfium import open_pdf, page_image
from kofu.sealcode.qr import READBACK_DPI, decode_image, qr_crop
from kofu.sealcode.verify import Status, verify_code


class KioskSeals:
    """Trust list cache and seal check of one kiosk (shared by all its visits; holds no personal data)."""

    def __init__(self, client: httpx.Client, public_url: str, anchor: x509.Certificate | None = None) -> None:
        self.public_url = public_url.rstrip("/")
        self.cache = TrustCache(
            url=f"{self.public_url}/trust-list", cache_file=None, anchor=anchor, fetcher=self._get
        )
        self._client = client

    @classmethod
    def for_center(cls, center: Any) -> KioskSeals:
        """The seal check for a kiosk talking to ``centre`` (a CentreLink): public port = port + 9."""
        client: httpx.Client = center.client
        base = client.base_url
        port = (base.port or 443) + PUBLIC_PORT_OFFSET
        return cls(client, str(base.copy_with(port=port, path="/")))

    def _get(self, url: str) -> bytes:
        response = self._client.get(url)  # absolute URL: same TLS context, another port
        response.raise_for_status()
        return response.content

    def trust_list(self, refresh: bool = False) -> TrustList:
        """The trust list; raise LinkFailed when there is none to check documents against."""
        try:
            return self.cache.get(refresh)
        except TrustListError as exc:
            raise LinkFailed("link.unavailable", "trust list unavailable") from exc

    def header_key(self, city: str, kid: bytes) -> Any:
        """The public seal key ``kid`` of ``city`` from the trust list (None: not that city's)."""
        return self.trust_list().seal_key(city, kid)

    def check(self, pdf: bytes, *, city: str, doc: str, issue_number: str, binding: str, pages: int) -> str:
        """The document's seal code if everything matches; else raise ``order.mismatch``."""
        # The list is fetched before the PDF is opened: an opened PDF holds pdfium's one lock
        # (kofu.sealcode.pdfium), which a wait on the network must not hold too.
        trusted = self.trust_list()
        try:
            with open_pdf(pdf) as document:  # each page parsed once: for its code and its text
                codes = {
                    code
                    for page in range(1, pages + 1)
                    for code in decode_image(page_image(document, page, READBACK_DPI, qr_crop()))
                }
                if len(codes) != 1:
                    raise ProtocolViolation(
                        "order.mismatch", f"{len(codes)} distinct seal codes on the pages"
                    )
                (code,) = codes
                verdict = verify_code(code, trusted, pdf, document=document)
            if verdict.status is Status.UNKNOWN_KEY:  # a rotation since the list was fetched
                trusted = self.trust_list(refresh=True)
                with open_pdf(pdf) as document:
                    verdict = verify_code(code, trusted, pdf, document=document)
        except DocumentError as exc:
            raise ProtocolViolation("order.mismatch", "document unreadable") from exc
        payload = verdict.payload
        if not verdict.ok or not verdict.text_checked or payload is None:
            raise ProtocolViolation("order.mismatch", f"seal check failed: {verdict.reason}")
        if (payload.city, payload.doc, payload.issue_number, payload.binding, payload.pages) != (
            city,
            doc,
            issue_number,
            binding,
            pages,
        ):
            raise ProtocolViolation("order.mismatch", "seal does not name this order")
        return code

    def sheets(self, pdf: bytes, city_name: str, seal_code: str) -> bytes:
        """What the printer prints: each page over the front layers, each followed by its back
        (the page's signed content and the verification page the centre publishes)."""
        verify_url = self.trust_list().verify_url or self.public_url + "/"
        return print_sheets(pdf, city_name, verify_url)
