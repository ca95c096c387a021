"""Prometheus metrics of one process (counts and times only; labels are routes, documents, codes).

    kofu_requests_total{route,status}        requests answered, by route and HTTP status
    kofu_request_seconds{route}              how long each took (histogram)
    kofu_orders_total{doc,outcome}           orders seen by this actor: ``issued`` or the refusal code
    kofu_order_seconds{city}                 time to answer an order, by city (histogram): at the
                                             centre from the kiosk's order to the city's answer
                                             (refusals too), at the issuer from pulled to answered
    kofu_gateway_queue_depth{state}          gateway: requests ``waiting`` for an answer / ``unpulled``
    kofu_issuer_workers{state}               issuer: pulling threads ``total`` / ``busy``

Processes with an HTTP surface serve them on ``/metrics`` behind their door
(``kofu.telemetry.asgi``); the issuer, which opens no port, and the public verifier, whose port
is anyone's, serve them on a loopback listener of their own (``serve_locally``), and write where
to ``var/telemetry/targets/<actor>.json`` in Prometheus' file service-discovery format.
"""

from __future__ import annotations

import atexit
import json
import os
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

disable_created_metrics()  # type: ignore[no-untyped-call]  # no ``…_created`` series

REQUESTS = Counter("kofu_requests", "Requests answered, by route and HTTP status", ["route", "status"])
LATENCY = Histogram(
    "kofu_request_seconds",
    "Time to answer a request, by route",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ORDERS = Counter(
    "kofu_orders", "Orders seen, by document and outcome (issued or the refusal code)", ["doc", "outcome"]
)
ORDER_SECONDS = Histogram(
    "kofu_order_seconds",
    "Time to answer an order, by city (centre: the kiosk's order to the city's answer; "
    "issuer: pulled to answered)",
    ["city"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUEUE = Gauge("kofu_gateway_queue_depth", "Gateway: requests waiting for an answer / not pulled", ["state"])
WORKERS = Gauge("kofu_issuer_workers", "Issuer: pulling threads in total / busy with a request", ["state"])


def order_seen(doc: str, outcome: str) -> None:
    """Count one order by document and outcome (``issued``, or a stable refusal code)."""
    ORDERS.labels(doc, outcome).inc()


def order_timed(city: str, seconds: float) -> None:
    """Time one order of ``city`` (a city code the actor serves, never a value a caller chose)."""
    ORDER_SECONDS.labels(city).observe(seconds)


def exposition() -> tuple[bytes, str]:
    """This process's metrics in Prometheus' text format, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST


def targets_dir(var_dir: Path) -> Path:
    return var_dir / "telemetry" / "targets"


def serve_locally(var_dir: Path, actor: str, port: int = 0) -> int:
    """Serve ``/metrics`` on loopback only (``port`` 0: any free one); record the address in
    ``var/telemetry/targets/<actor>.<pid>.json`` for Prometheus' ``file_sd_configs``. The port."""
    from prometheus_client import start_http_server

    server, _thread = start_http_server(port, addr="127.0.0.1")
    bound = int(server.server_port)
    directory = targets_dir(var_dir)
    directory.mkdir(parents=True, exist_ok=True)
    target = [{"targets": [f"127.0.0.1:{bound}"], "labels": {"actor": actor}}]
    path = directory / f"{actor}.{os.getpid()}.json"
    path.write_text(json.dumps(target) + "\n")
    atexit.register(path.unlink, missing_ok=True)  # a stopped process is no target
    return bound
