"""What the actors note about the requests they relay (ids, kinds, sizes, hashes, codes — the form
of what crossed, never its content).

``describe`` and ``answer_facts`` turn a city request and its answer into span attributes;
``Relayed`` is the gateway's part: a request's submit span stays open while it waits, the lease
and the answer become events on it, and the pull hands the span's ``traceparent`` to the issuer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span

from kofu.protocol.center_gateway import CityRequest, CityResponse, OrderCall
from kofu.protocol.kiosk_center import OrderRequest, OrderResult
from kofu.telemetry import tracing


def digest(data: bytes | None) -> str | None:
    """The first 16 hex digits of SHA-256 (enough to see the same bytes arrive unchanged)."""
    return hashlib.sha256(data).hexdigest()[:16] if data else None


def describe(request: CityRequest) -> dict[str, Any]:
    """A city request as attributes: its kind and ids; for an order, document and copies."""
    facts: dict[str, Any] = {
        "kind": request.kind,
        "request_id": request.request_id,
        "city": request.city_code,
    }
    if isinstance(request, OrderCall):
        facts.update(order_id=request.order_id, doc=request.order.doc, copies=request.order.copies)
        facts["kiosk"] = request.kiosk_id
    return facts


def answer_facts(answer: CityResponse) -> dict[str, Any]:
    """An answer as attributes: outcome or code; for a document, the envelope's size and hash."""
    facts: dict[str, Any] = {}
    if answer.error is not None:
        facts.update(outcome="error", code=answer.error.code)
    order = answer.order
    if order is not None:
        facts["outcome"] = order.status
        if order.error is not None:
            facts["code"] = order.error.code
        if order.envelope is not None:
            facts.update(envelope_bytes=len(order.envelope), sha256=digest(order.envelope), pages=order.pages)
            facts["form"] = "hpke"
    return facts


def traceparent_of(span: Span) -> str | None:
    context = span.get_span_context()
    if not context.is_valid:
        return None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


class Relayed:
    """The gateway's open spans, one per waiting request (see the module docstring)."""

    def __init__(self) -> None:
        self._spans: dict[str, Span] = {}

    @contextmanager
    def waiting(self, request: CityRequest) -> Iterator[None]:
        current = trace.get_current_span()
        if not current.is_recording():
            yield
            return
        current.set_attributes(tracing.clean(describe(request)))
        self._spans[request.request_id] = current
        try:
            yield
        finally:
            self._spans.pop(request.request_id, None)

    def leased(self, requests: list[CityRequest]) -> dict[str, str]:
        """Note each lease; the ``traceparent`` of each request that has a trace."""
        traces: dict[str, str] = {}
        for request in requests:
            span = self._spans.get(request.request_id)
            if span is None:
                continue
            span.add_event("leased", tracing.clean({"request_id": request.request_id}))
            parent = traceparent_of(span)
            if parent is not None:
                traces[request.request_id] = parent
        return traces

    def answered(self, answer: CityResponse) -> None:
        span = self._spans.get(answer.request_id)
        if span is not None:
            span.add_event("answered", tracing.clean(answer_facts(answer)))


def seen(request: CityRequest, answer: CityResponse) -> None:
    """Note the issuer's answer on the current span and count the order."""
    from kofu.telemetry import metrics

    facts = answer_facts(answer)
    tracing.note(**facts)
    if isinstance(request, OrderCall):
        metrics.order_seen(request.order.doc, facts.get("code") or facts.get("outcome") or "unknown")


@contextmanager
def handling(request: CityRequest, parent: str | None) -> Iterator[None]:
    """The issuer's span for one pulled request, continuing the trace the gateway handed over
    (its answer is posted inside it, so the gateway's ``results`` span joins the trace too).
    Counts busy workers."""
    from kofu.telemetry import metrics

    busy = metrics.WORKERS.labels("busy")
    busy.inc()
    try:
        with tracing.span("issuer.handle", parent=parent, **describe(request)):
            yield
    finally:
        busy.dec()


def order_noted(request: OrderRequest, result: OrderResult) -> OrderResult:
    """The centre's note of an order it relayed: id, document, outcome, the envelope's size and
    hash (what it relayed and cannot open); counted by document and outcome."""
    from kofu.telemetry import metrics

    code = result.error.code if result.error is not None else None
    tracing.note(
        order_id=result.order_id,
        doc=request.doc,
        copies=request.copies,
        city=request.city_code,
        outcome=result.status,
        code=code,
        sha256=digest(result.envelope),
        envelope_bytes=len(result.envelope) if result.envelope else None,
        form="hpke" if result.envelope else None,
    )
    metrics.order_seen(request.doc, code or result.status)
    return result
