"""The registry consistency checker: seeded worlds have no contradiction, and each kind of
contradiction, made on purpose in a copy of a seeded registry, is reported under its kind."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from registry_testdata import AS_OF, KODAIRA, NISHITOKYO

from kofu.city.registry import create_schema, make_engine, seed_city, session_factory, sqlite_url
from kofu.city.registry.check import KINDS, Finding, check_registries, check_seeded
from kofu.cli import main

CODES = (NISHITOKYO, KODAIRA)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_seeded_worlds_have_no_contradiction(seed: int) -> None:
    assert check_seeded(seed, 12, AS_OF) == []


def test_a_larger_world_has_no_contradiction() -> None:
    assert check_seeded(2016, 120, AS_OF, other_households=60) == []


@pytest.fixture(scope="module")
def seeded_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both cities seeded once (seed 5, 30 households each), as SQLite files to copy."""
    folder = tmp_path_factory.mktemp("check")
    files = {}
    for code in CODES:
        files[code] = folder / f"{code}.db"
        engine = make_engine(sqlite_url(files[code]))
        create_schema(engine)
        with session_factory(engine).begin() as session:
            seed_city(session, code, seed=5, households=30, as_of=AS_OF)
        engine.dispose()
    return files


def _check(files: dict[str, Path]) -> list[Finding]:
    engines = {code: make_engine(sqlite_url(path)) for code, path in files.items()}
    sessions = {code: session_factory(engine)() for code, engine in engines.items()}
    try:
        return check_registries(sessions, AS_OF)
    finally:
        for session in sessions.values():
            session.close()
        for engine in engines.values():
            engine.dispose()


def test_the_copied_registry_is_clean(seeded_files: dict[str, Path]) -> None:
    assert _check(seeded_files) == []


# --- breaking a registry on purpose, one kind at a time --------------------------------------

Db = sqlite3.Connection


def _one(db: Db, sql: str, *args: object) -> sqlite3.Row:
    found = db.execute(sql, args).fetchone()
    assert found is not None, sql
    return found


def _day(text: str, days: int = 0, years: int = 0) -> str:
    day = date.fromisoformat(text)
    day = (
        day.replace(year=day.year + years)
        if not (day.month == 2 and day.day == 29)
        else day.replace(year=day.year + years, day=28)
    )
    return (day + timedelta(days=days)).isoformat()


_JAPANESE_MOVER = (
    "SELECT * FROM residents WHERE nationality IS NULL AND became_resident_reason = '転入'"
    " AND status = 'active' AND honseki_city_code = '132292' ORDER BY id"
)
_CHILD = (
    "SELECT c.* FROM koseki_members c WHERE c.is_hittosha = 0 AND c.spouse_kind IS NULL AND c.removed = 0"
    " AND NOT EXISTS (SELECT 1 FROM koseki_events e WHERE e.member_id = c.id AND e.previous_register IS NOT NULL)"
    " AND EXISTS (SELECT 1 FROM koseki_members m WHERE m.koseki_id = c.koseki_id AND m.spouse_kind = '妻'"
    " AND c.mother_name = m.family_name || '　' || m.given_name) ORDER BY c.id"
)
_MARRIED = (
    "SELECT m.*, e.id AS event_id, e.event_on FROM koseki_members m JOIN koseki_events e ON e.member_id = m.id"
    " WHERE e.kind = '婚姻' AND e.new_register IS NULL AND m.spouse_kind IS NOT NULL AND m.removed = 0 ORDER BY m.id"
)
_DEAD = (
    "SELECT m.*, e.event_on AS died FROM koseki_members m JOIN koseki_events e ON e.member_id = m.id"
    " WHERE e.kind = '死亡' ORDER BY m.id"
)


def _unknown_place(db: Db) -> None:
    mover = _one(db, _JAPANESE_MOVER)
    db.execute("UPDATE residents SET prior_address = '東京都架空市見本町1番地' WHERE id = ?", (mover["id"],))


