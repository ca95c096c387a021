"""Seeing the system: OpenTelemetry spans, W3C trace context on every link, Prometheus metrics.

    tracing     one tracer per process (``service.name`` = the actor), ``span``/``traced``/``note``
                helpers whose attributes pass an allow-list (ids, codes, sizes, hashes — never a
                name, an address, a card serial or a PIN)
    export      the exporter: OTLP-shaped JSON, one span a line, one file per process under
                ``var/telemetry/spans/`` (written by a BatchSpanProcessor, off the request path)
    asgi        the middleware every app gets: reads ``traceparent``, opens the server span,
                counts and times the request
    propagation ``traceparent`` into every outgoing httpx request (an event hook)
    metrics     the Prometheus metrics and the ``/metrics`` route behind each app's door
    path        reads the spans back and draws one order's path, hop by hop
    explain     the explainer (FastAPI router + templates) and the "how it works" page

Telemetry is on in every actor ``kofu`` starts (``kofu.run``); a process that never calls
``tracing.start`` (a unit test, a library user) records nothing and pays nothing.
"""
