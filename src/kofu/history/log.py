"""An append-only Merkle log kept in a database table (see the package docstring).

An entry table has an integer ``leaf_index`` (primary key), the fields of the leaf and a hex
``leaf_hash`` written when the entry was appended; a head table has ``log_id``, ``tree_size``,
``sth`` (the signed head's JSON), ``recorded_at`` and ``frontier``. Nothing here knows which
actor owns them.

A head the owner signs keeps the log's frontier at its size (`kofu.ledger.merkle`: the roots of
the complete subtrees on the tree's right edge, hex, largest first), so the next head is the
frontier extended by the leaf hashes appended since: publishing reads O(new entries + log n),
never the whole log. A frontier that is missing (a head kept before there were frontiers) or
that does not give the root its head signed, or entries that do not follow on from its size,
make publishing rebuild the tree from every leaf hash instead: a head is never computed from a
frontier it cannot check.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kofu import clock
from kofu.ledger import (
    ConsistencyProof,
    InclusionProof,
    InvalidHead,
    InvalidProof,
    LogVerdict,
    MerkleTree,
    Row,
    SignedTreeHead,
    TreeHead,
    extend_frontier,
    frontier_root,
    leaf_bytes,
    prove,
    prove_consistency,
    sign_head,
    verify_consistency,
    verify_head,
    verify_log,
)
from kofu.ledger.merkle import HASH_SIZE, hash_leaf

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LogTable:
    """Where one log lives: its id, its entry class and leaf fields, its head class."""

    log_id: str
    entry: Any
    fields: tuple[str, ...]
    heads: Any


def leaf_of(table: LogTable, entry: Any) -> bytes:
    return leaf_bytes({name: getattr(entry, name) for name in table.fields})


def append(session: Session, table: LogTable, records: Sequence[Mapping[str, str | int | None]]) -> int:
    """Append ``records`` (each the leaf fields) after the last entry, in the caller's transaction."""
    last = session.scalar(select(func.max(table.entry.leaf_index)))
    index = -1 if last is None else int(last)
    for record in records:
        index += 1
        data = leaf_bytes({name: record[name] for name in table.fields})
        session.add(table.entry(leaf_index=index, leaf_hash=hash_leaf(data).hex(), **dict(record)))
    session.flush()
    return len(records)


def entries(session: Session, table: LogTable) -> list[Any]:
    """Every entry as stored, in the order of the index column."""
    return list(session.scalars(select(table.entry).order_by(table.entry.leaf_index)))


def rows(session: Session, table: LogTable) -> list[Row]:
    """The log's rows for `kofu.ledger.verify_log`: index, leaf bytes, stored leaf hash."""
    out = []
    for entry in entries(session, table):
        stored = None
        try:
            stored = bytes.fromhex(entry.leaf_hash)
        except (TypeError, ValueError):
            stored = None
        out.append(Row(entry.leaf_index, leaf_of(table, entry), stored))
    return out


def tree(session: Session, table: LogTable) -> MerkleTree:
    """The tree over the stored leaf hashes, in index order (only that column is read)."""
    hashes = session.scalars(select(table.entry.leaf_hash).order_by(table.entry.leaf_index))
    return MerkleTree(bytes.fromhex(h) for h in hashes)


def publish(session: Session, table: LogTable, key: ec.EllipticCurvePrivateKey) -> SignedTreeHead:
    """Sign the head of the log as it is and keep it with its frontier (in the caller's
    transaction): from the last head's frontier and the entries since, else from the whole log."""
    size, frontier = _grown(session, table)
    head = TreeHead(
        log_id=table.log_id,
        tree_size=size,
        root_hash=frontier_root(frontier, size),
        timestamp=clock.now_utc(),
    )
    sth = sign_head(key, head)
    keep(session, table.heads, sth, frontier=b"".join(frontier).hex())
    return sth


def _grown(session: Session, table: LogTable) -> tuple[int, list[bytes]]:
    """The log's size and frontier now."""
    start = _last_frontier(session, table)
    if start is not None:
        size, frontier = start
        entry = table.entry
        found_last = session.scalar(select(func.max(entry.leaf_index)))
        last = -1 if found_last is None else int(found_last)  # read first: what is appended after waits
        found = session.execute(
            select(entry.leaf_index, entry.leaf_hash)
            .where(entry.leaf_index >= size, entry.leaf_index <= last)
            .order_by(entry.leaf_index)
        ).all()
        follows = all(index == size + n for n, (index, _hash) in enumerate(found))
        if follows and last == size + len(found) - 1:
            try:
                return size + len(found), extend_frontier(
                    frontier, size, [bytes.fromhex(h) for _i, h in found]
                )
            except (TypeError, ValueError):
                pass  # a leaf hash that is not one: the whole log says what it is
        log.warning(
            "log %s: the entries do not follow on from its last head; its tree is rebuilt", table.log_id
        )
    merkle = tree(session, table)
    return len(merkle), merkle.frontier()


