"""City settings through the whole chain: the kiosk menu and the order follow them at once.

Each test changes one city's settings for its own duration and puts them back (``city_setting``);
the tests of this session run one after another, so nobody else sees the change.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kofu.protocol.errors import KofuError
from tests.e2e.rules_helpers import any_with, city_setting, issue, kofu, menu_of, raw_order, refusal

pytestmark = pytest.mark.e2e


def _hours_excluding_now() -> str:
    hour = datetime.now(ZoneInfo("Asia/Tokyo")).hour
    return "03:00-04:00" if 6 <= hour < 22 else "12:00-13:00"


def test_koseki_switched_off_leaves_the_menu_and_is_refused(chain, chain_settings, demo_cards):
    card = any_with(demo_cards, "honseki-here")
    city = card.city
    assert "koseki" in {o.doc for o in menu_of(chain_settings, card).documents}
    done = kofu(
        chain_settings, "city", "settings", "set", "--city", city, "--doc", "koseki", "--offered", "off"
    )
    try:
        assert done.returncode == 0, done.stderr
        assert "NOT offered" in done.stdout
        docs = {o.doc for o in menu_of(chain_settings, card).documents}
        assert "koseki" not in docs and "juminhyo" in docs
        assert refusal(raw_order(chain_settings, card, "koseki")) == "city.document.not_offered"
        with pytest.raises(KofuError) as refused:  # the kiosk itself no longer offers it
            issue(chain_settings, card, "koseki")
        assert refused.value.code == "city.document.not_offered"
    finally:
        back = kofu(
            chain_settings, "city", "settings", "set", "--city", city, "--doc", "koseki", "--offered", "on"
        )
        assert back.returncode == 0, back.stderr
    _issued, pdf = issue(chain_settings, card, "koseki")
    assert pdf.startswith(b"%PDF")


def test_outside_hours_is_refused(chain, chain_settings, demo_cards):
    card = any_with(demo_cards, "honseki-here")
    with city_setting(chain_settings, card.city, doc="fuhyo", hours=_hours_excluding_now()):
        offer = next(o for o in menu_of(chain_settings, card).documents if o.doc == "fuhyo")
        assert offer.refusal == "city.document.outside_hours" and offer.hours
        with pytest.raises(KofuError) as refused:
            issue(chain_settings, card, "fuhyo")
        assert refused.value.code == "city.document.outside_hours"
    _issued, pdf = issue(chain_settings, card, "fuhyo")
    assert pdf.startswith(b"%PDF")


def test_fee_and_copy_limit_follow_the_settings(chain, chain_settings, demo_cards):
    card = any_with(demo_cards, "inkan-registered")
    with city_setting(chain_settings, card.city, doc="juminhyo", fee=10, copy_limit=2):
        offer = next(o for o in menu_of(chain_settings, card).documents if o.doc == "juminhyo")
        assert (offer.fee, offer.max_copies) == (10, 2)
        issued, _pdf = issue(chain_settings, card, "juminhyo")
        assert issued.fee_total == 10
        assert refusal(raw_order(chain_settings, card, "juminhyo", copies=3)) == "order.copies.invalid"


def test_kazei_years_follow_the_settings(chain, chain_settings, demo_cards):
    card = any_with(demo_cards, "tax-declared")
    offer = next(o for o in menu_of(chain_settings, card).documents if o.doc == "kazei")
    years = [int(y) for y in offer.options[0].choices]
    newest = max(years)
    with city_setting(chain_settings, card.city, kazei_years=[newest]):
        offer = next(o for o in menu_of(chain_settings, card).documents if o.doc == "kazei")
        assert offer.options[0].choices == [str(newest)]
        older = {"fiscal_year": str(newest - 1)}
        assert refusal(raw_order(chain_settings, card, "kazei", older)) == "city.kazei.year_not_offered"