def _not_yet(db: Db) -> None:
    old = _one(db, "SELECT * FROM koseki_members WHERE birth_date < '1990-01-01' ORDER BY id")
    db.execute("UPDATE koseki_members SET birth_place = '東京都西東京市' WHERE id = ?", (old["id"],))


def _unknown_town(db: Db) -> None:
    db.execute("UPDATE addresses SET town = '架空町' WHERE id = (SELECT MIN(id) FROM addresses)")


def _no_chome(db: Db) -> None:
    db.execute(
        "UPDATE addresses SET town = '田無町', chome_banchi = '九丁目1番1号' WHERE id = (SELECT MIN(id) FROM addresses)"
    )


def _wrong_city(db: Db) -> None:
    db.execute(
        "UPDATE addresses SET city_name = '小平市', town = '小川町', chome_banchi = '一丁目1番1号'"
        " WHERE id = (SELECT MIN(id) FROM addresses)"
    )


def _name_era(db: Db) -> None:
    old = _one(
        db, "SELECT * FROM residents WHERE nationality IS NULL AND sex = '男' AND birth_date < '1960-01-01'"
    )
    db.execute("UPDATE residents SET given_name = '陽翔' WHERE id = ?", (old["id"],))


def _future(db: Db) -> None:
    married = _one(db, _MARRIED)
    db.execute("UPDATE koseki_events SET event_on = '2030-01-01' WHERE id = ?", (married["event_id"],))


def _hittosha(db: Db) -> None:
    db.execute("UPDATE koseki_members SET is_hittosha = 0 WHERE position = 1 AND koseki_id = 1")


def _surname(db: Db) -> None:
    child = _one(db, _CHILD)
    db.execute("UPDATE koseki_members SET family_name = '架空' WHERE id = ?", (child["id"],))


def _zokugara(db: Db) -> None:
    db.execute("UPDATE koseki_members SET zokugara = '子' WHERE id = (SELECT MIN(id) FROM koseki_members)")


def _parents_missing(db: Db) -> None:
    db.execute("UPDATE koseki_members SET mother_name = NULL WHERE id = (SELECT MIN(id) FROM koseki_members)")


def _no_birth(db: Db) -> None:
    db.execute(
        "DELETE FROM koseki_events WHERE kind = '出生' AND member_id = (SELECT MIN(id) FROM koseki_members)"
    )


def _birth_before_register(db: Db) -> None:
    child = _one(db, _CHILD)
    register = _one(db, "SELECT * FROM koseki_registers WHERE id = ?", child["koseki_id"])
    born = _day(register["hensei_on"], days=-100)
    db.execute("UPDATE koseki_members SET birth_date = ? WHERE id = ?", (born, child["id"]))
    db.execute(
        "UPDATE koseki_events SET event_on = ? WHERE kind = '出生' AND member_id = ?", (born, child["id"])
    )


def _event_before_birth(db: Db) -> None:
    married = _one(db, _MARRIED)
    before = _day(married["birth_date"], days=-1)
    db.execute("UPDATE koseki_events SET event_on = ? WHERE id = ?", (before, married["event_id"]))


def _event_after_death(db: Db) -> None:
    dead = _one(db, _DEAD)
    later = _day(dead["died"], days=1)
    db.execute(
        "UPDATE koseki_events SET event_on = ? WHERE member_id = ? AND kind = '婚姻'", (later, dead["id"])
    )


def _parent_age(db: Db) -> None:
    child = _one(db, _CHILD)
    mother = _one(
        db,
        "SELECT * FROM koseki_members WHERE koseki_id = ? AND spouse_kind = '妻'",
        child["koseki_id"],
    )
    db.execute(
        "UPDATE koseki_members SET birth_date = ? WHERE id = ?",
        (_day(child["birth_date"], years=-12), mother["id"]),
    )


def _marriage_age(db: Db) -> None:
    married = _one(db, _MARRIED + "")
    db.execute(
        "UPDATE koseki_members SET birth_date = ? WHERE id = ?",
        (_day(married["event_on"], years=-14), married["id"]),
    )