def _last_frontier(session: Session, table: LogTable) -> tuple[int, list[bytes]] | None:
    """The size and frontier kept with the owner's last head, if they give the root it signed."""
    heads = table.heads
    row = session.scalars(
        select(heads)
        .where(heads.log_id == table.log_id, heads.frontier.is_not(None))
        .order_by(heads.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    try:
        head = SignedTreeHead.from_json(row.sth).head
        raw = bytes.fromhex(row.frontier)
        frontier = [raw[i : i + HASH_SIZE] for i in range(0, len(raw), HASH_SIZE)]
        size = int(row.tree_size)
        same = head.log_id == table.log_id and head.tree_size == size
        if same and frontier_root(frontier, size) == head.root_hash:
            return size, frontier
    except (InvalidHead, TypeError, ValueError):
        pass
    log.warning(
        "log %s: the frontier kept with its last head does not check; its tree is rebuilt", table.log_id
    )
    return None


def keep(session: Session, head_class: Any, sth: SignedTreeHead, *, frontier: str | None = None) -> bool:
    """Keep a signed head (one's own, with the log's ``frontier`` at its size, or the other
    side's); False if the same head was kept."""
    text = sth.to_json()
    seen = session.scalar(
        select(head_class).where(head_class.log_id == sth.head.log_id, head_class.sth == text)
    )
    if seen is not None:
        return False
    session.add(
        head_class(
            log_id=sth.head.log_id,
            tree_size=sth.head.tree_size,
            sth=text,
            recorded_at=clock.now_utc(),
            frontier=frontier,
        )
    )
    session.flush()
    return True


def heads(session: Session, head_class: Any, log_id: str) -> list[SignedTreeHead]:
    """Every kept head of ``log_id``, oldest first."""
    found = session.scalars(select(head_class).where(head_class.log_id == log_id).order_by(head_class.id))
    return [SignedTreeHead.from_json(r.sth) for r in found]


def verify(
    session: Session,
    table: LogTable,
    keys: Mapping[str, ec.EllipticCurvePublicKey],
    extra: Sequence[SignedTreeHead] = (),
) -> LogVerdict:
    """The log end to end against every kept head (and ``extra`` ones, e.g. held by the other side).

    ``keys`` are the owner's keys by key id, the current one first: each head is checked with the
    key that made it (a city's seal key is rotated; its older heads stay valid); a head naming no
    known key is checked with the current one, which names it."""
    found = rows(session, table)
    every = [*heads(session, table.heads, table.log_id), *extra]
    current = next(iter(keys))
    groups: dict[str, list[SignedTreeHead]] = {}
    for sth in every:
        groups.setdefault(sth.key_id if sth.key_id in keys else current, []).append(sth)
    verdict = verify_log(found, groups.pop(current, []), keys[current], log_id=table.log_id)
    findings = list(verdict.findings)
    proven, checked = verdict.proven_size, verdict.heads_checked
    for key_id, group in groups.items():
        other = verify_log(found, group, keys[key_id], log_id=table.log_id)
        findings += [f for f in other.findings if f not in findings]
        proven, checked = max(proven, other.proven_size), checked + other.heads_checked
    return dataclasses.replace(verdict, findings=tuple(findings), proven_size=proven, heads_checked=checked)


def inclusion(session: Session, table: LogTable, leaf_index: int, sth: SignedTreeHead) -> InclusionProof:
    """The inclusion proof of entry ``leaf_index`` in the tree of head ``sth``."""
    return prove(tree(session, table), leaf_index, log_id=table.log_id, tree_size=sth.head.tree_size)


def consistent(
    session: Session,
    table: LogTable,
    old: SignedTreeHead,
    new: SignedTreeHead,
    keys: Mapping[str, ec.EllipticCurvePublicKey],
) -> tuple[ConsistencyProof | None, str | None]:
    """A consistency proof between two heads, built from the log and checked; the reason if not."""
    if old.head.tree_size > new.head.tree_size:
        old, new = new, old
    merkle = tree(session, table)
    if new.head.tree_size > len(merkle):
        return None, f"head at size {new.head.tree_size} is beyond the log's {len(merkle)} entries"
    proof = prove_consistency(merkle, old.head.tree_size, log_id=table.log_id, new_size=new.head.tree_size)
    current = next(iter(keys))
    try:
        verify_head(keys.get(old.key_id, keys[current]), old, log_id=table.log_id)
        verify_head(keys.get(new.key_id, keys[current]), new, log_id=table.log_id)
        verify_consistency(proof.old_size, proof.new_size, old.head.root_hash, new.head.root_hash, proof.path)
    except (InvalidHead, InvalidProof) as exc:
        return proof, f"heads at {old.head.tree_size} and {new.head.tree_size} are not consistent ({exc})"
    return proof, None
