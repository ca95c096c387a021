"""What publishing a head costs on a log of 200,000 entries: printed, not asserted (the machine
is shared). The whole-log way (every entry read, the tree rebuilt, as publishing once did) against
the frontier kept with the last head; each head is checked against the tree of the whole log."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import insert

from kofu.center import history
from kofu.center.migrate import upgrade
from kofu.center.models import HistoryEntry
from kofu.history import log
from kofu.ledger import MerkleTree, head_of, leaf_bytes, sign_head
from kofu.ledger.merkle import hash_leaf
from kofu.storage import make_engine, session_factory

ENTRIES = 200_000
KEY = ec.generate_private_key(ec.SECP256R1())


def _records(start: int, count: int) -> list[dict[str, object]]:
    out = []
    for n in range(start, start + count):
        record: dict[str, object] = {
            "order_id": f"o{n:07d}", "created_at": "2026-12-01T01:00:00+00:00", "finished_at": None,
            "kiosk_id": f"K{n % 64:04d}", "store_id": f"S{n % 64:04d}", "city_code": "132292",
            "doc": "juminhyo", "copies": 1, "fee_total": 200, "status": "printed", "outcome": "printed",
            "amount_paid": 200, "copies_printed": 1,
        }  # fmt: skip
        data = leaf_bytes({name: record[name] for name in history.FIELDS})  # type: ignore[misc]
        out.append({**record, "leaf_index": n, "leaf_hash": hash_leaf(data).hex()})
    return out


def _timed(fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def test_publishing_on_200_000_entries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'center.db'}")
    upgrade(engine)
    db = session_factory(engine)
    with db.begin() as session:
        session.execute(insert(HistoryEntry), _records(0, ENTRIES))

    def whole_log():  # type: ignore[no-untyped-def]
        with db.begin() as session:
            tree = MerkleTree(bytes.fromhex(e.leaf_hash) for e in log.entries(session, history.TABLE))
            sth = sign_head(KEY, head_of(history.LOG_ID, tree))
            log.keep(session, history.TABLE.heads, sth)
            return sth, tree.root()

    def publish():  # type: ignore[no-untyped-def]
        with db.begin() as session:
            return log.publish(session, history.TABLE, KEY)

    (before, root), rebuilt = _timed(whole_log)
    assert (before.head.tree_size, before.head.root_hash) == (ENTRIES, root)
    first, fallback = _timed(publish)  # no frontier kept yet: every leaf hash, once
    assert first.head.root_hash == root
    again, idle = _timed(publish)  # nothing appended since
    assert again.head.root_hash == root
    with db.begin() as session:
        session.execute(insert(HistoryEntry), _records(ENTRIES, 100))
    grown, appended = _timed(publish)
    with db() as session:
        assert grown.head.root_hash == log.tree(session, history.TABLE).root()
    engine.dispose()

    with capsys.disabled():
        print(
            f"\npublishing a head on {ENTRIES:,} entries: every entry read and the tree rebuilt "
            f"{rebuilt * 1000:.0f} ms; without a kept frontier (leaf hashes only) {fallback * 1000:.0f} ms; "
            f"from the frontier, nothing new {idle * 1000:.1f} ms; 100 new entries {appended * 1000:.1f} ms"
        )
