"""The seal QR on paper: its modules for drawing, read back from PDFs and images.

Drawing uses zxing-cpp's encoder (alphanumeric mode: base45 and the ``KOFU1:`` prefix are all
in the QR alphanumeric alphabet) and vector squares, so the QR adds no text to the PDF and the document's
text hash is the same before and after stamping. Reading renders PDF pages in-process with
pdfium (no page image ever lands in a file) and decodes with zxing-cpp.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable
from typing import Any

from kofu.sealcode.code import PREFIX
from kofu.sealcode.errors import DocumentError
from kofu.sealcode.pdfium import open_pdf, page_image

mm = 72 / 25.4  # points per millimetre

PREFIXES = (PREFIX, "KOFUP1:")  # the front seal code, the parts of a back code

ERROR_LEVEL = "m"  # 15 % recovery: survives a fold or a coffee stain, keeps the symbol small
QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks
DEFAULT_DPI = 200
READBACK_DPI = 200
# Where the issuer stamps the seal QR on each page: the top-left margin, clear of all content.
QR_LEFT = 10 * mm
QR_TOP = 4 * mm
QR_SIZE = 28 * mm
# The form XObject every page draws in that square: empty when rendered, the seal QR once sealed
# (reportlab names a form "FormXob." + its name in the page's resources).
SEAL_CODE_FORM = "KofuSealCode"
SEAL_CODE_RESOURCE = "/FormXob." + SEAL_CODE_FORM


def qr_crop(dpi: int = READBACK_DPI) -> tuple[int, int, int, int]:
    """The pixel box (x, y, w, h) around the stamped seal QR at ``dpi``, with a margin."""
    px = dpi / 72
    return 0, 0, round((QR_LEFT + QR_SIZE + 6 * mm) * px), round((QR_TOP + QR_SIZE + 6 * mm) * px)


@functools.lru_cache(maxsize=64)
def qr_rows(code: str) -> tuple[bytes, ...]:
    """The QR for ``code`` (no quiet zone), row by row from the top, one byte a module (1 = dark).

    zxing-cpp encodes (alphanumeric mode for our codes, ~30x faster than segno); cached, as
    every page of a document carries the same front code.
    """
    import numpy as np
    import zxingcpp

    symbol = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode, ec_level=ERROR_LEVEL.upper())
    dark = np.asarray(symbol.to_image(scale=1, add_quiet_zones=False)) < 128
    return tuple(row.astype(np.uint8).tobytes() for row in dark)


_DARK_RUN = re.compile(rb"\x01+")


def dark_runs(rows: tuple[bytes, ...]) -> list[tuple[int, int, int]]:
    """Each horizontal run of dark modules as (row, first column, length), rows from the top."""
    return [
        (r, m.start(), m.end() - m.start()) for r, row in enumerate(rows) for m in _DARK_RUN.finditer(row)
    ]


# -- reading -----------------------------------------------------------------------------------
def decode_image(image: Any) -> list[str]:
    """Every kofu code (front seal codes and back parts) found in a PIL image (or numpy array)."""
    import zxingcpp

    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [r.text for r in results if r.text.startswith(PREFIXES)]


def decode_image_bytes(data: bytes) -> list[str]:
    """Every kofu seal code in a PNG/JPEG (any format Pillow reads)."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened).convert("L")
    except Exception as exc:  # Pillow raises many kinds for a non-image
        raise DocumentError(f"not a readable image: {exc}", code="document.unreadable") from exc
    codes = decode_image(image)
    if not codes and max(image.size) > 2500:  # phone photos: QR finders like a smaller picture
        image.thumbnail((2000, 2000))
        codes = decode_image(image)
    return codes


def render_page(
    pdf: bytes, page: int, dpi: int = DEFAULT_DPI, crop: tuple[int, int, int, int] | None = None
) -> Any:
    """Page ``page`` (1-based) of ``pdf`` as a greyscale PIL image; ``crop`` = x, y, w, h in pixels.

    Rendered in-process by pdfium; nothing is written to disk.
    """
    with open_pdf(pdf) as document:
        return page_image(document, page, dpi, crop)


def decode_pdf(pdf: bytes, pages: Iterable[int], dpi: int = DEFAULT_DPI) -> dict[int, list[str]]:
    """The seal codes found on each of ``pages`` (1-based) of ``pdf``."""
    with open_pdf(pdf) as document:
        return {page: decode_image(page_image(document, page, dpi)) for page in pages}
