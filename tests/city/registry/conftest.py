"""Fixtures for the city registry tests: SQLite files per test, both cities seeded, PostgreSQL.

PostgreSQL: postgresql://postgres@127.0.0.1:5432/test unless KOFU_TEST_POSTGRES_URL says
otherwise (``scripts/test-services`` prints one); each test works in a throw-away schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from registry_testdata import AS_OF, KODAIRA, NISHITOKYO
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from tests.postgres import fresh_schema

from kofu.city.registry import create_schema, make_engine, seed_city, session_factory, sqlite_url
from kofu.city.registry.seed import SeededPerson


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
    with fresh_schema("kofu_registry") as eng:
        yield eng
