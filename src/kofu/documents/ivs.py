"""IPAmj Mincho with its Ideographic Variation Sequences (IVS) made drawable by reportlab.

reportlab maps one code point to one glyph through the font's ordinary ``cmap`` and ignores
the format-14 subtable that maps ``base + U+E0100..U+E01EF`` to a variant glyph. We read that
subtable and give every sequence a private-use code point (planes 15 and 16) pointing at its
glyph, so drawing the private code draws the variant. The PDF's ToUnicode map then sends
each private code back to the original two-code-point sequence, so extracted text gives
``base + selector`` exactly as it went in, never the private code.

reportlab's own ToUnicode writer also prints code points above U+FFFF as five hex digits
(not UTF-16), which breaks extraction of characters such as 𠮷; ours writes surrogate pairs.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

# Supplementary Private Use Area-A and -B.
_PRIVATE_RANGES = ((0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))


def is_variation_selector(char: str) -> bool:
    """Return True for ideographic (U+E0100..U+E01EF) and standard (U+FE00..U+FE0F) selectors."""
    code = ord(char)
    return 0xE0100 <= code <= 0xE01EF or 0xFE00 <= code <= 0xFE0F


def _private_codes() -> Any:
    for first, last in _PRIVATE_RANGES:
        yield from range(first, last + 1)


def read_variation_sequences(data: bytes, cmap_offset: int) -> dict[tuple[int, int], int | None]:
    """Return ``(base, selector) -> glyph id`` from the cmap format-14 subtable.

    ``None`` means the default variation: the glyph the ordinary cmap gives for ``base``.
    """
    sequences: dict[tuple[int, int], int | None] = {}
    (count,) = struct.unpack_from(">H", data, cmap_offset + 2)
    for index in range(count):
        platform, encoding, offset = struct.unpack_from(">HHL", data, cmap_offset + 4 + 8 * index)
        if platform != 0 or encoding != 5:
            continue
        table = cmap_offset + offset
        fmt, _length, records = struct.unpack_from(">HLL", data, table)
        if fmt != 14:
            continue
        for record in range(records):
            pos = table + 10 + 11 * record
            selector = int.from_bytes(data[pos : pos + 3], "big")
            default_offset, non_default_offset = struct.unpack_from(">LL", data, pos + 3)
            if default_offset:
                (ranges,) = struct.unpack_from(">L", data, table + default_offset)
                for r in range(ranges):
                    start_pos = table + default_offset + 4 + 4 * r
                    start = int.from_bytes(data[start_pos : start_pos + 3], "big")
                    extra = data[start_pos + 3]
                    for base in range(start, start + extra + 1):
                        sequences[(base, selector)] = None
            if non_default_offset:
                (mappings,) = struct.unpack_from(">L", data, table + non_default_offset)
                for m in range(mappings):
                    map_pos = table + non_default_offset + 4 + 5 * m
                    base = int.from_bytes(data[map_pos : map_pos + 3], "big")
                    (glyph,) = struct.unpack_from(">H", data, map_pos + 3)
                    sequences[(base, selector)] = glyph
    return sequences


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def to_unicode_cmap(fontname: str, subset: list[int], meaning: Mapping[int, str]) -> str:
    """Return a ToUnicode CMap sending each subset code to the text it stands for (UTF-16)."""
    entries = [f"<{i:02X}> <{_utf16_hex(meaning.get(code, chr(code)))}>" for i, code in enumerate(subset)]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(entries)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def _keep_tables(face: Any) -> None:
    """Let the face hand out each table it has copied once: reportlab's subsetter copies every
    table it needs, the whole glyph table included, out of the font file for each document."""
    tables: dict[str, bytes] = {}
    copy = face.get_table

    def get_table(tag: str) -> bytes:
        found = tables.get(tag)
        if found is None:
            found = tables[tag] = copy(tag)
        return found

    face.get_table = get_table


class VariationFont(TTFont):  # type: ignore[misc]
    """A reportlab TrueType font that can draw IVS variants and extracts them back correctly.

    ``sequence_code(base, selector)`` returns the private code to draw for a sequence the
    font knows, else ``None``. The mapping is built once here and never changes afterwards,
    so many threads may draw with the font at once.
    """

    def __init__(self, name: str, filename: str, *, with_sequences: bool = True) -> None:
        """Load the font; with ``with_sequences``, map each IVS to a private code point."""
        super().__init__(name, filename)
        _keep_tables(self.face)
        self._codes: dict[tuple[int, int], int] = {}
        self._meaning: dict[int, str] = {}
        if with_sequences:
            self._map_sequences()

    def _map_sequences(self) -> None:
        face = self.face
        cmap = face.table.get("cmap")
        if cmap is None:
            return
        sequences = read_variation_sequences(face._ttf_data, cmap["offset"])
        scale = 1000.0 / face.unitsPerEm
        # reportlab keeps hmtx advances in font units for the first numberOfHMetrics glyphs
        # and already scaled to 1000 for the rest (which repeat the last advance).
        hhea = face.table["hhea"]["offset"]
        (long_metrics,) = struct.unpack_from(">H", face._ttf_data, hhea + 34)
        free = (code for code in _private_codes() if code not in face.charToGlyph)
        for (base, selector), glyph in sorted(sequences.items()):
            gid = face.charToGlyph.get(base) if glyph is None else glyph
            if gid is None:
                continue
            code = next(free)
            face.charToGlyph[code] = gid
            face.glyphToChar.setdefault(gid, []).append(code)
            advance = face.hmetrics[gid][0]
            face.charWidths[code] = advance * scale if gid < long_metrics else advance
            self._codes[(base, selector)] = code
            self._meaning[code] = chr(base) + chr(selector)

    def sequence_code(self, base: str, selector: str) -> int | None:
        """Return the private code drawing ``base + selector``, or None when not in the font."""
        return self._codes.get((ord(base), ord(selector)))

    def addObjects(self, doc: Any) -> None:
        """Write the font subsets as reportlab does, with our ToUnicode map (see module doc)."""
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_font_name = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode(
                "pdfdoc"
            )
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base_font_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = pdfdoc.PDFArray([self.face.getCharWidth(code) for code in subset])
            cmap_stream = pdfdoc.PDFStream()
            cmap_stream.content = to_unicode_cmap(base_font_name, subset, self._meaning)
            if doc.compression:
                cmap_stream.filters = [pdfdoc.PDFZCompress]
            pdf_font.ToUnicode = doc.Reference(cmap_stream, "toUnicodeCMap:" + base_font_name)
            pdf_font.FontDescriptor = self.face.addSubsetObjects(doc, base_font_name, subset)
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]
