"""Fixtures for the city registry tests: one SQLite file per test, seeded on demand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from registry_testdata import AS_OF, NISHITOKYO
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry import create_schema, make_engine, seed_city, session_factory, sqlite_url
from kofu.city.registry.seed import SeededPerson


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
