"""The whole chain with the card behind pcscd + vsmartcard-vpcd, driven by `kofu` as separate processes.

`kofu card insert` runs the emulated card as a vpcd client; `kofu issue --reader pcsc` orders
through the first PC/SC reader exactly as it would with a real My Number Card in a USB reader.
"""

from __future__ import annotations

import pytest

from kofu.card.errors import CardInUse
from kofu.card.pcsc import PcscReader
from kofu.card.store import CardStore
from kofu.documents.text import extract_text
from kofu.kiosk.devices import SimulatedCashUnit, SimulatedPrinter
from kofu.kiosk.flow import KioskFlow
from kofu.protocol.errors import KofuError
from tests.card.life import issue_fresh_card, resident_name
from tests.e2e.helpers import center_link, journal_of
from tests.pcsc.conftest import inserted, kofu

pytestmark = pytest.mark.e2e


def test_pcscd_shows_the_virtual_reader_with_the_card(chain, chain_settings, pcscd):
    issued, _card = issue_fresh_card(chain_settings, "132292")
    with inserted(chain_settings, issued.label):
        listing = kofu(chain_settings, "card", "readers")
        assert f"{pcscd}: card present" in listing.stdout
        with pytest.raises(CardInUse):  # the card file is locked while it is in the reader
            CardStore(chain_settings.cards_dir).open(issued.label).__enter__()
    assert f"{pcscd}: empty" in kofu(chain_settings, "card", "readers").stdout


def test_full_order_through_pcscd_and_vpcd(chain, chain_settings, pcscd, tmp_path):
    issued, _card = issue_fresh_card(chain_settings, "132110")
    out = tmp_path / "juminhyo.pdf"
    with inserted(chain_settings, issued.label):
        result = kofu(
            chain_settings,
            "issue",
            "--reader",
            "pcsc",
            "--pin",
            issued.pin,
            "--doc",
            "juminhyo",
            "--out",
            str(out),
        )
    assert result.returncode == 0, result.stderr
    assert "issued juminhyo" in result.stdout and "fee ¥200" in result.stdout
    assert resident_name(chain_settings, "132110", issued.resident_id) in extract_text(out.read_bytes())


def test_removing_the_card_before_the_signature_cancels_the_visit(chain, chain_settings, pcscd):
    issued, _card = issue_fresh_card(chain_settings, "132292")
    center = center_link(chain_settings)
    flow = KioskFlow(center, SimulatedCashUnit(), SimulatedPrinter(), journal_of(chain_settings))
    try:
        with PcscReader(pcscd, wait=5) as reader:
            with inserted(chain_settings, issued.label):
                assert flow.place_card(reader) == 3
                assert flow.state == "card"
            assert reader.wait_for_removal(5)  # `kofu card remove` took it out
            with pytest.raises(KofuError) as removed:
                flow.enter_pin(issued.pin)
            assert removed.value.code == "card.removed"
            assert flow.state == "idle" and flow.certificate is None and flow.token is None
    finally:
        center.close()
    assert CardStore(chain_settings.cards_dir).load(issued.label).auth_tries_left == 3  # no PIN was tried


def test_blocked_survives_restarts_of_the_card_process_and_only_the_city_unblocks(
    chain, chain_settings, pcscd, tmp_path
):
    issued, _card = issue_fresh_card(chain_settings, "132292", pin="2468")
    out = str(tmp_path / "x.pdf")

    def attempt(pin: str) -> tuple[int, str]:
        result = kofu(
            chain_settings, "issue", "--reader", "pcsc", "--pin", pin, "--doc", "juminhyo", "--out", out
        )
        return result.returncode, result.stderr.splitlines()[0] if result.stderr else result.stdout

    with inserted(chain_settings, issued.label):
        assert attempt("0000") == (3, "refused: card.pin.wrong (tries left: 2)")
        assert attempt("0000") == (3, "refused: card.pin.wrong (tries left: 1)")
        assert attempt("0000") == (3, "refused: card.pin.blocked")
    with inserted(chain_settings, issued.label):  # a new card process, new centre sessions
        assert attempt("2468") == (3, "refused: card.pin.blocked")
        other_city = kofu(
            chain_settings, "counter", "card", "unblock", "--city", "132110", "--reader", "pcsc"
        )
        assert other_city.returncode == 3 and "counter.card.unknown" in other_city.stderr
        unblocked = kofu(
            chain_settings,
            "counter",
            "card",
            "unblock",
            "--city",
            "132292",
            "--reader",
            "pcsc",
            "--pin",
            "1590",
        )
        assert unblocked.returncode == 0, unblocked.stderr
        assert unblocked.stdout.strip() == "auth PIN unblocked; new PIN 1590"
        code, line = attempt("1590")
        assert code == 0, line
