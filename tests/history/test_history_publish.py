"""Publishing a head from the frontier kept with the last one: over any appends, and whatever
happened to the kept frontier, the head is the head of the whole log rebuilt from its leaf hashes
(`MerkleTree`), and the log still verifies. On real SQLite files made by the centre's chain."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text

from kofu.center import history
from kofu.center.migrate import upgrade
from kofu.center.models import HistoryEntry, TreeHeadRecord
from kofu.history import log
from kofu.ledger import MerkleTree, key_id
from kofu.storage import make_engine, session_factory

KEY = ec.generate_private_key(ec.SECP256R1())
KEYS = {key_id(KEY.public_key()): KEY.public_key()}
#: What may have become of the frontier kept with the last head before the next is published.
DAMAGE = ("none", "none", "dropped", "not_hex", "a_hash_short", "a_hash_changed", "size_changed")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "center.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def engine(template: Path, tmp_path: Path) -> Iterator[Engine]:
    shutil.copy(template, tmp_path / "center.db")
    found = make_engine(f"sqlite:///{tmp_path / 'center.db'}")
    yield found
    found.dispose()


def _append(engine: Engine, count: int, tag: str = "o") -> None:
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


def _whole(engine: Engine) -> tuple[int, bytes]:
    """The size and root of the log rebuilt from every stored leaf hash."""
    with session_factory(engine)() as session:
        hashes = session.scalars(select(HistoryEntry.leaf_hash).order_by(HistoryEntry.leaf_index))
        tree = MerkleTree(bytes.fromhex(h) for h in hashes)
    return len(tree), tree.root()


def _publish(engine: Engine) -> tuple[int, bytes]:
    with session_factory(engine).begin() as session:
        head = log.publish(session, history.TABLE, KEY).head
    return head.tree_size, head.root_hash


def _damage(engine: Engine, kind: str) -> None:
    with session_factory(engine).begin() as session:
        last = session.scalars(select(TreeHeadRecord).order_by(TreeHeadRecord.id.desc())).first()
        if last is None or kind == "none":
            return
        if kind == "dropped":
            last.frontier = None
        elif kind == "not_hex":
            last.frontier = "zz" + (last.frontier or "")[2:]
        elif kind == "a_hash_short":
            last.frontier = (last.frontier or "")[:-2]
        elif kind == "a_hash_changed":
            last.frontier = "00" * 32 + (last.frontier or "")[64:] if last.frontier else "00" * 32
        elif kind == "size_changed":
            last.tree_size += 1


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=40), st.sampled_from(DAMAGE)), min_size=1, max_size=10
    )
)
@settings(max_examples=40, deadline=None)
def test_every_head_published_is_the_head_of_the_whole_log(template: Path, batches) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copy(template, Path(scratch) / "center.db")
        engine = make_engine(f"sqlite:///{Path(scratch) / 'center.db'}")
        try:
            for count, damage in batches:
                _append(engine, count)
                _damage(engine, damage)
                assert _publish(engine) == _whole(engine)
            with session_factory(engine)() as session:
                verdict = log.verify(session, history.TABLE, KEYS)
            assert verdict.ok, verdict.findings
            assert verdict.heads_checked == len(batches)
        finally:
            engine.dispose()


def test_a_head_after_lost_entries_is_not_taken_from_the_frontier(engine: Engine) -> None:
    """Entries gone from the end since the last head (a restored backup): the frontier is beyond
    the log, and the head is the log's as it is (which `kofu history verify` then names)."""
    _append(engine, 9)
    assert _publish(engine) == _whole(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM history_log WHERE leaf_index >= 7"))
    assert _publish(engine) == _whole(engine) and _whole(engine)[0] == 7
    _append(engine, 2, tag="x")  # two other entries where the lost ones were
    assert _publish(engine) == _whole(engine) and _whole(engine)[0] == 9
    with session_factory(engine)() as session:
        assert not log.verify(session, history.TABLE, KEYS).ok


def test_a_head_with_no_new_entries_reads_none_and_says_the_same(engine: Engine) -> None:
    _append(engine, 5)
    first = _publish(engine)
    assert _publish(engine) == first == _whole(engine)
    with session_factory(engine)() as session:
        frontiers = [h.frontier for h in session.scalars(select(TreeHeadRecord))]
    assert len(frontiers) == 2 and frontiers[0] == frontiers[1] and len(frontiers[0] or "") == 2 * 64
