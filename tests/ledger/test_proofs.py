"""Inclusion and consistency proofs as values: JSON round trip, and checked against signed heads."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from kofu.ledger import (
    ConsistencyProof,
    InclusionProof,
    InvalidHead,
    InvalidProof,
    MerkleTree,
    check_consistency,
    check_proof,
    hash_leaf,
    head_of,
    prove,
    prove_consistency,
    sign_head,
)

KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC = KEY.public_key()
MOMENT = datetime(2026, 12, 28, 6, 5, tzinfo=UTC)
ENTRIES = [f'{{"city":"131016","fee":200,"order_id":"O-{i:04d}"}}'.encode() for i in range(120)]
LEAVES = [hash_leaf(entry) for entry in ENTRIES]
TREE = MerkleTree(LEAVES)


def proof_reason(call: object) -> str:
    assert callable(call)
    with pytest.raises(InvalidProof) as caught:
        call()
    return caught.value.reason


def test_an_inclusion_proof_travels_as_json_and_checks_against_the_head() -> None:
    proof = prove(TREE, 17, log_id="centre", tree_size=100)
    assert proof == prove(LEAVES, 17, log_id="centre", tree_size=100)  # from the bare column too
    data = json.loads(proof.to_json())
    assert data["format"] == "kofu-inclusion/1" and data["leaf_index"] == 17 and data["tree_size"] == 100
    again = InclusionProof.from_json(proof.to_json())
    assert again == proof == InclusionProof.from_json(proof.as_dict())
    sth = sign_head(KEY, head_of("centre", TREE, size=100, clock=lambda: MOMENT))
    assert check_proof(again, sth, PUBLIC, leaf=ENTRIES[17]).tree_size == 100


def test_an_inclusion_proof_fails_for_another_entry_head_or_log() -> None:
    proof = prove(TREE, 17, log_id="centre", tree_size=100)
    at_100 = sign_head(KEY, head_of("centre", TREE, size=100, clock=lambda: MOMENT))
    at_120 = sign_head(KEY, head_of("centre", TREE, clock=lambda: MOMENT))
    assert proof_reason(lambda: check_proof(proof, at_100, PUBLIC, leaf=ENTRIES[18])) == "proof.leaf"
    assert proof_reason(lambda: check_proof(proof, at_120, PUBLIC)) == "proof.head_size"
    city = sign_head(KEY, head_of("city:131016", TREE, size=100, clock=lambda: MOMENT))
    assert proof_reason(lambda: check_proof(proof, city, PUBLIC)) == "proof.log_id"
    moved = dataclasses.replace(proof, leaf_index=16)
    assert proof_reason(lambda: check_proof(moved, at_100, PUBLIC)) == "proof.root_mismatch"
    cut = dataclasses.replace(proof, path=proof.path[:-1])
    assert proof_reason(lambda: check_proof(cut, at_100, PUBLIC)) == "proof.too_short"


def test_a_proof_is_no_better_than_its_head() -> None:
    proof = prove(TREE, 17, log_id="centre", tree_size=100)
    sth = sign_head(KEY, head_of("centre", TREE, size=100, clock=lambda: MOMENT))
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    with pytest.raises(InvalidHead) as caught:
        check_proof(proof, sth, other)
    assert caught.value.reason == "head.key"


def test_a_consistency_proof_between_two_signed_heads() -> None:
    proof = prove_consistency(TREE, 100, log_id="centre")
    assert (proof.old_size, proof.new_size) == (100, 120)
    assert ConsistencyProof.from_json(proof.to_json()) == proof
    old = sign_head(KEY, head_of("centre", TREE, size=100, clock=lambda: MOMENT))
    new = sign_head(KEY, head_of("centre", TREE, clock=lambda: MOMENT))
    check_consistency(proof, old, new, PUBLIC)
    assert proof_reason(lambda: check_consistency(proof, new, new, PUBLIC)) == "proof.head_size"


def test_two_heads_of_a_forked_log_are_not_consistent() -> None:
    rewritten = list(LEAVES)
    rewritten[60] = hash_leaf(b"another entry")
    fork = MerkleTree(rewritten)
    old = sign_head(KEY, head_of("centre", TREE, size=100, clock=lambda: MOMENT))
    new = sign_head(KEY, head_of("centre", fork, clock=lambda: MOMENT))
    for proof in (
        prove_consistency(TREE, 100, log_id="centre"),
        prove_consistency(fork, 100, log_id="centre"),
    ):
        with pytest.raises(InvalidProof):
            check_consistency(proof, old, new, PUBLIC)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        '{"format": "kofu-consistency/1"}',
        json.dumps({**prove(TREE, 1, log_id="centre").as_dict(), "leaf_index": "1"}),
        json.dumps({**prove(TREE, 1, log_id="centre").as_dict(), "path": ["%%"]}),
        json.dumps({**prove(TREE, 1, log_id="centre").as_dict(), "path": None}),
    ],
)
def test_malformed_proofs_are_refused_with_a_reason(text: str) -> None:
    assert proof_reason(lambda: InclusionProof.from_json(text)) == "proof.malformed"
