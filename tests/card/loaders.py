"""Loaders for the card test vectors in ``tests/card/vectors`` (one loader per format)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kofu.card import cardfile
from kofu.card.state import CardState

VECTORS = Path(__file__).parent / "vectors"


@dataclass(frozen=True)
class TranscriptStep:
    """One APDU exchange: send ``apdu``, expect ``expect_sw`` and the data rule.

    ``expect_data`` is exact bytes; ``expect_len`` an exact length; both ``None`` means no data.
    """

    comment: str
    apdu: bytes
    expect_sw: int
    expect_data: bytes | None
    expect_len: int | None

    def check(self, response: bytes) -> str | None:
        """``None`` if ``response`` matches, else what differs."""
        data, sw = response[:-2], int.from_bytes(response[-2:], "big")
        if sw != self.expect_sw:
            return f"SW {sw:04X}, expected {self.expect_sw:04X}"
        if self.expect_data is not None and data != self.expect_data:
            return f"data {data.hex()} differs from expected {self.expect_data.hex()}"
        if self.expect_len is not None and len(data) != self.expect_len:
            return f"{len(data)} data bytes, expected {self.expect_len}"
        if self.expect_data is None and self.expect_len is None and data:
            return f"unexpected data {data.hex()}"
        return None


def _step(raw: object) -> TranscriptStep:
    if not isinstance(raw, dict) or set(raw) != {"comment", "apdu", "expect_sw", "expect_data"}:
        raise ValueError(f"bad transcript step: {raw!r}")
    sw = bytes.fromhex(raw["expect_sw"])
    if len(sw) != 2:
        raise ValueError(f"expect_sw must be 2 bytes: {raw!r}")
    expected = raw["expect_data"]
    data: bytes | None = None
    length: int | None = None
    if isinstance(expected, str) and expected.startswith("len:"):
        length = int(expected[4:])
    elif isinstance(expected, str):
        data = bytes.fromhex(expected)
    elif expected is not None:
        raise ValueError(f"expect_data must be hex, 'len:N' or null: {raw!r}")
    return TranscriptStep(
        comment=str(raw["comment"]),
        apdu=bytes.fromhex(raw["apdu"]),
        expect_sw=int.from_bytes(sw, "big"),
        expect_data=data,
        expect_len=length,
    )


@dataclass(frozen=True)
class Transcript:
    """Steps to run in order against a fresh copy of the card vector ``card`` (a file name in
    ``VECTORS``) whose memory takes ``storage_writes`` writes before every further write fails
    (``None``: no limit)."""

    card: str
    storage_writes: int | None
    steps: list[TranscriptStep]


def load_transcript(path: Path) -> Transcript:
    """Load an APDU transcript: ``{"card": ..., "storage_writes": ..., "steps": [...]}``."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or set(raw) != {"card", "storage_writes", "steps"}:
        raise ValueError("a transcript is an object with card, storage_writes and steps")
    card, writes, steps = raw["card"], raw["storage_writes"], raw["steps"]
    if not isinstance(card, str) or not card.endswith(".json") or Path(card).name != card:
        raise ValueError(f"card must name a vector file in {VECTORS}: {card!r}")
    if writes is not None and (isinstance(writes, bool) or not isinstance(writes, int) or writes < 0):
        raise ValueError(f"storage_writes must be null or a count: {writes!r}")
    if not isinstance(steps, list):
        raise ValueError("steps must be a JSON list")
    return Transcript(card=card, storage_writes=writes, steps=[_step(item) for item in steps])


def load_card(path: Path) -> CardState:
    """Load a card vector (the :class:`CardStore` JSON format)."""
    return cardfile.loads(path.read_text(encoding="utf-8"))
