"""The kiosk's spans: one trace per visit, one span per step of it.

The steps of ``KioskFlow`` are decorated: ``@visit_step("kiosk.card", begins=True)`` opens the
visit's root span (a new trace) and a step span under it; each later step is a child of the
same root; ``@visit_ends`` ends the root when the flow forgets the resident. The centre's spans
join the trace through the ``traceparent`` each call carries. Attributes: the step, the order
id and document once known, the envelope's size and hash — never the card, the PIN or a name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace

from kofu.telemetry import tracing
from kofu.telemetry.relay import digest

F = TypeVar("F", bound=Callable[..., Any])
_ROOT = "_telemetry_visit"


def _facts(result: Any) -> dict[str, Any]:
    order_id = getattr(result, "order_id", None)
    if not isinstance(order_id, str):
        return {}
    return {
        "order_id": order_id,
        "doc": getattr(result, "doc", None),
        "pages": getattr(result, "pages", None),
    }


def visit_step(name: str, *, begins: bool = False) -> Callable[[F], F]:
    """The decorated method of the flow is one step of the visit (see the module docstring)."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def inner(self: Any, *args: Any, **kwargs: Any) -> Any:
            if not tracing.enabled():
                return method(self, *args, **kwargs)
            root = self.__dict__.get(_ROOT)
            if begins:
                if root is not None:
                    root.end()
                root = tracing.tracer().start_span("kiosk.visit", context=otel_context.Context())
                self.__dict__[_ROOT] = root
            parent = trace.set_span_in_context(root) if root is not None else None
            with tracing.span(name, context=parent, step=name.removeprefix("kiosk.")) as current:
                result = method(self, *args, **kwargs)
                facts = tracing.clean(_facts(result))
                if facts:
                    current.set_attributes(facts)
                    if root is not None:
                        root.set_attributes(facts)
                return result

        return inner  # type: ignore[return-value]

    return wrap


def visit_ends(method: F) -> F:
    """The decorated method forgets the visit: its root span ends."""

    @functools.wraps(method)
    def inner(self: Any, *args: Any, **kwargs: Any) -> Any:
        root = self.__dict__.pop(_ROOT, None)
        try:
            return method(self, *args, **kwargs)
        finally:
            if root is not None:
                root.end()

    return inner  # type: ignore[return-value]


def order_answered(result: Any) -> None:
    """The kiosk's note of the centre's answer: order id, outcome, the envelope as it arrived."""
    envelope = getattr(result, "envelope", None)
    error = getattr(result, "error", None)
    tracing.note(
        order_id=getattr(result, "order_id", None),
        outcome=getattr(result, "status", None),
        code=getattr(error, "code", None),
        sha256=digest(envelope),
        envelope_bytes=len(envelope) if envelope else None,
        form="hpke" if envelope else None,
    )
