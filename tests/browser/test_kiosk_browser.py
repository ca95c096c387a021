"""The kiosk's touch screen in Chromium (Playwright, Debian's /usr/bin/chromium) against the real chain.

Every screen passed is saved to test-artifacts/screens/NN-name.png for a human to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kofu.config import Settings
from kofu.demo import DemoCard, with_names
from kofu.documents.text import extract_text
from kofu.protocol.codes import MESSAGES

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
REFUSAL_TRAITS = {"moved-out", "deceased", "dv-protected", "pending-change"}
SLOW = 60_000  # ms: the order goes through centre, gateway and issuer

if not os.path.exists(CHROMIUM):
    pytest.skip(
        f"{CHROMIUM} is not installed (apt-get install chromium); no browser is downloaded",
        allow_module_level=True,
    )

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
expect = sync_api.expect


class Shots:
    """Numbered screenshots of every screen, in the order they were seen."""

    def __init__(self) -> None:
        SCREENS.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def __call__(self, page, name: str) -> None:  # type: ignore[no-untyped-def]
        self.n += 1
        page.screenshot(path=str(SCREENS / f"{self.n:02d}-{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def shots() -> Shots:
    return Shots()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, chain, chain_settings: Settings):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ja-JP")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(chain_settings.kiosk_url + "/")
    expect(page.locator("#screen")).to_have_attribute("data-screen", "start")
    expect(page.locator("#card-select option").first).not_to_have_text(re.compile("デモカードがありません"))
    yield page
    # Nothing about the visit is kept in the browser.
    assert context.cookies() == []
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    context.close()


def screen_is(page, name: str, timeout: float | None = None) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("#screen")).to_have_attribute("data-screen", name, timeout=timeout)


def eligible_card(cards: list[DemoCard], city: str) -> DemoCard:
    """The LAST adult of the city with no refusal trait (other tests take the first ones)."""
    return [
        c for c in cards if c.city == city and "adult" in c.traits and not REFUSAL_TRAITS & set(c.traits)
    ][-1]


def place_card_and_pin(page, shots: Shots | None, card: DemoCard) -> None:  # type: ignore[no-untyped-def]
    page.locator("#go-admin").click()
    screen_is(page, "service")
    if shots:
        shots(page, "service")
    page.locator("#go-cert").click()
    screen_is(page, "place")
    if shots:
        shots(page, "place-card")
    page.locator("#card-select").select_option(card.card)
    page.locator("#card-place").click()
    screen_is(page, "kind")
    expect(page.locator("#kind-honseki")).to_be_disabled()
    if shots:
        shots(page, "choose-city")
    page.locator("#kind-residence").click()
    screen_is(page, "pin")
    for digit in card.pin:
        page.locator(f'.keypad [data-key="{digit}"]').click()
    expect(page.locator("#pin-display .filled")).to_have_count(4)
    assert card.pin not in page.locator("#screen").inner_text()  # masked
    if shots:
        shots(page, "pin")
    page.locator("#pin-ok").click()
    screen_is(page, "remove", timeout=SLOW)
    if shots:
        shots(page, "remove-card")
    page.locator("#card-take").click()


def test_full_juminhyo_order(
    page, shots: Shots, demo_cards: list[DemoCard], chain_settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    card = eligible_card(demo_cards, "132292")
    shots(page, "start")
    place_card_and_pin(page, shots, card)

    screen_is(page, "document", timeout=SLOW)
    shots(page, "document")
    page.locator('[data-doc="juminhyo"]').click()
    screen_is(page, "options")
    page.locator('[data-option="household"][data-value="all"]').click()
    expect(page.locator('[data-option="household"][data-value="all"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    shots(page, "options")
    page.locator("#next").click()
    screen_is(page, "copies")
    expect(page.locator("#copies")).to_have_text("1通")
    shots(page, "copies")
    page.locator("#next").click()
    screen_is(page, "confirm")
    expect(page.locator("#screen")).to_contain_text("世帯全員")
    expect(page.locator("#fee-total")).to_have_text("¥200")
    shots(page, "confirm")
    page.locator("#confirm-ok").click()

    screen_is(page, "payment", timeout=SLOW)
    expect(page.locator("#pay")).to_be_disabled()
    shots(page, "payment")
    page.locator('#cash-buttons [data-amount="100"]').click()
    expect(page.locator("#pay-inserted")).to_have_text("¥100")
    page.locator('#cash-buttons [data-amount="500"]').click()
    expect(page.locator("#pay-need")).to_have_text("¥0")
    expect(page.locator("#pay")).to_be_enabled()
    shots(page, "payment-paid")
    page.locator("#pay").click()

    screen_is(page, "done", timeout=SLOW)
    expect(page.locator("#change")).to_contain_text("400")
    link = page.locator("#tray a.sheet")
    expect(link).to_have_count(1)
    shots(page, "done")

    # Open the printed sheet from the tray, as the resident would pick it up.
    href = link.get_attribute("href")
    assert href and href.startswith("/api/tray/")
    response = page.request.get(chain_settings.kiosk_url + href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    text = extract_text(response.body())
    (named,) = with_names(chain_settings, [card])
    name = str(named["name"])
    assert name
    assert re.sub(r"\s", "", name) in re.sub(r"\s", "", text)
    assert "世帯全員" in text

    page.locator("#tray-take").click()
    expect(page.locator("#tray a.sheet")).to_have_count(0)
    page.locator("#cash-take").click()
    expect(page.locator("#cash-returned")).to_have_text("¥0")
    page.locator("#finish").click()
    screen_is(page, "start")


def test_moved_out_resident_is_refused(page, shots: Shots, demo_cards: list[DemoCard]) -> None:  # type: ignore[no-untyped-def]
    card = [c for c in demo_cards if "moved-out" in c.traits][-1]
    place_card_and_pin(page, None, card)
    screen_is(page, "error", timeout=SLOW)
    message = page.locator("#error-message")
    expect(message).to_have_text(MESSAGES["city.resident.moved_out"].ja)
    expect(message).to_have_attribute("data-code", "city.resident.moved_out")
    expect(page.locator("#tray li.empty")).to_have_count(1)
    expect(page.locator("#tray a.sheet")).to_have_count(0)
    shots(page, "refused-moved-out")
    page.locator("#back-to-start").click()
    screen_is(page, "start")
    assert page.request.get(page.url.rstrip("/") + "/api/tray").json()["sheets"] == []


def test_language_switch_to_english(page, shots: Shots) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("#go-admin")).to_contain_text("行政サービス")
    page.locator("#lang").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#go-admin")).to_contain_text("Government services")
    expect(page.locator("#cancel")).to_have_text("Cancel")
    expect(page.locator("#devices-title")).to_have_text("Device panel (simulated)")
    shots(page, "start-english")
    page.locator("#go-admin").click()
    page.locator("#go-cert").click()
    screen_is(page, "place")
    expect(page.locator("#screen h2")).to_have_text("Place your My Number Card on the card reader")
    shots(page, "place-card-english")
    page.locator("#cancel").click()
    screen_is(page, "cancelled")
    expect(page.locator("#screen h2")).to_have_text("The service was cancelled")
    page.locator("#lang").click()
    expect(page.locator("#screen h2")).to_have_text("手続きを中止しました")
    page.locator("#back-to-start").click()
    screen_is(page, "start")
