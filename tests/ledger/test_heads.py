"""Signed tree heads: the signed bytes, the signature, the JSON form, and each way they fail."""

from __future__ import annotations

import base64
import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from kofu.ledger import (
    InvalidHead,
    MerkleTree,
    SignedTreeHead,
    TreeHead,
    hash_leaf,
    head_of,
    key_id,
    sign_head,
    verify_head,
)

KEY = ec.generate_private_key(ec.SECP256R1())
OTHER = ec.generate_private_key(ec.SECP256R1())
MOMENT = datetime(2026, 12, 28, 6, 5, 0, 123456, tzinfo=UTC)
ROOT = bytes(range(32))


def head(size: int = 120, log_id: str = "centre") -> TreeHead:
    return TreeHead(log_id=log_id, tree_size=size, root_hash=ROOT, timestamp=MOMENT)


def reason(call: object) -> str:
    assert callable(call)
    with pytest.raises(InvalidHead) as caught:
        call()
    return caught.value.reason


def test_the_signed_bytes_are_the_documented_ones() -> None:
    micros = 1_798_437_900_123_456  # 2026-12-28T06:05:00.123456Z
    assert (MOMENT - datetime(1970, 1, 1, tzinfo=UTC)) == timedelta(microseconds=micros)
    expected = (
        b"kofu-sth-v1"
        + b"\x00\x00\x00\x06centre"
        + b"\x00\x00\x00\x08"
        + (120).to_bytes(8, "big")
        + b"\x00\x00\x00\x20"
        + ROOT
        + b"\x00\x00\x00\x08"
        + micros.to_bytes(8, "big")
    )
    assert head().encode() == expected


def test_every_field_changes_the_signed_bytes() -> None:
    base = head()
    changed = [
        dataclasses.replace(base, log_id="city:131016"),
        dataclasses.replace(base, tree_size=121),
        dataclasses.replace(base, root_hash=bytes(32)),
        dataclasses.replace(base, timestamp=MOMENT + timedelta(microseconds=1)),
    ]
    assert len({base.encode(), *(h.encode() for h in changed)}) == 5


def test_timestamps_are_aware_and_kept_in_utc() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        TreeHead("centre", 1, ROOT, datetime(2026, 12, 28, 15, 5))
    jst = dataclasses.replace(head(), timestamp=MOMENT.astimezone(timezone(timedelta(hours=9))))
    assert jst.timestamp.tzinfo is UTC and jst == head() and jst.encode() == head().encode()


def test_a_head_is_well_formed() -> None:
    for bad in (
        lambda: TreeHead("", 1, ROOT, MOMENT),
        lambda: TreeHead("centre", -1, ROOT, MOMENT),
        lambda: TreeHead("centre", 1, ROOT[:31], MOMENT),
    ):
        with pytest.raises(ValueError):
            bad()


def test_sign_verify_and_json_round_trip() -> None:
    sth = sign_head(KEY, head())
    assert sth.key_id == key_id(KEY.public_key()) and len(sth.key_id) == 16
    assert verify_head(KEY.public_key(), sth, log_id="centre") == head()
    text = sth.to_json()
    data = json.loads(text)
    assert data["format"] == "kofu-sth/1" and data["timestamp"] == "2026-12-28T06:05:00.123456+00:00"
    again = SignedTreeHead.from_json(text)
    assert again == sth and SignedTreeHead.from_dict(sth.as_dict()) == sth
    assert verify_head(KEY.public_key(), again) == head()


def test_head_of_a_tree_takes_its_time_from_the_clock_given() -> None:
    tree = MerkleTree([hash_leaf(b"a"), hash_leaf(b"b"), hash_leaf(b"c")])
    made = head_of("centre", tree, size=2, clock=lambda: MOMENT)
    assert made == TreeHead("centre", 2, tree.root(2), MOMENT)
    assert head_of("centre", tree).timestamp.tzinfo is UTC  # the default clock: now, in UTC


def test_a_head_altered_after_signing_fails_its_signature() -> None:
    sth = sign_head(KEY, head())
    data = sth.as_dict()
    data["root_hash"] = base64.b64encode(bytes(32)).decode()
    forged = SignedTreeHead.from_dict(data)
    assert reason(lambda: verify_head(KEY.public_key(), forged)) == "head.signature"
    bigger = dataclasses.replace(sth, head=dataclasses.replace(sth.head, tree_size=121))
    with pytest.raises(InvalidHead, match="head at size 121: bad signature"):
        verify_head(KEY.public_key(), bigger)


def test_a_head_of_another_key_or_log_is_refused() -> None:
    theirs = sign_head(OTHER, head())
    assert reason(lambda: verify_head(KEY.public_key(), theirs)) == "head.key"
    claiming = dataclasses.replace(theirs, key_id=key_id(KEY.public_key()))
    assert reason(lambda: verify_head(KEY.public_key(), claiming)) == "head.signature"
    city = sign_head(KEY, head(log_id="city:131016"))
    assert reason(lambda: verify_head(KEY.public_key(), city, log_id="centre")) == "head.log_id"


def test_only_p256_keys_sign_heads() -> None:
    with pytest.raises(ValueError, match="P-256"):
        sign_head(ec.generate_private_key(ec.SECP384R1()), head())


@pytest.mark.parametrize(
    "change",
    [
        {"format": "kofu-sth/2"},
        {"tree_size": "120"},
        {"tree_size": True},
        {"root_hash": "not base64!"},
        {"root_hash": "AAAA"},
        {"timestamp": "2026-12-28T15:05:00"},
        {"timestamp": 1798437900},
        {"log_id": None},
        {"signature": None},
    ],
)
def test_malformed_json_is_refused_with_a_reason(change: dict[str, object]) -> None:
    data = {**sign_head(KEY, head()).as_dict(), **change}
    assert reason(lambda: SignedTreeHead.from_json(json.dumps(data))) == "head.malformed"


def test_not_a_head_at_all() -> None:
    for text in ("", "[]", "{", '{"format": "kofu-sth/1"}'):
        assert reason(lambda text=text: SignedTreeHead.from_json(text)) == "head.malformed"
