"""The schema comes from the Alembic migrations, and they match the models on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from kofu.city.registry import Base, SchemaPredatesMigrations, create_schema, make_engine, sqlite_url, upgrade
from kofu.city.registry.juminhyo_code import is_juminhyo_code, synthetic_juminhyo_code
from kofu.city.registry.migrate import alembic_config, current_revision, head_revision


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_migrated_sqlite_schema_equals_the_models(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "m.db"))
    create_schema(engine)
    assert _differences(engine) == []
    assert current_revision(engine) == head_revision() == "0008_log_frontier"
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


def test_residents_recorded_before_the_code_each_get_a_valid_one_of_their_own(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "before.db"))
    _upgrade_with_residents_present(engine)
    engine.dispose()


def test_residents_recorded_before_the_code_get_one_on_postgres(pg_engine: Engine) -> None:
    _upgrade_with_residents_present(pg_engine)


def _upgrade_with_residents_present(engine: Engine) -> None:
    """From 0006 with residents present: every row gets a valid, distinct 住民票コード derived from
    the city's code and the resident's id (never random), and the column then refuses a
    duplicate and a missing code."""
    upgrade(engine, "0006_menu_refusals")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO city_settings (city_code, city_name, mayor_name, prefecture, copy_limit,"
                " kazei_fiscal_years) VALUES ('132292', '西東京市', '試験　太郎', '東京都', 10, '[]')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO addresses (id, prefecture, city_name, town, chome_banchi)"
                " VALUES (1, '東京都', '西東京市', '田無町', '一丁目1番1号')"
            )
        )
        conn.execute(text("INSERT INTO households (id, address_id, created) VALUES (1, 1, '2010-04-01')"))
        for rid in range(1, 41):
            conn.execute(
                text(
                    "INSERT INTO residents (id, household_id, family_name, given_name, family_kana,"
                    " given_kana, birth_date, sex, zokugara, became_resident_date,"
                    " became_resident_reason, address_defined_date, honseki, hittosha, status,"
                    " dv_protected, pending_change) VALUES (:id, 1, '試験', '一郎', 'シケン', 'イチロウ',"
                    " '1980-01-01', '男', '世帯主', '2010-04-01', '転入', '2010-04-01', '東京都西東京市',"
                    " '試験　一郎', 'active', false, false)"
                ),
                {"id": rid},
            )
    upgrade(engine)
    with engine.connect() as conn:
        codes = {r.id: r.juminhyo_code for r in conn.execute(text("SELECT id, juminhyo_code FROM residents"))}
    assert len(codes) == 40
    assert all(is_juminhyo_code(code) for code in codes.values())
    assert len(set(codes.values())) == 40
    assert codes == {rid: synthetic_juminhyo_code("132292", rid) for rid in codes}
    assert _differences(engine) == []
    for value in (codes[1], None):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("UPDATE residents SET juminhyo_code = :code WHERE id = 2"), {"code": value})


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def _heads_kept_before_frontiers_stay(engine: Engine) -> None:
    """From 0007 with a head kept: it stays, without a frontier (its log's next head is computed
    from the whole log); going back down drops the frontiers and keeps every head."""
    upgrade(engine, "0007_juminhyo_code")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO tree_heads (log_id, tree_size, sth, recorded_at)"
                " VALUES ('city:132292', 3, '{\"head\": 3}', '2026-12-01 01:00:00+00:00')"
            )
        )
    upgrade(engine)
    assert _differences(engine) == []
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT log_id, tree_size, sth, frontier FROM tree_heads")).all()
    assert [tuple(r) for r in rows] == [("city:132292", 3, '{"head": 3}', None)]
    with engine.begin() as conn:
        conn.execute(text("UPDATE tree_heads SET frontier = 'ab'"))
    _downgrade(engine, "0007_juminhyo_code")
    assert "frontier" not in {c["name"] for c in inspect(engine).get_columns("tree_heads")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT log_id, tree_size FROM tree_heads")).all() == [("city:132292", 3)]
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_heads_kept_before_frontiers_stay_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "heads.db"))
    _heads_kept_before_frontiers_stay(engine)
    engine.dispose()


def test_heads_kept_before_frontiers_stay_on_postgres(pg_engine: Engine) -> None:
    _heads_kept_before_frontiers_stay(pg_engine)
