"""Checking a whole log end to end, whatever stores it.

A log is its rows in index order (0, 1, 2, …): each row's leaf bytes (`leaf_bytes` of its
fields) and, usually, the leaf hash stored alongside it when it was appended. Its owner signs
tree heads from time to time. `verify_log` reads the rows and the heads and names what is wrong:

    row 17 edited                  the row's bytes no longer hash to the leaf hash stored with it
    row 17 deleted                 an index is missing (``rows 17 to 19 deleted`` for a run)
    row 17 appears twice           an index comes back
    rows 17 and 18 reordered       out of order in the index column, or two leaves whose
                                   exchange makes a signed head match again
    head at size 120 does not match the log: rewritten before 120
                                   no simple explanation; the rows were changed below 120
                                   (" (the head at 100 matches)" bounds it from below)
    head at size 120 is beyond the log's 100 rows: rows deleted at the end
    fork: heads at 100 and 120 are not consistent
                                   both signed, and the log proves the later one
    head at size 120: bad signature (and the other reasons of `kofu.ledger.heads.verify_head`)

The tree is built from the stored leaf hashes where there are any (so an edited row is named
once, and the heads still check the rest), from the bytes otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from kofu.ledger.errors import InvalidHead
from kofu.ledger.heads import SignedTreeHead, TreeHead, verify_head
from kofu.ledger.merkle import EMPTY_ROOT, HASH_SIZE, MerkleTree, hash_leaf

#: A window of rows up to this size is searched for any exchanged pair; above it, only for
#: neighbours (a signed head's root is all there is to go on, so every guess costs a root).
ANY_PAIR_WINDOW = 64
NEIGHBOUR_WINDOW = 100_000

_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def leaf_bytes(record: Mapping[str, str | int | None]) -> bytes:
    """A row's fields as one leaf: canonical JSON (sorted keys, no whitespace, UTF-8)."""
    for key, value in record.items():
        if not isinstance(key, str):
            raise TypeError(f"a field name must be a string, not {key!r}")
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise TypeError(f"field {key!r} must be a string, an integer or None, not {type(value).__name__}")
    return _CANONICAL.encode(dict(record)).encode("utf-8")


