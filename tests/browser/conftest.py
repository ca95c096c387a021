"""Browser fixtures: Debian's chromium through Playwright against the real `chain`, and the cards.

No browser is ever downloaded: the tests drive /usr/bin/chromium (apt) and skip without it.
Every screen a test passes is saved as test-artifacts/screens/NN-name.png for a human to look at.

Cards: visits that only read (orders, refusals, menus) take demo cards by their traits — no test
changes a demo card or its holder, so any card with the trait will do. A test that changes one
(wrong PINs that block it, a 利用登録 it applies for) takes its own from the ``own`` fixture
(tests/residents.py); the simulated card slot lists it once the page is reloaded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kofu.config import Settings
from kofu.demo import DemoCard

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
REFUSAL_TRAITS = {
    "moved-out",
    "deceased",
    "dv-protected",
    "pending-change",
    "long-address",
    "under-15",
    "inkan-abolished",
}
SLOW = 60_000  # ms: an order goes through centre, gateway and issuer

if not os.path.exists(CHROMIUM):
    pytest.skip(
        f"{CHROMIUM} is not installed (apt-get install chromium); no browser is downloaded",
        allow_module_level=True,
    )

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
expect = sync_api.expect


class Shots:
    """Numbered full-page screenshots, in the order the screens were seen.

    Files are overwritten, never deleted (other sessions may be writing theirs): a full run of
    tests/browser numbers every screen the same way each time.
    """

    def __init__(self) -> None:
        SCREENS.mkdir(parents=True, exist_ok=True)
        self.n = 0
        self.taken: list[Path] = []

    def __call__(self, page: Any, name: str) -> Path:
        self.n += 1
        path = SCREENS / f"{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        self.taken.append(path)
        return path


@pytest.fixture(scope="session")
def shots() -> Shots:
    return Shots()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, chain: Any, chain_settings: Settings) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ja-JP")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(chain_settings.kiosk_url + "/")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    screen = page.locator("#screen")
    expect(screen).to_have_attribute("data-screen", re.compile("^(start|cancelled)$"))
    if screen.get_attribute("data-screen") == "cancelled":  # a failed test's page left its visit open:
        page.locator("#back-to-start").click()  # this page ended it; go on as the next resident would
    expect(screen).to_have_attribute("data-screen", "start")
    expect(page.locator("#card-select option").first).not_to_have_text(re.compile("デモカードがありません"))
    yield page
    # Nothing about the visit is kept in the browser, and the page never threw.
    assert context.cookies() == []
    if not page.is_closed():
        assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    context.close()
    assert errors == []


@pytest.fixture(scope="session")
def maintenance_key(chain: Any, chain_settings: Settings) -> str:
    return (chain_settings.var_dir / "kiosk" / "maintenance.key").read_text().strip()


class Maintenance:
    """The maintenance API as a technician's tool would call it: the bearer key, and the kiosk's
    own Origin (the kiosk refuses a POST without one)."""

    def __init__(self, page: Any, url: str, key: str) -> None:
        self.request = page.request
        self.url = url
        self.headers = {"authorization": f"Bearer {key}", "origin": url}

    def status(self) -> dict[str, Any]:
        response = self.request.get(self.url + "/api/maintenance/status", headers=self.headers)
        assert response.ok, response.text()
        return response.json()  # type: ignore[no-any-return]

    def act(self, action: str, value: float | None = None) -> dict[str, Any]:
        response = self.request.post(
            self.url + "/api/maintenance/action",
            headers=self.headers,
            data={"action": action, "value": value},
        )
        assert response.ok, response.text()
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def maintenance(page: Any, chain_settings: Settings, maintenance_key: str) -> Iterator[Maintenance]:
    tool = Maintenance(page, chain_settings.kiosk_url, maintenance_key)
    yield tool
    # Leave the shared kiosk as the other tests expect it.
    tool.act("idle_timeout", float(chain_settings.kiosk_idle_timeout))
    tool.act("printer.clear_fault")
    tool.act("paper.refill")


# -- cards ---------------------------------------------------------------------------------------
def eligible(cards: list[DemoCard], city: str | None = None) -> list[DemoCard]:
    return [
        c
        for c in cards
        if "adult" in c.traits and not REFUSAL_TRAITS & set(c.traits) and (city is None or c.city == city)
    ]


@pytest.fixture(scope="session")
def order_card(demo_cards: list[DemoCard]) -> DemoCard:
    """A demo card whose holder every document of the residence city is issued to (by traits)."""
    return eligible(demo_cards, "132110")[-1]


@pytest.fixture
def block_card(own: Any) -> DemoCard:
    """The test's own card: it will be blocked with wrong PINs."""
    card: DemoCard = own(city="132110").card
    return card


