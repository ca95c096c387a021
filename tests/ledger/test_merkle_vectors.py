"""RFC 6962 / RFC 9162 reference vectors (transparency-dev/merkle; see ``ledger_vectors.py``)."""

from __future__ import annotations

import hashlib

import pytest
from ledger_vectors import (
    ConsistencyProbe,
    InclusionProbe,
    load_consistency_probes,
    load_inclusion_probes,
    load_reference_tree,
)

from kofu.ledger import (
    EMPTY_ROOT,
    InvalidProof,
    MerkleTree,
    consistency_proof,
    hash_leaf,
    inclusion_proof,
    root,
    verify_consistency,
    verify_inclusion,
)

TREE = load_reference_tree()
LEAF_HASHES = [hash_leaf(leaf) for leaf in TREE.leaves]
INCLUSION = load_inclusion_probes()
CONSISTENCY = load_consistency_probes()


def test_the_empty_tree_is_the_hash_of_nothing() -> None:
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == TREE.roots[0] == root([])
    assert MerkleTree().root() == EMPTY_ROOT


def test_leaf_hashes_are_the_reference_level_zero() -> None:
    assert tuple(LEAF_HASHES) == TREE.node_hashes[0]


@pytest.mark.parametrize("size", range(9))
def test_roots_of_every_prefix(size: int) -> None:
    assert root(LEAF_HASHES[:size]) == TREE.roots[size]
    assert MerkleTree(LEAF_HASHES).root(size) == TREE.roots[size]


def test_appending_one_leaf_at_a_time_gives_every_reference_root() -> None:
    tree = MerkleTree()
    for size, leaf_hash in enumerate(LEAF_HASHES, start=1):
        assert tree.append(leaf_hash) == size - 1
        assert tree.root() == TREE.roots[size]
    assert [tree.root(size) for size in range(9)] == list(TREE.roots)


def test_complete_subtrees_are_the_reference_node_hashes() -> None:
    tree = MerkleTree(LEAF_HASHES)
    for level, hashes in enumerate(TREE.node_hashes):
        width = 1 << level
        for i, expected in enumerate(hashes):
            assert MerkleTree(LEAF_HASHES[i * width : (i + 1) * width]).root() == expected
        assert tree.root(width) == hashes[0]


@pytest.mark.parametrize(("index", "size", "path"), TREE.inclusion)
def test_reference_inclusion_paths(index: int, size: int, path: tuple[bytes, ...]) -> None:
    assert inclusion_proof(LEAF_HASHES, index, size) == list(path)
    assert MerkleTree(LEAF_HASHES).inclusion_proof(index, size) == list(path)
    verify_inclusion(LEAF_HASHES[index], index, size, path, TREE.roots[size])


@pytest.mark.parametrize(("old", "new", "proof"), TREE.consistency)
def test_reference_consistency_proofs(old: int, new: int, proof: tuple[bytes, ...]) -> None:
    assert consistency_proof(LEAF_HASHES, old, new) == list(proof)
    assert MerkleTree(LEAF_HASHES).consistency_proof(old, new) == list(proof)
    verify_consistency(old, new, TREE.roots[old], TREE.roots[new], proof)


@pytest.mark.parametrize("probe", INCLUSION, ids=[p.file.removeprefix("testdata/") for p in INCLUSION])
def test_inclusion_probes(probe: InclusionProbe) -> None:
    def check() -> None:
        verify_inclusion(probe.leaf_hash, probe.leaf_index, probe.tree_size, probe.proof, probe.root)

    if probe.want_error:
        with pytest.raises(InvalidProof):
            check()
    else:
        check()


@pytest.mark.parametrize("probe", CONSISTENCY, ids=[p.file.removeprefix("testdata/") for p in CONSISTENCY])
def test_consistency_probes(probe: ConsistencyProbe) -> None:
    def check() -> None:
        verify_consistency(probe.size1, probe.size2, probe.root1, probe.root2, probe.proof)

    if probe.want_error:
        with pytest.raises(InvalidProof):
            check()
    else:
        check()


def test_the_probes_were_all_loaded() -> None:
    assert len(INCLUSION) == 98 and len(CONSISTENCY) == 98
    assert sum(not p.want_error for p in INCLUSION) == 6  # five happy paths and one single entry
    assert sum(not p.want_error for p in CONSISTENCY) == 6  # five happy paths and equal sizes


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((0, 8, TREE.roots[8], TREE.roots[8], []), "proof.sizes"),
        ((9, 8, TREE.roots[8], TREE.roots[8], []), "proof.sizes"),
        ((4, 8, TREE.roots[4], TREE.roots[8], []), "proof.empty"),
        ((8, 8, TREE.roots[8], TREE.roots[7], []), "proof.root_mismatch"),
        ((8, 8, TREE.roots[8], TREE.roots[8], [TREE.roots[1]]), "proof.too_long"),
    ],
)
def test_consistency_reasons(args: tuple[int, int, bytes, bytes, list[bytes]], reason: str) -> None:
    with pytest.raises(InvalidProof) as caught:
        verify_consistency(*args)
    assert caught.value.reason == reason


def test_inclusion_reasons() -> None:
    tree = MerkleTree(LEAF_HASHES)
    path = tree.inclusion_proof(5)
    cases = [
        ((LEAF_HASHES[5], 8, 8, path, TREE.roots[8]), "proof.index"),
        ((LEAF_HASHES[5], 5, 8, path[:-1], TREE.roots[8]), "proof.too_short"),
        ((LEAF_HASHES[5], 5, 8, [*path, path[0]], TREE.roots[8]), "proof.too_long"),
        ((LEAF_HASHES[5][:31], 5, 8, path, TREE.roots[8]), "proof.malformed"),
        ((LEAF_HASHES[4], 5, 8, path, TREE.roots[8]), "proof.root_mismatch"),
    ]
    for args, reason in cases:
        with pytest.raises(InvalidProof) as caught:
            verify_inclusion(*args)
        assert caught.value.reason == reason, args


def test_proofs_are_refused_outside_the_tree() -> None:
    tree = MerkleTree(LEAF_HASHES)
    for call in (
        lambda: tree.inclusion_proof(8),
        lambda: tree.inclusion_proof(0, 9),
        lambda: tree.consistency_proof(0, 8),
        lambda: tree.consistency_proof(5, 4),
        lambda: tree.root(9),
        lambda: tree.append(b"short"),
        lambda: MerkleTree([b"x" * 33]),
    ):
        with pytest.raises(ValueError):
            call()
