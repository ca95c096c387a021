"""The schema comes from the Alembic migrations, and they match the models on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from kofu.city.registry import Base, SchemaPredatesMigrations, create_schema, make_engine, sqlite_url, upgrade
from kofu.city.registry.migrate import alembic_config, current_revision, head_revision


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_migrated_sqlite_schema_equals_the_models(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "m.db"))
    create_schema(engine)
    assert _differences(engine) == []
    assert current_revision(engine) == head_revision() == "0006_menu_refusals"
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    engine.dispose()


def test_migrated_postgres_schema_equals_the_models(pg_engine: Engine) -> None:
    create_schema(pg_engine)
    assert _differences(pg_engine) == []
    assert current_revision(pg_engine) == head_revision()


def test_upgrade_is_idempotent_and_accepts_a_url(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "u.db")
    upgrade(url)
    upgrade(url)
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_downgrade_to_nothing_and_back(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "d.db")
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert _differences(engine) == []
    engine.dispose()


def test_a_database_made_without_migrations_is_refused(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "old.db"))
    Base.metadata.create_all(engine)  # how the registry was made before migrations
    with pytest.raises(SchemaPredatesMigrations) as refused:
        create_schema(engine)
    assert refused.value.code == "city.registry.schema_unversioned"
    engine.dispose()


def test_a_counter_table_made_before_the_chain_had_it_is_adopted(tmp_path: Path) -> None:
    """Databases from before: the counter made its card records itself; the chain now owns them."""
    engine = make_engine(sqlite_url(tmp_path / "c.db"))
    upgrade(engine, "0003_standard_forms")
    with engine.begin() as conn:  # the table as the counter used to create it
        conn.execute(
            text(
                "CREATE TABLE counter_card_records (id INTEGER PRIMARY KEY, card_id INTEGER UNIQUE, "
                "cert_serial_hex VARCHAR(64) UNIQUE, sign_cert_serial_hex VARCHAR(64), admin_key_hex VARCHAR(64), "
                "auth_not_after DATETIME, recorded_on DATE)"
            )
        )
    create_schema(engine)
    assert current_revision(engine) == head_revision()
    assert {"counter_card_records", "issuances"} <= set(inspect(engine).get_table_names())
    engine.dispose()
