"""The kiosk's web API against pages that are not its own, in Chromium, against the real chain.

A second Chromium resolves ``evil.example`` to 127.0.0.1 (``--host-resolver-rules``), as DNS
rebinding would make any browser do: from there a page on another site tries to order, change
the choice, pay, end the visit and read the state while a resident stands at the confirmation
screen; and a page loaded from ``evil.example`` at the kiosk's own port — the kiosk itself,
under a foreign name — tries to read and order. Each request reaches the kiosk (its log names
the refusal) and nothing happens; the resident's page goes on. A whole visit's API answers
carry no PIN.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from kofu.config import Settings
from kofu.demo import DemoCard
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SLOW,
    Shots,
    expect,
    kiosk_state,
    screen_is,
    to_documents,
    to_payment,
)

pytestmark = pytest.mark.e2e

EVIL = "evil.example"

ATTACK = """<!doctype html><html><head><meta charset="utf-8"><title>another site</title></head><body>
<form id="form" method="POST" action="KIOSK/api/cash" enctype="text/plain" target="sink">
  <input name='{"amount":1000,"x":"' value='"}'></form>
<iframe name="sink"></iframe>
<script>
const K = "KIOSK";
window.results = {};
const note = (name, promise) => promise.then(
  (r) => { window.results[name] = r.type + ":" + r.status; }, () => { window.results[name] = "blocked"; });
note("order", fetch(K + "/api/order", { method: "POST", mode: "no-cors" }));
note("copies", fetch(K + "/api/copies", { method: "POST", mode: "no-cors",
  headers: { "content-type": "text/plain" }, body: JSON.stringify({ copies: 3 }) }));
note("order-guessing-the-token", fetch(K + "/api/order", { method: "POST", headers: { "X-Kofu-Token": "a-guess" } }));
note("state", fetch(K + "/api/state"));
window.results.beacon = String(navigator.sendBeacon(K + "/api/leave", new Blob(["a-guess"], { type: "text/plain" })));
document.getElementById("form").submit();
window.results.form = "sent";
</script></body></html>"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def rebinding(browser: Any) -> Iterator[Any]:
    """A second Chromium in which evil.example resolves to 127.0.0.1."""
    other = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {EVIL} 127.0.0.1"],
    )
    yield other
    other.close()