def _spouse(db: Db) -> None:
    married = _one(db, _MARRIED)
    db.execute("UPDATE koseki_members SET spouse_kind = NULL WHERE id = ?", (married["id"],))


def _marriage_pair(db: Db) -> None:
    married = _one(db, _MARRIED)
    db.execute(
        "UPDATE koseki_events SET counterpart_name = '架空　花子' WHERE id = ?", (married["event_id"],)
    )


def _removal(db: Db) -> None:
    dead = _one(db, _DEAD)
    db.execute(
        "UPDATE koseki_members SET removed = 0, removed_on = NULL, removed_reason = NULL WHERE id = ?",
        (dead["id"],),
    )


def _hensei(db: Db) -> None:
    register = _one(db, "SELECT * FROM koseki_registers WHERE hensei_reason = '婚姻' ORDER BY id")
    later = _day(register["hensei_on"], days=3)
    db.execute("UPDATE koseki_registers SET hensei_on = ? WHERE id = ?", (later, register["id"]))


def _previous_register(db: Db) -> None:
    event = _one(
        db, "SELECT * FROM koseki_events WHERE kind = '婚姻' AND previous_register LIKE '東京都西東京市%'"
    )
    db.execute(
        "UPDATE koseki_events SET previous_register = '東京都西東京市田無町一丁目1番地　架空　太郎' WHERE id = ?",
        (event["id"],),
    )


def _same_name(db: Db) -> None:
    child = _one(db, _CHILD)
    father = _one(
        db, "SELECT * FROM koseki_members WHERE koseki_id = ? AND spouse_kind = '夫'", child["koseki_id"]
    )
    db.execute("UPDATE koseki_members SET given_name = ? WHERE id = ?", (father["given_name"], child["id"]))


def _transcription(db: Db, other: Db) -> None:
    kaisei = {  # registers kept now, and their 改製 (entries before it are not in them)
        f"{r['honseki']}　{r['hittosha']}": r["kaisei_on"] or ""
        for d in (db, other)
        for r in d.execute("SELECT * FROM koseki_registers")
    }
    for d in (db, other):
        for event in d.execute(
            "SELECT * FROM koseki_events WHERE kind = '婚姻' AND previous_register IS NOT NULL"
        ):
            if kaisei.get(event["previous_register"], "9999") <= event["event_on"]:
                d.execute(
                    "UPDATE koseki_members SET father_name = '架空　一郎' WHERE id = ?", (event["member_id"],)
                )
                return
    raise AssertionError("no transcription to break")


def _member_with_lines(db: Db, least: int) -> sqlite3.Row:
    return _one(
        db,
        "SELECT m.* FROM koseki_members m WHERE m.removed = 0 AND (SELECT COUNT(*) FROM fuhyo_entries f"
        f" WHERE f.member_id = m.id) >= {least} ORDER BY m.id",
    )


def _fuhyo_missing(db: Db) -> None:
    member = _member_with_lines(db, 1)
    db.execute("DELETE FROM fuhyo_entries WHERE member_id = ?", (member["id"],))


def _fuhyo_gap(db: Db) -> None:
    member = _member_with_lines(db, 2)
    db.execute("DELETE FROM fuhyo_entries WHERE member_id = ? AND position = 1", (member["id"],))


def _fuhyo_overlap(db: Db) -> None:
    member = _member_with_lines(db, 2)
    first = _one(db, "SELECT * FROM fuhyo_entries WHERE member_id = ? AND position = 1", member["id"])
    db.execute(
        "UPDATE fuhyo_entries SET defined_on = ? WHERE member_id = ? AND position = 2",
        (first["defined_on"], member["id"]),
    )


def _fuhyo_before_birth(db: Db) -> None:
    member = _member_with_lines(db, 1)
    db.execute(
        "UPDATE fuhyo_entries SET defined_on = ? WHERE member_id = ? AND position = 1",
        (_day(member["birth_date"], days=-10), member["id"]),
    )


