"""`kofu cards` and `kofu cards --json` as commands against the test var directory."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.helpers import registry
from tests.e2e.rules_helpers import kofu

pytestmark = pytest.mark.e2e

LINE = re.compile(r"^  (?P<card>\S+)  (?P<pin>\d{4})  (?P<city>\d{6})  (?P<name>.+)  (?P<traits>\S*)$")


def test_kofu_cards_lists_every_demo_card_with_its_registered_name(chain_settings, demo_cards):
    done = kofu(chain_settings, "cards", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert isinstance(listed, list) and listed
    for entry in listed:
        assert {"card", "pin", "city", "name", "traits"} <= entry.keys(), entry.get("card")
        assert isinstance(entry["traits"], list) and re.fullmatch(r"\d{4}", entry["pin"])
    # The same cards, PINs, cities and traits as the demo's card index, in its order.
    assert [(e["card"], e["pin"], e["city"], tuple(e["traits"])) for e in listed] == [
        (c.card, c.pin, c.city, c.traits) for c in demo_cards
    ]
    # Each name is the card holder's as the city's registry has it now.
    names = {(city, r.id): r.name for city in chain_settings.cities for r in registry(chain_settings, city)}
    holders = {c.card: (c.city, c.resident_id) for c in demo_cards}
    for entry in listed:
        assert entry["name"] and entry["name"] == names[holders[entry["card"]]], entry["card"]
    assert len({e["name"] for e in listed}) > 1

    plain = kofu(chain_settings, "cards")
    assert plain.returncode == 0, plain.stderr
    rows = [m.groupdict() for m in map(LINE.match, plain.stdout.splitlines()) if m]
    assert len(rows) == len(plain.stdout.strip().splitlines()) - 1  # every line but the heading
    assert rows == [
        {
            "card": e["card"],
            "pin": e["pin"],
            "city": e["city"],
            "name": e["name"],
            "traits": ",".join(e["traits"]),
        }
        for e in listed
    ]
