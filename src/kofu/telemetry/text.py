"""An order's path as plain text (what `kofu explain ORDER_ID` prints)."""

from __future__ import annotations

from kofu.protocol.codes import message_for
from kofu.telemetry import words
from kofu.telemetry.path import OrderPath


def path_text(path: OrderPath, lang: str = "ja", name: str | None = None) -> str:
    """The path, hop by hop, with the city's checks and where it stopped."""
    i = words.LANGS.index(lang)

    def say(table: dict[str, tuple[str, str]], key: str) -> str:
        return table[key][i] if key in table else key

    lines = [
        f"{say(words.TEXT, 'title')}: {path.order_id}  ({path.doc or '?'}, UTC {path.started:%Y-%m-%d %H:%M:%S})"
    ]
    if name:
        lines.append(f"{say(words.TEXT, 'resident')}: {name}")
    for hop in path.hops:
        size = f"  {hop.size:,} B" if hop.size else ""
        sha = f"  sha256 {hop.sha256}" if hop.sha256 else ""
        lines.append(
            f"{hop.number}. {say(words.ACTORS, hop.source)} → {say(words.ACTORS, hop.target)}"
            f"  +{hop.at_ms:.1f} ms ({hop.took_ms:.1f} ms){size}{sha}"
        )
        lines.append(f"   {say(words.HOP_WORDS, hop.what)} — {say(words.HOP_WORDS, hop.form)}")
    if path.checks:
        lines.append(say(words.TEXT, "checks") + ":")
        for check in path.checks:
            result = (
                say(words.TEXT, check.result) if check.result in ("pass", "done") else f"✕ {check.result}"
            )
            lines.append(f"   {say(words.CHECKS, check.name)}: {result} ({check.took_ms:.1f} ms)")
    for step in path.after:
        lines.append(f"   {say(words.CHECKS, step.name)}: {step.result} ({step.took_ms:.1f} ms)")
    if path.stopped_at:
        where = say(words.ACTORS, path.stopped_at)
        at = f" — {say(words.CHECKS, path.stopped_step)}" if path.stopped_step else ""
        code = path.code or "error"
        lines.append(f"{say(words.TEXT, 'stopped')}: {where}{at}: {code} {getattr(message_for(code), lang)}")
    elif path.complete:
        lines.append(say(words.TEXT, "complete"))
    return "\n".join(lines)
