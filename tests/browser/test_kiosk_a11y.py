"""Accessibility basics of the kiosk's screens, measured in Chromium (helpers: a11y.py).

Every screen of a visit, the refusal (error) and cancelled screens, the document screen with an
offer the menu refuses, and the 利用登録 screens up to the confirmation (the screen after an
application is sent is checked by the one test that sends one, in test_kiosk_options_browser.py).

- every control has an accessible name (Chromium's own accessibility tree, through CDP);
- focus order follows the flow: Tab from the screen visits its controls in reading order
  (top to bottom, left to right) and never jumps back;
- text contrast meets WCAG AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold), computed
  from the computed styles of every visible text element against its effective background.
"""

from __future__ import annotations

from typing import Any

import pytest

from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.kiosk.messages import kiosk_message
from tests.browser.a11y import check, low_contrast, unnamed_controls
from tests.browser.conftest import (
    SLOW,
    Shots,
    expect,
    refused_card,
    screen_is,
    to_documents,
    to_payment,
    type_pin,
    unregistered_card,
)

pytestmark = pytest.mark.e2e


def test_screens_have_names_focus_order_and_contrast(
    page: Any, shots: Shots, order_card: DemoCard, chain_settings: Settings
) -> None:
    report: dict[str, Any] = {}
    check(page, "start", report)
    page.locator("#go-admin").click()
    check(page, "service", report)
    page.locator("#go-cert").click()
    check(page, "kind", report)
    to_pin_from_kind = page.locator("#kind-residence")
    to_pin_from_kind.click()
    screen_is(page, "place")
    check(page, "place", report)
    page.locator("#card-select").select_option(order_card.card)
    page.locator("#card-place").click()
    screen_is(page, "pin")
    check(page, "pin", report)
    # The keypad in reading order: 1 2 3 / 4 5 6 / 7 8 9 / 訂正 0 確定 (確定 is disabled until 4 digits).
    assert report["order"]["pin"][:11] == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "pin-clear", "0"]
    type_pin(page, order_card.pin)
    page.locator("#pin-ok").click()
    screen_is(page, "remove", timeout=SLOW)
    check(page, "remove", report, order=False)
    page.locator("#card-take").click()
    screen_is(page, "document", timeout=SLOW)
    check(page, "document", report)
    page.locator('[data-doc="juminhyo"]').click()
    screen_is(page, "options")
    check(page, "options", report)
    assert report["order"]["options"][-2:] == ["back", "next"]
    page.locator("#next").click()
    screen_is(page, "copies")
    check(page, "copies", report)
    page.locator("#next").click()
    screen_is(page, "confirm")
    check(page, "confirm", report)
    assert report["order"]["confirm"] == ["back", "confirm-ok"]
    page.locator("#confirm-ok").click()
    screen_is(page, "payment", timeout=SLOW)
    check(page, "payment", report, order=False)  # one control, disabled until paid
    page.locator('#cash-buttons [data-amount="500"]').click()
    expect(page.locator("#pay")).to_be_enabled()
    page.locator("#pay").click()
    screen_is(page, "done", timeout=SLOW)
    check(page, "done", report, order=False)
    page.locator("#tray-take").click()
    page.locator("#cash-take").click()
    page.locator("#finish").click()
    screen_is(page, "start")
    page.locator("#lang").click()
    check(page, "start-english", report)
    page.locator("#lang").click()
    assert_clean(report)


def assert_clean(report: dict[str, Any]) -> None:
    unnamed = {k: v for k, v in report["unnamed"].items() if v}
    assert unnamed == {}, f"controls without an accessible name: {unnamed}"
    contrast = {k: v for k, v in report["contrast"].items() if v}
    assert contrast == {}, f"text below WCAG AA contrast: {contrast}"


