"""The latent 「複写」 is measurable: invisible on the original, emerging on a simulated copy.

Original: the printed sheet as a 600-dpi render, seen at reading scale (mean tone over 2 mm
cells). Copy: what a copier does — downsample to 200 dpi (area average), a Gaussian blur of
0.7 px, a black/white threshold at 50 % — then the same 2 mm cells. Contrast is measured
between cells wholly inside the 「複写」 mask and cells wholly outside it.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from kofu.documents.antiforgery import PATTERN, draw_front_layers, latent_mask
from kofu.documents.qr import render_page

DPI = 600
COPIER_DPI = 200


def _cells(a: np.ndarray, px_per_mm: float) -> np.ndarray:
    n = round(2 * px_per_mm)
    h, w = a.shape[0] // n * n, a.shape[1] // n * n
    return a[:h, :w].reshape(h // n, n, w // n, n).mean(axis=(1, 3))


def _contrast(darkness: np.ndarray, dpi: int) -> tuple[float, float, float]:
    cells = _cells(darkness, dpi / 25.4)
    mask = Image.fromarray(latent_mask().astype(np.uint8) * 255).resize(cells.shape[::-1], Image.BOX)
    m = np.asarray(mask)
    inside, outside = float(cells[m >= 250].mean()), float(cells[m <= 5].mean())
    michelson = abs(inside - outside) / (inside + outside) if inside + outside else 0.0
    return inside, outside, michelson


def _copy(darkness: np.ndarray) -> np.ndarray:
    grey = Image.fromarray((255 * (1 - darkness)).astype(np.uint8))
    scale = COPIER_DPI / DPI
    small = grey.resize((round(grey.width * scale), round(grey.height * scale)), Image.BOX)
    blurred = small.filter(ImageFilter.GaussianBlur(0.7))
    return ((1 - np.asarray(blurred, dtype=float) / 255) > 0.5).astype(float)


def test_latent_image_emerges_on_a_copy(capsys):
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    draw_front_layers(canvas, "西東京市")
    canvas.showPage()
    canvas.save()
    original = 1 - np.asarray(render_page(buffer.getvalue(), 1, DPI), dtype=float) / 255
    o_in, o_out, o_c = _contrast(original, DPI)
    c_in, c_out, c_c = _contrast(_copy(original), COPIER_DPI)
    fine, coarse = PATTERN.coverage()
    with capsys.disabled():
        print(
            f"\nlatent 複写 (pattern: fine {PATTERN.fine_dot} mm / {PATTERN.fine_pitch} mm = {fine:.1%}, "
            f"coarse {PATTERN.coarse_dot} mm / {PATTERN.coarse_pitch} mm = {coarse:.1%} nominal)\n"
            f"  original: tone inside {o_in:.4f}, outside {o_out:.4f}, "
            f"difference {abs(o_in - o_out):.4f}, Michelson contrast {o_c:.3f}\n"
            f"  copy    : tone inside {c_in:.4f}, outside {c_out:.4f}, "
            f"difference {abs(c_in - c_out):.4f}, Michelson contrast {c_c:.3f}"
        )
    assert o_c < 0.05, "the word must not show on the original"
    assert abs(o_in - o_out) < 0.004
    assert c_c > 0.8 and c_c > 10 * o_c, "the word must stand out on the copy"
    assert abs(c_in - c_out) > 5 * abs(o_in - o_out)
    assert c_in > 0.015  # and it is actually printed on the copy, not just a ratio of tiny numbers
