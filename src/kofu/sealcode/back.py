"""The back of each printed sheet: that page's complete certified content, signed by the city.

Each page of a document has one back payload — a CBOR map signed as a COSE_Sign1 (ES256, the
same seal key and kid as the front code)::

    0 version (1)     3 issue number     6 page count       9 pictures
    1 city code       4 issue date       7 [page width, height] (0.1 mm)
    2 document type   5 page number      8 texts

``texts`` are ``[x, y, size, text]`` in drawing order (x, y of the baseline in 0.1 mm from the
top-left corner, size in 0.1 pt) — every string the page shows, labels, values, headings and
the closing, so the content can be laid out again like the front. ``pictures`` are
``[kind, x, y, width, height, sha256, preview width, preview height, preview bits]``: the seal
impression's box, the SHA-256 of the image printed and a 1-bit bitmap of it.

On paper the signed message is base45(zlib(COSE)), cut into QR-sized parts::

    KOFUP1:<group>:<i>/<n>:<text>

``group`` is the first 8 hex digits of the SHA-256 of the whole text, so parts of several
pages or documents photographed together are told apart and a wrong assembly is caught. The
manifest (:mod:`kofu.sealcode.manifest`) holds the SHA-256 of each page's payload, so the
front code vouches for the backs as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec

from kofu.sealcode.code import (
    CoseSign1,
    SealError,
    _bytes32,
    _int,
    _str,
    check_text,
    decode_code,
    encode_code,
    parse_cose,
    sign_cose,
)
from kofu.sealcode.content import PageContent, Picture, TextRun

PREFIX = "KOFUP1:"
VERSION = 1
PART_CHARS = 950  # text per QR part: a version-22 symbol at level M, 0.45 mm a module ≈ 51 mm
_PART = re.compile(r"^KOFUP1:([0-9A-F]{8}):(\d{1,2})/(\d{1,2}):(.+)$", re.DOTALL)


@dataclass(frozen=True)
class BackPayload:
    """What the city signs for one page: which document and page, and the page's content."""

    city: str
    doc: str
    issue_number: str
    issue_date: dt.date
    pages: int
    content: PageContent

    def to_cbor(self) -> bytes:
        """The CBOR map that is signed."""
        c = self.content
        for run in c.texts:
            check_text(run.text)
        return cbor2.dumps(
            {
                0: VERSION,
                1: self.city,
                2: self.doc,
                3: self.issue_number,
                4: self.issue_date.isoformat(),
                5: c.number,
                6: self.pages,
                7: [_tenths(c.width), _tenths(c.height)],
                8: [[_tenths(r.x), _tenths(r.y), _tenths(r.size), r.text] for r in c.texts],
                9: [
                    [
                        p.kind,
                        _tenths(p.x),
                        _tenths(p.y),
                        _tenths(p.width),
                        _tenths(p.height),
                        bytes.fromhex(p.sha256),
                        p.preview_width,
                        p.preview_height,
                        p.preview,
                    ]
                    for p in c.pictures
                ],
            }
        )

    @classmethod
    def from_cbor(cls, data: bytes) -> BackPayload:
        """Parse a signed back payload; raise :class:`SealError` ``seal.payload.invalid``."""
        try:
            m = cbor2.loads(data)
            if not isinstance(m, dict) or m.get(0) != VERSION:
                raise ValueError("not a version-1 back payload")
            width, height = (_mm(v) for v in m[7])
            texts = tuple(TextRun(_mm(x), _mm(y), _mm(s), _str(t)) for x, y, s, t in m[8])
            pictures = tuple(
                Picture(_str(k), _mm(x), _mm(y), _mm(w), _mm(h), _bytes32(d).hex(), _int(pw), _int(ph), b)
                for k, x, y, w, h, d, pw, ph, b in m[9]
            )
            for p in pictures:
                if (
                    not isinstance(p.preview, bytes)
                    or len(p.preview) != (p.preview_width + 7) // 8 * p.preview_height
                ):
                    raise ValueError("picture preview malformed")
            number, pages = _int(m[5]), _int(m[6])
            if number > pages:
                raise ValueError("page number beyond the page count")
            return cls(
                city=_str(m[1]),
                doc=_str(m[2]),
                issue_number=_str(m[3]),
                issue_date=dt.date.fromisoformat(_str(m[4])),
                pages=pages,
                content=PageContent(number, width, height, texts, pictures),
            )
        except SealError:
            raise
        except Exception as exc:  # garbage must never escape as a crash
            raise SealError(f"not a back payload: {exc}", code="seal.payload.invalid") from exc

    def as_fields(self) -> dict[str, Any]:
        """Which document and page this is (labels in English, values as printed)."""
        return {
            "city": self.city,
            "document": self.doc,
            "issue_number": self.issue_number,
            "issue_date": self.issue_date.isoformat(),
            "page": self.content.number,
            "pages": self.pages,
        }


