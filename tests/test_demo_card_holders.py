"""Which residents get a demo card: every adult of a demo-sized city, a few of each kind in a
large one (each card makes two RSA keys), and seeding's progress bar. Pure functions: no chain."""

from __future__ import annotations

import io

from kofu.city.registry.seed import SeededPerson
from kofu.demo import CARDS_PER_CITY, CARDS_PER_TRAIT, _card_holders
from kofu.progress import Progress


def _person(n: int, *traits: str, age: int = 40) -> SeededPerson:
    head = "household-head" if n % 3 == 0 else "household-member"
    return SeededPerson(n, f"P{n}", "132292", age, (head, "adult" if age >= 18 else "minor", *traits))


def test_a_demo_sized_city_gives_every_adult_a_card_and_one_child():
    people = [_person(n) for n in range(1, 81)] + [_person(81, "under-15", age=13)]
    holders = _card_holders(people)
    assert len(holders) == 81 and holders[-1].resident_id == 81
    assert {p.resident_id for p in holders[:-1]} == set(range(1, 81))


def test_a_large_city_gives_cards_to_a_few_of_each_kind_only():
    rare = {5000: "deceased", 7000: "moved-out", 9000: "dv-protected"}
    people = [_person(n, *([rare[n]] if n in rare else [])) for n in range(1, 20_001)]
    people += [_person(n, "long-address") for n in range(20_001, 20_011)]
    people.append(_person(30_000, "under-15", age=13))
    holders = _card_holders(people)
    chosen = {p.resident_id for p in holders}
    # The first CARDS_PER_CITY (plain heads), then a few of each kind they lack: household
    # members, the three refused kinds, long addresses; and the child.
    assert len(holders) == CARDS_PER_CITY + CARDS_PER_TRAIT + 3 + CARDS_PER_TRAIT + 1
    assert set(rare) <= chosen  # every kind the demo and the tests refuse is there
    assert len(chosen & set(range(20_001, 20_011))) == CARDS_PER_TRAIT
    plain_heads = [p for p in holders if p.traits[0] == "household-head" and len(p.traits) == 2]
    assert holders[: len(plain_heads)] == plain_heads  # plain heads first (NT-0001 …)
    assert holders[-1].resident_id == 30_000  # and the child last


def test_progress_prints_a_line_every_tenth_when_not_on_a_terminal():
    out = io.StringIO()
    bar = Progress("kofu seed: planning 1,000 households", 1000, out)  # a bar of any work
    for done in range(0, 1001, 50):
        bar.update(done)
    bar.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[0].startswith("kofu seed: planning 1,000 households [....")
    assert "[##############################] 1,000/1,000" in lines[-1]
