"""A PostgreSQL schema of a test's own: the server ``scripts/test-services`` starts (or the one
``KOFU_TEST_POSTGRES_URL`` names); the test is skipped when none is reachable."""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from kofu.storage import make_engine

POSTGRES_URL = os.environ.get("KOFU_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
_DRIVERS = {"psycopg": "postgresql+psycopg", "psycopg2": "postgresql+psycopg2", "pg8000": "postgresql+pg8000"}
PG_DRIVER = next((name for name in _DRIVERS if importlib.util.find_spec(name) is not None), None)


@contextmanager
def fresh_schema(prefix: str) -> Iterator[Engine]:
    """An engine whose connections work in a new, empty schema ``<prefix>_<random>``, dropped
    afterwards; skips the test when no driver is installed or no server answers."""
    if PG_DRIVER is None:
        pytest.skip("no PostgreSQL driver installed (psycopg, psycopg2 or pg8000)")
    url = POSTGRES_URL.replace("postgresql://", f"{_DRIVERS[PG_DRIVER]}://", 1)
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
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
