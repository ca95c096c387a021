"""A back's text cut into QR parts comes together again however the parts are read.

base45 has a space in its alphabet, and QR readers and people pasting a part trim its ends; a
part that ended in a space once came back one character short, about one sheet in ten."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from kofu.sealcode.back import assemble, back_parts
from kofu.sealcode.code import encode_code


@given(st.binary(min_size=1, max_size=600), st.integers(min_value=2, max_value=60))
def test_trimmed_parts_in_any_order_assemble_to_the_message(message: bytes, part_chars: int) -> None:
    parts = back_parts(message, part_chars)
    assert all(not p.endswith(" ") and len(p.rsplit(":", 1)[1]) <= part_chars for p in parts)
    shuffled = [f"  {p}\n" for p in parts]
    random.Random(len(message)).shuffle(shuffled)
    assert assemble(part.strip() for part in shuffled) == [message]


def test_a_cut_that_would_end_in_a_space_ends_before_it() -> None:
    message = next(m for m in (bytes([i, 0, 0, 0]) * 30 for i in range(256)) if " " in encode_code(m)[1:-1])
    text = encode_code(message)
    space = text.index(" ", 1)
    parts = back_parts(message, part_chars=space + 1)  # the first cut falls just after the space
    assert parts[0].endswith(text[:space][-1:]) and assemble(p.strip() for p in parts) == [message]
