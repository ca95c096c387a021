"""The same seed and query checks against PostgreSQL, when a server and a driver are available.

Uses postgresql://postgres@127.0.0.1:5432/test (override with KOFU_TEST_POSTGRES_URL) and works
inside a throw-away schema so it never touches other tables in that database.
"""

from __future__ import annotations

import importlib.util
import os
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from registry_testdata import AS_OF, NISHITOKYO
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry import (
    create_schema,
    household_members,
    make_engine,
    next_issue_number,
    register_card,
    resident_for_card,
    seed_city,
    session_factory,
)
from kofu.city.registry.seed import SeededPerson

POSTGRES_URL = os.environ.get("KOFU_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

_DRIVERS = {"psycopg": "postgresql+psycopg", "psycopg2": "postgresql+psycopg2", "pg8000": "postgresql+pg8000"}
_DRIVER = next((name for name in _DRIVERS if importlib.util.find_spec(name) is not None), None)

pytestmark = pytest.mark.skipif(
    _DRIVER is None,
    reason="no PostgreSQL driver installed (psycopg, psycopg2 or pg8000); the PostgreSQL run is skipped",
)


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    assert _DRIVER is not None
    url = POSTGRES_URL.replace("postgresql://", f"{_DRIVERS[_DRIVER]}://", 1)
    schema = f"kofu_registry_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # server down, auth refused, database missing
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_connection.commit()

    try:
        create_schema(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_sessions(pg_engine: Engine) -> sessionmaker[Session]:
    return session_factory(pg_engine)


def test_postgres_seed_is_deterministic_and_queries_work(
    pg_engine: Engine, pg_sessions: sessionmaker[Session]
) -> None:
    with pg_sessions.begin() as session:
        seeded: list[SeededPerson] = seed_city(session, NISHITOKYO, seed=42, as_of=AS_OF)
        register_card(session, seeded[0].resident_id, "0A0B0C", "NT-0001")
    for trait in ("moved-out", "deceased", "dv-protected", "pending-change"):
        assert any(trait in p.traits for p in seeded), trait

    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    with pg_sessions() as session:
        event.listen(pg_engine, "before_cursor_execute", record)
        try:
            resident = resident_for_card(session, "0a0b0c")
            assert resident is not None and resident.id == seeded[0].resident_id
            assert resident.household.address.full_text.startswith("東京都西東京市")
        finally:
            event.remove(pg_engine, "before_cursor_execute", record)
        assert len(statements) == 1
        assert resident_for_card(session, "FFFF") is None
        members = household_members(session, seeded[0].household_id)
        assert members[0].zokugara == "世帯主"


def test_postgres_issue_numbers_are_unique_across_threads(pg_sessions: sessionmaker[Session]) -> None:
    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(25):
                with pg_sessions.begin() as session:
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
    assert sorted(taken) == [f"2026-{n:06d}" for n in range(1, 201)]
