"""The whole chain for real: card → kiosk → centre → gateway → issuer, as separate processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from sqlalchemy import select

from kofu.card.store import CardStore
from kofu.center.models import Order
from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.documents.text import extract_text
from kofu.kiosk.devices import SimulatedPrinter
from kofu.kiosk.headless import issue_once
from kofu.protocol.errors import KofuError
from kofu.storage import make_engine, session_factory
from tests.e2e.helpers import center_link, eligible, journal_of, order, registry, with_trait
from tests.e2e.rules_helpers import raw_order

pytestmark = pytest.mark.e2e


def _household_of(settings: Settings, card: DemoCard):  # type: ignore[no-untyped-def]
    people = registry(settings, card.city)
    holder = next(r for r in people if r.id == card.resident_id)
    members = [r for r in people if r.household_id == holder.household_id and r.status == "active"]
    return people, holder, members


def _pick_family_head(cards: list[DemoCard], settings: Settings) -> DemoCard:
    for card in eligible(cards, "132292"):
        _people, _holder, members = _household_of(settings, card)
        if "household-head" in card.traits and len(members) >= 3:
            return card
    raise AssertionError("no eligible household head with a family in the demo data")


def test_juminhyo_for_whole_household_names_it_and_nobody_else(chain, chain_settings, demo_cards):
    card = _pick_family_head(demo_cards, chain_settings)
    people, holder, members = _household_of(chain_settings, card)
    issued, pdf = order(chain_settings, card, options={"household": "all", "setainushi": "on"})
    text = extract_text(pdf)
    assert issued.fee_total == 200 and issued.change == 0
    for member in members:
        assert member.name in text
    assert holder.household.address.full_text.split(" ")[0] in text
    assert "世帯全員の住民票の原本と相違ないことを証明する" in text
    member_names = {m.name for m in members}
    strangers = [p.name for p in people if p.name not in member_names]
    assert [name for name in strangers if name in text] == []
    assert "令和" in text and issued.issue_number in text


def test_juminhyo_for_self_names_only_the_card_holder(chain, chain_settings, demo_cards):
    card = _pick_family_head(demo_cards, chain_settings)
    _people, holder, members = _household_of(chain_settings, card)
    _issued, pdf = order(chain_settings, card, options={"household": "self"}, copies=2)
    text = extract_text(pdf)
    assert holder.name in text
    others = {m.name for m in members} - {holder.name}
    assert [name for name in others if name in text] == []
    assert "世帯全員" not in text


@pytest.mark.parametrize(
    ("trait", "code"),
    [
        ("moved-out", "city.resident.moved_out"),
        ("deceased", "city.resident.deceased"),
        ("dv-protected", "city.resident.dv_protected"),
        ("pending-change", "city.resident.pending_change"),
    ],
)
def test_refused_residents_get_their_code_and_nothing_printed(chain, chain_settings, demo_cards, trait, code):
    card = with_trait([c for c in demo_cards if "adult" in c.traits], trait)
    before = _history(chain_settings)

    # The headless kiosk (what `kofu issue` runs): refused at the menu, before any order.
    printer = SimulatedPrinter()
    center = center_link(chain_settings)
    try:
        with pytest.raises(KofuError) as refused:
            issue_once(
                center,
                CardStore(chain_settings.cards_dir),
                card.card,
                card.pin,
                "juminhyo",
                {},
                1,
                printer,
                journal=journal_of(chain_settings),
            )
    finally:
        center.close()
    assert refused.value.code == code
    assert printer.tray == [] and printer.pages_printed == 0
    assert _history(chain_settings).keys() == before.keys()  # no order reached the centre: no fee

    # A kiosk that orders anyway: the city refuses again on its live data, no document comes
    # back, and the centre's history row is the refusal with no fee.
    result = raw_order(chain_settings, card, "juminhyo")
    assert result.status == "refused" and result.error is not None and result.error.code == code
    assert result.envelope is None and not result.fee_total
    after = _history(chain_settings)
    assert {k: v for k, v in after.items() if k not in before} == {result.order_id: ("refused", code, 0)}


def _history(settings: Settings) -> dict[str, tuple[str, str | None, int]]:
    """The centre's history rows: order id → (status, outcome, fee)."""
    engine = make_engine(settings.center_db_url())
    try:
        with session_factory(engine)() as session:
            return {o.order_id: (o.status, o.outcome, o.fee_total) for o in session.scalars(select(Order))}
    finally:
        engine.dispose()


def test_wrong_pin_counts_down_then_blocks(chain, chain_settings, own):
    card = own(city="132110").card  # the test blocks it: its own
    wrong = "0000" if card.pin != "0000" else "1111"
    seen = []
    for _ in range(3):
        with pytest.raises(KofuError) as refused:
            order(chain_settings, card, pin=wrong)
        seen.append((refused.value.code, refused.value.tries_left))
    assert seen == [("card.pin.wrong", 2), ("card.pin.wrong", 1), ("card.pin.blocked", None)]
    with pytest.raises(KofuError) as still:
        order(chain_settings, card)  # the right PIN no longer helps
    assert still.value.code == "card.pin.blocked"


def test_twenty_concurrent_orders_each_get_their_own_document(chain, chain_settings, demo_cards):
    cards = (eligible(demo_cards, "132292")[:10] + eligible(demo_cards, "132110")[:10])[:20]
    assert len(cards) == 20
    names = {}
    for city in {c.city for c in cards}:
        for resident in registry(chain_settings, city):
            names[(city, resident.id)] = resident.name
    results: dict[str, bytes] = {}
    errors: list[BaseException] = []
    kiosks = [chain_settings.kiosk_id, "K9001", "K9002", "K9003", "K9004"]
    barrier = threading.Barrier(len(cards))

    def visit(i: int, card: DemoCard) -> None:
        try:
            barrier.wait()
            _issued, pdf = order(chain_settings, card, kiosk_id=kiosks[i % len(kiosks)])
            results[card.card] = pdf
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=visit, args=(i, c)) for i, c in enumerate(cards)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for card in cards:
        text = extract_text(results[card.card])
        own = names[(card.city, card.resident_id)]
        assert own in text
        others = {names[(c.city, c.resident_id)] for c in cards} - {own}
        assert [n for n in others if n in text] == [], f"{card.card} got someone else's document"


def test_kofu_issue_command(chain, chain_settings, demo_cards, tmp_path):
    card = eligible(demo_cards, "132292")[0]
    env = {
        **os.environ,
        "KOFU_VAR": str(chain_settings.var_dir),
        "KOFU_PORT_BASE": str(chain_settings.port_base),
    }
    out = tmp_path / "juminhyo.pdf"
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "kofu.cli",
            "issue",
            "--card",
            card.card,
            "--pin",
            card.pin,
            "--doc",
            "juminhyo",
            "--option",
            "household=self",
            "--option",
            "honseki=on",
            "--out",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert out.read_bytes().startswith(b"%PDF")
    moved = with_trait(demo_cards, "moved-out")
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "kofu.cli",
            "issue",
            "--card",
            moved.card,
            "--pin",
            moved.pin,
            "--doc",
            "juminhyo",
            "--out",
            str(tmp_path / "no.pdf"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "city.resident.moved_out" in refused.stderr
    assert "転出" in refused.stderr
    assert not (tmp_path / "no.pdf").exists()
