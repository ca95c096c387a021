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
from kofu.center.models import TreeHeadRecord
from kofu.history import log
from kofu.ledger import key_id
from kofu.storage import make_engine, session_factory
from tests.history.centre_log import append_printed, publish, whole_root

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
                append_printed(engine, count)
                _damage(engine, damage)
                assert publish(engine, KEY) == whole_root(engine)
            with session_factory(engine)() as session:
                verdict = log.verify(session, history.TABLE, KEYS)
            assert verdict.ok, verdict.findings
            assert verdict.heads_checked == len(batches)
        finally:
            engine.dispose()


def test_a_head_after_lost_entries_is_not_taken_from_the_frontier(engine: Engine) -> None:
    """Entries gone from the end since the last head (a restored backup): the frontier is beyond
    the log, and the head is the log's as it is (which `kofu history verify` then names)."""
    append_printed(engine, 9)
    assert publish(engine, KEY) == whole_root(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM history_log WHERE leaf_index >= 7"))
    assert publish(engine, KEY) == whole_root(engine) and whole_root(engine)[0] == 7
    append_printed(engine, 2, tag="x")  # two other entries where the lost ones were
    assert publish(engine, KEY) == whole_root(engine) and whole_root(engine)[0] == 9
    with session_factory(engine)() as session:
        assert not log.verify(session, history.TABLE, KEYS).ok


def test_a_head_with_no_new_entries_reads_none_and_says_the_same(engine: Engine) -> None:
    append_printed(engine, 5)
    first = publish(engine, KEY)
    assert publish(engine, KEY) == first == whole_root(engine)
    with session_factory(engine)() as session:
        frontiers = [h.frontier for h in session.scalars(select(TreeHeadRecord))]
    assert len(frontiers) == 2 and frontiers[0] == frontiers[1] and len(frontiers[0] or "") == 2 * 64
