"""The layout engine shared by all five certificates: A4 portrait, fixed margins.

Every page carries the issue number (top right), the title and the header table; the blocks
(one bordered table per person or entry) follow and are never split; 以下余白 follows the
last block; the certification (sentence, 和暦 issue date, mayor line, seal) sits at the
bottom of the last page, and pages are numbered 「1/2」 when there is more than one.

Rendering is two passes — paginate on measured heights, then draw — so page totals are known
before drawing. :class:`DocumentLayout` is immutable and holds no per-document state, so one
instance can render documents concurrently from many threads.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from kofu.documents.blocks import Certification, DocumentSpec, Table
from kofu.documents.fonts import BASE_FONTS, MINCHO, SUBSET_LOCK, new_canvas, register_fonts
from kofu.documents.glyphs import draw_centred_string, draw_right_string, draw_string, spaced_width
from kofu.documents.koin import draw_seal
from kofu.documents.table import Edge, TableStyle, draw_table, table_height
from kofu.documents.wareki import to_wareki
from kofu.documents.wrap import wrap_text
from kofu.sealcode.errors import DocumentError
from kofu.sealcode.qr import QR_LEFT, QR_SIZE, QR_TOP, SEAL_CODE_FORM

# Called as hook(canvas, page_number, page_count) before anything else is drawn on a page,
# e.g. to lay the anti-forgery background pattern (地紋) under the content.
PageHook = Callable[[Any, int, int], None]
DataT = TypeVar("DataT")


@dataclass(frozen=True)
class Page:
    """The blocks drawn on one page; whether 以下余白 follows them and the certification closes it."""

    blocks: tuple[Table, ...]
    end_mark: bool = False
    last: bool = False


@dataclass(frozen=True)
class DocumentLayout:
    """Geometry of a certificate page (points; build with ``reportlab.lib.units.mm``)."""

    page_width: float = A4[0]
    page_height: float = A4[1]
    margin_x: float = 15 * mm
    margin_top: float = 12 * mm
    margin_bottom: float = 12 * mm
    title_size: float = 18.0
    title_char_space: float = 3.0
    text_size: float = 10.5
    small_size: float = 9.0
    title_band: float = 22 * mm
    page_number_band: float = 7 * mm
    block_gap: float = 2.5 * mm
    seal_size: float = 21 * mm
    max_pages: int = 20
    table: TableStyle = field(default_factory=TableStyle)
    # The seal code's own square (quiet zone included) at the top left: nothing else is drawn there.
    seal_code_left: float = QR_LEFT
    seal_code_top: float = QR_TOP
    seal_code_size: float = QR_SIZE
    seal_code_gap: float = 2 * mm

    @property
    def content_width(self) -> float:
        """Width between the left and right margins."""
        return self.page_width - 2 * self.margin_x

    @property
    def top(self) -> float:
        """Y coordinate of the top margin."""
        return self.page_height - self.margin_top

    @property
    def seal_code_box(self) -> tuple[float, float, float, float]:
        """The seal code's square: left, bottom, right, top (points)."""
        top = self.page_height - self.seal_code_top
        left = self.seal_code_left
        return left, top - self.seal_code_size, left + self.seal_code_size, top

    @property
    def header_top(self) -> float:
        """Y coordinate of the header table: below the title band and below the seal code."""
        return min(self.top - self.title_band, self.seal_code_box[1] - self.seal_code_gap)

    @property
    def title_width(self) -> float:
        """Room for the centred title: the page less the seal code's square on both sides."""
        reserved = self.seal_code_box[2] + self.seal_code_gap
        return min(self.content_width, self.page_width - 2 * reserved)

    def body_top(self, spec: DocumentSpec) -> float:
        """Y coordinate where the first block of every page starts."""
        top = self.header_top
        if spec.header is not None:
            top -= table_height(spec.header, self.content_width, self.table) + 2 * self.block_gap
        return top

    @property
    def body_bottom(self) -> float:
        """Lowest Y a block may reach (the page number band lies below)."""
        return self.margin_bottom + self.page_number_band

    def end_mark_height(self) -> float:
        """Height of the 以下余白 line."""
        return self.small_size * 1.6

    def footer_height(self, cert: Certification) -> float:
        """Height of the certification block at the bottom of the last page."""
        lines = wrap_text(cert.sentence, MINCHO, self.text_size, self.content_width - 2 * self.text_size)
        return self.block_gap + len(lines) * self.text_size * 1.5 + self.text_size * 2.4 + self.seal_size

    def paginate(self, spec: DocumentSpec) -> list[Page]:
        """Assign blocks to pages, keeping each block whole and the certification with content.

        Raises :class:`DocumentError` ``document.too_long`` when a block cannot fit one page or
        the document would exceed ``max_pages``.
        """
        available = self.body_top(spec) - self.body_bottom
        if available <= 0:
            raise DocumentError("header leaves no room for content", code="document.too_long")
        if spec.blocks_per_page:
            return self._paginate_fixed(spec, available)
        pages: list[list[Table]] = [[]]
        heights: list[list[float]] = [[]]
        used = 0.0
        for index, block in enumerate(spec.blocks):
            need = table_height(block, self.content_width, self.table)
            if index == len(spec.blocks) - 1:
                need += self.end_mark_height()
            if need > available:
                raise DocumentError(f"block {index + 1} is taller than a page", code="document.too_long")
            gap = self.block_gap if pages[-1] and not block.join else 0.0
            if used + gap + need > available:
                pages.append([])
                heights.append([])
                used, gap = 0.0, 0.0
            pages[-1].append(block)
            heights[-1].append(gap + need)
            used += gap + need
        if used + self.footer_height(spec.certification) > available and pages[-1]:
            # Keep the certification with the last block rather than alone on a page.
            moved = pages[-1].pop()
            moved_h = heights[-1].pop()
            alone = moved_h + self.footer_height(spec.certification) <= available
            if pages[-1] and alone:
                pages.append([moved])
            else:
                pages[-1].append(moved)
                pages.append([])
        if len(pages) > self.max_pages:
            raise DocumentError(f"{len(pages)} pages exceed {self.max_pages}", code="document.too_long")
        mark_page = max((i for i, blocks in enumerate(pages) if blocks), default=len(pages) - 1)
        return [
            Page(tuple(blocks), end_mark=i == mark_page, last=i == len(pages) - 1)
            for i, blocks in enumerate(pages)
        ]

    def _paginate_fixed(self, spec: DocumentSpec, available: float) -> list[Page]:
        """``spec.blocks_per_page`` blocks a sheet; each sheet must hold them (and the last one the
        certification too), else ``document.too_long``."""
        per = spec.blocks_per_page
        groups = [list(spec.blocks[i : i + per]) for i in range(0, len(spec.blocks), per)] or [[]]
        if len(groups) > self.max_pages:
            raise DocumentError(f"{len(groups)} pages exceed {self.max_pages}", code="document.too_long")
        for number, group in enumerate(groups, start=1):
            need = sum(table_height(b, self.content_width, self.table) for b in group)
            need += self.block_gap * max(0, len(group) - 1)
            if number == len(groups):
                need += self.end_mark_height() + self.footer_height(spec.certification)
            if need > available:
                raise DocumentError(
                    f"sheet {number} does not hold its {per} blocks", code="document.too_long"
                )
        return [
            Page(tuple(group), end_mark=i == len(groups) - 1, last=i == len(groups) - 1)
            for i, group in enumerate(groups)
        ]

    def render(self, spec: DocumentSpec, page_hook: PageHook | None = None) -> bytes:
        """Render ``spec`` to PDF bytes.

        Raises :class:`DocumentError` (``document.too_long``, ``document.font_missing``,
        ``document.render_failed``).
        """
        register_fonts(BASE_FONTS)
        pages = self.paginate(spec)
        buffer = io.BytesIO()
        try:
            canvas = new_canvas(buffer, pagesize=(self.page_width, self.page_height))
            canvas.setTitle(spec.pdf_title or spec.title)
            canvas.setAuthor(spec.certification.city_name)
            canvas.setCreator("kofu")
            canvas.setProducer("kofu")
            # The seal code's square holds one form, empty until the issuer seals the document.
            canvas.beginForm(SEAL_CODE_FORM, 0, 0, self.seal_code_size, self.seal_code_size)
            canvas.endForm()
            for number, page in enumerate(pages, start=1):
                if page_hook is not None:
                    page_hook(canvas, number, len(pages))
                self.draw_page(canvas, spec, page, number, len(pages))
                canvas.showPage()
            with SUBSET_LOCK:
                canvas.save()
        except DocumentError:
            raise
        except Exception as exc:
            raise DocumentError(f"rendering failed: {exc}", code="document.render_failed") from exc
        return buffer.getvalue()

    def draw_page(self, canvas: Any, spec: DocumentSpec, page: Page, number: int, total: int) -> None:
        """Draw one page: furniture, header, blocks, and on the last page the closing."""
        self.draw_issue_number(canvas, spec.issue_number)
        self.draw_title(canvas, spec.title)
        if spec.header is not None:
            draw_table(canvas, spec.header, self.margin_x, self.header_top, self.content_width, self.table)
        y = self.body_top(spec)
        blocks = page.blocks
        for index, block in enumerate(blocks):
            joined = index > 0 and bool(block.join)
            if index and not joined:
                y -= self.block_gap
            top_edge: Edge = "outer" if not joined else ("inner" if block.join == "rule" else "none")
            continues = index + 1 < len(blocks) and bool(blocks[index + 1].join)
            y -= draw_table(
                canvas,
                block,
                self.margin_x,
                y,
                self.content_width,
                self.table,
                top_edge=top_edge,
                bottom_edge="none" if continues else "outer",
            )
        if page.end_mark and spec.end_mark:
            self.draw_end_mark(canvas, spec.end_mark, y)
        if page.last:
            self.draw_certification(canvas, spec.certification)
        if total > 1:
            self.draw_page_number(canvas, number, total)
        left, bottom, _right, _top = self.seal_code_box
        canvas.saveState()
        canvas.translate(left, bottom)
        canvas.doForm(SEAL_CODE_FORM)
        canvas.restoreState()

    def draw_issue_number(self, canvas: Any, issue_number: str) -> None:
        """Draw 「発行番号 第 XXXXXXXX 号」 at the top right."""
        canvas.setFillColorRGB(0, 0, 0)
        draw_right_string(
            canvas,
            self.page_width - self.margin_x,
            self.top - self.small_size,
            f"発行番号 第 {issue_number} 号",
            MINCHO,
            self.small_size,
        )

    def draw_title(self, canvas: Any, title: str) -> None:
        """Draw the title centred below the issue number, letter-spaced like printed forms."""
        size = self.title_size
        space = self.title_char_space
        # Long titles (課税証明書 with its 年度) shrink to fit the line, clear of the seal code.
        while spaced_width(title, MINCHO, size, space) > self.title_width and size > 10:
            size -= 0.5
            space = min(space, size * 0.1)
        width = spaced_width(title, MINCHO, size, space)
        draw_string(
            canvas,
            (self.page_width - width) / 2,
            self.top - self.title_band + self.title_size * 0.75,
            title,
            MINCHO,
            size,
            char_space=space,
        )

    def draw_end_mark(self, canvas: Any, mark: str, y: float) -> None:
        """Draw 以下余白 just below the last block, right-aligned."""
        draw_right_string(
            canvas, self.page_width - self.margin_x, y - self.small_size * 1.3, mark, MINCHO, self.small_size
        )

    def draw_certification(self, canvas: Any, cert: Certification) -> None:
        """Draw the closing sentence, the 和暦 issue date and the mayor line with the seal."""
        seal_y = self.body_bottom
        lines = wrap_text(cert.sentence, MINCHO, self.text_size, self.content_width - 2 * self.text_size)
        date_y = seal_y + self.seal_size + self.text_size * 0.8
        canvas.setFillColorRGB(0, 0, 0)
        size = self.text_size
        for i, line in enumerate(reversed(lines)):
            draw_string(canvas, self.margin_x + size, date_y + (i + 1.4) * size * 1.5, line, MINCHO, size)
        draw_string(canvas, self.margin_x + 3 * size, date_y, to_wareki(cert.issue_date), MINCHO, size)
        seal_x = self.page_width - self.margin_x - self.seal_size
        mayor_size = size * 1.2
        draw_right_string(
            canvas,
            seal_x - 2 * mm,
            seal_y + self.seal_size / 2 - mayor_size * 0.38,
            cert.mayor_line,
            MINCHO,
            mayor_size,
        )
        draw_seal(canvas, cert.seal_text, seal_x, seal_y, self.seal_size)

    def draw_page_number(self, canvas: Any, number: int, total: int) -> None:
        """Draw 「n/total」 centred in the page number band."""
        canvas.setFillColorRGB(0, 0, 0)
        draw_centred_string(
            canvas,
            self.page_width / 2,
            self.margin_bottom + 1 * mm,
            f"{number}/{total}",
            MINCHO,
            self.small_size,
        )


@dataclass(frozen=True)
class SpecRenderer(Generic[DataT]):
    """One document type's renderer: its data → :class:`DocumentSpec` builder and its layout.

    ``render_x(data, layout=…, page_hook=None)`` renders ``data`` to PDF bytes, with the
    document's own layout unless another is given. Raises :class:`DocumentError`
    ``document.invalid`` (bad data), ``document.too_long``, ``document.font_missing`` or
    ``document.render_failed``.
    """

    build: Callable[[DataT], DocumentSpec]
    layout: DocumentLayout = field(default_factory=DocumentLayout)

    def __call__(
        self, data: DataT, layout: DocumentLayout | None = None, page_hook: PageHook | None = None
    ) -> bytes:
        """Render ``data`` to PDF bytes (see the class docstring)."""
        return (self.layout if layout is None else layout).render(self.build(data), page_hook=page_hook)