def _fuhyo_after_removal(db: Db) -> None:
    member = _one(
        db,
        "SELECT m.* FROM koseki_members m WHERE m.removed = 1 AND m.removed_reason = '婚姻'"
        " AND EXISTS (SELECT 1 FROM fuhyo_entries f WHERE f.member_id = m.id) ORDER BY m.id",
    )
    last = _one(db, "SELECT MAX(position) AS p, MAX(id) AS i FROM fuhyo_entries")
    db.execute(
        "INSERT INTO fuhyo_entries (id, koseki_id, member_id, position, address, defined_on)"
        " VALUES (?, ?, ?, 99, '東京都練馬区旭町一丁目1番1号', ?)",
        (last["i"] + 1, member["koseki_id"], member["id"], _day(member["removed_on"], days=10)),
    )


def _linked_resident(db: Db) -> sqlite3.Row:
    return _one(
        db,
        "SELECT r.* FROM residents r JOIN koseki_members m ON m.resident_id = r.id AND m.removed = 0"
        " WHERE r.status = 'active' ORDER BY r.id",
    )


def _fuhyo_resident(db: Db) -> None:
    resident = _linked_resident(db)
    db.execute(
        "UPDATE residents SET address_defined_date = ? WHERE id = ?",
        (_day(resident["address_defined_date"], days=1), resident["id"]),
    )


def _fuhyo_moves(db: Db) -> None:
    for resident in db.execute(
        "SELECT r.* FROM residents r JOIN koseki_members m ON m.resident_id = r.id AND m.removed = 0"
        " WHERE r.status = 'active' AND r.became_resident_reason = '転入' ORDER BY r.id"
    ):
        lines = db.execute(
            "SELECT f.* FROM fuhyo_entries f JOIN koseki_members m ON m.id = f.member_id"
            " WHERE m.resident_id = ? AND m.removed = 0 ORDER BY f.position",
            (resident["id"],),
        ).fetchall()
        if len(lines) >= 2 and lines[-1]["defined_on"] == resident["became_resident_date"]:
            db.execute(
                "UPDATE residents SET prior_address = '東京都練馬区旭町一丁目1番1号' WHERE id = ?",
                (resident["id"],),
            )
            return
    raise AssertionError("no move to break")


def _resident_dates(db: Db) -> None:
    resident = _linked_resident(db)
    db.execute(
        "UPDATE residents SET became_resident_date = ? WHERE id = ?",
        (_day(resident["birth_date"], days=-1), resident["id"]),
    )


def _resident_prior(db: Db) -> None:
    mover = _one(db, _JAPANESE_MOVER)
    db.execute("UPDATE residents SET prior_address = NULL WHERE id = ?", (mover["id"],))


def _resident_register(db: Db) -> None:
    resident = _linked_resident(db)
    db.execute(
        "UPDATE residents SET honseki = '東京都西東京市田無町一丁目1番地', honseki_city_code = '132292' WHERE id = ?",
        (resident["id"],),
    )


def _member_mismatch(db: Db) -> None:
    resident = _linked_resident(db)
    db.execute(
        "UPDATE koseki_members SET given_name = '架空' WHERE resident_id = ? AND removed = 0",
        (resident["id"],),
    )


def _household(db: Db) -> None:
    child = _one(
        db,
        "SELECT r.*, h.birth_date AS head_birth FROM residents r JOIN households hh ON hh.id = r.household_id"
        " JOIN residents h ON h.id = hh.head_resident_id WHERE r.zokugara = '子' ORDER BY r.id",
    )
    db.execute("UPDATE residents SET zokugara = '父' WHERE id = ?", (child["id"],))


def _status(db: Db) -> None:
    db.execute(
        "UPDATE residents SET status = 'moved_out', status_date = NULL WHERE id = (SELECT MIN(id) FROM residents)"
    )


def _juminhyo_code(db: Db) -> None:
    code = _one(db, "SELECT juminhyo_code FROM residents ORDER BY id")["juminhyo_code"]
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)  # one digit off: the 検査数字 no longer fits
    db.execute("UPDATE residents SET juminhyo_code = ? WHERE juminhyo_code = ?", (wrong, code))


