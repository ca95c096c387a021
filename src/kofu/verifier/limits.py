"""What the public verifier accepts: bounded in bytes, pages, page size, pixels, time and rate.

It is reachable by anyone, so nothing sent to it may cost more than a real document does: a
document is a few A4 pages; a scan or phone photo a few megapixels. Everything is checked from
headers and page boxes before any page is drawn or any image decoded, so a decompression bomb
or a page-size bomb is refused in milliseconds:

* bytes: ``MAX_UPLOAD`` per request (form and file together);
* a PDF: at most ``MAX_PAGES`` pages, each at most ``MAX_PAGE_PT`` points a side (A3 is 1191);
* an image: at most ``MAX_PIXELS`` pixels (Pillow reads the size from the header);
* work: at most ``CONCURRENT`` verifications at once (the rest wait, briefly, then get 503);
* a client: ``RATE`` requests per ``RATE_WINDOW`` seconds (then 429 with Retry-After).
"""

from __future__ import annotations

import io
import threading
import time
from collections import deque

from kofu.protocol.errors import Busy, KofuError

MAX_UPLOAD = 8 * 1024 * 1024
MAX_PAGES = 20
MAX_PAGE_PT = 1800.0
MAX_PIXELS = 40_000_000
CONCURRENT = 2
QUEUE_WAIT = 5.0
RATE = 30
RATE_WINDOW = 60.0


class TooLarge(KofuError):
    """What was sent is bigger than any real document (413)."""

    kind = "protocol"
    status = 413


class RateLimited(Busy):
    """This client sent too many requests (429, Retry-After)."""

    status = 429


def check_pdf(data: bytes) -> None:
    """Refuse a PDF with too many pages or a page larger than ``MAX_PAGE_PT`` (boxes only)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except Exception:  # not a PDF pdfium opens: the verifier answers unreadable later
        return
    try:
        if len(document) > MAX_PAGES:
            raise TooLarge("verify.too_large", f"{len(document)} pages; a document has at most {MAX_PAGES}")
        for index in range(len(document)):
            width, height = document.get_page_size(index)
            if max(width, height) > MAX_PAGE_PT:
                raise TooLarge("verify.too_large", f"page {index + 1} is {width:.0f}×{height:.0f} pt")
    finally:
        document.close()


def check_image(data: bytes) -> None:
    """Refuse an image with more than ``MAX_PIXELS`` pixels (from its header, not decoded)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as opened:
            width, height = opened.size
    except Image.DecompressionBombError as exc:  # Pillow's own limit, from the header too
        raise TooLarge("verify.too_large", "the image has far too many pixels") from exc
    except Exception:  # not an image Pillow knows: unreadable later
        return
    if width * height > MAX_PIXELS:
        raise TooLarge("verify.too_large", f"{width}×{height} pixels")


class Gate:
    """The concurrency cap and the per-client rate limit of one verifier process."""

    def __init__(self, concurrent: int = CONCURRENT, rate: int = RATE, window: float = RATE_WINDOW) -> None:
        self._slots = threading.BoundedSemaphore(concurrent)
        self.rate, self.window = rate, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, client: str) -> None:
        """Count one request of ``client``; refuse it (429) past the rate."""
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(client, deque())
            while seen and seen[0] < now - self.window:
                seen.popleft()
            if len(seen) >= self.rate:
                raise RateLimited(
                    "verify.rate_limited", "too many requests", retry_after=seen[0] + self.window - now
                )
            seen.append(now)
            if len(self._seen) > 10_000:  # forget idle clients
                for key in [k for k, v in self._seen.items() if not v]:
                    del self._seen[key]

    def slot(self) -> _Slot:
        """A verification slot (``with gate.slot(): …``); 503 after ``QUEUE_WAIT`` seconds."""
        return _Slot(self._slots)


class _Slot:
    def __init__(self, slots: threading.BoundedSemaphore) -> None:
        self._slots = slots

    def __enter__(self) -> None:
        if not self._slots.acquire(timeout=QUEUE_WAIT):
            raise Busy("verify.busy", "the verifier is busy", retry_after=2.0)

    def __exit__(self, *_exc: object) -> None:
        self._slots.release()
