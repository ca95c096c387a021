from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from kofu.center.migrate import upgrade
from kofu.pki.init import init_pki
from kofu.pki.paths import PkiPaths
from kofu.storage import make_engine, session_factory


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PkiPaths:
    paths = PkiPaths(tmp_path_factory.mktemp("pki"))
    init_pki(paths, cities=["132292"], kiosks=["K0001"])
    return paths


@pytest.fixture(scope="session")
def card_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def db(tmp_path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'center.db'}")
    upgrade(engine)
    return session_factory(engine)


POSTGRES_URL = os.environ.get("KOFU_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
_DRIVERS = {"psycopg": "postgresql+psycopg", "psycopg2": "postgresql+psycopg2", "pg8000": "postgresql+pg8000"}
PG_DRIVER = next((name for name in _DRIVERS if importlib.util.find_spec(name) is not None), None)


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine whose connections work in a fresh, empty schema (dropped afterwards); skips when
    no PostgreSQL is reachable (KOFU_TEST_POSTGRES_URL, as ``scripts/test-services`` prints)."""
    if PG_DRIVER is None:
        pytest.skip("no PostgreSQL driver installed (psycopg, psycopg2 or pg8000)")
    url = POSTGRES_URL.replace("postgresql://", f"{_DRIVERS[PG_DRIVER]}://", 1)
    schema = f"kofu_center_{uuid.uuid4().hex[:12]}"
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
