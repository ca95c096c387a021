"""Proofs as values that travel: an entry is in a log, a later head extends an earlier one.

JSON forms (bytes in standard base64)::

    {"format": "kofu-inclusion/1", "log_id": "centre", "leaf_index": 17, "tree_size": 120,
     "leaf_hash": "…", "path": ["…", …]}                  the sibling nearest the leaf first

    {"format": "kofu-consistency/1", "log_id": "centre", "old_size": 100, "new_size": 120,
     "path": ["…", …]}

A proof says nothing by itself: `check_proof` and `check_consistency` check it against the
owner's signed heads (signature first), so a proof is only as good as the head it leads to.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from kofu.ledger._fields import b64, integer, one_line, string, unb64
from kofu.ledger.errors import InvalidProof
from kofu.ledger.heads import SignedTreeHead, TreeHead, verify_head
from kofu.ledger.merkle import MerkleTree, hash_leaf, verify_consistency, verify_inclusion

INCLUSION_FORMAT = "kofu-inclusion/1"
CONSISTENCY_FORMAT = "kofu-consistency/1"


@dataclass(frozen=True)
class InclusionProof:
    """The audit path of one leaf in the tree of a log at one size."""

    log_id: str
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    path: tuple[bytes, ...]

    def as_dict(self) -> dict[str, Any]:
        """The proof as JSON-ready data."""
        return {
            "format": INCLUSION_FORMAT,
            "log_id": self.log_id,
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "leaf_hash": b64(self.leaf_hash),
            "path": [b64(node) for node in self.path],
        }

    def to_json(self) -> str:
        """The proof as one line of JSON (keys sorted)."""
        return one_line(self.as_dict())

    @classmethod
    def from_json(cls, text: str | bytes | Mapping[str, Any]) -> InclusionProof:
        """Read a proof from `to_json` text or `as_dict` data; raises `InvalidProof` (``proof.malformed``)."""
        data = _load(text, INCLUSION_FORMAT)
        try:
            return cls(
                log_id=string(data["log_id"]),
                leaf_index=integer(data["leaf_index"]),
                tree_size=integer(data["tree_size"]),
                leaf_hash=unb64(data["leaf_hash"]),
                path=tuple(unb64(node) for node in data["path"]),
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise InvalidProof("proof.malformed", f"not an inclusion proof: {exc}") from exc


@dataclass(frozen=True)
class ConsistencyProof:
    """The proof that a log's tree at ``old_size`` is a prefix of its tree at ``new_size``."""

    log_id: str
    old_size: int
    new_size: int
    path: tuple[bytes, ...]

    def as_dict(self) -> dict[str, Any]:
        """The proof as JSON-ready data."""
        return {
            "format": CONSISTENCY_FORMAT,
            "log_id": self.log_id,
            "old_size": self.old_size,
            "new_size": self.new_size,
            "path": [b64(node) for node in self.path],
        }

    def to_json(self) -> str:
        """The proof as one line of JSON (keys sorted)."""
        return one_line(self.as_dict())

    @classmethod
    def from_json(cls, text: str | bytes | Mapping[str, Any]) -> ConsistencyProof:
        """Read a proof from `to_json` text or `as_dict` data; raises `InvalidProof` (``proof.malformed``)."""
        data = _load(text, CONSISTENCY_FORMAT)
        try:
            return cls(
                log_id=string(data["log_id"]),
                old_size=integer(data["old_size"]),
                new_size=integer(data["new_size"]),
                path=tuple(unb64(node) for node in data["path"]),
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise InvalidProof("proof.malformed", f"not a consistency proof: {exc}") from exc


def _tree(leaves: MerkleTree | Sequence[bytes]) -> MerkleTree:
    return leaves if isinstance(leaves, MerkleTree) else MerkleTree(leaves)


def prove(
    leaves: MerkleTree | Sequence[bytes], index: int, *, log_id: str, tree_size: int | None = None
) -> InclusionProof:
    """The inclusion proof of leaf ``index`` at ``tree_size`` (the whole log by default).

    ``leaves`` is the log's column of leaf hashes, or better a `MerkleTree` kept over it (a
    list costs O(n) to hash, a tree O(log n)).
    """
    tree = _tree(leaves)
    size = len(tree) if tree_size is None else tree_size
    path = tree.inclusion_proof(index, size)
    return InclusionProof(log_id, index, size, tree.leaf_hash(index), tuple(path))


def check_proof(
    proof: InclusionProof,
    sth: SignedTreeHead,
    public_key: ec.EllipticCurvePublicKey,
    *,
    leaf: bytes | None = None,
) -> TreeHead:
    """Check ``proof`` against the owner's signed head at the same size; return that head.

    Given ``leaf`` (the entry's bytes, see `kofu.ledger.log.leaf_bytes`), also check that the
    proof is about it. Raises `InvalidHead` for the head, `InvalidProof` (``proof.log_id``,
    ``proof.head_size``, ``proof.leaf`` or one of `verify_inclusion`'s reasons) for the proof.
    """
    head = verify_head(public_key, sth)
    if proof.log_id != head.log_id:
        raise InvalidProof("proof.log_id", f"a proof for log {proof.log_id!r}, a head of {head.log_id!r}")
    if proof.tree_size != head.tree_size:
        raise InvalidProof(
            "proof.head_size", f"a proof at size {proof.tree_size}, a head at {head.tree_size}"
        )
    if leaf is not None and hash_leaf(leaf) != proof.leaf_hash:
        raise InvalidProof("proof.leaf", f"the proof of leaf {proof.leaf_index} is about another entry")
    verify_inclusion(proof.leaf_hash, proof.leaf_index, proof.tree_size, proof.path, head.root_hash)
    return head


def prove_consistency(
    leaves: MerkleTree | Sequence[bytes], old_size: int, *, log_id: str, new_size: int | None = None
) -> ConsistencyProof:
    """The consistency proof from ``old_size`` to ``new_size`` (the whole log by default)."""
    tree = _tree(leaves)
    size = len(tree) if new_size is None else new_size
    return ConsistencyProof(log_id, old_size, size, tuple(tree.consistency_proof(old_size, size)))


def check_consistency(
    proof: ConsistencyProof,
    old: SignedTreeHead,
    new: SignedTreeHead,
    public_key: ec.EllipticCurvePublicKey,
) -> None:
    """Check that two signed heads of one log are consistent, by ``proof``.

    Raises `InvalidHead` for either head and `InvalidProof` (``proof.log_id``,
    ``proof.head_size`` or one of `verify_consistency`'s reasons): a proof that fails between
    two well-signed heads is a fork, or a wrong proof.
    """
    old_head = verify_head(public_key, old, log_id=proof.log_id)
    new_head = verify_head(public_key, new, log_id=proof.log_id)
    if (proof.old_size, proof.new_size) != (old_head.tree_size, new_head.tree_size):
        raise InvalidProof(
            "proof.head_size",
            f"a proof from {proof.old_size} to {proof.new_size}, "
            f"heads at {old_head.tree_size} and {new_head.tree_size}",
        )
    verify_consistency(proof.old_size, proof.new_size, old_head.root_hash, new_head.root_hash, proof.path)


def _load(text: str | bytes | Mapping[str, Any], fmt: str) -> Mapping[str, Any]:
    if isinstance(text, Mapping):
        data: object = text
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InvalidProof("proof.malformed", f"not JSON: {exc}") from exc
    if not isinstance(data, Mapping) or data.get("format") != fmt:
        raise InvalidProof("proof.malformed", f"not a {fmt} object")
    return data