@pytest.fixture(scope="module")
def attacker_site(chain_settings: Settings) -> Iterator[str]:
    """http://evil.example:PORT/ — another site's page, served on loopback by this test."""
    page = ATTACK.replace("KIOSK", chain_settings.kiosk_url).encode()

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *_args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", _free_port()), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://{EVIL}:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class KioskLog:
    """The kiosk process's log from now on (what the guard refused, by method, path and code)."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.log_dir / "kiosk.log"
        self.start = self.path.stat().st_size

    def since(self) -> str:
        with self.path.open("rb") as log:
            log.seek(self.start)
            return log.read().decode("utf-8", "replace")

    def wait_for(self, *lines: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.since()
            missing = [line for line in lines if line not in text]
            if not missing:
                return text
            assert time.monotonic() < deadline, f"not in the kiosk's log: {missing}"
            time.sleep(0.2)


def test_a_page_on_another_site_cannot_order_pay_or_end_the_visit(
    page: Any,
    rebinding: Any,
    attacker_site: str,
    shots: Shots,
    order_card: DemoCard,
    chain_settings: Settings,
) -> None:
    url = chain_settings.kiosk_url
    to_documents(page, order_card)
    screen_is(page, "document", timeout=SLOW)
    page.locator('[data-doc="juminhyo"]').click()
    screen_is(page, "options")
    page.locator("#next").click()
    screen_is(page, "copies")
    page.locator("#next").click()
    screen_is(page, "confirm")
    before = kiosk_state(page, url)
    log = KioskLog(chain_settings)

    context = rebinding.new_context()
    attacker = context.new_page()
    attacker.goto(attacker_site)
    attacker.wait_for_function("Object.keys(window.results).length >= 6")
    results = attacker.evaluate("window.results")
    context.close()
    # A CORS request with a header of its own needs a preflight, which the kiosk refuses; a read
    # gets no CORS permission: the page sees neither. The no-cors requests are sent — and refused.
    assert results["order-guessing-the-token"] == "blocked" and results["state"] == "blocked"
    text = log.wait_for(
        "refused POST /api/order: kiosk.origin.refused",
        "refused POST /api/copies: kiosk.origin.refused",
        "refused OPTIONS /api/order: kiosk.origin.refused",
        "refused GET /api/state: kiosk.origin.refused",
        "refused POST /api/leave: kiosk.origin.refused",
        "refused POST /api/cash: kiosk.origin.refused",
    )
    assert "POST /api/order: kiosk.token" not in text  # the guessed token never even got there

    after = kiosk_state(page, url)
    assert after["visit"] == before["visit"] and after["phase"] == "menu" and after["document"] is None
    assert after["draft"] == before["draft"] and after["cash"]["inserted"] == 0 and after["ended"] is None
    # The resident's own page goes on: the order is theirs to confirm.
    screen_is(page, "confirm")
    page.locator("#confirm-ok").click()
    screen_is(page, "payment", timeout=SLOW)
    shots(page, "payment-after-another-site-tried")
    page.locator("#cancel").click()
    screen_is(page, "cancelled")


def test_the_kiosk_under_a_foreign_name_answers_nothing(
    page: Any, rebinding: Any, order_card: DemoCard, chain_settings: Settings
) -> None:
    """DNS rebinding: evil.example at the kiosk's port is the kiosk's process, but not its name."""
    to_payment(page, order_card)  # a resident mid-visit, with a document waiting for payment
    log = KioskLog(chain_settings)
    context = rebinding.new_context()
    rebound = context.new_page()
    response = rebound.goto(f"http://{EVIL}:{chain_settings.kiosk_port}/")
    assert response is not None and response.status == 403
    assert response.json()["code"] == "kiosk.host.refused"
    answers = rebound.evaluate(
        """async () => {
          const out = {};
          for (const [name, path, method] of [["state", "/api/state", "GET"], ["cards", "/api/device/cards", "GET"],
                                              ["tray", "/api/tray", "GET"], ["pay", "/api/pay", "POST"],
                                              ["cancel", "/api/cancel", "POST"]]) {
            const r = await fetch(path, { method });
            out[name] = [r.status, await r.text()];
          }
          return out;
        }"""
    )
    context.close()
    for name, (status, body) in answers.items():
        assert status == 403 and '"kiosk.host.refused"' in body, name
        assert order_card.card not in body
    log.wait_for("refused GET /: kiosk.host.refused", "refused POST /api/pay: kiosk.host.refused")
    state = kiosk_state(page, chain_settings.kiosk_url)
    assert state["phase"] == "ordered" and state["document"] is not None
    page.locator("#cancel").click()
    screen_is(page, "cancelled")


def _no_pin(value: Any, pin: str, where: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            # (the voice guidance names its PIN step "pin": a phrase, not a PIN)
            assert key.lower() != "pin" or isinstance(item, dict), f"a pin field in {where}"
            _no_pin(item, pin, where)
    elif isinstance(value, list):
        for item in value:
            _no_pin(item, pin, where)
    else:
        assert value != pin, f"the PIN in {where}"


#: Keeps the text of every answer the page's own fetch() gets (injected before the page's scripts).
RECORD_ANSWERS = """
window.__answers = [];
const kioskFetch = window.fetch.bind(window);
window.fetch = async (...args) => {
  const response = await kioskFetch(...args);
  const type = response.headers.get("content-type") || "";
  if (type.startsWith("application/json")) {
    response.clone().text().then((text) => window.__answers.push([response.url, text]));
  }
  return response;
};
"""


def test_no_answer_of_a_whole_visit_carries_a_pin(page: Any, order_card: DemoCard) -> None:
    page.add_init_script(RECORD_ANSWERS)
    page.reload()  # a new page, recording from its first call (the device panel's card list)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#card-select").select_option(order_card.card)
    detail = page.locator("#card-detail")
    expect(detail).not_to_have_text("")
    assert order_card.pin not in detail.inner_text()
    to_payment(page, order_card)
    page.locator('#cash-buttons [data-amount="500"]').click()
    expect(page.locator("#pay")).to_be_enabled()
    page.locator("#pay").click()
    screen_is(page, "done", timeout=SLOW)
    page.locator("#tray-take").click()
    page.locator("#cash-take").click()
    page.locator("#finish").click()
    screen_is(page, "start")
    answers = page.evaluate("window.__answers")
    paths = set()
    for url, text in answers:
        _no_pin(json.loads(text), order_card.pin, url)
        paths.add(url.split("/api/", 1)[1])
    assert {"device/cards", "state", "pin", "city", "order", "pay"} <= paths and len(answers) > 10