@dataclass(frozen=True)
class Row:
    """One entry of a log as read back: its index, its leaf bytes, the leaf hash stored with it."""

    index: int
    data: bytes | None = None
    leaf_hash: bytes | None = None

    def __post_init__(self) -> None:
        if self.index < 0:
            raise ValueError(f"a row index cannot be negative ({self.index})")
        if self.data is None and self.leaf_hash is None:
            raise ValueError(f"row {self.index} has neither bytes nor a leaf hash")


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a log: a stable code, the words, and the rows or head sizes named."""

    code: str
    message: str
    rows: tuple[int, ...] = ()
    sizes: tuple[int, ...] = ()


@dataclass(frozen=True)
class LogVerdict:
    """What `verify_log` checked and what it found.

    ``tree_size`` and ``root_hash`` are those of the rows as read, up to the first missing
    index (heads past it cannot be compared); ``proven_size`` is the largest size at which a
    well-signed head matches them (0 if none does); ``heads_checked`` counts the well-signed
    heads.
    """

    log_id: str
    rows: int
    tree_size: int
    root_hash: bytes
    proven_size: int
    heads_checked: int
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.findings

    @property
    def messages(self) -> tuple[str, ...]:
        """The words of every finding, in order."""
        return tuple(finding.message for finding in self.findings)

    def as_dict(self) -> dict[str, Any]:
        """The verdict as JSON-ready data."""
        return {
            "log_id": self.log_id,
            "ok": self.ok,
            "rows": self.rows,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "proven_size": self.proven_size,
            "heads_checked": self.heads_checked,
            "findings": [
                {"code": f.code, "message": f.message, "rows": list(f.rows), "sizes": list(f.sizes)}
                for f in self.findings
            ],
        }


def verify_log(
    rows: Iterable[Row | tuple[int, bytes]],
    heads: Iterable[SignedTreeHead],
    public_key: ec.EllipticCurvePublicKey,
    *,
    log_id: str,
) -> LogVerdict:
    """Check the rows of log ``log_id`` (in the order read) against its owner's signed heads.

    ``rows`` are `Row` values or ``(index, leaf_bytes)`` pairs; ``public_key`` is the owner's.
    Never raises for what it finds: every problem is a `Finding` of the verdict.
    """
    findings: list[Finding] = []
    valid: list[TreeHead] = []
    for sth in heads:
        try:
            valid.append(verify_head(public_key, sth, log_id=log_id))
        except InvalidHead as exc:
            findings.append(Finding(exc.reason, exc.detail, sizes=(sth.head.tree_size,)))
    count, end, leaves = _read_rows(rows, findings)
    tree = MerkleTree(leaves)
    proven = max((h.tree_size for h in valid if h.tree_size <= len(tree) and _matches(tree, h)), default=0)
    _check_heads(tree, valid, end, findings)
    return LogVerdict(
        log_id=log_id,
        rows=count,
        tree_size=len(tree),
        root_hash=tree.root() if len(tree) else EMPTY_ROOT,
        proven_size=proven,
        heads_checked=len(valid),
        findings=tuple(findings),
    )


def _read_rows(
    rows: Iterable[Row | tuple[int, bytes]], findings: list[Finding]
) -> tuple[int, int, list[bytes]]:
    """Index column and stored hashes: (rows read, last index + 1, leaf hashes up to a gap)."""
    by_index: dict[int, Row] = {}
    previous: int | None = None
    for item in rows:
        row = item if isinstance(item, Row) else Row(item[0], item[1])
        if row.index in by_index:
            findings.append(Finding("row.duplicated", f"row {row.index} appears twice", rows=(row.index,)))
            continue
        if previous is not None and row.index < previous:
            findings.append(_reordered(row.index, previous))
        previous = row.index
        by_index[row.index] = row
    expected = 0
    for index in sorted(by_index):
        if index > expected:
            first, last = expected, index - 1
            words = f"row {first} deleted" if first == last else f"rows {first} to {last} deleted"
            findings.append(Finding("row.deleted", words, rows=tuple(range(first, last + 1))))
        expected = index + 1
    leaves: list[bytes] = []
    for index in sorted(by_index):
        leaf = _leaf_of(by_index[index], findings)
        if index == len(leaves):
            leaves.append(leaf)
    return len(by_index), expected, leaves


def _leaf_of(row: Row, findings: list[Finding]) -> bytes:
    computed = None if row.data is None else hash_leaf(row.data)
    stored = row.leaf_hash
    if stored is not None and len(stored) == HASH_SIZE:
        if computed is not None and computed != stored:
            findings.append(Finding("row.edited", f"row {row.index} edited", rows=(row.index,)))
        return stored
    if stored is not None:  # a stored hash that is not even a hash
        findings.append(Finding("row.edited", f"row {row.index} edited", rows=(row.index,)))
    return computed if computed is not None else bytes(HASH_SIZE)


def _reordered(a: int, b: int) -> Finding:
    first, second = sorted((a, b))
    return Finding("rows.reordered", f"rows {first} and {second} reordered", rows=(first, second))


def _matches(tree: MerkleTree, head: TreeHead) -> bool:
    return tree.root(head.tree_size) == head.root_hash


def _check_heads(tree: MerkleTree, heads: list[TreeHead], end: int, findings: list[Finding]) -> None:
    """Compare every well-signed head with the tree; name forks, rewrites and exchanges."""
    reported = {f.rows for f in findings if f.code == "rows.reordered"}
    first_at: dict[int, TreeHead] = {}
    for head in sorted(heads, key=lambda h: (h.tree_size, h.timestamp)):
        first = first_at.setdefault(head.tree_size, head)
        if first.root_hash != head.root_hash:
            size = head.tree_size
            findings.append(
                Finding("heads.fork", f"fork: two heads at size {size} with different roots", sizes=(size,))
            )
    beyond = max((h.tree_size for h in heads if h.tree_size > end), default=None)
    if beyond is not None:
        words = f"head at size {beyond} is beyond the log's {end} rows: rows deleted at the end"
        findings.append(Finding("head.beyond", words, sizes=(beyond,)))
    pending = sorted((h for h in heads if h.tree_size <= len(tree)), key=lambda h: h.tree_size)
    while True:
        matched = [h.tree_size for h in pending if _matches(tree, h)]
        failed = [h for h in pending if not _matches(tree, h)]
        if not failed:
            return
        bad = failed[0]
        size = bad.tree_size
        witness = min((s for s in matched if s >= size), default=None)
        if witness is not None:  # the log proves a head this one contradicts
            if witness > size:  # (two heads at one size are named above already)
                words = f"fork: heads at {size} and {witness} are not consistent"
                findings.append(Finding("heads.fork", words, sizes=(size, witness)))
            pending = [h for h in pending if h.tree_size != size]
            continue
        floor = max((s for s in matched if s < size), default=0)
        pair = _find_exchange(tree, floor, bad)
        if pair is not None:
            if pair not in reported:
                findings.append(_reordered(*pair))
                reported.add(pair)
            leaves = [tree.leaf_hash(i) for i in range(len(tree))]
            leaves[pair[0]], leaves[pair[1]] = leaves[pair[1]], leaves[pair[0]]
            tree = MerkleTree(leaves)
            continue
        words = f"head at size {size} does not match the log: rewritten before {size}"
        if floor:
            words += f" (the head at {floor} matches)"
        findings.append(Finding("head.mismatch", words, sizes=(size,)))
        return  # later heads cannot be told apart from this rewrite


def _find_exchange(tree: MerkleTree, floor: int, head: TreeHead) -> tuple[int, int] | None:
    """Two leaves in [floor, head size) whose exchange makes ``head`` match, if any is found."""
    size = head.tree_size
    width = size - floor
    if width <= ANY_PAIR_WINDOW:
        pairs: Iterable[tuple[int, int]] = ((i, j) for i in range(floor, size) for j in range(i + 1, size))
    elif width <= NEIGHBOUR_WINDOW:
        pairs = ((i, i + 1) for i in range(floor, size - 1))
    else:
        return None
    for i, j in pairs:
        left, right = tree.leaf_hash(i), tree.leaf_hash(j)
        if left != right and tree.root_with(size, {i: right, j: left}) == head.root_hash:
            return i, j
    return None
