"""Merkle trees exactly as RFC 9162 §2.1 (the hashing of RFC 6962), over leaf hashes.

    leaf hash   SHA-256(0x00 || data)
    node hash   SHA-256(0x01 || left || right)
    MTH({})     SHA-256("")
    MTH(D[n])   node hash of MTH(D[0:k]) and MTH(D[k:n]), k the largest power of two below n

Everything takes leaf *hashes*, so a log keeps one column of them and never rereads its rows.
`MerkleTree` appends in O(1) amortised and keeps every complete subtree's hash (one
``bytearray`` per level, ~64 bytes per leaf); a root or proof at any past size costs O(log n).
The module functions `root`, `inclusion_proof`, `consistency_proof` build such a tree first,
in O(n): keep a `MerkleTree` to ask more than one question of the same leaves.

A log that only appends need not keep the tree: its *frontier* — the roots of the complete
subtrees along the right edge, one per set bit of the size, largest first (at most log2(n)
hashes; the "compact range" of transparency-dev/merkle) — gives the root (`frontier_root`) and
takes more leaves (`extend_frontier`) without the leaves before it. `MerkleTree.frontier`
gives a tree's at any size.

The verifiers are the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, step by step; they raise
`InvalidProof` with a reason and return nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

from kofu.ledger.errors import InvalidProof

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def hash_leaf(data: bytes) -> bytes:
    """The leaf hash of one entry: SHA-256(0x00 || data)."""
    return _sha256(b"\x00" + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hashes(hashes: Iterable[bytes], what: str) -> None:
    for value in hashes:
        if not isinstance(value, bytes) or len(value) != HASH_SIZE:
            raise ValueError(f"{what} must be {HASH_SIZE} bytes, not {value!r:.80}")


class MerkleTree:
    """An append-only Merkle tree that keeps the hash of every complete subtree.

    Level k is a ``bytearray`` of 32-byte hashes: entry i is the root of the complete subtree
    over leaves [i·2^k, (i+1)·2^k). Level 0 is the leaf hashes themselves. Every node the RFC's
    recursion needs for a tree of any size up to ``len(self)`` is either one of these or is
    combined from O(log n) of them.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        """A tree over ``leaf_hashes`` (32 bytes each), built in O(n)."""
        self._levels: list[bytearray] = [bytearray()]
        self.extend(leaf_hashes)

    def __len__(self) -> int:
        """The number of leaves."""
        return len(self._levels[0]) // HASH_SIZE

    def append(self, leaf_hash: bytes) -> int:
        """Add one leaf hash at the end; return its index. O(1) amortised."""
        _check_hashes((leaf_hash,), "a leaf hash")
        levels = self._levels
        levels[0] += leaf_hash
        index = len(self) - 1
        count, level = index + 1, 0
        while count & 1 == 0:  # this leaf completed a subtree one level up
            node = _sha256(b"\x01" + levels[level][-2 * HASH_SIZE :]).digest()
            level += 1
            if level == len(levels):
                levels.append(bytearray())
            levels[level] += node
            count >>= 1
        return index

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Add many leaf hashes at the end, hashing each new level in one pass."""
        hashes = list(leaf_hashes)
        _check_hashes(hashes, "a leaf hash")
        levels = self._levels
        levels[0] += b"".join(hashes)
        level = 0
        while True:
            below = levels[level]
            want = len(below) // (2 * HASH_SIZE)
            if level + 1 == len(levels):
                if want == 0:
                    return
                levels.append(bytearray())
            have = len(levels[level + 1]) // HASH_SIZE
            if want == have:
                return
            pairs = bytes(below[2 * HASH_SIZE * have : 2 * HASH_SIZE * want])
            levels[level + 1] += b"".join(
                [
                    _sha256(b"\x01" + pairs[i : i + 2 * HASH_SIZE]).digest()
                    for i in range(0, len(pairs), 2 * HASH_SIZE)
                ]
            )
            level += 1

    def leaf_hash(self, index: int) -> bytes:
        """The leaf hash at ``index``."""
        if not 0 <= index < len(self):
            raise ValueError(f"leaf {index} is not in a tree of {len(self)} leaves")
        return bytes(self._levels[0][index * HASH_SIZE : (index + 1) * HASH_SIZE])

    def _size(self, size: int | None) -> int:
        if size is None:
            return len(self)
        if not 0 <= size <= len(self):
            raise ValueError(f"size {size} is not within a tree of {len(self)} leaves")
        return size

    def _node(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) for a node of the RFC's recursion (hi <= len(self))."""
        n = hi - lo
        if n & (n - 1) == 0:  # complete, hence aligned: lo is a multiple of n
            level = n.bit_length() - 1
            at = (lo >> level) * HASH_SIZE
            return bytes(self._levels[level][at : at + HASH_SIZE])
        k = _split(n)
        return hash_children(self._node(lo, lo + k), self._node(lo + k, hi))

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (all of them by default). O(log n)."""
        size = self._size(size)
        return self._node(0, size) if size else EMPTY_ROOT

    def frontier(self, size: int | None = None) -> list[bytes]:
        """The frontier of the first ``size`` leaves (see the module's docstring). O(log n)."""
        size = self._size(size)
        out, lo = [], 0
        for level in reversed(range(size.bit_length())):
            if size >> level & 1:
                out.append(self._node(lo, lo + (1 << level)))
                lo += 1 << level
        return out

    def root_with(self, size: int, replaced: Mapping[int, bytes]) -> bytes:
        """The root at ``size`` had the leaves in ``replaced`` (index → leaf hash) been others.

        O(len(replaced) · log n); the tree itself is not changed (used to test a suspicion).
        """
        size = self._size(size)
        marks = sorted(i for i in replaced if 0 <= i < size)

        def node(lo: int, hi: int) -> bytes:
            if not any(lo <= i < hi for i in marks):
                return self._node(lo, hi)
            if hi - lo == 1:
                return replaced[lo]
            k = _split(hi - lo)
            return hash_children(node(lo, lo + k), node(lo + k, hi))

        return node(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, the sibling nearest the leaf first."""
        size = self._size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf {index} is not in a tree of size {size}")
        path: list[bytes] = []
        lo, hi = 0, size
        while hi - lo > 1:
            k = _split(hi - lo)
            if index < lo + k:
                path.append(self._node(lo + k, hi))
                hi = lo + k
            else:
                path.append(self._node(lo, lo + k))
                lo += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1; empty when the sizes are equal."""
        new_size = self._size(new_size)
        if not 0 < old_size <= new_size:
            raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
        path: list[bytes] = []
        lo, hi, m, whole = 0, new_size, old_size, True  # m counts from lo
        while m != hi - lo:
            k = _split(hi - lo)
            if m <= k:
                path.append(self._node(lo + k, hi))
                hi = lo + k
            else:
                path.append(self._node(lo, lo + k))
                lo, m, whole = lo + k, m - k, False
        if not whole:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
            path.append(self._node(lo, hi))
        path.reverse()
        return path


def _check_frontier(frontier: Sequence[bytes], size: int) -> None:
    if size < 0 or len(frontier) != size.bit_count():
        raise ValueError(
            f"a frontier of size {size} has {max(size, 0).bit_count()} hashes, not {len(frontier)}"
        )
    _check_hashes(frontier, "a frontier hash")


def frontier_root(frontier: Sequence[bytes], size: int) -> bytes:
    """MTH of the tree of ``size`` leaves whose frontier is ``frontier``. O(log n)."""
    _check_frontier(frontier, size)
    if not frontier:
        return EMPTY_ROOT
    node = frontier[-1]
    for left in reversed(frontier[:-1]):  # MTH(D[n]) = H(MTH(D[0:k]), MTH(D[k:n])), k the largest
        node = hash_children(left, node)
    return node


def extend_frontier(frontier: Sequence[bytes], size: int, leaf_hashes: Iterable[bytes]) -> list[bytes]:
    """The frontier once ``leaf_hashes`` are appended to the tree of ``size`` leaves whose
    frontier is ``frontier``. O(m) for m new leaves (amortised), whatever the size."""
    _check_frontier(frontier, size)
    out = list(frontier)
    for leaf_hash in leaf_hashes:
        _check_hashes((leaf_hash,), "a leaf hash")
        out.append(leaf_hash)
        carry = size
        while carry & 1:  # the new leaf completes a subtree with each complete one to its left
            right = out.pop()
            out[-1] = _sha256(b"\x01" + out[-1] + right).digest()
            carry >>= 1
        size += 1
    return out


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over ``leaf_hashes``; SHA-256("") when there are none. O(n)."""
    return MerkleTree(leaf_hashes).root()


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int, tree_size: int | None = None) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of the first ``tree_size`` leaf hashes. O(n)."""
    size = len(leaf_hashes) if tree_size is None else tree_size
    return MerkleTree(leaf_hashes[:size]).inclusion_proof(index)


def consistency_proof(
    leaf_hashes: Sequence[bytes], old_size: int, new_size: int | None = None
) -> list[bytes]:
    """The proof that the tree of ``old_size`` leaves is a prefix of the tree of ``new_size``. O(n)."""
    size = len(leaf_hashes) if new_size is None else new_size
    return MerkleTree(leaf_hashes[:size]).consistency_proof(old_size)


def _check_proof_hashes(proof: Sequence[bytes], leaf_hash: bytes | None = None) -> None:
    for what, value in [("the leaf hash", leaf_hash), *(("a proof element", p) for p in proof)]:
        if value is not None and len(value) != HASH_SIZE:
            raise InvalidProof("proof.malformed", f"{what} is {len(value)} bytes, not 32")


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``tree_size`` with ``root``.

    RFC 9162 §2.1.3.2. Raises `InvalidProof` (``proof.index``, ``proof.malformed``,
    ``proof.too_long``, ``proof.too_short``, ``proof.root_mismatch``).
    """
    if not 0 <= index < tree_size:
        raise InvalidProof("proof.index", f"leaf index {index} is not below tree size {tree_size}")
    _check_proof_hashes(proof, leaf_hash)
    fn, sn, r = index, tree_size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise InvalidProof(
                "proof.too_long", f"more than the path of leaf {index} in a tree of {tree_size}"
            )
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = hash_children(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise InvalidProof("proof.too_short", f"less than the path of leaf {index} in a tree of {tree_size}")
    if r != root:
        raise InvalidProof("proof.root_mismatch", f"the path of leaf {index} leads to another root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree (``old_size``, ``old_root``) is a prefix of (``new_size``, ``new_root``).

    RFC 9162 §2.1.4.2 for 0 < old_size < new_size. Equal sizes need an empty proof and equal
    roots; an old size of 0 proves nothing and is refused, as the reference implementation
    (transparency-dev/merkle) does. Raises `InvalidProof` (``proof.sizes``, ``proof.empty``,
    ``proof.malformed``, ``proof.too_long``, ``proof.too_short``, ``proof.old_root_mismatch``,
    ``proof.root_mismatch``).
    """
    if not 0 < old_size <= new_size:
        raise InvalidProof("proof.sizes", f"no consistency proof from size {old_size} to size {new_size}")
    if old_size == new_size:
        if proof:
            raise InvalidProof("proof.too_long", "trees of equal size need an empty proof")
        if old_root != new_root:
            raise InvalidProof("proof.root_mismatch", f"two different roots for size {old_size}")
        return
    if not proof:
        raise InvalidProof("proof.empty", f"no proof from size {old_size} to size {new_size}")
    _check_proof_hashes(proof)
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise InvalidProof("proof.too_long", f"more than the proof from {old_size} to {new_size}")
        if fn & 1 or fn == sn:
            fr, sr = hash_children(c, fr), hash_children(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = hash_children(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise InvalidProof("proof.too_short", f"less than the proof from {old_size} to {new_size}")
    if fr != old_root:
        raise InvalidProof("proof.old_root_mismatch", f"the proof does not lead to the root at {old_size}")
    if sr != new_root:
        raise InvalidProof("proof.root_mismatch", f"the proof does not lead to the root at {new_size}")
