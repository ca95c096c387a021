"""The kiosk's touch screen in Chromium against the real chain: whole visits, PIN, refusals, languages.

Cards and screenshots: see conftest.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from kofu.city.issuer import staff
from kofu.city.registry.queries import tax_record
from kofu.config import Settings
from kofu.demo import DemoCard, with_names
from kofu.documents.text import extract_text
from kofu.kiosk.messages import kiosk_message
from kofu.storage import make_engine, session_factory
from tests.browser.conftest import (
    SLOW,
    Shots,
    card_for_document,
    expect,
    kiosk_state,
    refused_card,
    screen_is,
    to_documents,
    to_pin,
    type_pin,
    with_trait_last,
)

pytestmark = pytest.mark.e2e

DOCUMENT_TYPES = ("juminhyo", "inkan", "koseki", "fuhyo", "kazei")
REFUSALS = {
    "moved-out": "city.resident.moved_out",
    "deceased": "city.resident.deceased",
    "dv-protected": "city.resident.dv_protected",
    "pending-change": "city.resident.pending_change",
}
#: Offers the menu itself refuses for a trait of the holder: (document, code).
DOCUMENT_REFUSALS = {
    "inkan-abolished": ("inkan", "city.inkan.abolished"),
    "no-inkan": ("inkan", "city.inkan.not_registered"),
}
REFUSED = re.compile(r"(^|\s)refused(\s|$)")


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def _yen(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text))


def choose_options(page: Any, doc: str, shots: Shots | None) -> dict[str, str]:
    """Go through the options screen generically: every group offered, one choice pressed each."""
    chosen: dict[str, str] = {}
    groups = page.locator("#screen fieldset.optgroup")
    i = 0
    while i < groups.count():  # a choice may show another option (shown_when): count again
        group = groups.nth(i)
        i += 1
        choices = group.locator("button.choice")
        assert choices.count() >= 1
        expect(group.locator("legend")).not_to_have_text("")
        # 住民票: the whole household, to see every member printed; 課税: the newest year, the one
        # the card's `tax-declared` trait speaks of; otherwise the last choice.
        if group.locator('[data-value="all"]').count():
            target = group.locator('[data-value="all"]')
        elif group.locator('[data-option="fiscal_year"]').count():
            target = choices.first
        else:
            target = choices.last
        target.click()
        expect(target).to_have_attribute("aria-pressed", "true")
        chosen[str(target.get_attribute("data-option"))] = str(target.get_attribute("data-value"))
        assert group.locator('[aria-pressed="true"]').count() == 1
    if shots:
        shots(page, f"options-{doc}")
    page.locator("#next").click()
    return chosen


@pytest.mark.parametrize("doc", DOCUMENT_TYPES)
def test_full_order(
    page: Any,
    shots: Shots,
    demo_cards: list[DemoCard],
    order_card: DemoCard,
    chain_settings: Settings,
    doc: str,
) -> None:
    """A whole visit for each document the city offers (住民票 must be offered; others once they are)."""
    card = card_for_document(demo_cards, doc, order_card)
    first = doc == "juminhyo"
    if first:
        shots(page, "start")
    to_documents(page, card, shots if first else None)
    screen_is(page, "document", timeout=SLOW)
    tile = page.locator(f'[data-doc="{doc}"]')
    if tile.count() == 0:
        assert doc != "juminhyo", "住民票 must always be offered"
        page.locator("#cancel").click()
        screen_is(page, "cancelled")
        pytest.skip(f"{doc} is not on this resident's menu yet")
    if first:
        shots(page, "document")
    tile.click()
    expect(page.locator("#screen")).not_to_have_attribute("data-screen", "document")
    chosen: dict[str, str] = {}
    if page.locator("#screen").get_attribute("data-screen") == "options":
        chosen = choose_options(page, doc, shots)
    screen_is(page, "copies")
    copies = 2 if first else 1
    if first:
        page.locator("#copies-more").click()
    expect(page.locator("#copies")).to_have_text(f"{copies}通")
    if first:
        shots(page, "copies")
    page.locator("#next").click()
    screen_is(page, "confirm")
    fee = _yen(page.locator("#fee-total").inner_text())
    assert fee > 0 and fee % copies == 0
    if chosen.get("household") == "all":
        expect(page.locator("#screen")).to_contain_text("世帯全員")
    shots(page, f"confirm-{doc}")
    page.locator("#confirm-ok").click()

    screen_is(page, "payment", timeout=SLOW)
    expect(page.locator("#pay")).to_be_disabled()
    expect(page.locator("#pay-fee")).to_have_text(f"¥{fee:,}")
    if first:
        shots(page, "payment")
    page.locator('#cash-buttons [data-amount="100"]').click()
    expect(page.locator("#pay-inserted")).to_have_text("¥100")
    page.locator('#cash-buttons [data-amount="1000"]').click()
    expect(page.locator("#pay-need")).to_have_text("¥0")
    expect(page.locator("#pay")).to_be_enabled()
    if first:
        shots(page, "payment-paid")
    page.locator("#pay").click()
    screen_is(page, "printing")
    if first:
        shots(page, "printing")

    screen_is(page, "done", timeout=SLOW)
    change = 1100 - fee
    expect(page.locator("#change")).to_contain_text(f"{change}")
    expect(page.locator("#cash-returned")).to_have_text(f"¥{change:,}")
    link = page.locator("#tray a.sheet")
    expect(link).to_have_count(1)
    expect(page.locator("#finish")).to_be_disabled()  # not before documents and change are taken
    shots(page, f"done-{doc}")

    # Open the printed sheet from the tray, as the resident would pick it up.
    href = link.get_attribute("href")
    assert href and href.startswith("/api/tray/")
    response = page.request.get(chain_settings.kiosk_url + href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    text = _squash(extract_text(response.body()))
    (named,) = with_names(chain_settings, [card])
    name = _squash(str(named["name"]))
    assert name
    # A family register and its 附票 print the surname once (筆頭者) and each given name on its own.
    assert name in text or (doc in ("koseki", "fuhyo") and str(named["name"]).split()[-1] in text)
    if chosen.get("household") == "all":
        assert "世帯全員" in text

    page.locator("#tray-take").click()
    expect(page.locator("#tray a.sheet")).to_have_count(0)
    page.locator("#cash-take").click()
    expect(page.locator("#cash-returned")).to_have_text("¥0")
    expect(page.locator("#check-docs")).to_have_class("ok")
    page.locator("#finish").click()
    screen_is(page, "start")
    state = kiosk_state(page, chain_settings.kiosk_url)
    assert state["phase"] == "idle" and state["menu"] is None and state["tray"] == []


def test_wrong_pin_three_times_blocks_the_card(
    page: Any, shots: Shots, block_card: DemoCard, chain_settings: Settings
) -> None:
    wrong = "0000" if block_card.pin != "0000" else "1111"
    to_pin(page, block_card)
    for tries_left in (2, 1):
        type_pin(page, wrong)
        page.locator("#pin-ok").click()
        note = page.locator("#pin-note")
        expect(note).to_contain_text(f"あと{tries_left}回", timeout=SLOW)
        expect(page.locator("#pin-display .filled")).to_have_count(0)
        if tries_left == 2:
            shots(page, "pin-wrong")
    type_pin(page, wrong)
    page.locator("#pin-ok").click()
    screen_is(page, "error", timeout=SLOW)
    message = page.locator("#error-message")
    expect(message).to_have_attribute("data-code", "card.pin.blocked")
    expect(message).to_have_text(kiosk_message("card.pin.blocked").ja)
    expect(page.locator("#take-card")).to_be_visible()
    shots(page, "pin-blocked")
    page.locator("#card-take").click()
    page.locator("#back-to-start").click()
    screen_is(page, "start")
    assert kiosk_state(page, chain_settings.kiosk_url)["card"]["in_slot"] is False
    # Laid on the reader again, the card is refused at once, whatever PIN is known.
    page.locator("#go-admin").click()
    page.locator("#go-cert").click()
    page.locator("#kind-residence").click()
    page.locator("#card-select").select_option(block_card.card)
    page.locator("#card-place").click()
    screen_is(page, "error", timeout=SLOW)
    expect(page.locator("#error-message")).to_have_attribute("data-code", "card.pin.blocked")
    page.locator("#back-to-start").click()


@pytest.mark.parametrize("trait", sorted(REFUSALS))
def test_refusal_shows_its_message(
    page: Any, shots: Shots, demo_cards: list[DemoCard], chain_settings: Settings, trait: str
) -> None:
    code = REFUSALS[trait]
    card = with_trait_last([c for c in demo_cards if "adult" in c.traits], trait)
    to_documents(page, card)
    screen_is(page, "error", timeout=SLOW)
    message = page.locator("#error-message")
    expect(message).to_have_attribute("data-code", code)
    expect(message).to_have_text(kiosk_message(code).ja)
    expect(message).to_contain_text("窓口")  # it says where to go
    expect(page.locator("#tray a.sheet")).to_have_count(0)
    shots(page, f"refused-{trait}")
    page.locator("#lang").click()
    expect(message).to_have_text(kiosk_message(code).en)
    page.locator("#lang").click()
    page.locator("#back-to-start").click()
    screen_is(page, "start")
    assert kiosk_state(page, chain_settings.kiosk_url)["tray"] == []


def test_under_15_is_refused_with_its_message(
    page: Any, shots: Shots, demo_cards: list[DemoCard], chain_settings: Settings
) -> None:
    code = "city.resident.under_15"
    card = refused_card(demo_cards, "under-15")
    to_documents(page, card)
    screen_is(page, "error", timeout=SLOW)
    message = page.locator("#error-message")
    expect(message).to_have_attribute("data-code", code)
    expect(message).to_have_text(kiosk_message(code).ja)
    expect(page.locator("#screen .code")).to_have_text(f"({code})")
    shots(page, "refused-under-15")
    page.locator("#lang").click()
    expect(message).to_have_text(kiosk_message(code).en)
    page.locator("#lang").click()
    state = kiosk_state(page, chain_settings.kiosk_url)
    assert state["menu"] is None and state["tray"] == []  # no menu came: nothing to choose from
    page.locator("#back-to-start").click()
    screen_is(page, "start")


def _assert_refused_tile(page: Any, doc: str, code: str) -> Any:
    """The offer is on the document screen greyed out, with the words for ``code``; not a button."""
    tile = page.locator(f'#screen [data-doc="{doc}"]')
    expect(tile).to_have_count(1)
    expect(tile).to_have_class(REFUSED)
    expect(tile).to_have_attribute("aria-disabled", "true")
    expect(tile).to_have_attribute("data-refusal", code)
    expect(tile.locator(".refusal")).to_have_text(kiosk_message(code).ja)
    assert tile.evaluate("(node) => node.tagName") != "BUTTON"
    return tile


@pytest.mark.parametrize("trait", sorted(DOCUMENT_REFUSALS))
def test_refused_document_is_greyed_with_its_message(
    page: Any, shots: Shots, demo_cards: list[DemoCard], chain_settings: Settings, trait: str
) -> None:
    doc, code = DOCUMENT_REFUSALS[trait]
    card = refused_card(demo_cards, trait)
    to_documents(page, card)
    screen_is(page, "document", timeout=SLOW)
    tile = _assert_refused_tile(page, doc, code)
    juminhyo = page.locator('#screen [data-doc="juminhyo"]')
    expect(juminhyo).not_to_have_class(REFUSED)  # only that offer is refused
    expect(juminhyo).to_be_enabled()
    shots(page, f"document-{trait}")
    tile.click(force=True)  # a touch on it orders nothing
    screen_is(page, "document")
    assert kiosk_state(page, chain_settings.kiosk_url)["draft"]["doc"] is None
    page.locator("#lang").click()
    expect(tile.locator(".refusal")).to_have_text(kiosk_message(code).en)
    page.locator("#lang").click()
    page.locator("#cancel").click()
    screen_is(page, "cancelled")
    page.locator("#back-to-start").click()


def _declared(settings: Settings, card: DemoCard, years: list[int]) -> dict[int, bool | None]:
    """Per offered 年度: was income declared (None: no record of that year)."""
    engine = make_engine(settings.city_db_url(card.city))
    try:
        with session_factory(engine)() as session:
            records = {year: tax_record(session, card.resident_id, year) for year in years}
            return {year: None if r is None else r.declared for year, r in records.items()}
    finally:
        engine.dispose()


def test_kazei_without_a_declaration_is_refused_with_its_message(
    page: Any, shots: Shots, demo_cards: list[DemoCard], chain_settings: Settings
) -> None:
    """The menu refuses 課税 when no offered 年度 can be issued; when an older one can, the city
    refuses the order for the undeclared newest 年度 (before any money is asked for)."""
    code = "city.kazei.not_declared"
    card = refused_card(demo_cards, "no-tax-declaration")
    years = staff.show_settings(chain_settings, card.city)["kazei_years"]
    declared = _declared(chain_settings, card, years)
    newest = max(years)
    assert declared[newest] is False, declared  # the trait: nothing filed for the newest 年度
    to_documents(page, card)
    screen_is(page, "document", timeout=SLOW)
    if not any(declared.values()):
        _assert_refused_tile(page, "kazei", code)
        shots(page, "document-no-tax-declaration")
        page.locator("#cancel").click()
        screen_is(page, "cancelled")
        page.locator("#back-to-start").click()
        return
    tile = page.locator('#screen [data-doc="kazei"]')
    expect(tile).not_to_have_class(REFUSED)
    tile.click()
    screen_is(page, "options")
    year = page.locator(f'[data-option="fiscal_year"][data-value="{newest}"]')
    year.click()
    expect(year).to_have_attribute("aria-pressed", "true")
    page.locator("#next").click()
    screen_is(page, "copies")
    page.locator("#next").click()
    screen_is(page, "confirm")
    page.locator("#confirm-ok").click()
    screen_is(page, "error", timeout=SLOW)
    message = page.locator("#error-message")
    expect(message).to_have_attribute("data-code", code)
    expect(message).to_have_text(kiosk_message(code).ja)
    shots(page, "refused-no-tax-declaration")
    state = kiosk_state(page, chain_settings.kiosk_url)
    assert state["document"] is None and state["tray"] == []
    assert state["cash"]["inserted"] == 0 and state["cash"]["returned"] == 0
    page.locator("#back-to-start").click()
    screen_is(page, "start")


def test_language_switch_on_every_screen(page: Any, shots: Shots, order_card: DemoCard) -> None:
    expect(page.locator("#go-admin")).to_contain_text("行政サービス")
    page.locator("#lang").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#go-admin")).to_contain_text("Government services")
    expect(page.locator("#cancel")).to_have_text("Cancel")
    expect(page.locator("#devices-title")).to_have_text("Device panel (simulated)")
    shots(page, "start-english")
    page.locator("#go-admin").click()
    page.locator("#go-cert").click()
    expect(page.locator("#screen h2")).to_have_text("Which documents do you need?")
    page.locator("#kind-residence").click()
    screen_is(page, "place")
    expect(page.locator("#screen h2")).to_have_text("Place your My Number Card on the card reader")
    page.locator("#card-select").select_option(order_card.card)
    page.locator("#card-place").click()
    screen_is(page, "pin")
    expect(page.locator("#screen h2")).to_have_text("Enter your 4-digit PIN")
    shots(page, "pin-english")
    # Switching mid-visit keeps the visit and what was typed.
    type_pin(page, order_card.pin[:2])
    page.locator("#lang").click()
    expect(page.locator("#screen h2")).to_have_text("暗証番号（数字4桁）を入力してください")
    expect(page.locator("#pin-display .filled")).to_have_count(2)
    assert page.evaluate("window.kofuSpeech.at(-1).voice") == "ja-JP"
    page.locator("#lang").click()
    assert page.evaluate("window.kofuSpeech.at(-1).voice") == "en-US"
    page.locator("#cancel").click()
    screen_is(page, "cancelled")
    expect(page.locator("#screen h2")).to_have_text("The service was cancelled")
    page.locator("#lang").click()
    expect(page.locator("#screen h2")).to_have_text("手続きを中止しました")
    page.locator("#back-to-start").click()
    screen_is(page, "start")


def test_honseki_without_registration_offers_the_application(
    page: Any, shots: Shots, order_card: DemoCard
) -> None:
    """本籍地 chosen, but no 本籍地 city for this card yet: the 利用登録 screen, or the residence."""
    to_documents(page, order_card, kind="honseki")
    screen = page.locator("#screen")
    expect(screen).to_have_attribute("data-screen", re.compile("^(register|document)$"), timeout=SLOW)
    if screen.get_attribute("data-screen") == "document":
        pytest.skip("this card has a registered 本籍地 city: the menu came straight from it")
    expect(page.locator("#screen")).to_contain_text("利用登録")
    shots(page, "register-needed")
    page.locator("#reg-residence").click()  # nothing sent: the documents of the residence instead
    screen_is(page, "document", timeout=SLOW)
    expect(page.locator('[data-doc="juminhyo"]')).to_be_visible()
    page.locator("#cancel").click()
    screen_is(page, "cancelled")
