"""The logs' JSON objects (signed heads, proofs): one line, keys sorted; fields read strictly.

A reader raises `TypeError` or `ValueError` (or `binascii.Error`) on a field of the wrong kind;
each object's reader turns that into its own reason code.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any


def one_line(data: Mapping[str, Any]) -> str:
    """``data`` as one line of JSON, keys sorted and no spaces: the same object, the same text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def b64(data: bytes) -> str:
    """Bytes as standard base64 text."""
    return base64.b64encode(data).decode("ascii")


def unb64(value: object) -> bytes:
    """Standard base64 text as bytes (padding and alphabet checked)."""
    return base64.b64decode(string(value), validate=True)


def string(value: object) -> str:
    """A JSON string."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, not {type(value).__name__}")
    return value


def integer(value: object) -> int:
    """A JSON integer (not a boolean)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, not {type(value).__name__}")
    return value
