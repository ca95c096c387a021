"""What a million leaves cost: printed, not asserted (the machine is shared)."""

from __future__ import annotations

import time

import pytest

from kofu.ledger import MerkleTree, hash_leaf, inclusion_proof, verify_consistency, verify_inclusion

MILLION = 1_000_000


def test_a_million_leaves(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.perf_counter()
    leaf_hashes = [hash_leaf(i.to_bytes(8, "big")) for i in range(MILLION)]
    hashed = time.perf_counter() - started

    started = time.perf_counter()
    tree = MerkleTree()
    for leaf_hash in leaf_hashes:
        tree.append(leaf_hash)
    appended = time.perf_counter() - started

    started = time.perf_counter()
    loaded = MerkleTree(leaf_hashes)
    bulk = time.perf_counter() - started

    started = time.perf_counter()
    root = tree.root()
    rooted = time.perf_counter() - started

    index, old = 765_432, 654_321
    started = time.perf_counter()
    path = tree.inclusion_proof(index)
    included = time.perf_counter() - started

    started = time.perf_counter()
    proof = tree.consistency_proof(old)
    consistent = time.perf_counter() - started

    started = time.perf_counter()
    verify_inclusion(leaf_hashes[index], index, MILLION, path, root)
    verify_consistency(old, MILLION, tree.root(old), root, proof)
    verified = time.perf_counter() - started

    started = time.perf_counter()
    uncached = inclusion_proof(leaf_hashes, index)
    from_list = time.perf_counter() - started

    assert loaded.root() == root and uncached == path
    with capsys.disabled():
        print(
            f"\n1,000,000 leaves: leaf hashes {hashed:.2f} s; append one by one {appended:.2f} s "
            f"({appended / MILLION * 1e6:.2f} µs each), in bulk {bulk:.2f} s; root {rooted * 1e6:.0f} µs; "
            f"inclusion proof {included * 1e6:.0f} µs ({len(path)} hashes); consistency proof "
            f"{consistent * 1e6:.0f} µs ({len(proof)} hashes); both verified in {verified * 1e6:.0f} µs; "
            f"inclusion proof from the bare list of leaf hashes {from_list:.2f} s"
        )
