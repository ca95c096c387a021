"""Issuer queries: card lookup in one statement, household order, race-free issue numbers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from registry_testdata import NISHITOKYO
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry import (
    Card,
    household_members,
    next_issue_number,
    register_card,
    resident_for_card,
)
from kofu.city.registry.seed import SeededPerson


@contextmanager
def count_statements(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _largest_household(seeded: list[SeededPerson]) -> int:
    sizes: dict[int, int] = {}
    for p in seeded:
        if not {"moved-out", "deceased"} & set(p.traits):
            sizes[p.household_id] = sizes.get(p.household_id, 0) + 1
    return max(sizes, key=lambda h: (sizes[h], -h))


def test_resident_for_card_loads_household_and_address_in_one_statement(
    engine: Engine, sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    person = seeded[0]
    with sessions.begin() as session:
        register_card(session, person.resident_id, "00C0FFEE01", "NT-0001")
    with sessions() as session, count_statements(engine) as statements:
        resident = resident_for_card(session, "00c0ffee01")
        assert resident is not None
        assert resident.id == person.resident_id
        assert resident.name == person.name
        assert resident.household.address.full_text.startswith("東京都西東京市")
        assert resident.household.id == person.household_id
    assert len(statements) == 1, statements


def test_resident_for_card_refuses_lost_and_unknown_cards(
    sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    with sessions.begin() as session:
        card = register_card(session, seeded[1].resident_id, "ABCDEF", "NT-0002")
        card.status = "lost"
        expired = register_card(session, seeded[2].resident_id, "123456", "NT-0003")
        expired.status = "expired"
    with sessions() as session:
        assert resident_for_card(session, "ABCDEF") is None
        assert resident_for_card(session, "123456") is None
        assert resident_for_card(session, "0BADC0DE") is None
        assert resident_for_card(session, "zz-not-hex") is None
        assert session.get(Card, card.id) is not None


def test_resident_for_card_still_finds_refusable_residents(
    sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    moved = next(p for p in seeded if "moved-out" in p.traits)
    with sessions.begin() as session:
        register_card(session, moved.resident_id, "0D0D", "NT-0009")
    with sessions() as session:
        resident = resident_for_card(session, "0D0D")
        assert resident is not None and resident.status == "moved_out"


def test_household_members_head_first_then_by_birth(
    sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    household_id = _largest_household(seeded)
    with sessions() as session:
        members = household_members(session, household_id)
    assert len(members) >= 3
    assert members[0].zokugara == "世帯主"
    rest = [m.birth_date for m in members[1:]]
    assert rest == sorted(rest)
    assert all(m.status == "active" for m in members)


def test_household_members_skips_the_deceased_and_moved_out(
    sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    dead = next(p for p in seeded if "deceased" in p.traits)
    moved = next(p for p in seeded if "moved-out" in p.traits)
    with sessions() as session:
        living = household_members(session, dead.household_id)
        assert living and dead.resident_id not in {m.id for m in living}
        assert household_members(session, moved.household_id) == []


def test_issue_numbers_format_and_per_year(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        assert next_issue_number(session, NISHITOKYO, 2026) == "2026-000001"
        assert next_issue_number(session, NISHITOKYO, 2026) == "2026-000002"
        assert next_issue_number(session, NISHITOKYO, 2027) == "2027-000001"
        assert next_issue_number(session, "132110", 2026) == "2026-000001"
    with sessions() as session:
        assert next_issue_number(session, NISHITOKYO, 2026) == "2026-000003"
        session.rollback()  # an issuance that failed gives its number back
    with sessions.begin() as session:
        assert next_issue_number(session, NISHITOKYO, 2026) == "2026-000003"


@pytest.mark.timeout(120)
def test_issue_numbers_are_unique_across_threads(sessions: sessionmaker[Session]) -> None:
    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(25):
                with sessions.begin() as session:
                    number = next_issue_number(session, NISHITOKYO, 2026)
                with lock:
                    taken.append(number)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(taken) == 200
    assert sorted(taken) == [f"2026-{n:06d}" for n in range(1, 201)]
