"""Fixtures for the city registry tests: SQLite files per test, both cities seeded, PostgreSQL.

PostgreSQL: postgresql://postgres@127.0.0.1:5432/test unless KOFU_TEST_POSTGRES_URL says
otherwise (``scripts/test-services`` prints one); each test works in a throw-away schema.
"""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from registry_testdata import AS_OF, KODAIRA, NISHITOKYO
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry import create_schema, make_engine, seed_city, session_factory, sqlite_url
from kofu.city.registry.seed import SeededPerson

POSTGRES_URL = os.environ.get("KOFU_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
_DRIVERS = {"psycopg": "postgresql+psycopg", "psycopg2": "postgresql+psycopg2", "pg8000": "postgresql+pg8000"}
PG_DRIVER = next((name for name in _DRIVERS if importlib.util.find_spec(name) is not None), None)


@dataclass
class SeededCity:
    """One seeded city database."""

    code: str
    engine: Engine
    sessions: sessionmaker[Session]
    people: list[SeededPerson]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(sqlite_url(tmp_path / "registry.db"))
    create_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def seeded(sessions: sessionmaker[Session]) -> list[SeededPerson]:
    with sessions.begin() as session:
        return seed_city(session, NISHITOKYO, seed=42, as_of=AS_OF)


@pytest.fixture(scope="module")
def cities(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SeededCity]]:
    """Both demo cities seeded with the same seed, each in its own SQLite file (read-only use)."""
    found: dict[str, SeededCity] = {}
    for code in (NISHITOKYO, KODAIRA):
        eng = make_engine(sqlite_url(tmp_path_factory.mktemp(code) / "registry.db"))
        create_schema(eng)
        db = session_factory(eng)
        with db.begin() as session:
            people = seed_city(session, code, seed=42, households=60, as_of=AS_OF)
        found[code] = SeededCity(code, eng, db, people)
    yield found
    for city in found.values():
        city.engine.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine whose connections work in a fresh schema (dropped afterwards); skips when no
    PostgreSQL is reachable. The schema is empty: call create_schema yourself."""
    if PG_DRIVER is None:
        pytest.skip("no PostgreSQL driver installed (psycopg, psycopg2 or pg8000)")
    url = POSTGRES_URL.replace("postgresql://", f"{_DRIVERS[PG_DRIVER]}://", 1)
    schema = f"kofu_registry_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # server down, auth refused, database missing
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    eng = make_engine(url)

    @event.listens_for(eng, "connect")
    def _search_path(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_connection.commit()

    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
