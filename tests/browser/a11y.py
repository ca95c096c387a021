"""Accessibility measurements of the kiosk's pages in Chromium (used by test_kiosk_a11y.py and by
tests that pass a screen only they reach).

- every control has an accessible name (Chromium's own accessibility tree, through CDP);
- focus order follows the flow: Tab from the screen visits its controls in reading order
  (top to bottom, left to right) and never jumps back;
- text contrast meets WCAG AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold), computed
  from the computed styles of every visible text element against its effective background.
"""

from __future__ import annotations

from typing import Any

CONTROL_ROLES = {
    "button",
    "link",
    "textbox",
    "combobox",
    "listbox",
    "checkbox",
    "radio",
    "spinbutton",
    "slider",
    "switch",
    "menuitem",
    "tab",
    "searchbox",
    "alertdialog",
}

CONTRAST_JS = """
() => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const blend = (top, under) => { const a = top[3]; return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1); };
  const backgrounds = (node) => {
    // The colours behind a node: the first opaque background up the tree, and for a gradient every stop.
    for (let n = node; n; n = n.parentElement) {
      const style = getComputedStyle(n);
      const image = style.backgroundImage;
      if (image && image.includes("gradient")) return (image.match(/rgba?\\([^)]+\\)/g) || []).map(parse);
      const bg = parse(style.backgroundColor);
      if (bg && bg[3] > 0) return [bg[3] < 1 ? blend(bg, [255, 255, 255, 1]) : bg];
    }
    return [[255, 255, 255, 1]];
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const textNode = walker.currentNode;
    if (!textNode.textContent.trim()) continue;
    const node = textNode.parentElement;
    if (!node || seen.has(node)) continue;
    seen.add(node);
    const rect = node.getBoundingClientRect();
    const style = getComputedStyle(node);
    if (rect.width === 0 || rect.height === 0 || style.visibility === "hidden" || node.closest("[hidden]")) continue;
    if (node.closest("button:disabled, select:disabled, input:disabled")) continue;  // WCAG 1.4.3 exempts inactive controls
    if (node.closest(".visually-hidden")) continue;
    const fg = parse(style.color);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    for (const bg of backgrounds(node)) {
      const color = fg[3] < 1 ? blend(fg, bg) : fg;
      const [a, b] = [lum(color), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      out.push({ text: textNode.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100,
        need: large ? 3 : 4.5, id: node.id || node.className || node.tagName });
    }
  }
  return out;
}
"""

FOCUS_JS = """
() => {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  const r = a.getBoundingClientRect();
  return { id: a.id || a.dataset.key || a.dataset.doc || a.dataset.value || a.textContent.trim().slice(0, 20),
    top: r.top + window.scrollY, left: r.left + window.scrollX, inScreen: Boolean(a.closest("#screen")) };
}
"""


def unnamed_controls(page: Any) -> list[str]:
    """Controls in Chromium's accessibility tree that have no accessible name."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    missing = []
    for node in nodes:
        if node.get("ignored"):
            continue
        role = node.get("role", {}).get("value")
        name = str(node.get("name", {}).get("value", "")).strip()
        if role in CONTROL_ROLES and not name:
            missing.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    return missing


def low_contrast(page: Any) -> list[dict[str, Any]]:
    return [r for r in page.evaluate(CONTRAST_JS) if r["ratio"] < r["need"]]


def tab_through_screen(page: Any) -> list[dict[str, Any]]:
    """Focus the screen, then Tab until focus leaves it; the controls visited, in order."""
    page.locator("#screen").focus()
    visited: list[dict[str, Any]] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        if focus is None or not focus["inScreen"]:
            break
        visited.append(focus)
    return visited


def assert_reading_order(visited: list[dict[str, Any]], screen: str) -> None:
    assert visited, f"{screen}: no control reachable with Tab"
    rows: list[list[dict[str, Any]]] = []
    for focus in visited:  # controls whose tops are within 8 px are one row
        if rows and abs(rows[-1][0]["top"] - focus["top"]) <= 8:
            rows[-1].append(focus)
        else:
            rows.append([focus])
    tops = [row[0]["top"] for row in rows]
    assert tops == sorted(tops), f"{screen}: focus goes back up: {[f['id'] for f in visited]}"
    for row in rows:
        lefts = [f["left"] for f in row]
        assert lefts == sorted(lefts), f"{screen}: focus goes right to left: {[f['id'] for f in row]}"


def check(page: Any, screen: str, report: dict[str, Any], *, order: bool = True) -> None:
    report.setdefault("unnamed", {})[screen] = unnamed_controls(page)
    report.setdefault("contrast", {})[screen] = low_contrast(page)
    if order:
        visited = tab_through_screen(page)
        assert_reading_order(visited, screen)
        report.setdefault("order", {})[screen] = [f["id"] for f in visited]


def assert_accessible(page: Any, screen: str, *, order: bool = True) -> list[str]:
    """Check one screen at once (names, contrast, and focus order unless ``order`` is off); the ids
    Tab visited, in order."""
    report: dict[str, Any] = {}
    check(page, screen, report, order=order)
    unnamed, contrast = report["unnamed"][screen], report["contrast"][screen]
    assert unnamed == [], f"{screen}: controls without an accessible name: {unnamed}"
    assert contrast == [], f"{screen}: text below WCAG AA contrast: {contrast}"
    return list(report.get("order", {}).get(screen, []))
