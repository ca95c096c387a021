"""The kiosk's safety rules as a resident meets them in Chromium, against the real chain.

Timeouts, a card taken mid-flow, reloading or closing the page mid-payment, documents left in
the tray, a failed print, voice reminders (to take the card, the documents, the change and a
refund; the later ones run on Playwright's clock), and maintenance mode. Cards: see conftest.py.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.kiosk.messages import kiosk_message
from kofu.kiosk.speaker import GUIDANCE, REMIND_SECONDS
from tests.browser.conftest import (
    SLOW,
    Maintenance,
    Shots,
    expect,
    kiosk_state,
    screen_is,
    spoken,
    to_payment,
    to_pin,
    type_pin,
)

pytestmark = pytest.mark.e2e
REMIND_MS = int(REMIND_SECONDS * 1000)


def pay(page: Any, *amounts: int) -> None:
    for amount in amounts:
        page.locator(f'#cash-buttons [data-amount="{amount}"]').click()
    expect(page.locator("#pay-inserted")).to_have_text(f"¥{sum(amounts):,}")


def test_inactivity_warns_then_wipes_the_visit(
    page: Any, shots: Shots, order_card: DemoCard, maintenance: Maintenance, chain_settings: Settings
) -> None:
    to_payment(page, order_card)
    maintenance.act("idle_timeout", 6)  # set now: the steps above take longer than that
    pay(page, 100)
    warning = page.locator("#idle-warning")
    expect(warning).to_be_visible(timeout=8_000)
    expect(page.locator("#idle-continue")).to_be_visible()
    shots(page, "idle-warning")
    page.locator("#idle-continue").click()  # the resident is still there
    expect(warning).to_be_hidden()
    screen_is(page, "payment")
    # Now walk away: the kiosk ends the visit by itself.
    screen_is(page, "cancelled", timeout=12_000)
    reason = page.locator("#cancel-reason")
    expect(reason).to_have_attribute("data-code", "kiosk.timeout")
    expect(page.locator("#refund")).to_contain_text("¥100")
    shots(page, "timeout")
    state = kiosk_state(page, chain_settings.kiosk_url)
    assert state["phase"] == "idle" and state["menu"] is None and state["document"] is None
    assert state["draft"]["doc"] is None and state["cities"] == [] and not state["card"]["in_slot"]
    assert state["cash"]["inserted"] == 0
    # Nothing of the visit is left on the page either.
    assert "住民票" not in page.locator("#screen").inner_text()
    page.locator("#cash-take").click()
    page.locator("#back-to-start").click()
    screen_is(page, "start")


def test_taking_the_card_mid_flow_cancels(
    page: Any, shots: Shots, order_card: DemoCard, chain_settings: Settings
) -> None:
    to_pin(page, order_card)
    type_pin(page, order_card.pin[:3])
    page.locator("#card-take").click()
    screen_is(page, "error")
    expect(page.locator("#error-message")).to_have_attribute("data-code", "card.removed")
    expect(page.locator("#error-message")).to_have_text(kiosk_message("card.removed").ja)
    shots(page, "card-removed")
    state = kiosk_state(page, chain_settings.kiosk_url)
    assert state["phase"] == "idle" and not state["card"]["in_slot"]
    page.locator("#back-to-start").click()
    screen_is(page, "start")


@pytest.mark.parametrize("how", ["reload", "close"])
def test_leaving_the_page_mid_payment_refunds(
    page: Any,
    browser: Any,
    shots: Shots,
    order_card: DemoCard,
    chain_settings: Settings,
    how: str,
) -> None:
    url = chain_settings.kiosk_url
    to_payment(page, order_card)
    pay(page, 500)
    if how == "reload":
        page.reload()
        screen_is(page, "cancelled")
        expect(page.locator("#cancel-reason")).to_have_attribute("data-code", "kiosk.page.left")
        expect(page.locator("#refund")).to_contain_text("¥500")
        expect(page.locator("#cash-returned")).to_have_text("¥500")
        shots(page, "reloaded-mid-payment")
        state = kiosk_state(page, url)
    else:
        page.close()  # pagehide sends the beacon (with the page's token); no new page is loaded
        other = browser.new_context().new_page()
        deadline = time.monotonic() + 10
        state = other.request.get(url + "/api/state").json()
        while state["cash"]["returned"] < 500 and time.monotonic() < deadline:
            time.sleep(0.2)
            state = other.request.get(url + "/api/state").json()
        # The next resident's screen shows the refund waiting, and its change button gives it back.
        other.goto(url + "/")
        expect(other.locator("body")).to_have_attribute("data-ready", "true")
        expect(other.locator("#cash-returned")).to_have_text("¥500")
        other.locator("#cash-take").click()
        expect(other.locator("#cash-returned")).to_have_text("¥0")
        other.context.close()
    assert state["phase"] == "idle" and state["document"] is None and state["menu"] is None
    assert state["cash"]["inserted"] == 0 and state["cash"]["returned"] == 500
    assert state["ended"]["code"] == "kiosk.page.left"
    if how == "reload":
        page.locator("#cash-take").click()
        page.locator("#back-to-start").click()


def test_documents_left_behind_are_not_shown_to_the_next_resident(
    page: Any, shots: Shots, order_card: DemoCard, maintenance: Maintenance, chain_settings: Settings
) -> None:
    maintenance.act("retained.destroy")
    to_payment(page, order_card)
    pay(page, 500)
    page.locator("#pay").click()
    screen_is(page, "done", timeout=SLOW)
    expect(page.locator("#tray a.sheet")).to_have_count(1)
    href = page.locator("#tray a.sheet").get_attribute("href")
    # The resident walks away; the next one reloads the screen.
    page.reload()
    expect(page.locator("#tray a.sheet")).to_have_count(0)
    expect(page.locator("#tray li.empty")).to_have_count(1)
    assert page.request.get(chain_settings.kiosk_url + str(href)).status == 404
    status = maintenance.status()
    assert status["retained"]["documents"] == 1
    assert status["devices"]["printer"]["tray_documents"] == 0
    maintenance.act("retained.destroy")
    page.locator("#cash-take").click()
    page.locator("#back-to-start").click()


def test_failed_print_refunds_everything(
    page: Any, shots: Shots, order_card: DemoCard, maintenance: Maintenance
) -> None:
    to_payment(page, order_card)
    maintenance.act("printer.fail_next")
    pay(page, 1000)
    page.locator("#pay").click()
    screen_is(page, "error", timeout=SLOW)
    expect(page.locator("#error-message")).to_have_attribute("data-code", "kiosk.print.failed")
    expect(page.locator("#cash-returned")).to_have_text("¥1,000")
    expect(page.locator("#tray a.sheet")).to_have_count(0)
    shots(page, "print-failed-refund")
    page.locator("#cash-take").click()
    page.locator("#back-to-start").click()


def test_voice_guidance_speaks_each_step_and_reminds_until_stopped(
    page: Any, shots: Shots, order_card: DemoCard
) -> None:
    page.clock.install()  # the page's timers on the test's clock: reminders without waiting
    said = [p["text"] for p in spoken(page)]
    assert GUIDANCE["start"].ja in said
    to_pin(page, order_card)
    said = [p["text"] for p in spoken(page)]
    for step in ("service", "kind", "place", "pin"):
        assert GUIDANCE[step].ja in said, step
    assert all(p["voice"] == "ja-JP" for p in spoken(page))
    expect(page.locator("#speaker-now")).to_have_text(GUIDANCE["pin"].ja)
    type_pin(page, order_card.pin)
    page.locator("#pin-ok").click()
    screen_is(page, "remove", timeout=SLOW)
    # The card stays on the reader: the reminder repeats, and the stop button silences it.
    page.clock.run_for(REMIND_MS * 2 + 500)
    reminders = [p for p in spoken(page) if p["reminder"]]
    assert len(reminders) >= 2 and all(p["text"] == GUIDANCE["remove"].ja for p in reminders)
    shots(page, "remove-card-reminding")
    page.locator("#voice-stop").click()
    expect(page.locator("#speaker-stop")).to_be_disabled()
    count = len(spoken(page))
    page.clock.run_for(REMIND_MS * 3)
    assert len(spoken(page)) == count
    page.locator("#card-take").click()
    screen_is(page, "document", timeout=SLOW)
    page.locator("#lang").click()
    assert spoken(page)[-1] == {**spoken(page)[-1], "text": GUIDANCE["document"].en, "voice": "en-US"}
    page.locator("#lang").click()
    page.locator("#cancel").click()


def _reminders_since(page: Any, start: int) -> list[dict[str, Any]]:
    return [p for p in spoken(page)[start:] if p["reminder"]]


def _reminds(page: Any, since: int, key: str) -> list[dict[str, Any]]:
    """Two reminder intervals on: the reminders spoken since ``since``, two or more, all ``key``."""
    page.clock.run_for(REMIND_MS * 2)
    reminders = _reminders_since(page, since)
    assert len(reminders) >= 2
    assert {p["text"] for p in reminders} == {GUIDANCE[key].ja}
    return reminders


def _stays_silent(page: Any) -> int:
    """Nothing is spoken over three reminder intervals; where the speech log stood before them."""
    start = len(spoken(page))
    page.clock.run_for(REMIND_MS * 3)
    assert spoken(page)[start:] == []
    return start


def _step_spoken(page: Any, key: str) -> int:
    """Where in the speech log the step ``key`` was last spoken (not as a reminder)."""
    said = spoken(page)
    found = [i for i, p in enumerate(said) if p["text"] == GUIDANCE[key].ja and not p["reminder"]]
    assert found, f"{key} was not spoken"
    return found[-1]


def _to_done_with_change(page: Any, card: DemoCard) -> int:
    """A 住民票 paid with ¥1,000: documents in the tray, change in the change tray; where the done
    step is in the speech log."""
    to_payment(page, card)
    pay(page, 1000)
    page.locator("#pay").click()
    screen_is(page, "done", timeout=SLOW)
    expect(page.locator("#tray a.sheet")).to_have_count(1)
    expect(page.locator("#cash-returned")).not_to_have_text("¥0")
    return _step_spoken(page, "done")


def test_voice_reminds_to_take_documents_then_change_until_taken(
    page: Any, shots: Shots, order_card: DemoCard
) -> None:
    # The page's timers from here on run on the test's clock: each run_for is that much time.
    page.clock.install()
    done = _to_done_with_change(page, order_card)
    reminders = _reminds(page, done, "takeDocs")
    assert {p["voice"] for p in reminders} == {"ja-JP"}
    expect(page.locator("#speaker-stop")).to_be_enabled()
    expect(page.locator("#voice-stop")).to_have_text("音声案内を止める")
    shots(page, "done-reminding")
    # Documents taken: what is left to remind of is the change.
    page.locator("#tray-take").click()
    expect(page.locator("#check-docs")).to_have_class("ok")
    _reminds(page, len(spoken(page)), "takeChange")
    # Change taken too: the next reminder finds nothing left and the reminders end by themselves.
    page.locator("#cash-take").click()
    expect(page.locator("#check-change")).to_have_class("ok")
    page.clock.run_for(REMIND_MS)
    expect(page.locator("#speaker-stop")).to_be_disabled()
    expect(page.locator("#voice-stop")).to_have_count(0)
    _stays_silent(page)
    page.locator("#finish").click()
    screen_is(page, "start")


def test_voice_stop_silences_the_take_documents_reminder(page: Any, order_card: DemoCard) -> None:
    page.clock.install()
    done = _to_done_with_change(page, order_card)
    page.clock.run_for(REMIND_MS)
    assert [p["text"] for p in _reminders_since(page, done)][:1] == [GUIDANCE["takeDocs"].ja]
    stop = page.locator("#voice-stop")
    expect(stop).to_have_text("音声案内を止める")
    stop.click()
    expect(stop).to_have_count(0)
    expect(page.locator("#speaker-stop")).to_be_disabled()
    start = _stays_silent(page)
    # The documents are still in the tray, and taking them does not start the reminders again.
    expect(page.locator("#tray a.sheet")).to_have_count(1)
    page.locator("#tray-take").click()
    expect(page.locator("#check-docs")).to_have_class("ok")
    page.clock.run_for(REMIND_MS * 2)
    assert spoken(page)[start:] == []
    page.locator("#cash-take").click()
    page.locator("#finish").click()
    screen_is(page, "start")


def test_voice_reminds_to_take_a_refund_until_taken(page: Any, order_card: DemoCard) -> None:
    page.clock.install()
    to_payment(page, order_card)
    pay(page, 500)
    page.locator("#cancel").click()
    screen_is(page, "cancelled")
    expect(page.locator("#refund")).to_contain_text("¥500")
    _reminds(page, _step_spoken(page, "cancelled"), "takeChange")
    page.locator("#cash-take").click()
    expect(page.locator("#cash-returned")).to_have_text("¥0")
    page.clock.run_for(REMIND_MS)
    expect(page.locator("#speaker-stop")).to_be_disabled()
    _stays_silent(page)
    page.locator("#back-to-start").click()
    screen_is(page, "start")


def test_maintenance_page_needs_the_key_and_shows_no_resident_data(
    page: Any, shots: Shots, maintenance_key: str, chain_settings: Settings
) -> None:
    page.goto(chain_settings.kiosk_url + "/maintenance")
    page.locator("#m-key").fill("not-the-key-at-all-000")
    page.locator("#m-login-button").click()
    expect(page.locator("#m-error")).to_contain_text(kiosk_message("kiosk.maintenance.denied").ja)
    expect(page.locator("#m-panel")).to_be_hidden()
    page.locator("#m-key").fill(maintenance_key)
    page.locator("#m-login-button").click()
    expect(page.locator("#m-panel")).to_be_visible()
    expect(page.locator("#m-login")).to_be_hidden()  # the key field is gone once logged in
    expect(page.locator("#m-paper")).to_contain_text("/ 500")
    shots(page, "maintenance")
    text = page.locator("body").inner_text()
    assert maintenance_key not in text and "住民票の写し" not in text
    page.locator('[data-action="paper.refill"]').click()
    expect(page.locator("#m-done")).to_contain_text("✓")
    page.locator("#m-logout").click()
    expect(page.locator("#m-panel")).to_be_hidden()
    expect(page.locator("#m-login")).to_be_visible()
