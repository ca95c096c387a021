"""The explainer in Debian's chromium, inside the staff consoles: the path of a real order made in
this test (the centre's console: no personal data) and where a refused one stopped (the city's
console), and "how it works". This test process is the ordering kiosk (headless) and traces as
``kiosk``; every actor of the chain writes its spans where the consoles read them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from kofu.protocol.errors import KofuError
from kofu.telemetry import tracing
from kofu.telemetry.path import SpanStore, order_path, recent_orders
from tests.browser.a11y import low_contrast, unnamed_controls
from tests.browser.conftest import eligible, expect
from tests.consoles import sign_in
from tests.e2e.helpers import order, registry
from tests.e2e.rules_helpers import any_with, issue

pytestmark = pytest.mark.e2e


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ja-JP")
    context.set_default_timeout(15_000)
    yield context
    context.close()


def test_the_explainer_draws_the_five_hops_of_a_real_order(chain, chain_settings, demo_cards, context, shots):
    tracing.start(chain_settings.var_dir, "kiosk")
    card = eligible(demo_cards, "132110")[0]
    issued, _pdf = order(chain_settings, card)
    tracing.flush()
    store = SpanStore(tracing.spans_dir(chain_settings.var_dir))
    for _ in range(100):  # each actor exports its spans once a second
        path = order_path(store, issued.order_id)
        if path is not None and len(path.hops) == 5:
            break
        time.sleep(0.2)

    page = context.new_page()
    explainer_url = sign_in(page, chain_settings, "center", "auditor")
    page.goto(explainer_url + "/explain/")
    page.get_by_role("link", name=issued.order_id).click()  # picked from the centre's history
    hops = page.locator("[data-testid=hops] tbody tr")
    expect(hops).to_have_count(5)
    expect(hops.nth(3)).to_contain_text("センターも中継サーバーも読めません")
    expect(page.locator("[data-testid=checks]")).to_contain_text("適合")
    expect(page.locator("svg[role=img]")).to_be_visible()
    holder = next(r for r in registry(chain_settings, card.city) if r.id == card.resident_id)
    assert holder.name not in page.content()  # the centre's view names nobody
    assert unnamed_controls(page) == []
    assert low_contrast(page) == []
    shots(page, "explainer-order")

    page.get_by_role("link", name="しくみ").click()
    expect(page.locator("h1")).to_have_text("しくみ")
    shots(page, "explainer-how")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("How it works")
    assert low_contrast(page) == []

    page.goto(explainer_url + "/explain/order?id=no%20such%20order")
    expect(page.get_by_role("alert")).to_contain_text("注文番号の形が正しくありません")


def test_the_explainer_shows_where_a_refused_order_stopped(chain, chain_settings, demo_cards, context, shots):
    tracing.start(chain_settings.var_dir, "kiosk")
    store = SpanStore(tracing.spans_dir(chain_settings.var_dir))
    before = {o.order_id for o in recent_orders(store, limit=10_000)}
    card = any_with(demo_cards, "no-inkan")
    with pytest.raises(KofuError):  # no seal registration: the city refuses the order
        issue(chain_settings, card, "inkan")
    tracing.flush()
    refused = []
    for _ in range(100):
        refused = [
            o for o in recent_orders(store, limit=10_000) if o.order_id not in before and o.doc == "inkan"
        ]
        if refused and (path := order_path(store, refused[0].order_id)) and len(path.hops) == 5:
            break
        time.sleep(0.2)

    page = context.new_page()
    explainer_url = sign_in(page, chain_settings, card.city, "clerk")
    page.goto(f"{explainer_url}/explain/order?id={refused[0].order_id}&lang=en")
    stopped = page.get_by_test_id("stopped")
    expect(stopped).to_contain_text("City issuer")
    expect(stopped).to_contain_text("A seal registration exists")
    expect(stopped).to_contain_text("city.inkan.not_registered")
    expect(page.locator("[data-testid=checks]")).to_contain_text("✕ city.inkan.not_registered")
    assert low_contrast(page) == []
    shots(page, "explainer-refused")
