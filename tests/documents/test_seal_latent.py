"""The latent 「複写」, measured as an eye and a copier see the printed front.

Original: the front layers rendered at 300 dpi, then blurred with a Gaussian of σ = 0.15 mm —
about what an eye resolves at reading distance (1 arc minute at 40 cm is 0.12 mm); and the
same at 100 dpi, as a screen shows the page. Copy: what a
copier does to the same render — it keeps what is larger than its resolution and thresholds to
black and white. Two copiers: a Gaussian of 0.25 mm FWHM thresholded at 50 % (a 300-dpi scanner
with its optics), and a 200-dpi copier (area average to 200 dpi, a blur of 0.7 px, 50 %
threshold) from a 600-dpi render.

On each image two tone differences (mean darkness, in % of full ink) are taken over the word's
glyphs as the font draws them (:func:`latent_mask`): inside the glyphs against a 3-mm ring of
background around them, and a 2-mm band just inside the outline against a 2-mm band just
outside it — a halo or an undotted seam along the letters shows there.

Thresholds: at the sheet's lightness (about 94 % white) one percent of darkness is ΔL* ≈ 0.4,
under half of the smallest colour difference people notice side by side (ΔE*ab ≈ 1). So a word
is taken as invisible below 1 % and as visible above 3 % (ΔL* ≈ 1.2; on a copy it is also
drawn in crisp black dots on clean white, which the mean understates). What remains on the
original is the outline's sampling: a cell of the word that the outline crosses keeps its whole
dot, at its centre, inside the letter (about +0.5 % inside, −0.5 % outside).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from kofu.documents.antiforgery import PATTERN, latent_mask
from kofu.documents.sheets import draw_front_layers
from kofu.sealcode.qr import render_page

EYE_SIGMA_MM = 0.15
COPIER_FWHM_MM = 0.25
INVISIBLE = 1.0  # % darkness
VISIBLE = 3.0


def _darkness(grey: Any) -> Any:
    return Image.fromarray(255 - np.asarray(grey, dtype=np.uint8))


def _grow(mask: np.ndarray, steps: int) -> np.ndarray:
    out = mask.copy()
    for _ in range(steps):
        grown = out.copy()
        grown[1:] |= out[:-1]
        grown[:-1] |= out[1:]
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        out = grown
    return out


def _regions() -> dict[str, np.ndarray]:
    glyphs = latent_mask()
    per_mm = round(1 / PATTERN.mask_cell)
    return {
        "glyph": glyphs,
        "ring": _grow(glyphs, 3 * per_mm) & ~glyphs,
        "inside": glyphs & ~(~_grow(~glyphs, 2 * per_mm)),
        "outside": _grow(glyphs, 2 * per_mm) & ~glyphs,
    }


def _differences(darkness: Any) -> tuple[float, float, dict[str, float]]:
    """(glyph − ring, inside band − outside band, the four tones), in % darkness."""
    regions = _regions()
    cells = np.asarray(darkness.resize(regions["glyph"].shape[::-1], Image.BOX), dtype=float) / 2.55
    tone = {name: float(cells[where].mean()) for name, where in regions.items()}
    return tone["glyph"] - tone["ring"], tone["inside"] - tone["outside"], tone


def _eye(grey: Any, dpi: int) -> Any:
    return _darkness(grey).filter(ImageFilter.GaussianBlur(EYE_SIGMA_MM * dpi / 25.4))


def _threshold(darkness: Any) -> Any:
    return Image.fromarray(((np.asarray(darkness) > 127) * 255).astype(np.uint8))


def _gaussian_copier(grey: Any, dpi: int) -> Any:
    sigma = COPIER_FWHM_MM / 2.355 * dpi / 25.4
    return _threshold(_darkness(grey).filter(ImageFilter.GaussianBlur(sigma)))


def _copier_200dpi(grey_600: Any) -> Any:
    small = grey_600.resize((grey_600.width // 3, grey_600.height // 3), Image.BOX)
    return _threshold(_darkness(small.filter(ImageFilter.GaussianBlur(0.7))))


def test_latent_word_is_invisible_on_the_original_and_shows_on_a_copy(capsys) -> None:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    draw_front_layers(canvas, "西東京市")
    canvas.showPage()
    canvas.save()
    at_300 = render_page(buffer.getvalue(), 1, 300)
    at_600 = render_page(buffer.getvalue(), 1, 600)
    at_100 = render_page(buffer.getvalue(), 1, 100)
    seen = {
        "original, eye": _differences(_eye(at_300, 300)),
        "original, screen 100 dpi": _differences(_eye(at_100, 100)),
        "copy, 0.25 mm copier": _differences(_gaussian_copier(at_300, 300)),
        "copy, 200-dpi copier": _differences(_copier_200dpi(at_600)),
    }
    fine, coarse = PATTERN.coverage()
    with capsys.disabled():
        print(
            f"\nlatent 複写 (fine {PATTERN.fine_dot} mm every {PATTERN.fine_pitch:.2f} mm = {fine:.1%}, "
            f"word {PATTERN.coarse_dot} mm every {PATTERN.coarse_pitch} mm = {coarse:.1%} nominal)"
        )
        for name, (glyph, edge, tone) in seen.items():
            print(
                f"  {name:24s} glyphs {tone['glyph']:.2f} % vs ring {tone['ring']:.2f} %: {glyph:+.2f} | "
                f"band inside {tone['inside']:.2f} % vs outside {tone['outside']:.2f} %: {edge:+.2f}"
            )
    for name in ("original, eye", "original, screen 100 dpi"):
        glyph, edge, _ = seen[name]
        assert abs(glyph) < INVISIBLE and abs(edge) < INVISIBLE, f"the word shows on the {name}"
    for name in ("copy, 0.25 mm copier", "copy, 200-dpi copier"):
        glyph, edge, tone = seen[name]
        assert glyph > VISIBLE and edge > VISIBLE, f"the word does not show on the {name}"
        assert tone["ring"] < 0.2, f"the background does not drop out on the {name}"
