"""The path of an order, from the spans every real actor exported (kofu.telemetry).

This process is the headless kiosk of these visits, so it traces as ``kiosk`` too; the centre,
gateways and issuers are the chain's own processes, which export their spans to
``var/telemetry/spans``. The spans are waited for (each process exports once a second), never
timed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kofu.city.issuer.explain import resident_name_reader
from kofu.city.registry.db import session_factory
from kofu.cli import main
from kofu.pki.tls import client_context
from kofu.protocol.errors import KofuError
from kofu.storage import make_engine
from kofu.telemetry import metrics, tracing
from kofu.telemetry.explain import explainer_router
from kofu.telemetry.path import OrderPath, SpanStore, order_path, recent_orders
from tests.e2e.helpers import eligible, order, registry
from tests.e2e.rules_helpers import any_with, issue
from tests.e2e.test_privacy import _applications, _needles

pytestmark = pytest.mark.e2e

FIVE_HOPS = [
    ("kiosk", "center"),
    ("center", "gateway"),
    ("gateway", "issuer"),
    ("issuer", "gateway"),
    ("gateway", "kiosk"),
]


@pytest.fixture
def spans(chain, chain_settings) -> SpanStore:
    tracing.start(chain_settings.var_dir, "kiosk")  # this test process is the ordering kiosk
    return SpanStore(tracing.spans_dir(chain_settings.var_dir))


def wait_for_path(store: SpanStore, order_id: str, done: Callable[[OrderPath], bool]) -> OrderPath:
    """The order's path once ``done`` holds (spans arrive in batches), else the last one seen."""
    tracing.flush()
    path = None
    for _ in range(100):
        path = order_path(store, order_id)
        if path is not None and done(path):
            return path
        time.sleep(0.2)
    assert path is not None, f"no span names order {order_id}"
    return path


def reported(path: OrderPath) -> bool:
    """All five hops and the kiosk's outcome report are in."""
    return len(path.hops) == 5 and any(step.name == "center.outcome" for step in path.after)


def test_traceparent_crosses_every_link_of_an_order(chain_settings, demo_cards, spans):
    card = eligible(demo_cards, "132292")[0]
    issued, _pdf = order(chain_settings, card)
    path = wait_for_path(spans, issued.order_id, reported)

    assert [(h.source, h.target) for h in path.hops] == FIVE_HOPS
    assert path.stopped_at is None and path.code is None and path.outcome == "issued"
    trace = [s for s in spans.spans() if s.trace_id == path.trace_id]
    assert {s.service for s in trace} >= {"kiosk", "center", "gateway-132292", "issuer-132292"}
    # the same ciphertext left the issuer and reached the kiosk: nobody between opened or changed it
    assert path.hops[3].sha256 and path.hops[3].sha256 == path.hops[4].sha256
    assert path.hops[3].size and path.hops[3].size > 1000
    assert all(h.at_ms >= 0 for h in path.hops)
    checks = {c.name: c.result for c in path.checks}
    assert checks["rule.resident"] == "pass" and checks["rule.document"] == "pass"
    assert {"issuer.lookup", "issuer.render", "issuer.confirm", "issuer.seal"} <= set(checks)
    assert any(step.name == "center.outcome" for step in path.after)  # the kiosk told the centre


def test_a_refused_order_shows_where_it_stopped(chain_settings, demo_cards, spans):
    card = any_with(demo_cards, "no-inkan")
    before = {o.order_id for o in recent_orders(spans, limit=10_000)}
    with pytest.raises(KofuError) as refused:  # the kiosk orders anyway; the city refuses
        issue(chain_settings, card, "inkan")
    assert refused.value.code == "city.inkan.not_registered"
    tracing.flush()
    new = []
    for _ in range(100):
        new = [o for o in recent_orders(spans, limit=10_000) if o.order_id not in before and o.doc == "inkan"]
        if new:
            break
        time.sleep(0.2)
    (refused_order,) = new
    assert refused_order.outcome == "refused" and refused_order.code == "city.inkan.not_registered"
    path = wait_for_path(spans, refused_order.order_id, lambda p: len(p.hops) >= 5)
    assert path.stopped_at == "issuer" and path.stopped_step == "rule.seal"
    assert path.code == "city.inkan.not_registered"
    assert ("rule.seal", "city.inkan.not_registered") in [(c.name, c.result) for c in path.checks]
    assert "issuer.render" not in {c.name for c in path.checks}  # nothing was rendered


def explainer(settings, view: str, city: str = "132292") -> TestClient:
    """The explainer router on an app of its own, as a console mounts it."""
    app = FastAPI()
    spans = tracing.spans_dir(settings.var_dir)
    if view == "city":
        db = session_factory(make_engine(settings.city_db_url(city)))
        app.include_router(explainer_router(spans, view="city", resident_name=resident_name_reader(db)))
    else:
        app.include_router(explainer_router(spans, view="center"))
    return TestClient(app)