def card_for_document(cards: list[DemoCard], doc: str, fallback: DemoCard) -> DemoCard:
    """A card whose holder should be offered `doc` (by the seed's traits, when it has them)."""
    trait = {
        "inkan": "inkan-registered",
        "kazei": "tax-declared",
        "koseki": "honseki-here",
        "fuhyo": "honseki-here",
    }
    wanted = trait.get(doc)
    found = [c for c in eligible(cards) if wanted in c.traits] if wanted else []
    return found[-1] if found else fallback


def with_trait_last(cards: list[DemoCard], trait: str) -> DemoCard:
    return [c for c in cards if trait in c.traits][-1]


def refused_card(cards: list[DemoCard], trait: str) -> DemoCard:
    """The last demo card with `trait` whose holder no other refusal applies to."""
    holders = "minor" if trait == "under-15" else "adult"
    others = REFUSAL_TRAITS - {trait}
    found = [c for c in cards if trait in c.traits and holders in c.traits and not others & set(c.traits)]
    assert found, f"no demo card with {trait} alone"
    return found[-1]


def unregistered_card(cards: list[DemoCard]) -> DemoCard:
    """A demo card whose register is kept in the other city and has no 利用登録 there (for walking
    the 利用登録 screens without sending: no test applies for a demo card)."""
    found = [
        c for c in eligible(cards) if "honseki-elsewhere" in c.traits and "honseki-registered" not in c.traits
    ]
    assert found, "no honseki-elsewhere demo card without a registration"
    return found[-1]


# -- driving the screen ---------------------------------------------------------------------------
def screen_is(page: Any, name: str, timeout: float | None = None) -> None:
    expect(page.locator("#screen")).to_have_attribute("data-screen", name, timeout=timeout)


def spoken(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("window.kofuSpeech.map((p) => ({...p}))")  # type: ignore[no-any-return]


def to_pin(page: Any, card: DemoCard, shots: Shots | None = None, kind: str = "residence") -> None:
    """行政サービス → 証明書交付サービス → residence/本籍地 → place the card: the PIN screen."""
    listed(page, card)
    page.locator("#go-admin").click()
    screen_is(page, "service")
    if shots:
        shots(page, "service")
    page.locator("#go-cert").click()
    screen_is(page, "kind")
    if shots:
        shots(page, "choose-residence-or-honseki")
    page.locator(f"#kind-{kind}").click()
    screen_is(page, "place")
    if shots:
        shots(page, "place-card")
    page.locator("#card-select").select_option(card.card)
    page.locator("#card-place").click()
    screen_is(page, "pin")


def listed(page: Any, card: DemoCard) -> None:
    """Make sure the simulated slot lists ``card``: a card issued since the page loaded (a test's
    own) is listed once the page fetches the slot's list again, which a reload on the start
    screen does."""
    option = page.locator(f'#card-select option[value="{card.card}"]')
    if option.count() == 0:
        screen_is(page, "start")
        page.reload()
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        screen_is(page, "start")
        expect(option).to_have_count(1)


def type_pin(page: Any, pin: str) -> None:
    for digit in pin:
        page.locator(f'.keypad [data-key="{digit}"]').click()
    expect(page.locator("#pin-display .filled")).to_have_count(len(pin))


def to_documents(page: Any, card: DemoCard, shots: Shots | None = None, kind: str = "residence") -> None:
    """From the start screen to past the card's removal (the card is back with its holder): the
    document choice, or for ``kind="honseki"`` the 利用登録 when the card has no 本籍地 city yet."""
    to_pin(page, card, shots, kind=kind)
    type_pin(page, card.pin)
    assert card.pin not in page.locator("#screen").inner_text()  # masked
    if shots:
        shots(page, "pin")
    page.locator("#pin-ok").click()
    screen_is(page, "remove", timeout=SLOW)
    if shots:
        shots(page, "remove-card")
    page.locator("#card-take").click()


def to_payment(page: Any, card: DemoCard) -> None:
    """A quick 住民票 order up to the payment screen (default options, one copy)."""
    to_documents(page, card)
    screen_is(page, "document", timeout=SLOW)
    page.locator('[data-doc="juminhyo"]').click()
    screen_is(page, "options")
    page.locator("#next").click()
    screen_is(page, "copies")
    page.locator("#next").click()
    screen_is(page, "confirm")
    page.locator("#confirm-ok").click()
    screen_is(page, "payment", timeout=SLOW)


def kiosk_state(page: Any, url: str) -> dict[str, Any]:
    return page.request.get(url + "/api/state").json()  # type: ignore[no-any-return]
