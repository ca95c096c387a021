"""Browser fixtures: Debian's chromium through Playwright against the real `chain`, and the cards.

No browser is ever downloaded: the tests drive /usr/bin/chromium (apt) and skip without it.
Every screen a test passes is saved as test-artifacts/screens/NN-name.png for a human to look at.

Cards (chosen by rule, so they follow the seed; the e2e tests take the FIRST card with a trait,
the first eligible cards for the concurrent orders, and the LAST eligible card of 132110 to
block):
- `order_card`      the THIRD-from-last eligible card of 132110 — every browser visit that
                    should succeed (full 住民票 order, timeouts, reloads, voice, a11y).
- `block_card`      the SECOND-from-last eligible card of 132110 — only the wrong-PIN test, which
                    locks it for good.
- refusals          the LAST card with each refusal trait.
- other documents   the last eligible card with the trait a document needs (`inkan-registered`,
                    `tax-declared`, `honseki-here`), when the seed has such traits.
- 利用登録           `registration_card` for the application that is sent and approved (see
                    test_kiosk_options_browser.py); `unregistered_card`, one for which no test
                    applies, for walking the 利用登録 screens without sending.
- refused documents `untouched_card`: the LAST card with the trait (`inkan-abolished`, `no-inkan`,
                    `no-tax-declaration`, and `under-15` for a child; the e2e tests take the first
                    child) whose holder no other rule refuses and that no test changes — never a card
                    a test blocks, whose seal or name a test changes, for which a 利用登録 may be
                    applied (an unregistered `honseki-elsewhere` card), nor `order_card`; among
                    those, one outside what tests/e2e/rules_helpers.py calls `taken` when there is
                    one. These visits are read-only and always type the right PIN.
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
from tests.e2e import helpers as e2e
from tests.e2e.rules_helpers import spare, taken

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
    expect(page.locator("#screen")).to_have_attribute("data-screen", "start")
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
    """The maintenance API as a technician's tool would call it (bearer key)."""

    def __init__(self, page: Any, url: str, key: str) -> None:
        self.request = page.request
        self.url = url
        self.headers = {"authorization": f"Bearer {key}"}

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


def e2e_concurrent_cards(cards: list[DemoCard]) -> list[DemoCard]:
    """The cards tests/e2e uses for its twenty concurrent orders (kept in step by hand)."""
    return (eligible(cards, "132292")[:-1] + eligible(cards, "132110")[:-1])[:20]


@pytest.fixture(scope="session")
def order_card(demo_cards: list[DemoCard]) -> DemoCard:
    return eligible(demo_cards, "132110")[-3]


@pytest.fixture(scope="session")
def block_card(demo_cards: list[DemoCard]) -> DemoCard:
    card = eligible(demo_cards, "132110")[-2]
    assert card not in e2e_concurrent_cards(demo_cards), "the card to block is one the e2e tests use"
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
    reserved = {c.card for c in eligible(cards, "132110")[-2:]}
    found = [c for c in eligible(cards) if wanted in c.traits and c.card not in reserved] if wanted else []
    return found[-1] if found else fallback


def with_trait_last(cards: list[DemoCard], trait: str) -> DemoCard:
    return [c for c in cards if trait in c.traits][-1]


def changed_by_tests(cards: list[DemoCard]) -> set[str]:
    """Cards a test changes: blocks (wrong PINs), whose holder's seal or name it changes, for which
    it may apply a 利用登録, and the browser's own card for whole orders."""
    changed = {c.card for c in eligible(cards, "132110")[-3:]}  # order_card, block_card
    changed |= {c.card for c in e2e.eligible(cards, "132110")[-2:]}  # blocked by the e2e tests
    changed |= {spare(cards, "inkan-registered", nth=1).card}  # its seal is abolished
    # nth=2 has its name lengthened by tests/e2e; 0 and 1 may be the browser's multi-select card.
    changed |= {spare(cards, "household-member", nth=n).card for n in range(3)}
    changed |= {
        c.card for c in cards if "honseki-elsewhere" in c.traits and "honseki-registered" not in c.traits
    }
    return changed


def untouched_card(cards: list[DemoCard], trait: str) -> DemoCard:
    """The last card with `trait` and no other refusal trait that no test changes (see above)."""
    holders = "minor" if trait == "under-15" else "adult"
    others = REFUSAL_TRAITS - {trait}
    changed = changed_by_tests(cards)
    found = [
        c
        for c in cards
        if trait in c.traits and holders in c.traits and not others & set(c.traits) and c.card not in changed
    ]
    assert found, f"no card with {trait} that no other test changes"
    busy = taken(cards)
    unused = [c for c in found if c.card not in busy]
    return (unused or found)[-1]


def registration_card(cards: list[DemoCard]) -> DemoCard:
    """An adult `honseki-elsewhere` card without a registration that no other test touches: the
    one test_kiosk_options_browser.py applies a 利用登録 for (and has approved)."""
    trait = "honseki-elsewhere"
    others = {spare(cards, trait, without=("honseki-registered",), nth=n).card for n in range(2)}
    others |= {c.card for c in e2e_concurrent_cards(cards)}
    others |= {c.card for c in eligible(cards, "132110")[-3:]}  # order and block cards
    with_trait = [c for c in cards if trait in c.traits]
    others |= {with_trait[0].card, with_trait[-1].card}  # e2e rules take the first, browser the last
    found = [
        c
        for c in eligible(cards)
        if trait in c.traits and "honseki-registered" not in c.traits and c.card not in others
    ]
    assert found, "no spare honseki-elsewhere card for the browser"
    return found[-1]


def unregistered_card(cards: list[DemoCard]) -> DemoCard:
    """An adult `honseki-elsewhere` card without a registration for which no test applies one
    (for walking the 利用登録 screens without sending), and that no test blocks."""
    trait = "honseki-elsewhere"
    applied = {spare(cards, trait, without=("honseki-registered",), nth=n).card for n in range(2)}
    applied |= {registration_card(cards).card}
    applied |= {c.card for c in eligible(cards, "132110")[-3:]}  # order_card, block_card
    applied |= {c.card for c in e2e.eligible(cards, "132110")[-2:]}  # blocked by the e2e tests
    found = [
        c
        for c in eligible(cards)
        if trait in c.traits and "honseki-registered" not in c.traits and c.card not in applied
    ]
    assert found, "no honseki-elsewhere card that no test applies a registration for"
    return found[-1]


# -- driving the screen ---------------------------------------------------------------------------
def screen_is(page: Any, name: str, timeout: float | None = None) -> None:
    expect(page.locator("#screen")).to_have_attribute("data-screen", name, timeout=timeout)


def spoken(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("window.kofuSpeech.map((p) => ({...p}))")  # type: ignore[no-any-return]


def to_pin(page: Any, card: DemoCard, shots: Shots | None = None, kind: str = "residence") -> None:
    """行政サービス → 証明書交付サービス → residence/本籍地 → place the card: the PIN screen."""
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