def _tenths(value: float) -> int:
    return round(value * 10)


def _mm(value: Any) -> float:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100_000:
        raise ValueError("position out of range")
    return value / 10


def payload_sha256(cose: bytes) -> bytes:
    """The SHA-256 of a signed back's payload (what the manifest lists)."""
    _kid, body, _message = parse_cose(cose)
    return hashlib.sha256(body).digest()


def sign_back(payload: BackPayload, key: ec.EllipticCurvePrivateKey, kid: bytes) -> bytes:
    """The COSE_Sign1 bytes of ``payload``."""
    return sign_cose(payload.to_cbor(), key, kid)


@dataclass(frozen=True)
class ParsedBack:
    """A decoded back payload, not yet checked against any key."""

    kid: bytes
    payload: BackPayload
    body_sha256: bytes
    message: CoseSign1 = field(repr=False, compare=False)


def parse_back(cose: bytes) -> ParsedBack:
    """Decode a signed back payload; raise :class:`SealError`."""
    kid, body, message = parse_cose(cose)
    return ParsedBack(kid, BackPayload.from_cbor(body), hashlib.sha256(body).digest(), message)


# -- on paper --------------------------------------------------------------------------------------
def back_parts(cose: bytes, part_chars: int = PART_CHARS) -> list[str]:
    """The QR texts that carry ``cose`` on the back of its sheet (see the module docstring)."""
    text = encode_code(cose)
    group = hashlib.sha256(text.encode()).hexdigest()[:8].upper()
    chunks = _cut(text, part_chars)
    if len(chunks) > 99:
        raise ValueError("a page's content does not fit 99 codes")
    return [f"{PREFIX}{group}:{i}/{len(chunks)}:{chunk}" for i, chunk in enumerate(chunks, start=1)]


def _cut(text: str, part_chars: int) -> list[str]:
    """``text`` in pieces of at most ``part_chars``, none ending in a space: readers and people
    pasting a part trim its ends, and base45 has a space in its alphabet. (A whole base45 text
    never ends in one: its last digit is at most 32.)"""
    chunks, start = [], 0
    while start < len(text):
        end = min(start + part_chars, len(text))
        while end - start > 1 and end < len(text) and text[end - 1] == " ":
            end -= 1
        chunks.append(text[start:end])
        start = end
    return chunks or [""]


def is_back_part(text: str) -> bool:
    """Whether ``text`` is a part of a back code."""
    return text.startswith(PREFIX)


def assemble(parts: Iterable[str]) -> list[bytes]:
    """The COSE bytes of every complete back found among ``parts`` (duplicates welcome), in
    the order first seen. Raise :class:`SealError` ``seal.back.incomplete`` when a back misses a
    part and ``seal.code.encoding`` for a part that is not one."""
    groups: dict[str, dict[int, str]] = {}
    counts: dict[str, int] = {}
    for part in parts:
        match = _PART.match(part.strip())
        if match is None:
            raise SealError("not a back code part", code="seal.code.encoding")
        group, index, count, chunk = match.group(1), int(match.group(2)), int(match.group(3)), match.group(4)
        if not 1 <= index <= count or counts.setdefault(group, count) != count:
            raise SealError("back code part numbers disagree", code="seal.code.encoding")
        groups.setdefault(group, {})[index] = chunk
    out = []
    for group, chunks in groups.items():
        if len(chunks) != counts[group]:
            missing = sorted(set(range(1, counts[group] + 1)) - set(chunks))
            raise SealError(f"back code {group}: part(s) {missing} not found", code="seal.back.incomplete")
        text = "".join(chunks[i] for i in range(1, counts[group] + 1))
        if hashlib.sha256(text.encode()).hexdigest()[:8].upper() != group:
            raise SealError(f"back code {group}: parts do not belong together", code="seal.code.encoding")
        out.append(decode_code(text))
    return out
