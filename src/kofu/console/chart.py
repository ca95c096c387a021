"""A small chart of orders per minute and their latency (p50/p99), drawn as inline SVG on the
server: no script, no external file, nothing a strict Content-Security-Policy would block.

``Minutes`` holds the figures (counts and times only, never who; read from the actors' scraped
metrics by ``kofu.console.metrics``); ``svg`` draws them: a bar per minute for the orders, two
lines (p50, p99, in seconds) on a scale of their own, and a grey column for a minute with no
sample. The
drawing is ``role="img"`` with a ``<title>`` and a ``<desc>`` that say the same figures in words,
and every page that shows it also lists them in a table (the text alternative).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 40, 48, 16, 28
BAR = "#5b7fc4"  # 4:1 on white; the lines, drawn on a white halo, stand out on it
P50 = "#0b6b2b"
P99 = "#a4000f"
GAP = "#e6e6e6"  # a minute with no sample: a light grey column, named in the figures' table


@dataclass
class Minutes:
    """Orders per minute over a window ending now, and p50/p99 latency of each minute."""

    labels: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    p50: list[float | None] = field(default_factory=list)
    p99: list[float | None] = field(default_factory=list)
    finished: int = 0
    total_p50: float | None = None
    total_p99: float | None = None
    #: Minutes with no sample (figures scraped from ``/metrics`` that could not be read): drawn
    #: hatched, listed as such; empty when the figures come from a database.
    gaps: list[bool] = field(default_factory=list)

    def gap(self, i: int) -> bool:
        return i < len(self.gaps) and self.gaps[i]

    @property
    def empty(self) -> bool:
        return not any(self.counts)


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def describe(view: Minutes, lang: str = "ja") -> str:
    """The chart's figures in words (its ``<desc>``)."""
    orders = sum(view.counts)
    peak = max(view.counts, default=0)
    gaps = sum(view.gaps)
    if gaps:
        missing = f" {gaps} minutes without a sample." if lang == "en" else f"標本のない分 {gaps}。"
    else:
        missing = ""
    return _describe(view, lang, orders, peak) + missing


def _describe(view: Minutes, lang: str, orders: int, peak: int) -> str:
    if lang == "en":
        if view.empty:
            return f"No orders in the last {len(view.labels)} minutes."
        return (
            f"{orders} orders in the last {len(view.labels)} minutes ({view.labels[0]}–{view.labels[-1]}), "
            f"at most {peak} in a minute; latency p50 {_seconds(view.total_p50)} s, "
            f"p99 {_seconds(view.total_p99)} s over {view.finished} finished."
        )
    if view.empty:
        return f"直近{len(view.labels)}分間の注文はありません。"
    return (
        f"直近{len(view.labels)}分間（{view.labels[0]}〜{view.labels[-1]}）の注文 {orders} 件、"
        f"1分あたり最大 {peak} 件。所要時間 p50 {_seconds(view.total_p50)} 秒、"
        f"p99 {_seconds(view.total_p99)} 秒（完了 {view.finished} 件）。"
    )


def svg(view: Minutes, *, chart_id: str, title: str, lang: str = "ja") -> Markup:
    """The chart as inline SVG (``<title>``/``<desc>`` carry the figures for assistive technology)."""
    n = max(1, len(view.labels))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / n
    top_count = max(1, max(view.counts, default=0))
    slowest = max((v for v in view.p99 + view.p50 if v is not None), default=0.0) or 1.0
    parts = [
        f'<svg id="{escape(chart_id)}" class="chart" role="img" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(describe(view, lang))}</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#767676"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 10}" text-anchor="end" font-size="11" fill="#111">{top_count}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end" font-size="11" fill="#111">0</text>',
        f'<text x="{WIDTH - RIGHT + 4}" y="{TOP + 10}" font-size="11" fill="#111">{slowest:.2f}s</text>',
    ]
    for i, count in enumerate(view.counts):
        h = plot_h * count / top_count
        x = LEFT + i * step
        if view.gap(i):
            parts.append(
                f'<rect class="gap" x="{x + 1:.1f}" y="{TOP + 1}" width="{max(1.0, step - 2):.1f}" '
                f'height="{plot_h - 2}" fill="{GAP}"/>'
            )
            continue
        parts.append(
            f'<rect class="bar" x="{x + 1:.1f}" y="{TOP + plot_h - h:.1f}" width="{max(1.0, step - 2):.1f}" '
            f'height="{h:.1f}" fill="{BAR}" data-count="{count}"/>'
        )
    for i in range(0, n, max(1, n // 5)):
        parts.append(
            f'<text x="{LEFT + i * step:.1f}" y="{HEIGHT - 10}" font-size="11" fill="#111">'
            f"{escape(view.labels[i] if i < len(view.labels) else '')}</text>"
        )
    for values, colour, name in ((view.p50, P50, "p50"), (view.p99, P99, "p99")):
        points = [
            f"{LEFT + (i + 0.5) * step:.1f},{TOP + plot_h - plot_h * v / slowest:.1f}"
            for i, v in enumerate(values)
            if v is not None
        ]
        if points:
            line = " ".join(points)
            parts.append(f'<polyline points="{line}" fill="none" stroke="#fff" stroke-width="5"/>')
            parts.append(
                f'<polyline class="{name}" points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
            for point in points:  # a minute alone is a dot, not an invisible line
                cx, cy = point.split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}" stroke="#fff"/>')
    legend_y = TOP - 2
    parts.append(f'<text x="{WIDTH - RIGHT - 120}" y="{legend_y}" font-size="11" fill="{P50}">— p50</text>')
    parts.append(f'<text x="{WIDTH - RIGHT - 60}" y="{legend_y}" font-size="11" fill="{P99}">— p99</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def context(view: Minutes, *, chart_id: str, title: str, lang: str, source: str = "") -> dict[str, Any]:
    """What ``_chart.html`` needs: the figures, the drawing, its id and title, and where its
    figures come from (a caption under it)."""
    return {
        "chart_source": source,
        "figure": view,
        "chart_id": chart_id,
        "chart_title": title,
        "chart_svg": svg(view, chart_id=chart_id, title=title, lang=lang),
    }
