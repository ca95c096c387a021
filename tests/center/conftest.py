from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from tests.postgres import fresh_schema

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


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine whose connections work in a fresh, empty schema (dropped afterwards); skips when
    no PostgreSQL is reachable (KOFU_TEST_POSTGRES_URL, as ``scripts/test-services`` prints)."""
    with fresh_schema("kofu_center") as eng:
        yield eng