def _active(db: Db) -> sqlite3.Row:
    return _one(db, "SELECT * FROM residents WHERE status = 'active' ORDER BY id")


def _juminhyo_code_duplicate(db: Db, other: Db) -> None:
    """Someone of the other city given the code of someone living here (the index keeps a city's
    own codes apart; a code is everyone's in every city)."""
    here = _active(db)
    there = _one(
        other,
        "SELECT * FROM residents WHERE status = 'active' AND birth_date != ? ORDER BY id",
        here["birth_date"],
    )
    other.execute("UPDATE residents SET juminhyo_code = ? WHERE id = ?", (here["juminhyo_code"], there["id"]))


def _moved_between_the_cities(db: Db, other: Db) -> None:
    """The same person in both cities, moved out of the other one: one code, no contradiction."""
    here = _active(db)
    there = _one(other, "SELECT * FROM residents WHERE status = 'moved_out' ORDER BY id")
    other.execute(
        "UPDATE residents SET juminhyo_code = ?, birth_date = ?, sex = ? WHERE id = ?",
        (here["juminhyo_code"], here["birth_date"], here["sex"], there["id"]),
    )


def _inkan(db: Db) -> None:
    seal = _one(
        db, "SELECT s.*, r.birth_date FROM seal_registrations s JOIN residents r ON r.id = s.resident_id"
    )
    db.execute(
        "UPDATE seal_registrations SET registered_on = ? WHERE id = ?",
        (_day(seal["birth_date"], years=10), seal["id"]),
    )


def _resident_foreign(db: Db) -> None:
    foreigner = _one(db, "SELECT * FROM residents WHERE nationality IS NOT NULL AND stay_period IS NOT NULL")
    db.execute(
        "UPDATE residents SET stay_expires_on = ? WHERE id = ?",
        (_day(AS_OF.isoformat(), years=9), foreigner["id"]),  # no period runs nine years
    )


def _resident_siblings(db: Db) -> None:
    elder = _one(
        db,
        "SELECT * FROM residents r WHERE zokugara = '子' AND EXISTS (SELECT 1 FROM residents o"
        " WHERE o.household_id = r.household_id AND o.zokugara = '子' AND o.id != r.id) ORDER BY id",
    )
    younger = _one(
        db,
        "SELECT * FROM residents WHERE household_id = ? AND zokugara = '子' AND id != ? ORDER BY id",
        elder["household_id"],
        elder["id"],
    )
    db.execute(
        "UPDATE residents SET birth_date = ? WHERE id = ?",
        (_day(elder["birth_date"], days=100), younger["id"]),
    )


def _inkan_name(db: Db) -> None:
    seal = _one(
        db,
        "SELECT s.* FROM seal_registrations s JOIN residents r ON r.id = s.resident_id"
        " WHERE s.status = 'active' AND r.nationality IS NULL AND r.family_name != '架空' ORDER BY s.id",
    )
    impression = json.loads(seal["impression"])
    impression["columns"] = [["架", "空"]]  # a surname the person does not bear
    db.execute(
        "UPDATE seal_registrations SET impression = ? WHERE id = ?", (json.dumps(impression), seal["id"])
    )


def _salary_income(db: Db) -> None:
    income = _one(db, "SELECT * FROM tax_incomes WHERE kind = '給与' AND revenue BETWEEN 2000000 AND 6500000")
    # the formula applied to the revenue itself, not to its 4,000-yen row of 別表第五
    exact = income["revenue"] - (
        income["revenue"] * 20 // 100 + 440_000
        if income["revenue"] >= 3_600_000
        else income["revenue"] * 30 // 100 + 80_000
    )
    wrong = exact if exact != income["income"] else income["income"] + 1_000
    db.execute("UPDATE tax_incomes SET income = ? WHERE id = ?", (wrong, income["id"]))


def _per_capita(db: Db) -> None:
    tax = _one(db, "SELECT * FROM tax_records WHERE fiscal_year = 2026 AND declared AND NOT non_taxable")
    db.execute("UPDATE tax_records SET forest_env_tax = 0 WHERE id = ?", (tax["id"],))


