"""One order's path, read back from the exported spans: hop by hop, with what crossed each.

``SpanStore(directory)`` reads every actor's span files (``kofu.telemetry.export``);
``order_path(store, order_id)`` finds the spans of that order and draws its path:

    1 kiosk   → centre    the order (document, copies, the kiosk's one-time public key)
    2 centre  → gateway   the order for the city, over LGWAN
    3 gateway → issuer    pulled by the issuer (the city's segment opens no port)
    4 issuer  → gateway   the document, sealed for the kiosk (ciphertext)
    5 gateway → centre → kiosk   the same ciphertext relayed back; the kiosk opens it

with the rule checks the issuer ran (and their results), the steps inside the city (lookup,
render, re-read, seal) and, for an order that did not end well, where it stopped and with
which code. Everything here comes from span attributes, which carry no personal data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kofu.protocol.types import ID_PATTERN

_ID = re.compile(ID_PATTERN)
#: The biggest span file read back (a larger one is read from its end).
READ_MAX = 64 * 1024 * 1024


@dataclass(frozen=True)
class SpanRow:
    """One exported span."""

    trace_id: str
    span_id: str
    parent_id: str
    name: str
    service: str
    start_ns: int
    end_ns: int
    status: str
    attributes: dict[str, Any]
    events: list[dict[str, Any]]

    @property
    def actor(self) -> str:
        """kiosk, center, gateway or issuer (from ``service.name``)."""
        return self.service.split("-")[0]

    def attr(self, key: str) -> Any:
        return self.attributes.get(f"kofu.{key}")

    @property
    def failed(self) -> bool:
        return self.status == "ERROR" or bool(self.attr("code"))


def valid_order_id(order_id: str) -> bool:
    return bool(_ID.fullmatch(order_id))


class SpanStore:
    """Every span file under ``directory`` (read on each question: the files only grow)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def spans(self) -> list[SpanRow]:
        rows: list[SpanRow] = []
        if not self.directory.is_dir():
            return rows
        for path in sorted(self.directory.glob("*.jsonl*")):
            for line in _lines(path):
                try:
                    rows.append(_row(json.loads(line)))
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut by a crash: skip it
        return rows


def _lines(path: Path) -> list[str]:
    with path.open("rb") as handle:
        size = path.stat().st_size
        if size > READ_MAX:
            handle.seek(size - READ_MAX)
            handle.readline()
        return handle.read().decode("utf-8", "replace").splitlines()


def _row(data: dict[str, Any]) -> SpanRow:
    return SpanRow(
        trace_id=str(data["traceId"]),
        span_id=str(data["spanId"]),
        parent_id=str(data.get("parentSpanId") or ""),
        name=str(data["name"]),
        service=str(data.get("service", "")),
        start_ns=int(data["startTimeUnixNano"]),
        end_ns=int(data["endTimeUnixNano"]),
        status=str(data.get("status", "")),
        attributes=dict(data.get("attributes") or {}),
        events=list(data.get("events") or []),
    )


@dataclass(frozen=True)
class Hop:
    """One crossing between two actors."""

    number: int
    source: str
    target: str
    at_ms: float  # since the order left the kiosk
    took_ms: float  # how long the receiving side held it
    what: str  # what crossed (Japanese and English keys of WORDS)
    form: str  # in what form
    size: int | None = None
    sha256: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class Check:
    """A rule the issuer checked, or a step inside the city, with its result."""

    name: str
    result: str  # "pass", "done" or a stable code
    took_ms: float


@dataclass
class OrderPath:
    """What the spans say about one order."""

    order_id: str
    trace_id: str
    started: datetime
    doc: str | None = None
    outcome: str | None = None
    code: str | None = None
    hops: list[Hop] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    after: list[Check] = field(default_factory=list)  # payment, printing, the outcome report
    stopped_at: str | None = None  # the actor where a refused or failed order stopped
    stopped_step: str | None = None  # and the step (``rule.seal``, ``order`` …)

    @property
    def complete(self) -> bool:
        return len(self.hops) == 5 and self.stopped_at is None


@dataclass(frozen=True)
class OrderSummary:
    """An order in the list of recent ones."""

    order_id: str
    started: datetime
    doc: str | None
    outcome: str | None
    code: str | None


def _ms(ns: int) -> float:
    return round(ns / 1e6, 1)


def _children(spans: list[SpanRow]) -> dict[str, list[SpanRow]]:
    found: dict[str, list[SpanRow]] = {}
    for span in spans:
        found.setdefault(span.parent_id, []).append(span)
    for rows in found.values():
        rows.sort(key=lambda s: s.start_ns)
    return found


def _subtree(root: SpanRow, children: dict[str, list[SpanRow]]) -> list[SpanRow]:
    out, todo = [], [root]
    while todo:
        span = todo.pop()
        out.append(span)
        todo.extend(children.get(span.span_id, []))
    return sorted(out, key=lambda s: s.start_ns)


