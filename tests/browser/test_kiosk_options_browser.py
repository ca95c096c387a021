"""Options as the city defines them, refused offers greyed out, and 利用登録 — in the browser.

Cards: the 住民票 multi-select reads, with a demo `household-member` card; the 利用登録 test
applies and has it approved, with a card of its own (the ``own`` fixture).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.documents.text import extract_text
from kofu.kiosk.messages import kiosk_message
from tests.browser.a11y import assert_accessible
from tests.browser.conftest import (
    SLOW,
    Shots,
    card_for_document,
    expect,
    screen_is,
    to_documents,
)
from tests.e2e.helpers import registry
from tests.e2e.rules_helpers import any_with, kofu

pytestmark = pytest.mark.e2e


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def _pay_and_take_pdf(page: Any, url: str) -> str:
    """From the confirmation to the printed sheet's text (pays with ¥1,000, takes everything)."""
    page.locator("#confirm-ok").click()
    screen_is(page, "payment", timeout=SLOW)
    page.locator('#cash-buttons [data-amount="1000"]').click()
    expect(page.locator("#pay-need")).to_have_text("¥0")
    page.locator("#pay").click()
    screen_is(page, "done", timeout=SLOW)
    link = page.locator("#tray a.sheet")
    expect(link).to_have_count(1)
    response = page.request.get(url + str(link.get_attribute("href")))
    assert response.ok
    text = _squash(extract_text(response.body()))
    page.locator("#tray-take").click()
    page.locator("#cash-take").click()
    page.locator("#finish").click()
    screen_is(page, "start")
    return text


