"""The kiosk's touch screen with a real PC/SC reader: pcscd + vsmartcard-vpcd + `kofu card insert`.

A kiosk process of its own (`kofu kiosk`, ``KOFU_READER=pcsc``, its own port) against the session
`chain`; the resident is Debian's chromium (Playwright, never downloaded). The card is a freshly
issued one, so no other test uses it. Putting the card on the reader at the "place your card"
step moves the screen on by itself; taking it off before the signature ends the visit with
``card.removed``; taking it off after the PIN is the "take your card" step.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kofu.config import Settings
from kofu.documents.text import extract_text
from kofu.kiosk.messages import kiosk_message
from tests.card.life import issue_fresh_card, resident_name
from tests.pcsc.conftest import inserted, kofu_env

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens-pcsc"
SLOW = 60_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is not installed; no browser is downloaded", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
expect = sync_api.expect


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def pcsc_kiosk(
    chain: Any, chain_settings: Settings, pcscd: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`kofu kiosk` with the PC/SC reader, on a port of its own; stopped (only it) afterwards."""
    port = _free_port()
    log = open(tmp_path_factory.mktemp("pcsc-kiosk") / "kiosk.log", "wb")  # noqa: SIM115
    env = {**kofu_env(chain_settings), "KOFU_KIOSK_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kofu.cli", "kiosk"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/api/state", timeout=2).status_code == 200:
                    break
            assert proc.poll() is None, f"kofu kiosk exited; see {log.name}"
            assert time.monotonic() < deadline, f"kofu kiosk did not come up; see {log.name}"
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def in_browser(url: str, scenario: Callable[[Any], None]) -> None:
    """Run ``scenario(page)`` in chromium, with Playwright's sync API in a thread of its own.

    When tests/browser runs in the same session its browser holds an event loop in this thread,
    and a second sync Playwright cannot start here; a thread has no loop, so it can.
    """
    failure: list[BaseException] = []

    def run() -> None:
        try:
            with sync_api.sync_playwright() as p:
                chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                try:
                    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="ja-JP")
                    context.set_default_timeout(15_000)
                    page = context.new_page()
                    errors: list[str] = []
                    page.on("pageerror", lambda exc: errors.append(str(exc)))
                    page.goto(url + "/")
                    expect(page.locator("body")).to_have_attribute("data-ready", "true")
                    scenario(page)
                    context.close()
                    assert errors == []
                finally:
                    chromium.close()
        except BaseException as exc:  # handed to the test's own thread
            failure.append(exc)

    worker = threading.Thread(target=run, name="playwright")
    worker.start()
    worker.join(600)
    assert not worker.is_alive(), "the browser scenario did not finish"
    if failure:
        raise failure[0]


def _shot(page: Any, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True, animations="disabled")


def _screen(page: Any, name: str, timeout: float | None = None) -> None:
    expect(page.locator("#screen")).to_have_attribute("data-screen", name, timeout=timeout)


def _to_place(page: Any) -> None:
    page.locator("#go-admin").click()
    page.locator("#go-cert").click()
    page.locator("#kind-residence").click()
    _screen(page, "place")


def _type_pin(page: Any, pin: str) -> None:
    for digit in pin:
        page.locator(f'.keypad [data-key="{digit}"]').click()


def test_device_panel_shows_the_real_reader(pcscd: str, pcsc_kiosk: str) -> None:
    in_browser(pcsc_kiosk, lambda page: _panel(page, pcscd))
    cards = httpx.get(pcsc_kiosk + "/api/device/cards").json()
    assert cards["simulated"] is False and cards["cards"] == [] and cards["reader"]["name"] == pcscd


def _panel(page: Any, pcscd: str) -> None:
    expect(page.locator("body")).to_have_attribute("data-reader", "pcsc")
    expect(page.locator("#reader-name")).to_have_text(pcscd)
    expect(page.locator("#reader-state")).to_have_text("カードはありません")
    expect(page.locator("#card-select")).to_be_hidden()
    expect(page.locator("#card-place")).to_be_hidden()
    _shot(page, "device-panel-pcsc")


def test_card_on_the_reader_orders_and_taking_it_off_goes_on(
    chain_settings: Settings, pcsc_kiosk: str
) -> None:
    issued, _card = issue_fresh_card(chain_settings, "132110")
    name = re.sub(r"\s", "", resident_name(chain_settings, "132110", issued.resident_id))
    in_browser(pcsc_kiosk, lambda page: _order(page, chain_settings, pcsc_kiosk, issued, name))


def _order(page: Any, chain_settings: Settings, pcsc_kiosk: str, issued: Any, name: str) -> None:
    _to_place(page)
    expect(page.locator("#screen")).to_contain_text("自動的に次へ進みます")
    with inserted(chain_settings, issued.label):
        _screen(page, "pin", timeout=10_000)  # by itself: nothing was pressed
        expect(page.locator("#reader-state")).to_have_text("カードがあります")
        _shot(page, "pin-card-on-reader")
        _type_pin(page, issued.pin)
        page.locator("#pin-ok").click()
        _screen(page, "remove", timeout=SLOW)
        _shot(page, "remove-card")
    # `kofu card remove` took the card off: the screen goes on to the documents.
    _screen(page, "document", timeout=SLOW)
    page.locator('[data-doc="juminhyo"]').click()
    _screen(page, "options")
    page.locator("#next").click()
    _screen(page, "copies")
    page.locator("#next").click()
    _screen(page, "confirm")
    page.locator("#confirm-ok").click()
    _screen(page, "payment", timeout=SLOW)
    page.locator('#cash-buttons [data-amount="500"]').click()
    page.locator("#pay").click()
    _screen(page, "done", timeout=SLOW)
    link = page.locator("#tray a.sheet")
    expect(link).to_have_count(1)
    pdf = page.request.get(pcsc_kiosk + str(link.get_attribute("href"))).body()
    assert name in re.sub(r"\s", "", extract_text(pdf))
    page.locator("#tray-take").click()
    page.locator("#cash-take").click()
    page.locator("#finish").click()
    _screen(page, "start")


def test_taking_the_card_off_before_the_signature_cancels(chain_settings: Settings, pcsc_kiosk: str) -> None:
    issued, _card = issue_fresh_card(chain_settings, "132292")
    in_browser(pcsc_kiosk, lambda page: _removed(page, chain_settings, pcsc_kiosk, issued))


def _removed(page: Any, chain_settings: Settings, pcsc_kiosk: str, issued: Any) -> None:
    _to_place(page)
    with inserted(chain_settings, issued.label):
        _screen(page, "pin", timeout=10_000)
        _type_pin(page, issued.pin[:2])
    # Off the reader at the PIN step: the visit ends, the screen says why.
    _screen(page, "error", timeout=10_000)
    message = page.locator("#error-message")
    expect(message).to_have_attribute("data-code", "card.removed")
    expect(message).to_have_text(kiosk_message("card.removed").ja)
    _shot(page, "card-removed")
    state = httpx.get(pcsc_kiosk + "/api/state").json()
    assert state["phase"] == "idle" and state["card"]["in_slot"] is False
    assert state["card"]["reader"]["present"] is False
    page.locator("#back-to-start").click()
    _screen(page, "start")
