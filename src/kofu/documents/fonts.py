"""The two Japanese fonts every document uses, registered once with reportlab.

reportlab keeps registered fonts in a process-wide registry, so registration happens once,
under a lock. reportlab's TrueType subsetter reads the font file through a cursor shared by
every document using that font, so writing a PDF (which builds the subsets) must hold
:data:`SUBSET_LOCK`; drawing and measuring text need no lock.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kofu.documents.errors import DocumentError

MINCHO = "Mincho"
GOTHIC = "Gothic"

# Debian package fonts-ipaexfont.
FONT_FILES: Mapping[str, Path] = {
    MINCHO: Path("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"),
    GOTHIC: Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
}

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
                    "(apt-get install fonts-ipaexfont)",
                    code="document.font_missing",
                )
            try:
                pdfmetrics.registerFont(TTFont(name, str(path)))
            except Exception as exc:  # reportlab raises bare TTFError and friends
                raise DocumentError(f"cannot load font {path}: {exc}", code="document.font_missing") from exc
