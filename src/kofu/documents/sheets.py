"""The sheets the kiosk prints: each page of the city's document over the front layers, and a
back for it (duplex, one sheet per page).

Front: the 地紋 with the latent 「複写」, microtext lines with the city's name, and the
:data:`WARNING` sentence in the bottom margin. Back: the same 地紋 and microtext, a security
image, how a resident or a clerk checks the sheet (:data:`HOW_TO_CHECK`, with the public
verification address the centre publishes), and the page's back code — the page's complete
content signed by the city (:mod:`kofu.sealcode.back`), in as many QR codes as it needs.

Everything is Japanese and drawn as images; the paper is plain, its security is printed.
"""

from __future__ import annotations

import functools
import io
import math
import threading
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from kofu.documents.antiforgery import draw_chimon, draw_microtext, draw_text_image, security_image_ops
from kofu.documents.fonts import new_canvas
from kofu.sealcode.back import back_parts
from kofu.sealcode.errors import DocumentError
from kofu.sealcode.manifest import ATTACHMENT, SealAttachment, embedded_files, reader_of
from kofu.sealcode.qr import QUIET_ZONE, qr_rows

WARNING = (
    "複写すると「複写」の文字が現れます。裏面のコードで、市区町村が電子署名した記載内容を確かめられます。"
)
HOW_TO_CHECK = (
    "この証明書の確かめ方",
    "1. この面のコードをすべて、スマートフォンで撮影するかスキャナーで読み取ってください。",
    "2. その画像を下の確認ページで送ると、表面の記載内容が市区町村の電子署名付きで表示されます。",
    "3. 表示された内容と表面の記載を一行ずつ見比べてください。違いがあれば改ざんされています。",
)
VERIFY_LINE = "確認ページ　{url}"
PAGE_LINE = "この面のコード：表面（{page}/{pages}枚目）の記載内容"
TEXT_X = 18 * mm
GRID_TOP = 62 * mm  # from the top of the sheet
GRID_BOTTOM = 16 * mm  # from the bottom
GRID_GAP = 5 * mm
MODULE_MAX = 0.6 * mm
MODULE_MIN = 0.33 * mm  # still read by a phone at arm's length and by a 200-dpi scanner


def draw_front_layers(canvas: Any, city_name: str, width: float = A4[0], height: float = A4[1]) -> None:
    """Everything the kiosk adds under the front of a sheet: 地紋, microtext lines, warning."""
    draw_chimon(canvas, width, height)
    draw_microtext(canvas, city_name, height - 7 * mm, width)
    draw_microtext(canvas, city_name, 9 * mm, width)
    draw_text_image(canvas, WARNING, 15 * mm, 4 * mm, 2.3, dpi=600)


def draw_back_static(
    canvas: Any, city_name: str, verify_url: str, width: float = A4[0], height: float = A4[1]
) -> None:
    """What every back of a city's sheets shares: 地紋, microtext and how to check."""
    draw_chimon(canvas, width, height)
    draw_microtext(canvas, city_name, height - 7 * mm, width)
    y = height - 20 * mm
    draw_text_image(canvas, HOW_TO_CHECK[0], TEXT_X, y, 4.5, dpi=600)
    y -= 8 * mm
    for line in (*HOW_TO_CHECK[1:], VERIFY_LINE.format(url=verify_url)):
        draw_text_image(canvas, line, TEXT_X, y, 3.0, dpi=600)
        y -= 6 * mm
    draw_microtext(canvas, city_name, 9 * mm, width)


