"""The span exporter: OTLP-shaped JSON, one span per line, one file per process.

Why a file: every actor already keeps its state under ``var/``; a file needs no collector
process in the demo, survives the actor, and anything that speaks OTLP/JSON can read it (field
names as in the OTLP JSON encoding: ``traceId``, ``spanId``, ``parentSpanId``,
``startTimeUnixNano`` …; the resource's ``service.name`` is flattened into ``service``). The
BatchSpanProcessor calls ``export`` from its own thread, in batches, off the request path.

A file grows to ``MAX_BYTES`` and is then renamed ``….jsonl.1`` (one older generation kept).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

MAX_BYTES = 32 * 1024 * 1024


def span_record(span: ReadableSpan) -> dict[str, Any]:
    """One finished span as a JSON-ready dict (OTLP JSON field names)."""
    context = span.get_span_context()
    assert context is not None
    parent = span.parent
    resource = span.resource.attributes if span.resource is not None else {}
    return {
        "traceId": format(context.trace_id, "032x"),
        "spanId": format(context.span_id, "016x"),
        "parentSpanId": format(parent.span_id, "016x") if parent is not None else "",
        "name": span.name,
        "service": str(resource.get("service.name", "")),
        "startTimeUnixNano": span.start_time or 0,
        "endTimeUnixNano": span.end_time or 0,
        "status": span.status.status_code.name,
        "attributes": dict(span.attributes or {}),
        "events": [
            {"name": e.name, "timeUnixNano": e.timestamp, "attributes": dict(e.attributes or {})}
            for e in span.events
        ],
    }


class JsonLinesExporter(SpanExporter):
    """Appends each batch of spans to ``path``, one JSON object a line."""

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = "".join(
            json.dumps(span_record(s), ensure_ascii=False, separators=(",", ":")) + "\n" for s in spans
        )
        data = lines.encode()
        with self._lock:
            try:
                if self.path.exists() and self.path.stat().st_size + len(data) > self.max_bytes:
                    os.replace(self.path, self.path.with_name(self.path.name + ".1"))
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                try:
                    os.write(fd, data)
                finally:
                    os.close(fd)
            except OSError:
                return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
