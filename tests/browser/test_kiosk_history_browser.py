"""交付履歴の確認 (本人通知) at the kiosk, in the browser, and with `kofu history mine`.

A resident of the test's own (the ``own`` fixture) orders a 住民票 of the whole household; the
kiosk's 「交付履歴の確認」 shows it to them after card and PIN — date, type, store, city — read from
the city's issuance log through the sealed path, the store and its chain named from the
centre's signed trust list; a household member named on it sees it as naming them; another
resident sees nothing of it. The privacy scan (tests/e2e/test_privacy.py)
runs after every test of the session and looks at what this one left too.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from typing import Any
from unittest import mock

import pytest

from kofu import clock
from kofu.cli import main
from kofu.config import Settings
from kofu.demo import demo_stores
from tests.browser.a11y import assert_accessible
from tests.browser.conftest import SLOW, Shots, expect, listed, screen_is, type_pin
from tests.e2e.helpers import order
from tests.residents import issue_card

pytestmark = pytest.mark.e2e


def _mine(settings: Settings, card: Any) -> list[dict[str, str]]:
    """`kofu history mine --json` in this process, against the chain's settings."""
    env = {"KOFU_VAR": str(settings.var_dir), "KOFU_PORT_BASE": str(settings.port_base),
           "KOFU_KIOSK_PORT": str(settings.kiosk_port)}  # fmt: skip
    out = io.StringIO()
    with mock.patch.dict(os.environ, env), contextlib.redirect_stdout(out):
        code = main(["history", "mine", "--card", card.card, "--pin", card.pin, "--json"])
    assert code == 0
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_a_resident_sees_what_was_issued_in_their_name(
    page: Any, shots: Shots, chain_settings: Settings, own: Any
) -> None:
    settings = chain_settings
    owned = own(household_size=2)
    stranger = own().card
    issued, _ = order(settings, owned.card, options={"household": "all"})
    today = clock.today().isoformat()

    # at the kiosk: 行政サービス → 交付履歴の確認 → card → PIN → card back → the list
    url = settings.kiosk_url
    listed(page, owned.card)
    page.locator("#go-admin").click()
    screen_is(page, "service")
    page.locator("#go-history").click()
    screen_is(page, "place")
    page.locator("#card-select").select_option(owned.card.card)
    page.locator("#card-place").click()
    screen_is(page, "pin")
    type_pin(page, owned.card.pin)
    page.locator("#pin-ok").click()
    screen_is(page, "remove", timeout=SLOW)
    page.locator("#card-take").click()
    screen_is(page, "history", timeout=SLOW)
    rows = page.locator("#history tr.history-entry")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("td")
    expect(cells.nth(0)).to_have_text(today)
    expect(cells.nth(1)).to_have_text("住民票の写し")
    store = demo_stores([settings.kiosk_id])[0]  # the demo's kiosk directory, in the trust list
    expect(cells.nth(2).locator(".store-name")).to_have_text(store.name)
    expect(cells.nth(2).locator(".store-chain")).to_have_text(f"（{store.chain_label}）")
    expect(cells.nth(3)).not_to_be_empty()
    shots(page, "issuance-history")
    assert_accessible(page, "history")
    page.locator("#finish").click()
    screen_is(page, "start")
    state = page.request.get(url + "/api/state").json()
    assert owned.card.card not in json.dumps(state)  # the kiosk keeps nothing of the visit

    # with the CLI: the holder sees it, a named household member sees it as naming them,
    # a resident of another household sees nothing
    (mine,) = _mine(settings, owned.card)
    assert (mine["date"], mine["doc"], mine["as"], mine["store"], mine["chain"], mine["kiosk"]) == (
        today,
        "juminhyo",
        "holder",
        store.name,
        store.chain_label,
        settings.kiosk_id,
    )
    assert _mine(settings, stranger) == []
    members = [p for p in owned.household if p.resident_id != owned.person.resident_id and p.age >= 15]
    if members:
        member_card = issue_card(settings, members[0])
        (named,) = _mine(settings, member_card)
        assert named["as"] == "named" and named["doc"] == "juminhyo"
    assert issued.issue_number  # the entry is the document the city sealed for that order
