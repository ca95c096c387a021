"""One tracer per process, and the few helpers actors call.

``start(directory, actor)`` installs a TracerProvider whose resource is ``service.name = actor``
and whose BatchSpanProcessor writes to ``directory/spans/<actor>.<pid>.jsonl``. Actors then use

    with span("issuer.handle", parent=traceparent, doc=…):    # a span, optionally continuing a trace
    @traced("rule", rule="resident")                            # a function as a span
    note(order_id=…, bytes_out=…)                               # attributes on the current span

Attributes pass ``clean``: only the keys of ``ALLOWED`` (ids the system made up, codes, sizes,
hashes, counts), only scalars, strings cut at 96 characters. Anything else is dropped — a name,
an address, a card serial or a PIN has no key to travel under.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

#: The attribute keys a span may carry (each under ``kofu.``): none can hold personal data.
ALLOWED = frozenset(
    {
        "order_id",
        "request_id",
        "session_id",
        "kind",
        "doc",
        "copies",
        "city",
        "kiosk",
        "outcome",
        "code",
        "rule",
        "result",
        "step",
        "route",
        "method",
        "status",
        "bytes_in",
        "bytes_out",
        "sha256",
        "envelope_bytes",
        "pages",
        "form",
        "waited_ms",
        "leases",
        "worker",
    }
)
_TEXT_MAX = 96
_propagator = TraceContextTextMapPropagator()
_tracer: trace.Tracer = trace.get_tracer("kofu")
_provider: Any = None

F = TypeVar("F", bound=Callable[..., Any])


def spans_dir(var_dir: Path) -> Path:
    """Where every actor of a deployment writes its spans."""
    return var_dir / "telemetry" / "spans"


def start(var_dir: Path, actor: str, *, delay_ms: int = 1000) -> None:
    """Trace this process as ``actor`` (idempotent). Spans are exported in batches every
    ``delay_ms`` milliseconds by a background thread."""
    global _tracer, _provider
    if _provider is not None:
        return
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    from kofu.telemetry.export import JsonLinesExporter

    provider = TracerProvider(resource=Resource.create({"service.name": actor}))
    path = spans_dir(var_dir) / f"{actor}.{os.getpid()}.jsonl"
    provider.add_span_processor(
        BatchSpanProcessor(JsonLinesExporter(path), schedule_delay_millis=delay_ms, max_queue_size=8192)
    )
    _provider = provider
    _tracer = provider.get_tracer("kofu")


def tracer() -> trace.Tracer:
    """This process's tracer (a no-op one until ``start``)."""
    return _tracer


def flush() -> None:
    """Export every finished span now (tests; a command about to exit)."""
    if _provider is not None:
        _provider.force_flush()


def enabled() -> bool:
    return _provider is not None


def clean(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Only allowed keys (prefixed ``kofu.``) with scalar values; see the module docstring."""
    out: dict[str, Any] = {}
    for key, value in attributes.items():
        if key not in ALLOWED or value is None:
            continue
        if isinstance(value, str):
            value = value[:_TEXT_MAX]
        elif not isinstance(value, bool | int | float):
            continue
        out[f"kofu.{key}"] = value
    return out


def traceparent() -> str | None:
    """The W3C ``traceparent`` of the current span (None outside any span)."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent")


def inject(headers: Any) -> None:
    """Put the current ``traceparent`` into a mutable header mapping (nothing outside a span)."""
    if _provider is not None:
        _propagator.inject(headers)


def context_from(parent: str | None) -> otel_context.Context | None:
    """The context a ``traceparent`` value names (None: none, or malformed)."""
    if not parent:
        return None
    return _propagator.extract({"traceparent": parent})


@contextmanager
def span(
    name: str,
    *,
    parent: str | None = None,
    context: otel_context.Context | None = None,
    span_kind: SpanKind = SpanKind.INTERNAL,
    **attributes: Any,
) -> Iterator[Span]:
    """A span named ``name``, child of the current one, of ``context``, or of ``parent`` (a
    traceparent). An exception leaving it marks it failed with its stable code, if it has one."""
    ctx = context if context is not None else context_from(parent)
    with _tracer.start_as_current_span(
        name, context=ctx, kind=span_kind, attributes=clean(attributes), record_exception=False
    ) as current:
        try:
            yield current
        except BaseException as exc:
            failed(current, exc)
            raise


def failed(current: Span, exc: BaseException) -> None:
    """Mark ``current`` as ended by ``exc``: its stable code if it has one, else its type."""
    if not current.is_recording():
        return
    code = getattr(exc, "code", None)
    current.set_attributes(clean({"code": code if isinstance(code, str) else type(exc).__name__}))
    current.set_status(Status(StatusCode.ERROR))


def note(**attributes: Any) -> None:
    """Set allowed attributes on the current span (nothing when not tracing)."""
    current = trace.get_current_span()
    if current.is_recording():
        current.set_attributes(clean(attributes))


def event(name: str, **attributes: Any) -> None:
    """A timestamped event on the current span."""
    current = trace.get_current_span()
    if current.is_recording():
        current.add_event(name, clean(attributes))


def traced(name: str, **attributes: Any) -> Callable[[F], F]:
    """Run the decorated function inside a span ``name``; a ``Refused`` leaving it is its result."""

    def wrap(function: F) -> F:
        @functools.wraps(function)
        def inner(*args: Any, **kwargs: Any) -> Any:
            if _provider is None:
                return function(*args, **kwargs)
            with span(name, **attributes) as current:
                result = function(*args, **kwargs)
                if "rule" in attributes:
                    current.set_attribute("kofu.result", "pass")
                return result

        return inner  # type: ignore[return-value]

    return wrap
