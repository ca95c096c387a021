"""Properties of trees of any size: proofs verify, and fail once anything is changed.

The RFC 9162 §2.1 definitions, written recursively as in the RFC, are the oracle for roots and
proofs; the verifiers are checked both ways.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kofu.ledger import (
    InvalidProof,
    MerkleTree,
    extend_frontier,
    frontier_root,
    hash_children,
    hash_leaf,
    verify_consistency,
    verify_inclusion,
)

SIZES = st.integers(min_value=1, max_value=300)
SEEDS = st.integers(min_value=0, max_value=2**32)


def leaves(size: int, seed: int) -> list[bytes]:
    return [hash_leaf(seed.to_bytes(8, "big") + i.to_bytes(4, "big")) for i in range(size)]


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    """MTH as RFC 9162 §2.1.1 defines it, over leaf hashes."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return hash_children(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1."""
    if len(d) == 1:
        return []
    k = _k(len(d))
    return [*path(m, d[:k]), mth(d[k:])] if m < k else [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 9162 §2.1.4.1."""
    if m == len(d):
        return [] if whole else [mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*subproof(m, d[:k], whole), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def flip(value: bytes) -> bytes:
    return bytes([value[0] ^ 1]) + value[1:]


@settings(max_examples=60, deadline=None)
@given(size=SIZES, seed=SEEDS)
def test_roots_agree_with_the_rfc_whatever_the_way_of_appending(size: int, seed: int) -> None:
    d = leaves(size, seed)
    one_by_one = MerkleTree()
    for leaf_hash in d:
        one_by_one.append(leaf_hash)
    in_chunks = MerkleTree()
    for start in range(0, size, 7):
        in_chunks.extend(d[start : start + 7])
    for m in {1, size // 3, size // 2, size - 1, size} - {0}:
        assert one_by_one.root(m) == in_chunks.root(m) == MerkleTree(d).root(m) == mth(d[:m])


@settings(max_examples=60, deadline=None)
@given(size=SIZES, seed=SEEDS, data=st.data())
def test_every_inclusion_proof_verifies_and_fails_when_altered(
    size: int, seed: int, data: st.DataObject
) -> None:
    d = leaves(size, seed)
    tree = MerkleTree(d)
    root = tree.root()
    for index in range(size):
        verify_inclusion(d[index], index, size, tree.inclusion_proof(index), root)
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    proof = tree.inclusion_proof(index)
    assert proof == path(index, d)
    with pytest.raises(InvalidProof):
        verify_inclusion(flip(d[index]), index, size, proof, root)
    with pytest.raises(InvalidProof):
        verify_inclusion(d[index], index, size, proof, flip(root))
    if size > 1:
        other = data.draw(
            st.integers(min_value=0, max_value=size - 1).filter(lambda i: i != index), label="other"
        )
        with pytest.raises(InvalidProof):
            verify_inclusion(d[index], other, size, proof, root)
    if proof:
        at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="element")
        altered = [flip(p) if i == at else p for i, p in enumerate(proof)]
        with pytest.raises(InvalidProof):
            verify_inclusion(d[index], index, size, altered, root)


@settings(max_examples=60, deadline=None)
@given(size=SIZES, seed=SEEDS, data=st.data())
def test_every_consistency_proof_verifies_and_fails_for_another_old_root(
    size: int, seed: int, data: st.DataObject
) -> None:
    d = leaves(size, seed)
    tree = MerkleTree(d)
    new_root = tree.root()
    for old in range(1, size + 1):
        verify_consistency(old, size, tree.root(old), new_root, tree.consistency_proof(old))
    old = data.draw(st.integers(min_value=1, max_value=size), label="old")
    proof = tree.consistency_proof(old)
    assert proof == subproof(old, d, True)
    changed = data.draw(st.integers(min_value=0, max_value=old - 1), label="changed leaf")
    other_history = [flip(h) if i == changed else h for i, h in enumerate(d[:old])]
    with pytest.raises(InvalidProof):
        verify_consistency(old, size, mth(other_history), new_root, proof)
    with pytest.raises(InvalidProof):
        verify_consistency(old, size, tree.root(old), flip(new_root), proof)


@settings(max_examples=30, deadline=None)
@given(size=st.integers(min_value=2, max_value=200), seed=SEEDS, data=st.data())
def test_a_consistency_proof_between_two_past_sizes(size: int, seed: int, data: st.DataObject) -> None:
    tree = MerkleTree(leaves(size, seed))
    new = data.draw(st.integers(min_value=1, max_value=size), label="new")
    old = data.draw(st.integers(min_value=1, max_value=new), label="old")
    proof = tree.consistency_proof(old, new)
    verify_consistency(old, new, tree.root(old), tree.root(new), proof)
    if old < new:
        with pytest.raises(InvalidProof):
            verify_consistency(old, new, tree.root(old), tree.root(size if size != new else new - 1), proof)


@settings(max_examples=40, deadline=None)
@given(size=SIZES, seed=SEEDS, data=st.data())
def test_a_what_if_root_is_the_root_of_the_changed_leaves(size: int, seed: int, data: st.DataObject) -> None:
    d = leaves(size, seed)
    tree = MerkleTree(d)
    i = data.draw(st.integers(min_value=0, max_value=size - 1), label="i")
    j = data.draw(st.integers(min_value=0, max_value=size - 1), label="j")
    swapped = list(d)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    assert tree.root_with(size, {i: d[j], j: d[i]}) == mth(swapped)
    assert tree.root() == mth(d)  # untouched


@given(st.lists(st.integers(min_value=0, max_value=70), max_size=12), SEEDS)
@settings(max_examples=120, deadline=None)
def test_a_frontier_extended_batch_by_batch_gives_the_roots_of_the_whole_tree(batches, seed) -> None:  # type: ignore[no-untyped-def]
    every = leaves(sum(batches), seed)
    frontier: list[bytes] = []
    size = 0
    for batch in batches:
        frontier = extend_frontier(frontier, size, every[size : size + batch])
        size += batch
        tree = MerkleTree(every[:size])
        assert frontier_root(frontier, size) == tree.root() == mth(every[:size])
        assert frontier == tree.frontier() == MerkleTree(every).frontier(size)
        assert len(frontier) == size.bit_count()


@pytest.mark.parametrize(("size", "count"), [(0, 1), (1, 0), (3, 1), (4, 2), (5, 3)])
def test_a_frontier_that_does_not_fit_its_size_is_refused(size: int, count: int) -> None:
    frontier = leaves(count, 7)
    with pytest.raises(ValueError):
        frontier_root(frontier, size)
    with pytest.raises(ValueError):
        extend_frontier(frontier, size, leaves(1, 8))
    with pytest.raises(ValueError):
        frontier_root([b"short"] * max(size.bit_count(), 1), max(size, 1))