def test_refusal_and_cancelled_screens_have_names_focus_order_and_contrast(
    page: Any, demo_cards: list[DemoCard], order_card: DemoCard
) -> None:
    report: dict[str, Any] = {}
    # A refusal of the whole visit (a child's card): the error screen, in both languages.
    to_documents(page, refused_card(demo_cards, "under-15"))
    screen_is(page, "error", timeout=SLOW)
    expect(page.locator("#error-message")).to_have_attribute("data-code", "city.resident.under_15")
    check(page, "error", report)
    assert report["order"]["error"] == ["back-to-start"]
    page.locator("#lang").click()
    expect(page.locator("#error-message")).to_have_text(kiosk_message("city.resident.under_15").en)
    check(page, "error-english", report)
    page.locator("#lang").click()
    page.locator("#back-to-start").click()
    screen_is(page, "start")

    # An offer the menu refuses: greyed on the document screen, and never reached with Tab.
    to_documents(page, refused_card(demo_cards, "inkan-abolished"))
    screen_is(page, "document", timeout=SLOW)
    expect(page.locator('.tile.refused[data-doc="inkan"]')).to_have_count(1)
    check(page, "document-refused", report)
    assert "inkan" not in report["order"]["document-refused"]
    assert "juminhyo" in report["order"]["document-refused"]
    page.locator("#cancel").click()
    screen_is(page, "cancelled")
    check(page, "cancelled", report)
    assert report["order"]["cancelled"] == ["back-to-start"]
    page.locator("#back-to-start").click()
    screen_is(page, "start")

    # Cancelled with money in the cash unit: the refund, and the button that stops the reminders.
    to_payment(page, order_card)
    page.locator('#cash-buttons [data-amount="500"]').click()
    expect(page.locator("#pay-inserted")).to_have_text("¥500")
    page.locator("#cancel").click()
    screen_is(page, "cancelled")
    expect(page.locator("#refund")).to_contain_text("¥500")
    check(page, "cancelled-refund", report)
    assert report["order"]["cancelled-refund"] == ["voice-stop", "back-to-start"]
    page.locator("#cash-take").click()
    expect(page.locator("#cash-returned")).to_have_text("¥0")
    page.locator("#back-to-start").click()
    screen_is(page, "start")
    assert_clean(report)


def test_registration_screens_have_names_focus_order_and_contrast(
    page: Any, demo_cards: list[DemoCard]
) -> None:
    """利用登録 up to its confirmation; nothing is sent (the visit is cancelled there)."""
    card = unregistered_card(demo_cards)
    report: dict[str, Any] = {}
    to_documents(page, card, kind="honseki")
    screen_is(page, "register", timeout=SLOW)
    cities = page.locator('#screen [id^="reg-city-"]')
    expect(cities.first).to_be_visible()
    check(page, "register-city", report)
    city_ids = [str(cities.nth(i).get_attribute("id")) for i in range(cities.count())]
    assert report["order"]["register-city"] == [*city_ids, "reg-residence"]

    cities.first.click()
    expect(page.locator("#reg-honseki")).to_be_focused()
    check(page, "register-form-empty", report)  # 次へ is off until both fields are filled
    assert report["order"]["register-form-empty"] == [
        "reg-honseki",
        "reg-honseki-clear",
        "reg-hittosha",
        "reg-hittosha-clear",
        "back",
    ]
    page.locator("#reg-honseki").fill("東京都小平市小川町一丁目100番地")
    page.locator("#reg-hittosha").fill("小平 太郎")
    expect(page.locator("#reg-next")).to_be_enabled()
    check(page, "register-form", report)
    assert report["order"]["register-form"][-2:] == ["back", "reg-next"]
    page.locator("#lang").click()
    check(page, "register-form-english", report)
    page.locator("#lang").click()

    page.locator("#reg-next").click()
    expect(page.locator("#reg-send")).to_be_visible()
    check(page, "register-confirm", report)
    assert report["order"]["register-confirm"] == ["back", "reg-send"]
    page.locator("#cancel").click()
    screen_is(page, "cancelled")
    page.locator("#back-to-start").click()
    screen_is(page, "start")
    assert_clean(report)


def test_maintenance_page_has_names_and_contrast(page: Any, chain_settings: Settings) -> None:
    page.goto(chain_settings.kiosk_url + "/maintenance")
    assert unnamed_controls(page) == []
    assert low_contrast(page) == []