def recent_orders(store: SpanStore, limit: int = 30) -> list[OrderSummary]:
    """The latest orders the centre relayed (newest first), from its spans."""
    seen: dict[str, OrderSummary] = {}
    for span in store.spans():
        order_id = span.attr("order_id")
        if span.actor != "center" or span.name != "order" or not isinstance(order_id, str):
            continue
        seen[order_id] = OrderSummary(
            order_id,
            datetime.fromtimestamp(span.start_ns / 1e9, UTC),
            span.attr("doc"),
            span.attr("outcome"),
            span.attr("code"),
        )
    return sorted(seen.values(), key=lambda o: o.started, reverse=True)[:limit]


def order_path(store: SpanStore, order_id: str) -> OrderPath | None:
    """The path of ``order_id`` (None: no span names it)."""
    spans = store.spans()
    named = [s for s in spans if s.attr("order_id") == order_id and s.name != "kiosk.visit"]
    if not named:
        return None
    anchor = min(named, key=lambda s: s.start_ns)  # the kiosk's order step, else the centre's span
    trace = [s for s in spans if s.trace_id == anchor.trace_id]
    children = _children(trace)
    mine = _subtree(anchor, children)
    path = OrderPath(order_id, anchor.trace_id, datetime.fromtimestamp(anchor.start_ns / 1e9, UTC))
    t0 = anchor.start_ns

    def first(actor: str, name: str) -> SpanRow | None:
        return next((s for s in mine if s.actor == actor and s.name == name), None)

    center = first("center", "order")
    submit = first("gateway", "submit")
    handle = first("issuer", "issuer.handle")
    results = first("gateway", "results")
    kiosk = anchor if anchor.actor == "kiosk" else None
    path.doc = next((s.attr("doc") for s in mine if s.attr("doc")), None)

    def cross(number: int, source: str, target: str, span: SpanRow, what: str, form: str,
              size: int | None = None, sha256: str | None = None, code: str | None = None,
              *, start_ns: int | None = None) -> None:  # fmt: skip
        """A hop from ``span``: at its start (or ``start_ns``), held until its end."""
        start = span.start_ns if start_ns is None else start_ns
        took = _ms(span.end_ns - start)
        path.hops.append(Hop(number, source, target, _ms(start - t0), took, what, form, size, sha256, code))

    if center is not None:
        refused = center.attr("code") if not submit else None  # it went no further than the centre
        cross(1, "kiosk", "center", center, "order", "order_form", center.attr("bytes_in"), code=refused)
    if submit is not None:
        cross(2, "center", "gateway", submit, "city_order", "city_form", submit.attr("bytes_in"))
    if handle is not None:
        cross(3, "gateway", "issuer", handle, "pulled", "pull_form", code=handle.attr("code"))
        for span in _subtree(handle, children):
            if span is handle or span.actor != "issuer":
                continue
            result = span.attr("code") or ("pass" if span.name == "rule" else "done")
            name = f"rule.{span.attr('rule')}" if span.name == "rule" else span.name
            path.checks.append(Check(name, str(result), _ms(span.end_ns - span.start_ns)))
    if results is not None:
        envelope = handle.attr("sha256") if handle is not None else None
        size = (handle.attr("envelope_bytes") if handle is not None else None) or results.attr("bytes_in")
        what, form = ("sealed", "cipher_form") if envelope else ("answer", "answer_form")
        cross(4, "issuer", "gateway", results, what, form, size, envelope)
    if center is not None and results is not None:
        back = kiosk if kiosk is not None else center
        sealed = bool(center.attr("sha256"))
        cross(
            5,
            "gateway",
            "kiosk",
            back,
            "relayed" if sealed else "answer",
            "cipher_back" if sealed else "answer_form",
            (kiosk.attr("envelope_bytes") if kiosk else None) or center.attr("envelope_bytes"),
            (kiosk.attr("sha256") if kiosk else None) or center.attr("sha256"),
            code=kiosk.attr("code") if kiosk is not None else None,
            start_ns=results.end_ns,
        )
    path.outcome = (center.attr("outcome") if center else None) or (
        handle.attr("outcome") if handle else None
    )
    failing = [s for s in mine if s.failed and s.actor != "kiosk"] or [s for s in mine if s.failed]
    if failing:  # the deepest failing span is where it stopped (the others only relay its code)
        origin = max(failing, key=lambda s: s.start_ns)
        path.code = str(origin.attr("code") or "error")
        path.stopped_at = origin.actor
        path.stopped_step = f"rule.{origin.attr('rule')}" if origin.name == "rule" else origin.name
    elif path.outcome == "refused":
        path.stopped_at = "issuer"
    if kiosk is not None:
        for span in trace:
            if span.actor == "kiosk" and span.name == "kiosk.print" and span.start_ns >= anchor.start_ns:
                for step in _subtree(span, children):
                    name = step.name if step.actor == "kiosk" else f"{step.actor}.{step.name}"
                    result = step.attr("code") or step.attr("outcome") or "done"
                    path.after.append(Check(name, str(result), _ms(step.end_ns - step.start_ns)))
                    if step.failed and path.stopped_at is None:
                        path.stopped_at, path.code = "kiosk", str(step.attr("code") or "error")
    return path
