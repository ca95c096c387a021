"""Each document type issued through the whole chain names the right person(s) and nobody else.

The documents layer has a golden text per type and option; here the same types come from the
real registry through kiosk, centre, gateway and issuer, and the printed PDF's text is checked
against the registry: the people it must name, and the other people of the household (or
register) it must not. Cards: see ``rules_helpers`` (these tests only read).
"""

from __future__ import annotations

import pytest

from kofu.city.registry.models import KosekiRegister, Resident
from kofu.city.registry.queries import koseki_by_honseki
from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.documents.text import extract_text, page_texts
from tests.e2e.helpers import registry
from tests.e2e.rules_helpers import any_with, issue, menu_of, registry_session

pytestmark = pytest.mark.e2e


def _household(settings: Settings, card: DemoCard) -> tuple[Resident, list[Resident]]:
    people = registry(settings, card.city)
    holder = next(r for r in people if r.id == card.resident_id)
    return holder, [r for r in people if r.household_id == holder.household_id and r.status == "active"]


def _family_card(settings: Settings, cards: list[DemoCard], size: int = 3) -> DemoCard:
    for card in reversed([c for c in cards if "adult" in c.traits and "household-member" in c.traits]):
        _holder, members = _household(settings, card)
        refused = any(m.dv_protected or m.pending_change for m in members)
        if len(members) >= size and not refused:
            return card
    raise AssertionError("no household of three or more")


def test_juminhyo_chosen_members_names_exactly_them(chain, chain_settings, demo_cards):
    card = _family_card(chain_settings, demo_cards)
    holder, members = _household(chain_settings, card)
    other = next(m for m in members if m.id != holder.id)
    menu = menu_of(chain_settings, card)
    offer = next(o for o in menu.documents if o.doc == "juminhyo")
    chooser = next(s for s in offer.options if s.name == "members")
    assert chooser.choice_labels_en[0] == holder.name  # names arrived sealed and were opened
    # `kofu issue` style: members by name as printed (the headless kiosk maps them to tokens).
    _issued, pdf = issue(
        chain_settings,
        card,
        "juminhyo",
        {"household": "members", "members": f"1,{other.name}", "setainushi": "on"},
    )
    text = extract_text(pdf)
    assert holder.name in text and other.name in text
    head = next(m for m in members if m.zokugara == "世帯主")
    rest = [m.name for m in members if m.id not in (holder.id, other.id, head.id)]
    assert [n for n in rest if n in text] == []
    assert "この写しは、住民票の原本と相違ないことを証明する。" in text


def test_juminhyo_foreign_resident_items(chain, chain_settings, demo_cards):
    card = any_with(demo_cards, "foreign-resident")
    holder, _members = _household(chain_settings, card)
    options = {"nationality": "on", "residence_status": "on", "card_number": "on"}
    _issued, pdf = issue(chain_settings, card, "juminhyo", options)
    text = extract_text(pdf)
    assert holder.name in text and holder.nationality in text
    assert holder.residence_card_number in text
    _issued, plain = issue(chain_settings, card, "juminhyo", {})
    assert holder.residence_card_number not in extract_text(plain)


@pytest.mark.parametrize("doc", ["inkan", "kazei"])
def test_single_person_documents_name_only_the_holder(chain, chain_settings, demo_cards, doc):
    trait = {"inkan": "inkan-registered", "kazei": "tax-declared"}[doc]
    card = next(
        c
        for c in reversed(demo_cards)
        if trait in c.traits
        and "adult" in c.traits
        and "household-member" in c.traits
        and not {"dv-protected", "pending-change", "moved-out"} & set(c.traits)
    )
    holder, members = _household(chain_settings, card)
    options = {}
    if doc == "kazei":
        offer = next(o for o in menu_of(chain_settings, card).documents if o.doc == "kazei")
        options = {"fiscal_year": offer.options[0].choices[0]}
    _issued, pdf = issue(chain_settings, card, doc, options)
    text = extract_text(pdf)
    assert holder.name in text
    assert [m.name for m in members if m.id != holder.id and m.name in text] == []


def _register_of(settings: Settings, card: DemoCard) -> tuple[Resident, str, KosekiRegister]:
    holder, _ = _household(settings, card)
    city = holder.honseki_city_code
    assert city is not None
    with registry_session(settings, city) as session:
        register = koseki_by_honseki(session, holder.honseki or "", holder.hittosha or "")
        assert register is not None
        for member in register.members:
            _ = member.events
        session.expunge_all()
    return holder, city, register


@pytest.mark.parametrize("scope", ["zenbu", "kojin"])
def test_koseki_from_the_honseki_city(chain, chain_settings, demo_cards, scope):
    card = any_with(demo_cards, "honseki-registered")
    holder, city, register = _register_of(chain_settings, card)
    assert city != card.city
    menu = menu_of(chain_settings, card, city)
    assert {o.doc for o in menu.documents} == {"koseki", "fuhyo"}
    issued, pdf = issue(chain_settings, card, "koseki", {"scope": scope, "member": "1"}, city=city)
    text = extract_text(pdf)
    assert register.honseki in "".join(text.split()) or register.honseki[:10] in text
    given = holder.given_name
    assert f"【名】{given}" in "".join(text.split())
    others = [m.given_name for m in register.members if m.given_name != given]
    printed = [g for g in others if f"【名】{g}" in "".join(text.split())]
    if scope == "kojin":
        assert printed == []
        assert "個人事項証明" in text
    else:
        assert sorted(printed) == sorted(others)
        assert "全部事項証明" in text
    pages = [page for page in page_texts(pdf) if page.strip()]  # fronts (backs carry the image)
    head = "".join(register.hittosha.split())
    assert all(issued.issue_number in page and head in "".join(page.split()) for page in pages)


def test_fuhyo_from_the_honseki_city_names_the_register(chain, chain_settings, demo_cards):
    card = any_with(demo_cards, "honseki-registered")
    holder, city, register = _register_of(chain_settings, card)
    _issued, pdf = issue(chain_settings, card, "fuhyo", {"honseki": "on"}, city=city)
    text = extract_text(pdf)
    # With 本籍・筆頭者 shown, the register's 氏 is in the 筆頭者's name and each member is named by 名.
    assert f"筆頭者 {register.hittosha}" in text
    assert f"名 {holder.given_name} 生年月日" in text
    assert all(f"名 {m.given_name} 生年月日" in text for m in register.members)
    _issued, without = issue(chain_settings, card, "fuhyo", {"honseki": "off"}, city=city)
    plain = extract_text(without)
    assert "本籍 省略 筆頭者 省略" in plain
    assert holder.name in plain and all(m.name in plain for m in register.members)


def test_koseki_at_the_residence_city_when_the_register_is_kept_there(chain, chain_settings, demo_cards):
    card = any_with(demo_cards, "honseki-here")
    holder, _ = _household(chain_settings, card)
    _issued, pdf = issue(chain_settings, card, "koseki", {"scope": "kojin"})
    assert f"【名】{holder.given_name}" in "".join(extract_text(pdf).split())
