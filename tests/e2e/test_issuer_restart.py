"""An issuer restarted in the middle of the day serves the very next order.

The old process leaves its long polls open at the gateway; the gateway must drop them when
they hang up instead of handing the next request to a poll nobody reads (which would fail the
order as ``city.unavailable`` after the gateway's 25-second wait).

Card: the first eligible card of 132292, which other tests only order with, with its own PIN.
"""

from __future__ import annotations

import time

import pytest

from kofu.documents.text import extract_text
from tests.e2e.helpers import eligible, registry
from tests.e2e.rules_helpers import kofu

pytestmark = pytest.mark.e2e

CITY = "132292"


def test_the_next_order_after_an_issuer_restart_is_served(chain, chain_settings, demo_cards, tmp_path):
    card = eligible(demo_cards, CITY)[0]
    old = chain.procs[f"issuer-{CITY}"].pid
    try:
        chain.restart(f"issuer-{CITY}")
    finally:
        if chain.procs[f"issuer-{CITY}"].poll() is not None:
            chain.restart(f"issuer-{CITY}")
    assert chain.procs[f"issuer-{CITY}"].pid != old
    out = tmp_path / "after-restart.pdf"
    started = time.monotonic()
    done = kofu(
        chain_settings,
        "issue",
        "--card",
        card.card,
        "--pin",
        card.pin,
        "--doc",
        "juminhyo",
        "--out",
        str(out),
    )
    waited = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    holder = next(r for r in registry(chain_settings, CITY) if r.id == card.resident_id)
    text = extract_text(out.read_bytes())
    assert holder.family_name in text and holder.given_name in text
    print(f"\nfirst order after an issuer restart: {waited:.1f} s")
