"""Signed tree heads: the log owner's signed word of a log's size and root at a moment.

The signed bytes (`TreeHead.encode`), every integer big-endian::

    b"kofu-sth-v1"                          11 bytes: the format and its version
    u32 len || log_id                       UTF-8, at least one byte
    u32 8   || tree_size                    u64
    u32 32  || root_hash                    MTH of the first tree_size leaves (RFC 9162)
    u32 8   || timestamp                    i64, microseconds since 1970-01-01T00:00:00Z

Every field is length-prefixed, so no two heads share an encoding. The signature is ECDSA
P-256 with SHA-256 over those bytes, DER-encoded, by the log owner's key; ``key_id`` is the first
8 bytes of SHA-256 of the key's SubjectPublicKeyInfo (DER), in hex, as the seal's kid.

The JSON form (`to_json` / `from_json`), bytes in standard base64::

    {"format": "kofu-sth/1", "log_id": "centre", "tree_size": 120,
     "root_hash": "…", "timestamp": "2026-12-28T06:05:00.123456+00:00",
     "key_id": "0123456789abcdef", "signature": "…"}
"""

from __future__ import annotations

import binascii
import hashlib
import json
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from kofu.clock import now_utc
from kofu.ledger._fields import b64, one_line, string, unb64
from kofu.ledger.errors import InvalidHead
from kofu.ledger.merkle import HASH_SIZE, MerkleTree

PREFIX = b"kofu-sth-v1"
FORMAT = "kofu-sth/1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class TreeHead:
    """A log's size and root at a moment (an aware datetime, kept in UTC)."""

    log_id: str
    tree_size: int
    root_hash: bytes
    timestamp: datetime

    def __post_init__(self) -> None:
        if not self.log_id:
            raise ValueError("a tree head needs a log id")
        if self.tree_size < 0:
            raise ValueError(f"a tree size cannot be negative ({self.tree_size})")
        if len(self.root_hash) != HASH_SIZE:
            raise ValueError(f"a root hash is {HASH_SIZE} bytes, not {len(self.root_hash)}")
        if self.timestamp.tzinfo is None or self.timestamp.utcoffset() is None:
            raise ValueError("a tree head's timestamp must be timezone-aware")
        object.__setattr__(self, "timestamp", self.timestamp.astimezone(UTC))

    def encode(self) -> bytes:
        """The canonical bytes that are signed (see the module docstring)."""
        micros = (self.timestamp - _EPOCH) // _MICROSECOND
        fields = (
            self.log_id.encode("utf-8"),
            struct.pack(">Q", self.tree_size),
            self.root_hash,
            struct.pack(">q", micros),
        )
        return PREFIX + b"".join(struct.pack(">I", len(field)) + field for field in fields)


@dataclass(frozen=True)
class SignedTreeHead:
    """A tree head with its owner's signature and the id of the key that made it."""

    head: TreeHead
    key_id: str
    signature: bytes

    def as_dict(self) -> dict[str, Any]:
        """The head as JSON-ready data."""
        head = self.head
        return {
            "format": FORMAT,
            "log_id": head.log_id,
            "tree_size": head.tree_size,
            "root_hash": b64(head.root_hash),
            "timestamp": head.timestamp.isoformat(timespec="microseconds"),
            "key_id": self.key_id,
            "signature": b64(self.signature),
        }

    def to_json(self) -> str:
        """The head as one line of JSON (keys sorted)."""
        return one_line(self.as_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SignedTreeHead:
        """Read a head from `as_dict` data; raises `InvalidHead` (``head.malformed``)."""
        try:
            if data["format"] != FORMAT:
                raise InvalidHead("head.malformed", f"format {data['format']!r}, not {FORMAT!r}")
            size = data["tree_size"]
            if not isinstance(size, int) or isinstance(size, bool):
                raise InvalidHead("head.malformed", "tree_size is not an integer")
            head = TreeHead(
                log_id=string(data["log_id"]),
                tree_size=size,
                root_hash=unb64(data["root_hash"]),
                timestamp=datetime.fromisoformat(string(data["timestamp"])),
            )
            return cls(head=head, key_id=string(data["key_id"]), signature=unb64(data["signature"]))
        except InvalidHead:
            raise
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise InvalidHead("head.malformed", f"not a signed tree head: {exc}") from exc

    @classmethod
    def from_json(cls, text: str | bytes) -> SignedTreeHead:
        """Read a head from `to_json` text; raises `InvalidHead` (``head.malformed``)."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InvalidHead("head.malformed", f"not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise InvalidHead("head.malformed", "not a JSON object")
        return cls.from_dict(data)


def key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """The first 8 bytes of SHA-256 of the key's SubjectPublicKeyInfo, in hex."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).digest()[:8].hex()


def head_of(
    log_id: str, tree: MerkleTree, *, size: int | None = None, clock: Callable[[], datetime] = now_utc
) -> TreeHead:
    """The head of ``tree`` (at ``size``, all of it by default), stamped by ``clock``."""
    size = len(tree) if size is None else size
    return TreeHead(log_id=log_id, tree_size=size, root_hash=tree.root(size), timestamp=clock())


def sign_head(key: ec.EllipticCurvePrivateKey, head: TreeHead) -> SignedTreeHead:
    """Sign ``head`` with the log owner's P-256 key (ECDSA, SHA-256)."""
    if not isinstance(key.curve, ec.SECP256R1):
        raise ValueError(f"tree heads are signed with P-256, not {key.curve.name}")
    signature = key.sign(head.encode(), ec.ECDSA(hashes.SHA256()))
    return SignedTreeHead(head=head, key_id=key_id(key.public_key()), signature=signature)


def verify_head(
    public_key: ec.EllipticCurvePublicKey, sth: SignedTreeHead, *, log_id: str | None = None
) -> TreeHead:
    """Check the owner's signature on ``sth`` (and its log, if given); return the head.

    Raises `InvalidHead`: ``head.log_id`` (a head of another log), ``head.key`` (made with
    another key than ``public_key``), ``head.signature`` (the signature does not match the head:
    forged, or altered after signing).
    """
    head = sth.head
    if log_id is not None and head.log_id != log_id:
        raise InvalidHead(
            "head.log_id", f"head at size {head.tree_size} is of log {head.log_id!r}, not {log_id!r}"
        )
    expected = key_id(public_key)
    if sth.key_id != expected:
        raise InvalidHead(
            "head.key", f"head at size {head.tree_size} names key {sth.key_id}, not the log's key {expected}"
        )
    try:
        public_key.verify(sth.signature, head.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise InvalidHead("head.signature", f"head at size {head.tree_size}: bad signature") from exc
    return head
