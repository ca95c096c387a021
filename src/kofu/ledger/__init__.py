"""kofu.ledger: append-only, tamper-evident logs as in Certificate Transparency (RFC 9162).

A pure library, shared by the centre (its history), each city (its issuance log) and the CLI:
no HTTP, no database, no actor. Its parts, each usable alone:

    merkle   RFC 9162 §2.1 hashing, `MerkleTree` (incremental, cached), a log's frontier,
             inclusion and consistency proofs and their verifiers, over leaf hashes
    heads    `TreeHead` and `SignedTreeHead`: the owner's signed word of size and root (ECDSA P-256)
    proofs   inclusion and consistency proofs as values with a JSON form, checked against heads
    log      `leaf_bytes` for a row's fields, and `verify_log`, which names each tampering
    errors   `LedgerError` → `InvalidProof`, `InvalidHead`
"""

from kofu.ledger.errors import InvalidHead, InvalidProof, LedgerError
from kofu.ledger.heads import SignedTreeHead, TreeHead, head_of, key_id, sign_head, verify_head
from kofu.ledger.log import Finding, LogVerdict, Row, leaf_bytes, verify_log
from kofu.ledger.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    consistency_proof,
    extend_frontier,
    frontier_root,
    hash_children,
    hash_leaf,
    inclusion_proof,
    root,
    verify_consistency,
    verify_inclusion,
)
from kofu.ledger.proofs import (
    ConsistencyProof,
    InclusionProof,
    check_consistency,
    check_proof,
    prove,
    prove_consistency,
)

__all__ = [
    "EMPTY_ROOT",
    "ConsistencyProof",
    "Finding",
    "InclusionProof",
    "InvalidHead",
    "InvalidProof",
    "LedgerError",
    "LogVerdict",
    "MerkleTree",
    "Row",
    "SignedTreeHead",
    "TreeHead",
    "check_consistency",
    "check_proof",
    "consistency_proof",
    "extend_frontier",
    "frontier_root",
    "hash_children",
    "hash_leaf",
    "head_of",
    "inclusion_proof",
    "key_id",
    "leaf_bytes",
    "prove",
    "prove_consistency",
    "root",
    "sign_head",
    "verify_consistency",
    "verify_head",
    "verify_inclusion",
    "verify_log",
]
