"""The centre's schema comes from its Alembic chain and matches the models on SQLite and
PostgreSQL; a database whose heads were kept before heads had frontiers is upgraded, publishes
the right head, and goes back down without losing a head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import Engine, inspect, select, text
from tests.history.centre_log import append_printed, publish, whole_root

from kofu.center import history
from kofu.center.migrate import CENTER, upgrade
from kofu.center.models import Base, TreeHeadRecord
from kofu.history import log
from kofu.ledger import head_of, sign_head
from kofu.storage import make_engine, session_factory

BEFORE = "0004_menu_refusals"
KEY = ec.generate_private_key(ec.SECP256R1())


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        config = CENTER.config()
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def _heads_before_frontiers_are_upgraded(engine: Engine) -> None:
    upgrade(engine, BEFORE)
    append_printed(engine, 5)
    with session_factory(engine)() as session:  # a head signed and kept as the centre did then
        sth = sign_head(KEY, head_of(history.LOG_ID, log.tree(session, history.TABLE)))
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO tree_heads (log_id, tree_size, sth, recorded_at) VALUES (:l, 5, :s, :t)"),
            {"l": history.LOG_ID, "s": sth.to_json(), "t": sth.head.timestamp},
        )
    upgrade(engine)
    assert _differences(engine) == []
    with session_factory(engine)() as session:
        (kept,) = session.scalars(select(TreeHeadRecord)).all()
        assert (kept.tree_size, kept.sth, kept.frontier) == (5, sth.to_json(), None)

    append_printed(engine, 3)
    assert publish(engine, KEY) == whole_root(engine)  # no frontier kept: the whole log
    append_printed(engine, 6)
    whole = whole_root(engine)
    assert whole[0] == 14 and publish(engine, KEY) == whole  # from the frontier kept with the last head
    with session_factory(engine)() as session:
        frontiers = [h.frontier for h in session.scalars(select(TreeHeadRecord).order_by(TreeHeadRecord.id))]
    assert frontiers[0] is None and all(frontiers[1:]) and len(frontiers) == 3

    _downgrade(engine, BEFORE)
    assert "frontier" not in {c["name"] for c in inspect(engine).get_columns("tree_heads")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tree_heads")).scalar() == 3
    upgrade(engine)
    assert publish(engine, KEY) == whole_root(engine)  # the frontiers went with the column: rebuilt


def test_migrated_sqlite_schema_equals_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    assert _differences(engine) == []
    assert CENTER.current(engine) == CENTER.head() == "0005_log_frontier"
    engine.dispose()


def test_migrated_postgres_schema_equals_the_models(pg_engine: Engine) -> None:
    upgrade(pg_engine)
    assert _differences(pg_engine) == []
    assert CENTER.current(pg_engine) == CENTER.head()


def test_downgrade_to_nothing_and_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    upgrade(engine)
    _downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert _differences(engine) == []
    engine.dispose()


def test_heads_kept_before_frontiers_are_upgraded_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    _heads_before_frontiers_are_upgraded(engine)
    engine.dispose()


def test_heads_kept_before_frontiers_are_upgraded_on_postgres(pg_engine: Engine) -> None:
    _heads_before_frontiers_are_upgraded(pg_engine)
