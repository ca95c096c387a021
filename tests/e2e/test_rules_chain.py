"""Every refusal code of the city's rules, through the whole chain of real processes.

Resident-level rules refuse the visit at the menu; document rules are checked again on live data
when the order arrives (``raw_order`` sends an order past the kiosk's own menu check, so what is
asserted is what the city decided). Tests that read take demo cards by trait; the two that change
a resident's record (a seal abolished, a name lengthened) take their own (the ``own`` fixture).
"""

from __future__ import annotations

import pytest

from kofu import clock
from kofu.city.registry.models import Resident
from kofu.city.registry.queries import abolish_seal_registration
from kofu.protocol.errors import KofuError
from tests.e2e.helpers import registry, with_trait
from tests.e2e.rules_helpers import (
    any_with,
    issue,
    menu_of,
    raw_order,
    refusal,
    registry_session,
    visit,
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("trait", "code"),
    [
        ("moved-out", "city.resident.moved_out"),
        ("deceased", "city.resident.deceased"),
        ("dv-protected", "city.resident.dv_protected"),
        ("pending-change", "city.resident.pending_change"),
    ],
)
def test_resident_rules_refuse_every_document(chain, chain_settings, demo_cards, trait, code):
    card = [c for c in demo_cards if trait in c.traits and "adult" in c.traits][-1]
    for doc in ("inkan", "kazei"):
        with pytest.raises(KofuError) as refused:
            issue(chain_settings, card, doc)
        assert refused.value.code == code


def test_under_15_is_refused(chain, chain_settings, demo_cards):
    child = with_trait(demo_cards, "under-15")
    with pytest.raises(KofuError) as refused:
        issue(chain_settings, child, "juminhyo")
    assert refused.value.code == "city.resident.under_15"


def test_a_refused_household_member_refuses_the_household_copy(chain, chain_settings, demo_cards):
    """A member of the household whose head has a pending change: alone yes, household no."""
    for city in ("132292", "132110"):
        people = registry(chain_settings, city)
        heads = {r.household_id for r in people if r.pending_change}
        card = next(
            (
                c
                for c in demo_cards
                if c.city == city
                and "adult" in c.traits
                and not {"pending-change", "moved-out", "dv-protected"} & set(c.traits)
                and next(r for r in people if r.id == c.resident_id).household_id in heads
            ),
            None,
        )
        if card is not None:
            break
    else:
        pytest.skip("no adult card in a household with a pending change in this demo")
    assert refusal(raw_order(chain_settings, card, "juminhyo", {"household": "all"})) == (
        "city.resident.household_refused"
    )
    assert refusal(raw_order(chain_settings, card, "juminhyo", {"household": "self"})) is None


@pytest.mark.parametrize(
    ("trait", "doc", "options", "code"),
    [
        ("no-inkan", "inkan", {}, "city.inkan.not_registered"),
        ("inkan-abolished", "inkan", {}, "city.inkan.abolished"),
        ("no-tax-declaration", "kazei", {}, "city.kazei.not_declared"),
        ("tax-declared", "kazei", {"fiscal_year": "2001"}, "city.kazei.year_not_offered"),
        ("honseki-elsewhere", "koseki", {}, "city.koseki.not_found"),
        ("foreign-resident", "fuhyo", {}, "city.koseki.not_found"),
    ],
)
def test_document_rules_refuse_with_their_code(chain, chain_settings, demo_cards, trait, doc, options, code):
    card = any_with(demo_cards, trait, without=("honseki-registered",))
    assert refusal(raw_order(chain_settings, card, doc, options)) == code


def test_menu_tells_early_what_the_order_would_refuse(chain, chain_settings, demo_cards):
    card = any_with(demo_cards, "no-inkan")
    inkan = next(o for o in menu_of(chain_settings, card).documents if o.doc == "inkan")
    assert inkan.refusal == "city.inkan.not_registered"
    with pytest.raises(KofuError) as refused:  # the kiosk orders anyway; the city refuses
        issue(chain_settings, card, "inkan")
    assert refused.value.code == "city.inkan.not_registered"


def test_no_tax_record_for_the_year(chain, chain_settings, demo_cards):
    cards = [c for c in demo_cards if "no-tax-record" in c.traits and "adult" in c.traits]
    if not cards:
        pytest.skip("every adult of this demo has a tax record")
    card = cards[-1]
    codes = {"city.kazei.no_record", "city.resident.moved_out", "city.resident.deceased"}
    codes |= {"city.resident.dv_protected", "city.resident.pending_change"}
    try:
        result = refusal(raw_order(chain_settings, card, "kazei"))
    except KofuError as exc:
        result = exc.code
    assert result in codes


def test_abolished_seal_registration_is_refused_by_the_very_next_order(chain, chain_settings, own):
    card = own(traits=("adult", "inkan-registered")).card
    with visit(chain_settings, card) as flow:
        menu = flow.choose_city(card.city)  # the menu still offers inkan: the seal is live
        assert next(o for o in menu.documents if o.doc == "inkan").refusal is None
        with registry_session(chain_settings, card.city) as session:
            assert abolish_seal_registration(session, card.resident_id, on=clock.today()) is not None
        with pytest.raises(KofuError) as refused:
            flow.order("inkan", {}, 1)
        assert refused.value.code == "city.inkan.abolished"


def test_name_too_long_for_the_layout_is_refused(chain, chain_settings, own):
    card = own(traits=("adult", "household-member")).card
    with registry_session(chain_settings, card.city) as session:
        resident = session.get(Resident, card.resident_id)
        given = resident.given_name
        resident.given_name = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末"
    try:
        assert refusal(raw_order(chain_settings, card, "juminhyo")) == "document.too_long"
    finally:
        with registry_session(chain_settings, card.city) as session:
            session.get(Resident, card.resident_id).given_name = given
    _issued, pdf = issue(chain_settings, card, "juminhyo")  # back to normal: issued
    assert pdf.startswith(b"%PDF")