def test_koseki_member_chooser_only_for_kojin_and_refused_offer_greyed(
    page: Any, shots: Shots, demo_cards: list[DemoCard], order_card: DemoCard
) -> None:
    card = card_for_document(demo_cards, "koseki", order_card)

    # Mark the last offer of the menu as refused (outside hours), as a city would: the screen
    # must show it greyed with the resident's words and never let it be ordered. (The menu may
    # refuse other offers of its own, e.g. 課税 without a declaration: only this one is checked.)
    marked: list[str] = []

    def refuse_last(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        last = body["menu"]["documents"][-1]
        marked.append(last["doc"])
        message = kiosk_message("city.document.outside_hours")
        last.update(
            refusal="city.document.outside_hours",
            refusal_ja=message.ja,
            refusal_en=message.en,
            hours="平日 09:00–17:00",
        )
        route.fulfill(response=response, body=json.dumps(body))

    page.route("**/api/city", refuse_last)
    to_documents(page, card)
    screen_is(page, "document", timeout=SLOW)
    refused = page.locator(f'.tile.refused[data-doc="{marked[-1]}"]')
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text(kiosk_message("city.document.outside_hours").ja)
    expect(refused).to_have_attribute("aria-disabled", "true")
    assert page.locator("button.tile.refused").count() == 0  # not a button: nothing to press
    shots(page, "document-refused-greyed")
    refused.click(force=True)  # a touch on it does nothing
    screen_is(page, "document")

    tile = page.locator('[data-doc="koseki"]')
    if tile.count() == 0 or "refused" in str(tile.get_attribute("class")):
        pytest.skip("koseki is not orderable for this resident here")
    tile.click()
    screen_is(page, "options")
    expect(page.locator('[data-spec="member"]')).to_have_count(0)  # 全部事項: nobody to choose
    page.locator('[data-option="scope"]').last.click()  # 個人事項
    expect(page.locator('[data-spec="member"]')).to_have_count(1)
    expect(page.locator('[data-spec="member"] button.choice').first).not_to_have_text(re.compile("人目"))
    shots(page, "options-koseki-kojin")
    page.locator('[data-option="scope"]').first.click()  # back to 全部事項
    expect(page.locator('[data-spec="member"]')).to_have_count(0)
    page.locator("#next").click()
    screen_is(page, "copies")
    page.locator("#next").click()
    screen_is(page, "confirm")
    # document, scope, copies, fee per copy, total: no member row for 全部事項
    expect(page.locator("table.summary tr")).to_have_count(5)
    page.locator("#cancel").click()
    screen_is(page, "cancelled")


def test_juminhyo_chosen_members_multi_select(
    page: Any, shots: Shots, demo_cards: list[DemoCard], chain_settings: Settings
) -> None:
    card = any_with(demo_cards, "household-member")
    to_documents(page, card)
    screen_is(page, "document", timeout=SLOW)
    page.locator('[data-doc="juminhyo"]').click()
    screen_is(page, "options")
    members = page.locator('[data-spec="members"]')
    expect(members).to_have_count(0)
    page.locator('[data-option="household"][data-value="members"]').click()
    expect(members).to_have_count(1)
    expect(members).to_have_attribute("data-multiple", "true")
    buttons = members.locator("button.choice")
    n = buttons.count()
    assert n >= 2, "a household-member card has a household of two or more"
    labels = [_squash(buttons.nth(i).inner_text().lstrip("☑□ ")) for i in range(n)]
    # Deselect everyone: Next is off until someone is chosen.
    for i in range(n):
        if buttons.nth(i).get_attribute("aria-pressed") == "true":
            buttons.nth(i).click()
    expect(page.locator("#next")).to_be_disabled()
    wanted = [0, n - 1] if n >= 3 else [n - 1]
    for i in wanted:
        buttons.nth(i).click()
        expect(buttons.nth(i)).to_have_attribute("aria-pressed", "true")
    expect(members.locator('[aria-pressed="true"]')).to_have_count(len(wanted))
    shots(page, "options-juminhyo-members")
    page.locator("#next").click()
    screen_is(page, "copies")
    page.locator("#next").click()
    screen_is(page, "confirm")
    summary = _squash(page.locator("table.summary").inner_text())
    assert all(labels[i] in summary for i in wanted), summary
    shots(page, "confirm-juminhyo-members")
    text = _pay_and_take_pdf(page, chain_settings.kiosk_url)
    names = [re.sub(r"（.*?）|\(.*?\)", "", label) for label in labels]  # labels add 続柄
    for i, name in enumerate(names):
        assert name, labels[i]
        if i in wanted:
            assert name in text, name
        else:
            assert name not in text, name


def test_registration_apply_approve_then_koseki_from_the_honseki_city(
    page: Any, shots: Shots, own: Any, chain_settings: Settings
) -> None:
    card = own(traits=("adult", "honseki-elsewhere")).card
    holder = next(r for r in registry(chain_settings, card.city) if r.id == card.resident_id)
    city = holder.honseki_city_code
    assert city is not None and city != card.city and holder.honseki and holder.hittosha

    to_documents(page, card, kind="honseki")
    screen_is(page, "register", timeout=SLOW)
    expect(page.locator(f"#reg-city-{card.city}")).to_have_count(0)  # not the residence city
    shots(page, "register-city")
    page.locator(f"#reg-city-{city}").click()
    expect(page.locator("#reg-next")).to_be_disabled()
    page.locator("#reg-honseki").fill(holder.honseki)
    page.locator("#reg-hittosha").fill(holder.hittosha.replace("\u3000", " "))
    shots(page, "register-form")
    page.locator("#reg-next").click()
    expect(page.locator("table.summary")).to_contain_text(holder.honseki)
    shots(page, "register-confirm")
    page.locator("#reg-send").click()
    screen_is(page, "registered", timeout=SLOW)
    expect(page.locator("#screen")).to_contain_text("5営業日")
    said = page.evaluate("window.kofuSpeech.map((p) => p.text)")
    assert any("利用登録の申請を受け付けました" in s for s in said)
    # Only this test sends an application: the a11y checks of the screen it ends on are here.
    assert assert_accessible(page, "registered") == ["reg-residence", "finish"]
    page.locator("#lang").click()
    expect(page.locator("#screen")).to_contain_text("about 5 business days")
    shots(page, "registered-en")
    page.locator("#lang").click()
    number = page.locator("#reg-number").inner_text().strip()
    assert number.isdigit()
    page.locator("#finish").click()
    screen_is(page, "start")

    approved = kofu(chain_settings, "city", "registrations", "approve", "--city", city, number)
    assert approved.returncode == 0, approved.stderr

    # Now 本籍地 documents come from that city, straight after the card is taken.
    to_documents(page, card, kind="honseki")
    screen_is(page, "document", timeout=SLOW)
    page.locator('[data-doc="koseki"]').click()
    screen_is(page, "options")
    page.locator('[data-option="scope"][data-value="kojin"]').click()
    member = page.locator('[data-spec="member"] button.choice', has_text=holder.given_name)
    member.first.click()
    page.locator("#next").click()
    screen_is(page, "copies")
    page.locator("#next").click()
    screen_is(page, "confirm")
    shots(page, "confirm-koseki-honseki-city")
    text = _pay_and_take_pdf(page, chain_settings.kiosk_url)
    assert "個人事項証明" in text and f"【名】{_squash(holder.given_name)}" in text
