"""Rows for the centre's history log in tests: printed orders appended, a head published, and the
log's size and root rebuilt from every stored leaf hash to compare a head with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from kofu.center import history
from kofu.center.models import HistoryEntry
from kofu.history import log
from kofu.ledger import MerkleTree
from kofu.storage import session_factory


def append_printed(engine: Engine, count: int, tag: str = "o") -> None:
    """``count`` printed orders appended after the last entry (ids ``tag`` and a number)."""
    with session_factory(engine).begin() as session:
        start = session.scalar(select(HistoryEntry.leaf_index).order_by(HistoryEntry.leaf_index.desc()))
        first = 0 if start is None else start + 1
        records = [
            {"order_id": f"{tag}{n:06d}", "created_at": "2026-12-01T01:00:00+00:00", "finished_at": None,
             "kiosk_id": "K0001", "store_id": "S0001", "city_code": "132292", "doc": "juminhyo",
             "copies": 1 + n % 3, "fee_total": 200, "status": "printed", "outcome": "printed",
             "amount_paid": 200, "copies_printed": 1}
            for n in range(first, first + count)
        ]  # fmt: skip
        log.append(session, history.TABLE, records)


def whole_root(engine: Engine) -> tuple[int, bytes]:
    """The size and root of the log rebuilt from every stored leaf hash."""
    with session_factory(engine)() as session:
        hashes = session.scalars(select(HistoryEntry.leaf_hash).order_by(HistoryEntry.leaf_index))
        tree = MerkleTree(bytes.fromhex(h) for h in hashes)
    return len(tree), tree.root()


def publish(engine: Engine, key: Any) -> tuple[int, bytes]:
    """Publish a head signed with ``key``; its size and root."""
    with session_factory(engine).begin() as session:
        head = log.publish(session, history.TABLE, key).head
    return head.tree_size, head.root_hash
