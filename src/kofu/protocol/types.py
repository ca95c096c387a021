"""Field types every link shares: bounded, checked, documented in the OpenAPI of each actor.

Text that crosses a link is valid Unicode without lone surrogates, control characters or
non-characters (``clean_text``), and every field, list and mapping has a bound: nothing a peer
sends can be larger than the models here allow. Binary fields travel as standard base64 and are
documented as such (``format: byte``).
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)

#: The largest binary field (a sealed document of many pages, base64 on the wire).
MAX_BINARY = 8 * 1024 * 1024


def clean_text(value: str) -> str:
    """``value`` if it is text a person could have typed: no lone surrogates, no control
    characters (C0, C1, DEL), no non-characters. Raises ValueError otherwise."""
    for char in value:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            raise ValueError("text must be valid Unicode (a lone surrogate was sent)")
        if code < 0x20 or 0x7F <= code <= 0x9F:
            raise ValueError("text must not contain control characters")
        if (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:
            raise ValueError("text must not contain non-characters")
    return value


_Clean = AfterValidator(clean_text)
#: Checked text fields, by their longest length.
Text32 = Annotated[str, Field(max_length=32), _Clean]
Text64 = Annotated[str, Field(max_length=64), _Clean]
Text128 = Annotated[str, Field(max_length=128), _Clean]
Text512 = Annotated[str, Field(max_length=512), _Clean]
Text2048 = Annotated[str, Field(max_length=2048), _Clean]


def _b64_decode(value: object) -> bytes:
    if isinstance(value, bytes):
        raw = value
    elif isinstance(value, str):
        if len(value) > MAX_BINARY * 4 // 3 + 4:
            raise ValueError("binary field too large")
        try:
            raw = base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError("invalid base64") from exc
    else:
        raise ValueError("expected base64 text")
    if len(raw) > MAX_BINARY:
        raise ValueError("binary field too large")
    return raw


def _b64_encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


_B64_SCHEMA = {"type": "string", "format": "byte", "maxLength": MAX_BINARY * 4 // 3 + 4}

B64 = Annotated[
    bytes,
    PlainValidator(_b64_decode),
    PlainSerializer(_b64_encode, return_type=str),
    WithJsonSchema(_B64_SCHEMA),
]


def _x25519_key(value: object) -> bytes:
    raw = _b64_decode(value)
    if len(raw) != 32:
        raise ValueError("an X25519 public key is 32 bytes")
    return raw


X25519Key = Annotated[
    bytes,
    PlainValidator(_x25519_key),
    PlainSerializer(_b64_encode, return_type=str),
    WithJsonSchema({"type": "string", "format": "byte", "minLength": 44, "maxLength": 44}),
]

DocType = Literal["juminhyo", "inkan", "koseki", "fuhyo", "kazei"]
CityKind = Literal["residence", "honseki"]
CityCode = Annotated[str, Field(pattern=r"^[0-9]{6}$", description="a city's 6-digit code")]
KioskId = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,32}$", description="a kiosk's id")]
#: An id made by the centre (orders, requests, sessions; 32 random hex digits in practice).
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
#: An authentication certificate's serial, upper-case hex; crosses only the city links.
CardSerial = Annotated[str, Field(pattern=r"^[0-9A-F]{1,40}$")]
#: A 発行番号 as the city prints it (e.g. 2026-000123).
IssueNumber = Annotated[str, Field(min_length=1, max_length=32), _Clean]
#: A stable error or refusal code (``city.inkan.abolished``).
Code = Annotated[str, Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$", max_length=64)]


class Model(BaseModel):
    """Every message: immutable, and a field nobody declared is an error, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
