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

from kofu.center import history
from kofu.center.migrate import CENTER, upgrade
from kofu.center.models import Base, HistoryEntry, TreeHeadRecord
from kofu.history import log
from kofu.ledger import MerkleTree, head_of, sign_head
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


def _append(engine: Engine, start: int, count: int) -> None:
    records = [
        {"order_id": f"o{n:05d}", "created_at": "2026-12-01T01:00:00+00:00", "finished_at": None,
         "kiosk_id": "K0001", "store_id": "S0001", "city_code": "132292", "doc": "juminhyo", "copies": 1,
         "fee_total": 200, "status": "printed", "outcome": "printed", "amount_paid": 200, "copies_printed": 1}
        for n in range(start, start + count)
    ]  # fmt: skip
    with session_factory(engine).begin() as session:
        log.append(session, history.TABLE, records)


def _full_root(engine: Engine) -> tuple[int, bytes]:
    with session_factory(engine)() as session:
        hashes = session.scalars(select(HistoryEntry.leaf_hash).order_by(HistoryEntry.leaf_index))
        tree = MerkleTree(bytes.fromhex(h) for h in hashes)
    return len(tree), tree.root()


def _publish(engine: Engine) -> tuple[int, bytes]:
    with session_factory(engine).begin() as session:
        head = log.publish(session, history.TABLE, KEY).head
    return head.tree_size, head.root_hash


def _heads_before_frontiers_are_upgraded(engine: Engine) -> None:
    upgrade(engine, BEFORE)
    _append(engine, 0, 5)
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

    _append(engine, 5, 3)
    assert _publish(engine) == _full_root(engine)  # no frontier kept: the whole log
    _append(engine, 8, 6)
    whole = _full_root(engine)
    assert whole[0] == 14 and _publish(engine) == whole  # from the frontier kept with the last head
    with session_factory(engine)() as session:
        frontiers = [h.frontier for h in session.scalars(select(TreeHeadRecord).order_by(TreeHeadRecord.id))]
    assert frontiers[0] is None and all(frontiers[1:]) and len(frontiers) == 3

    _downgrade(engine, BEFORE)
    assert "frontier" not in {c["name"] for c in inspect(engine).get_columns("tree_heads")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tree_heads")).scalar() == 3
    upgrade(engine)
    assert _publish(engine) == _full_root(engine)  # the frontiers went with the column: rebuilt


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
