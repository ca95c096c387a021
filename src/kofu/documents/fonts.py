"""The Japanese fonts every document uses, registered once with reportlab.

IPAex Mincho and Gothic set the text; IPAmj Mincho (the 文字情報基盤 font, ~58,000 kanji with
their IVS variants) draws the characters IPAex lacks, such as 𠮷, and every ideographic
variation sequence. :mod:`kofu.documents.glyphs` chooses the font per character.

reportlab keeps registered fonts in a process-wide registry, so registration happens once,
under a lock. reportlab's TrueType subsetter reads the font file through a cursor shared by
every document using that font, so writing a PDF (which builds the subsets) must hold
:data:`SUBSET_LOCK`; drawing and measuring text need no lock.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from kofu.documents.ivs import VariationFont
from kofu.sealcode.errors import DocumentError

MINCHO = "Mincho"
GOTHIC = "Gothic"
MINCHO_MJ = "MinchoMJ"

# Debian package fonts-ipaexfont; IPAmj Mincho from https://moji.or.jp/mojikiban/font/.
FONT_FILES: Mapping[str, Path] = {
    MINCHO: Path("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"),
    GOTHIC: Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
    MINCHO_MJ: Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf"),
}

# The fonts every document draws with; IPAmj Mincho (~0.2 s and tens of MB to load) is
# registered only when a character needs it (:func:`font`).
BASE_FONTS: Mapping[str, Path] = {name: FONT_FILES[name] for name in (MINCHO, GOTHIC)}

# Where a character missing from a font is looked for next.
FALLBACK: Mapping[str, str] = {MINCHO: MINCHO_MJ, GOTHIC: MINCHO_MJ}

# Streams are Flate-compressed only: an ASCII85 layer on top makes them a quarter larger and costs
# every reader (the issuer's own checks, the kiosk, the verifiers) a pure-Python decode.
rl_config.useA85 = 0

_REGISTER_LOCK = threading.Lock()
SUBSET_LOCK = threading.Lock()


def register_fonts(font_files: Mapping[str, Path] = FONT_FILES) -> None:
    """Register each ``name -> TrueType file`` with reportlab unless already registered.

    Safe to call from many threads and on every render. Raises :class:`DocumentError`
    (``document.font_missing``) when a file is missing.
    """
    with _REGISTER_LOCK:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, path in font_files.items():
            if name in registered:
                continue
            if not path.is_file():
                raise DocumentError(
                    f"font file {path} for {name!r} not found; install Debian's fonts-ipaexfont "
                    "(apt-get install fonts-ipaexfont) and IPAmj Mincho (/usr/share/fonts/truetype/ipamj/)",
                    code="document.font_missing",
                )
            try:
                pdfmetrics.registerFont(VariationFont(name, str(path)))
            except Exception as exc:  # reportlab raises bare TTFError and friends
                raise DocumentError(f"cannot load font {path}: {exc}", code="document.font_missing") from exc


def font(name: str) -> VariationFont:
    """Return the registered font ``name`` (registering it first: one of :data:`FONT_FILES`)."""
    register_fonts({name: FONT_FILES[name]} if name in FONT_FILES else FONT_FILES)
    found = pdfmetrics.getFont(name)
    if not isinstance(found, VariationFont):
        raise DocumentError(f"font {name!r} is not a kofu font", code="document.font_missing")
    return found


def new_canvas(target: Any, pagesize: tuple[float, float]) -> Canvas:
    """A reportlab canvas whose every font is embedded.

    reportlab's default initial font is Helvetica, which it names in every page (and form)
    without embedding it; starting from one of our TrueType fonts instead, which reportlab only
    includes once a character is drawn, leaves no font a printer would have to substitute.
    ``invariant`` keeps the output byte-for-byte reproducible.
    """
    register_fonts(BASE_FONTS)
    return Canvas(target, pagesize=pagesize, invariant=True, initialFontName=MINCHO)
