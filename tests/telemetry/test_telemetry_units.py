"""Unit tests of kofu.telemetry: attribute allow-list, the exporter's lines, the /metrics door and
the explainer's answers to bad input. The chain tests (tests/e2e/test_telemetry_chain.py) show the
real thing; the spans here come from a local TracerProvider (in-process, written to a tmp dir)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from kofu.telemetry import doors, tracing
from kofu.telemetry.asgi import TelemetryMiddleware
from kofu.telemetry.explain import explainer_router
from kofu.telemetry.export import JsonLinesExporter
from kofu.telemetry.path import SpanStore, order_path


def test_only_allowed_keys_and_scalars_become_attributes():
    cleaned = tracing.clean(
        {
            "order_id": "abc",
            "name": "山田太郎",
            "card_serial": "0A1B",
            "doc": "juminhyo",
            "copies": 2,
            "kind": ["x"],
            "code": "x" * 500,
        }
    )
    assert cleaned == {
        "kofu.order_id": "abc",
        "kofu.doc": "juminhyo",
        "kofu.copies": 2,
        "kofu.code": "x" * 96,
    }


def test_the_exporter_writes_one_otlp_shaped_line_per_span(tmp_path: Path):
    provider = TracerProvider(resource=Resource.create({"service.name": "center"}))
    provider.add_span_processor(SimpleSpanProcessor(JsonLinesExporter(tmp_path / "center.1.jsonl")))
    tracer = provider.get_tracer("test")
    with (
        tracer.start_as_current_span("order", attributes={"kofu.order_id": "o1"}),
        tracer.start_as_current_span("x"),
    ):
        pass
    lines = [json.loads(line) for line in (tmp_path / "center.1.jsonl").read_text().splitlines()]
    child, parent = lines
    assert child["traceId"] == parent["traceId"] and child["parentSpanId"] == parent["spanId"]
    assert parent["service"] == "center" and parent["attributes"] == {"kofu.order_id": "o1"}
    (path,) = [order_path(SpanStore(tmp_path), "o1")]
    assert path is not None and path.stopped_at is None
    assert [(h.source, h.target) for h in path.hops] == [("kiosk", "center")]  # only the centre's span


def _app(door) -> TestClient:  # type: ignore[no-untyped-def]
    app = FastAPI()

    @app.get("/v1/hello")
    def hello() -> dict[str, str]:
        return {"hello": "world"}

    return TestClient(TelemetryMiddleware(app, door=door))


def test_metrics_are_shown_only_through_the_door():
    assert _app(doors.closed).get("/metrics").status_code == 404  # the app's own "no such path"
    client = _app(doors.key_door({"testserver"}, "s3cret"))
    client.get("/v1/hello")
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    shown = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert shown.status_code == 200
    assert 'kofu_requests_total{route="hello",status="200"}' in shown.text
    assert _app(doors.peer_door(("center", None))).get("/metrics").status_code == 404  # no certificate


@pytest.mark.parametrize(
    ("order_id", "status", "words"),
    [
        ("../../etc/passwd", 400, "not an order id"),
        ("x" * 65, 400, "not an order id"),
        ("", 400, "not an order id"),
        ("<script>", 400, "not an order id"),
        ("0123456789abcdef0123456789abcdef", 404, "No record of that order id"),
    ],
)
def test_the_explainer_answers_bad_order_ids_clearly(tmp_path: Path, order_id, status, words):
    app = FastAPI()
    app.include_router(explainer_router(tmp_path / "none", view="center"))
    page = TestClient(app).get("/explain/order", params={"id": order_id, "lang": "en"})
    assert page.status_code == status and words in page.text and "<script>" not in page.text


def test_the_centre_view_takes_no_names(tmp_path: Path):
    with pytest.raises(ValueError, match="no personal data"):
        explainer_router(tmp_path, view="center", resident_name=lambda _order: "someone")


def test_how_it_works_is_japanese_first_with_an_english_switch(tmp_path: Path):
    app = FastAPI()
    app.include_router(explainer_router(tmp_path, view="center"))
    client = TestClient(app)
    ja = client.get("/explain/how")
    assert ja.status_code == 200 and 'lang="ja"' in ja.text and "しくみ" in ja.text and "<svg" in ja.text
    en = client.get("/explain/how", params={"lang": "en"})
    assert "How it works" in en.text and "only that copier can open" in en.text
    assert "http" not in ja.text.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns="http://www.w3.org/1999/xhtml"', ""
    )  # no external assets


def _line(span_id: str, parent: str, name: str, service: str, start: int, **attributes) -> str:  # type: ignore[no-untyped-def]
    """One exported span as the exporter writes it (written by hand: a made-up refused order)."""
    status = "ERROR" if "kofu.code" in attributes and name == "rule" else "UNSET"
    return json.dumps(
        {
            "traceId": "a" * 32,
            "spanId": span_id,
            "parentSpanId": parent,
            "name": name,
            "service": service,
            "startTimeUnixNano": start * 1_000_000,
            "endTimeUnixNano": (start + 5) * 1_000_000,
            "status": status,
            "attributes": attributes,
            "events": [],
        }
    )


def test_a_refused_order_is_drawn_with_its_stop(tmp_path: Path):
    code = "city.inkan.not_registered"
    lines = [
        _line("1" * 16, "", "kiosk.order", "kiosk", 0, **{"kofu.order_id": "o9", "kofu.code": code}),
        _line(
            "2" * 16,
            "1" * 16,
            "order",
            "center",
            1,
            **{"kofu.order_id": "o9", "kofu.doc": "inkan", "kofu.outcome": "refused", "kofu.code": code},
        ),
        _line("3" * 16, "2" * 16, "submit", "gateway-132292", 2, **{"kofu.order_id": "o9"}),
        _line(
            "4" * 16,
            "3" * 16,
            "issuer.handle",
            "issuer-132292",
            3,
            **{"kofu.outcome": "refused", "kofu.code": code},
        ),
        _line("5" * 16, "4" * 16, "rule", "issuer-132292", 4, **{"kofu.rule": "seal", "kofu.code": code}),
        _line("6" * 16, "4" * 16, "results", "gateway-132292", 9, **{"kofu.bytes_in": 300}),
    ]
    (tmp_path / "all.jsonl").write_text("\n".join(lines) + "\n{not json\n")
    path = order_path(SpanStore(tmp_path), "o9")
    assert path is not None and len(path.hops) == 5
    assert (path.stopped_at, path.stopped_step, path.code) == ("issuer", "rule.seal", code)
    app = FastAPI()
    app.include_router(explainer_router(tmp_path, view="center"))
    page = TestClient(app).get("/explain/order", params={"id": "o9", "lang": "en"})
    assert page.status_code == 200
    assert "Stopped here: City issuer" in page.text and "A seal registration exists" in page.text