def _dependants(db: Db) -> None:
    tax = _one(db, "SELECT * FROM tax_records WHERE declared ORDER BY id")
    db.execute(
        "UPDATE tax_records SET dependants_under16 = dependants_under16 + 1 WHERE id = ?", (tax["id"],)
    )


def _tax_not_resident(db: Db) -> None:
    tax = _one(db, "SELECT * FROM tax_records WHERE fiscal_year = 2025 ORDER BY id")
    db.execute("UPDATE tax_records SET fiscal_year = 1990 WHERE id = ?", (tax["id"],))


def _tax_address(db: Db) -> None:
    tax = _one(
        db,
        "SELECT t.* FROM tax_records t JOIN residents r ON r.id = t.resident_id"
        " WHERE r.address_defined_date <= '2025-01-01' AND t.fiscal_year = 2026 ORDER BY t.id",
    )
    db.execute(
        "UPDATE tax_records SET jan1_address = '東京都西東京市田無町一丁目1番1号' WHERE id = ?", (tax["id"],)
    )


BREAKS: dict[str, Callable[..., None]] = {
    "place.unknown": _unknown_place,
    "place.not-yet": _not_yet,
    "place.unknown-town": _unknown_town,
    "place.no-chome": _no_chome,
    "place.wrong-city": _wrong_city,
    "name.era": _name_era,
    "date.future": _future,
    "koseki.hittosha": _hittosha,
    "koseki.surname": _surname,
    "koseki.zokugara": _zokugara,
    "koseki.parents-missing": _parents_missing,
    "koseki.no-birth": _no_birth,
    "koseki.birth-before-register": _birth_before_register,
    "koseki.event-before-birth": _event_before_birth,
    "koseki.event-after-death": _event_after_death,
    "koseki.parent-age": _parent_age,
    "koseki.marriage-age": _marriage_age,
    "koseki.spouse": _spouse,
    "koseki.marriage-pair": _marriage_pair,
    "koseki.removal": _removal,
    "koseki.hensei": _hensei,
    "koseki.previous-register": _previous_register,
    "koseki.same-name": _same_name,
    "koseki.transcription": _transcription,
    "fuhyo.missing": _fuhyo_missing,
    "fuhyo.gap": _fuhyo_gap,
    "fuhyo.overlap": _fuhyo_overlap,
    "fuhyo.before-birth": _fuhyo_before_birth,
    "fuhyo.after-removal": _fuhyo_after_removal,
    "fuhyo.resident": _fuhyo_resident,
    "fuhyo.moves": _fuhyo_moves,
    "resident.dates": _resident_dates,
    "resident.prior-address": _resident_prior,
    "resident.register": _resident_register,
    "resident.member-mismatch": _member_mismatch,
    "resident.household": _household,
    "resident.status": _status,
    "resident.juminhyo-code": _juminhyo_code,
    "resident.juminhyo-code-duplicate": _juminhyo_code_duplicate,
    "resident.foreign": _resident_foreign,
    "resident.siblings": _resident_siblings,
    "inkan.dates": _inkan,
    "inkan.name": _inkan_name,
    "tax.not-resident": _tax_not_resident,
    "tax.jan1-address": _tax_address,
    "tax.salary-income": _salary_income,
    "tax.per-capita": _per_capita,
    "tax.dependants": _dependants,
}


def test_every_kind_has_a_broken_registry() -> None:
    assert set(BREAKS) == set(KINDS)


@pytest.fixture
def broken_copy(seeded_files: dict[str, Path], tmp_path: Path) -> Iterator[Callable[[str], list[Finding]]]:
    def run(kind: str, breaker: Callable[..., None] | None = None) -> list[Finding]:
        files = {code: tmp_path / path.name for code, path in seeded_files.items()}
        for code, path in seeded_files.items():
            shutil.copy(path, files[code])
        dbs = {code: sqlite3.connect(files[code]) for code in CODES}
        for db in dbs.values():
            db.row_factory = sqlite3.Row
        try:
            breaker = breaker or BREAKS[kind]
            if breaker.__code__.co_argcount == 2:
                breaker(dbs[NISHITOKYO], dbs[KODAIRA])
            else:
                breaker(dbs[NISHITOKYO])
            for db in dbs.values():
                db.commit()
        finally:
            for db in dbs.values():
                db.close()
        return _check(files)

    yield run


