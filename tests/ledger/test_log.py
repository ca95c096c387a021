"""`verify_log` names each tampering of a log: as a database would be tampered with, one row at a time.

The log is 150 rows of a centre's history (no personal data), each stored with its leaf hash;
the owner signed heads at 10, 50, 100 and 120 rows. Each test changes the rows (or the heads)
the way someone with write access to the database could, and checks the exact words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from kofu.ledger import (
    LogVerdict,
    MerkleTree,
    Row,
    SignedTreeHead,
    hash_leaf,
    head_of,
    leaf_bytes,
    sign_head,
    verify_log,
)

KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC = KEY.public_key()
START = datetime(2026, 12, 1, tzinfo=UTC)
HEAD_SIZES = (10, 50, 100, 120)


def record(i: int) -> dict[str, str | int | None]:
    return {"order_id": f"O-{i:05d}", "city": "131016", "kind": "juminhyo", "copies": 1 + i % 3, "fee": 300}


def clean_rows(n: int = 150) -> list[Row]:
    return [Row(i, data, hash_leaf(data)) for i, data in ((i, leaf_bytes(record(i))) for i in range(n))]


def heads_of(
    rows: Sequence[Row], sizes: Sequence[int] = HEAD_SIZES, key: ec.EllipticCurvePrivateKey = KEY
) -> list[SignedTreeHead]:
    tree = MerkleTree([row.leaf_hash or hash_leaf(row.data or b"") for row in rows])
    return [
        sign_head(
            key, head_of("centre", tree, size=size, clock=lambda size=size: START + timedelta(hours=size))
        )
        for size in sizes
    ]


ROWS = clean_rows()
HEADS = heads_of(ROWS)


def verify(rows: Sequence[Row | tuple[int, bytes]], heads: Sequence[SignedTreeHead] = HEADS) -> LogVerdict:
    return verify_log(rows, heads, PUBLIC, log_id="centre")


def swapped(rows: list[Row], i: int, j: int) -> list[Row]:
    """Rows i and j exchange everything but their index (an UPDATE of both, or of the index column)."""
    out = list(rows)
    out[i] = dataclasses.replace(rows[j], index=i)
    out[j] = dataclasses.replace(rows[i], index=j)
    return out


def test_a_clean_log_verifies() -> None:
    verdict = verify(ROWS)
    assert verdict.ok and verdict.messages == ()
    assert (verdict.rows, verdict.tree_size, verdict.proven_size, verdict.heads_checked) == (150, 150, 120, 4)
    assert verdict.root_hash == MerkleTree([row.leaf_hash or b"" for row in ROWS]).root()
    assert verdict.as_dict()["ok"] is True


def test_an_edited_row_is_named() -> None:
    rows = list(ROWS)
    rows[17] = dataclasses.replace(rows[17], data=leaf_bytes({**record(17), "fee": 0}))
    verdict = verify(rows)
    assert verdict.messages == ("row 17 edited",)
    assert [(f.code, f.rows) for f in verdict.findings] == [("row.edited", (17,))]


def test_a_deleted_row_is_named() -> None:
    assert verify(ROWS[:17] + ROWS[18:]).messages == ("row 17 deleted",)
    assert verify(ROWS[:17] + ROWS[20:]).messages == ("rows 17 to 19 deleted",)


def test_rows_deleted_at_the_end_are_seen_from_the_heads() -> None:
    assert verify(ROWS[:130]).ok  # no head covers the rows after 120 yet
    verdict = verify(ROWS[:110])
    assert verdict.messages == ("head at size 120 is beyond the log's 110 rows: rows deleted at the end",)
    assert verdict.proven_size == 100


def test_reordered_rows_are_named_from_the_heads_not_the_index_column() -> None:
    verdict = verify(swapped(ROWS, 17, 18))
    assert verdict.messages == ("rows 17 and 18 reordered",)
    assert verdict.findings[0].code == "rows.reordered" and verdict.proven_size == 10
    assert verify(swapped(ROWS, 12, 40)).messages == ("rows 12 and 40 reordered",)  # a small window: any pair
    assert verify(swapped(ROWS, 70, 71)).messages == ("rows 70 and 71 reordered",)  # a wide one: neighbours


def test_reordered_rows_without_stored_hashes() -> None:
    bare = [(row.index, row.data or b"") for row in swapped(ROWS, 17, 18)]
    assert verify(bare).messages == ("rows 17 and 18 reordered",)


def test_rows_read_out_of_index_order_are_named_once() -> None:
    rows = [*ROWS[:17], ROWS[18], ROWS[17], *ROWS[19:]]
    assert verify(rows).messages == ("rows 17 and 18 reordered",)


def test_a_duplicated_row_is_named() -> None:
    assert verify([*ROWS[:18], ROWS[17], *ROWS[18:]]).messages == ("row 17 appears twice",)


def test_a_row_rewritten_with_its_hash_is_caught_by_the_heads() -> None:
    forged = leaf_bytes({**record(17), "fee": 0})
    rows = list(ROWS)
    rows[17] = Row(17, forged, hash_leaf(forged))
    verdict = verify(rows)
    assert verdict.messages == (
        "head at size 50 does not match the log: rewritten before 50 (the head at 10 matches)",
    )
    assert verdict.findings[0].code == "head.mismatch" and verdict.proven_size == 10
    assert verify(rows, HEADS[1:]).messages == (
        "head at size 50 does not match the log: rewritten before 50",
    )


def test_a_fork_is_named() -> None:
    rewritten = list(ROWS)
    forged = leaf_bytes({**record(60), "fee": 0})
    rewritten[60] = Row(60, forged, hash_leaf(forged))
    heads = heads_of(ROWS, (10, 50, 100)) + heads_of(rewritten, (120,))  # signed before and after
    verdict = verify(rewritten, heads)
    assert verdict.messages == ("fork: heads at 100 and 120 are not consistent",)
    assert verdict.findings[0].code == "heads.fork" and verdict.findings[0].sizes == (100, 120)


def test_two_heads_at_one_size_with_different_roots_are_a_fork() -> None:
    rewritten = list(ROWS)
    forged = leaf_bytes({**record(110), "fee": 0})
    rewritten[110] = Row(110, forged, hash_leaf(forged))
    heads = [*HEADS, *heads_of(rewritten, (120,))]
    assert verify(ROWS, heads).messages == ("fork: two heads at size 120 with different roots",)


def test_a_forged_head_is_named() -> None:
    real = HEADS[3]
    forged = dataclasses.replace(real, head=dataclasses.replace(real.head, root_hash=bytes(32)))
    verdict = verify(ROWS, [*HEADS[:3], forged])
    assert verdict.messages == ("head at size 120: bad signature",)
    assert verdict.findings[0].code == "head.signature" and verdict.proven_size == 100


def test_heads_signed_by_another_key_prove_nothing() -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    verdict = verify(ROWS, heads_of(ROWS, (120,), key=other))
    assert [f.code for f in verdict.findings] == ["head.key"]
    assert verdict.messages[0].startswith("head at size 120 names key ")
    assert verdict.proven_size == 0 and verdict.heads_checked == 0


def test_a_head_of_another_log_is_named() -> None:
    city = sign_head(KEY, dataclasses.replace(HEADS[0].head, log_id="city:131016"))
    verdict = verify(ROWS, [city])
    assert [f.code for f in verdict.findings] == ["head.log_id"]


def test_several_tamperings_are_all_named() -> None:
    rows = swapped(ROWS, 70, 71)
    rows[17] = dataclasses.replace(rows[17], data=b"{}")
    del rows[140]
    verdict = verify(rows)
    assert verdict.messages == ("row 140 deleted", "row 17 edited", "rows 70 and 71 reordered")


def test_leaf_bytes_are_canonical_json() -> None:
    assert leaf_bytes({"b": 1, "a": "住民票", "c": None}) == '{"a":"住民票","b":1,"c":null}'.encode()
    assert leaf_bytes({"a": "x", "b": 2}) == leaf_bytes({"b": 2, "a": "x"})
    for bad in ({"a": 1.5}, {"a": True}, {"a": ["x"]}, {1: "x"}):
        with pytest.raises(TypeError):
            leaf_bytes(bad)  # type: ignore[arg-type]


def test_a_row_needs_bytes_or_a_hash() -> None:
    with pytest.raises(ValueError):
        Row(3)
    with pytest.raises(ValueError):
        Row(-1, b"{}")