def code_grid(parts: Sequence[str], width: float = A4[0], height: float = A4[1]) -> tuple[int, float]:
    """Columns and symbol size (points, quiet zone included) for ``parts`` on the back.

    The largest module from :data:`MODULE_MAX` down to :data:`MODULE_MIN` that fits; raises
    ``document.too_long`` when even the smallest does not.
    """
    side = max(len(qr_rows(part)) for part in parts) + 2 * QUIET_ZONE
    area_w, area_h = width - 2 * TEXT_X, height - GRID_TOP - GRID_BOTTOM
    module = MODULE_MAX
    while module >= MODULE_MIN - 1e-9:
        size = side * module
        columns = max(1, int((area_w + GRID_GAP) // (size + GRID_GAP)))
        rows = math.ceil(len(parts) / columns)
        if size <= area_w and rows * (size + GRID_GAP) - GRID_GAP <= area_h:
            return min(columns, len(parts)), size
        module -= 0.01 * mm
    raise DocumentError(f"{len(parts)} back codes do not fit a sheet", code="document.too_long")


def draw_page_line(canvas: Any, page: int, pages: int, height: float = A4[1]) -> None:
    """Which front the back's code is of: 「表面（page/pages枚目）の記載内容」."""
    draw_text_image(
        canvas, PAGE_LINE.format(page=page, pages=pages), TEXT_X, height - GRID_TOP + 2 * mm, 3.0, 600
    )


def back_ops(parts: Sequence[str], width: float = A4[0], height: float = A4[1]) -> bytes:
    """What is a back's own, as page operators: the security image drawn from the page's back
    code, and the code's parts in a grid under the page line (see :func:`code_grid`)."""
    ops = [security_image_ops("".join(parts).encode(), width - 28 * mm, height - 32 * mm, 14 * mm)]
    columns, size = code_grid(parts, width, height)
    used = columns * size + (columns - 1) * GRID_GAP
    left = (width - used) / 2
    for index, part in enumerate(parts):
        row, column = divmod(index, columns)
        x = left + column * (size + GRID_GAP)
        y = height - GRID_TOP - 4 * mm - (row + 1) * size - row * GRID_GAP
        ops.append(_symbol(qr_rows(part), x, y, size))
    return "\n".join(ops).encode()


def _symbol(rows: tuple[bytes, ...], x: float, y: float, size: float) -> str:
    """The page operators of a QR symbol with its painted quiet zone as a ``size``-point square
    at (x, y): drawn in modules (one unit a module), one rectangle a run of dark modules, the
    same runs as :func:`~kofu.sealcode.qr.dark_runs` found at once for the whole symbol."""
    import numpy as np

    n = len(rows)
    side = n + 2 * QUIET_ZONE
    unit = size / side
    dark = np.zeros((n, n + 2), dtype=np.int8)
    dark[:, 1:-1] = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(n, n)
    edges = np.diff(dark, axis=1)
    starts, ends = np.argwhere(edges == 1), np.argwhere(edges == -1)  # row by row, left to right
    runs = np.column_stack(
        (starts[:, 1] + QUIET_ZONE, side - QUIET_ZONE - 1 - starts[:, 0], ends[:, 1] - starts[:, 1])
    )
    head = f"q {unit:.6f} 0 0 {unit:.6f} {x:.4f} {y:.4f} cm 1 1 1 rg 0 0 {side} {side} re f 0 0 0 rg\n"
    return head + ("{} {} {} 1 re\n" * len(runs)).format(*runs.ravel().tolist()) + "f Q"


def _layer_pdf(form: str, draw: Callable[[Any], None]) -> bytes:
    """A one-page PDF whose page draws one form XObject holding what ``draw`` draws, so that
    laying a page over it (or it over a page) touches a one-line page stream, never the form's
    tens of thousands of dots."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, A4)
    canvas.beginForm(form)
    draw(canvas)
    canvas.endForm()
    canvas.doForm(form)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@functools.lru_cache(maxsize=8)
def _front_layer_pdf(city_name: str) -> bytes:
    return _layer_pdf("kofuFront", lambda canvas: draw_front_layers(canvas, city_name))


@functools.lru_cache(maxsize=8)
def _back_static_pdf(city_name: str, verify_url: str) -> bytes:
    # The pattern is the same on every back of a city's sheets: drawn once, reused.
    return _layer_pdf("kofuBack", lambda canvas: draw_back_static(canvas, city_name, verify_url))


@functools.lru_cache(maxsize=64)
def _page_line_pdf(page: int, pages: int) -> bytes:
    # The same for the page line of page ``page`` of every ``pages``-page document.
    return _layer_pdf("kofuPageLine", lambda canvas: draw_page_line(canvas, page, pages))


# The layers' pages, each parsed once per process. A parsed page reads its objects from its
# file lazily, so the merges that read them take this lock.
_LAYERS = threading.Lock()


@functools.lru_cache(maxsize=80)
def _layer_page(layer: bytes) -> Any:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(layer)).pages[0]


def sheet_backs(pdf: bytes) -> list[list[str]]:
    """The back code of each page of a sealed PDF, as the QR texts of its parts.

    Raises ``document.unreadable`` for a PDF without the seal's attachment.
    """
    files = embedded_files(reader_of(pdf))
    if ATTACHMENT not in files:
        raise DocumentError("the document carries no back codes", code="document.unreadable")
    try:
        attachment = SealAttachment.from_cbor(files[ATTACHMENT])
    except ValueError as exc:
        raise DocumentError(f"the back codes are unreadable: {exc}", code="document.unreadable") from exc
    return [back_parts(cose) for cose in attachment.backs]


def print_sheets(
    pdf: bytes, city_name: str, verify_url: str, backs: Sequence[Sequence[str]] | None = None
) -> bytes:
    """The PDF a printer prints duplex: each page of ``pdf`` over the front layers, then its back.

    ``backs``: each page's back code parts (default: read from the sealed ``pdf``). Raises
    :class:`DocumentError` ``document.unreadable`` for a PDF that cannot be read.
    """
    from pypdf import PageObject, PdfWriter
    from pypdf.generic import ContentStream

    backs = sheet_backs(pdf) if backs is None else backs
    try:
        writer = PdfWriter(clone_from=io.BytesIO(pdf))
        count = len(writer.pages)
        if len(backs) != count:
            raise DocumentError(f"{len(backs)} backs for {count} pages", code="document.unreadable")
        front = _layer_page(_front_layer_pdf(city_name))
        back_pattern = _layer_page(_back_static_pdf(city_name, verify_url))
        lines = [_layer_page(_page_line_pdf(page, count)) for page in range(1, count + 1)]
        with _LAYERS:
            # The pattern pages hold one form XObject each; they are merged *under* the city's
            # pages, so pypdf only rewrites their one-line streams (merging the other way round
            # re-parses every page's content stream, which costs ~0.4 s a page).
            for index in range(count):
                writer.pages[index].merge_page(front, over=False)  # the city's page over the pattern
            for index, parts in enumerate(backs):
                # the back's own drawing goes straight into its page stream, no PDF in between
                back = writer.insert_page(PageObject.create_blank_page(writer, *A4), index * 2 + 1)
                own = ContentStream(None, writer)
                own.set_data(back_ops(parts))
                back.replace_contents(own)
                back.merge_page(lines[index])
                back.merge_page(back_pattern, over=False)
        out = io.BytesIO()
        writer.write(out)
    except DocumentError:
        raise
    except Exception as exc:
        raise DocumentError(f"cannot lay the security layers: {exc}", code="document.unreadable") from exc
    return out.getvalue()