@pytest.mark.parametrize("kind", sorted(BREAKS))
def test_a_registry_broken_that_way_is_reported(
    kind: str, broken_copy: Callable[[str], list[Finding]]
) -> None:
    found = broken_copy(kind)
    assert kind in {f.kind for f in found}, sorted({f.kind for f in found})
    for finding in found:
        assert all(":" in r for r in finding.rows) and finding.rows  # row ids, never names


def _notified_late(db: Db) -> None:
    mover = _one(db, _JAPANESE_MOVER)
    db.execute(
        "UPDATE residents SET notified_on = ? WHERE id = ?",
        (_day(mover["became_resident_date"], days=30), mover["id"]),
    )


def _notified_missing(db: Db) -> None:
    db.execute("UPDATE residents SET notified_on = NULL WHERE id = (SELECT MIN(id) FROM residents)")


def _moved_without_previous_address(db: Db) -> None:
    mover = _one(db, "SELECT * FROM residents WHERE previous_address IS NOT NULL ORDER BY id")
    db.execute("UPDATE residents SET previous_address = NULL WHERE id = ?", (mover["id"],))


def _previous_address_without_a_move(db: Db) -> None:
    stayer = _one(db, "SELECT * FROM residents WHERE address_defined_date = became_resident_date ORDER BY id")
    db.execute(
        "UPDATE residents SET previous_address = '東京都西東京市田無町一丁目1番1号' WHERE id = ?",
        (stayer["id"],),
    )


@pytest.mark.parametrize(
    ("kind", "breaker"),
    [
        ("resident.dates", _notified_late),
        ("resident.dates", _notified_missing),
        ("resident.prior-address", _moved_without_previous_address),
        ("resident.prior-address", _previous_address_without_a_move),
    ],
)
def test_the_standard_form_items_of_a_resident_are_checked(
    kind: str, breaker: Callable[..., None], broken_copy: Callable[..., list[Finding]]
) -> None:
    assert kind in {f.kind for f in broken_copy(kind, breaker)}


def test_one_person_moved_between_the_cities_keeps_one_code(
    broken_copy: Callable[..., list[Finding]],
) -> None:
    kinds = {f.kind for f in broken_copy("resident.juminhyo-code-duplicate", _moved_between_the_cities)}
    assert "resident.juminhyo-code-duplicate" not in kinds


def test_the_command_lists_kinds_and_row_ids_and_fails(
    seeded_files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for code, path in seeded_files.items():
        shutil.copy(path, tmp_path / path.name)
        monkeypatch.setenv(f"KOFU_CITY_DB_{code}", sqlite_url(tmp_path / path.name))
    args = ["seed", "check", "--city", NISHITOKYO, "--city", KODAIRA, "--as-of", AS_OF.isoformat()]
    assert main(args) == 0
    db = sqlite3.connect(tmp_path / f"{NISHITOKYO}.db")
    db.execute("UPDATE addresses SET town = '架空町' WHERE id = 1")
    db.commit()
    db.close()
    capsys.readouterr()
    assert main(args) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        f"place.unknown-town\t{NISHITOKYO}\taddresses:1" in out
    )  # (and the 附票, tax lines that disagree now)
    for line in out:
        kind, city, rows = line.split("\t")
        assert kind in KINDS and city in CODES and all(":" in r for r in rows.split(" "))
    assert "架空" not in "".join(out)


def test_the_command_checks_a_generated_world(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed", "check", "--seed", "6", "--households", "8", "--as-of", AS_OF.isoformat()]) == 0
    assert "0 contradiction(s)" in capsys.readouterr().err