def test_the_explainer_draws_a_real_order_and_the_centre_view_shows_nobody(chain_settings, demo_cards, spans):
    card = eligible(demo_cards, "132292")[1]
    issued, _pdf = order(chain_settings, card)
    path = wait_for_path(spans, issued.order_id, reported)
    holder = next(r for r in registry(chain_settings, "132292") if r.id == card.resident_id)

    center = explainer(chain_settings, "center")
    page = center.get("/explain/order", params={"id": issued.order_id, "lang": "en"})
    assert page.status_code == 200
    html = page.text
    assert html.count("<tr>") >= 5 + len(path.checks)
    assert "neither the centre nor the gateway can read it" in html and path.hops[3].sha256 in html
    assert holder.name not in html and "resident-name" not in html
    index = center.get("/explain/")
    assert issued.order_id in index.text  # picked from the centre's history
    # the privacy scan of the centre's view: every name, address, 本籍 and card serial of the chain
    needles = _needles(chain_settings, _applications(chain_settings))
    pages = [
        page.content,
        center.get("/explain/order", params={"id": issued.order_id}).content,
        index.content,
    ]
    assert [what for what, needle in needles.items() if any(needle in p for p in pages)] == []

    city = explainer(chain_settings, "city").get("/explain/order", params={"id": issued.order_id})
    assert city.status_code == 200 and holder.name in city.text  # the city holds the name


def test_every_actor_serves_metrics_behind_its_door(chain_settings, demo_cards):
    order(chain_settings, eligible(demo_cards, "132292")[2])  # an order the counters have seen
    pki, city = chain_settings.pki, "132292"

    def scrape(url: str, role: str | None = None, ident: str | None = None, **kwargs) -> httpx.Response:
        verify = client_context(pki, role, ident) if role and ident else False
        with httpx.Client(verify=verify, timeout=10) as client:
            return client.get(url + "/metrics", **kwargs)

    center = scrape(chain_settings.center_url, "center", "center")
    assert center.status_code == 200
    assert 'kofu_orders_total{doc="juminhyo",outcome="issued"}' in center.text
    assert 'kofu_request_seconds_bucket{le="0.005",route="order"}' in center.text
    assert scrape(chain_settings.center_url, "kiosk", chain_settings.kiosk_id).status_code == 404

    gateway_url = chain_settings.gateway_url(city)
    gateway = scrape(gateway_url, "issuer", city)
    assert gateway.status_code == 200 and 'kofu_gateway_queue_depth{state="waiting"}' in gateway.text
    assert scrape(gateway_url, "issuer", "132110").status_code == 404  # another city's issuer
    assert scrape(gateway_url, "kiosk", chain_settings.kiosk_id).status_code == 404

    assert scrape(chain_settings.public_url).status_code == 404  # the public port shows none
    key = (chain_settings.var_dir / "kiosk" / "maintenance.key").read_text().strip()
    assert scrape(chain_settings.kiosk_url).status_code == 404
    kiosk = scrape(chain_settings.kiosk_url, headers={"Authorization": f"Bearer {key}"})
    assert kiosk.status_code == 200 and "kofu_requests_total" in kiosk.text

    targets = metrics.targets_dir(chain_settings.var_dir)
    for actor in (f"issuer-{city}", "verifier"):
        (target,) = [json.loads(p.read_text()) for p in targets.glob(f"{actor}.*.json")][-1:]
        assert target[0]["labels"] == {"actor": actor}
        local = scrape("http://" + target[0]["targets"][0])  # loopback only
        assert local.status_code == 200
    issuer = scrape(
        "http://" + json.loads(next(targets.glob(f"issuer-{city}.*.json")).read_text())[0]["targets"][0]
    )
    assert 'kofu_issuer_workers{state="total"}' in issuer.text
    assert 'kofu_orders_total{doc="juminhyo",outcome="issued"}' in issuer.text


def test_kofu_explain_prints_the_path(chain_settings, demo_cards, spans, monkeypatch, capsys):
    card = eligible(demo_cards, "132292")[3]
    issued, _pdf = order(chain_settings, card)
    wait_for_path(spans, issued.order_id, reported)
    holder = next(r for r in registry(chain_settings, "132292") if r.id == card.resident_id)
    monkeypatch.setenv("KOFU_VAR", str(chain_settings.var_dir))

    assert main(["explain", issued.order_id, "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "5. City gateway → Kiosk" in printed and "Delivered end to end" in printed
    assert holder.name not in printed  # the centre's view
    assert main(["explain", issued.order_id, "--city", "132292"]) == 0
    assert holder.name in capsys.readouterr().out  # the city's view, from its register
    assert main(["explain", "--list"]) == 0 and issued.order_id in capsys.readouterr().out
    assert main(["explain", "not/an/id"]) == 2
    assert main(["explain", "f" * 32]) == 1
    assert "no record of order" in capsys.readouterr().err
