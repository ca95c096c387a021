"""The text AP attribute TLV (myna ``TextAttrs`` layout)."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kofu.card.attributes import CardAttributes, decode_attributes, encode_attributes, sex_code, total_length
from kofu.card.errors import CardError

from .loaders import VECTORS, load_card
from .vectors.generate import ADDRESS, BIRTH, NAME, SEX


def test_vector_attributes_decode_to_the_generator_values() -> None:
    attributes = decode_attributes(load_card(VECTORS / "jpki_card.json").text_attributes)
    assert (
        attributes.name,
        attributes.address,
        attributes.birth_date.strftime("%Y%m%d"),
        attributes.sex,
    ) == (
        NAME,
        ADDRESS,
        BIRTH,
        SEX,
    )
    assert attributes.sex_ja == "女"


def test_layout_bytes() -> None:
    data = encode_attributes(CardAttributes("山田\u3000一郎", "東京都", date(2001, 2, 3), "1"))
    assert data[:2] == b"\xff\x20" and total_length(data[:7]) == len(data)
    assert b"\xdf\x21\x02\x01\x00" in data
    assert b"\xdf\x24\x0820010203" in data and data.endswith(b"\xdf\x25\x011")


@pytest.mark.parametrize("size", [10, 130, 300])
def test_long_addresses_use_multi_byte_lengths(size: int) -> None:
    attributes = CardAttributes("名", "住" * size, date(1999, 12, 31), "9")
    data = encode_attributes(attributes)
    assert decode_attributes(data) == attributes
    assert total_length(data[:7]) == len(data)


def test_sex_codes_follow_iso_5218() -> None:
    assert (sex_code("男"), sex_code("女"), sex_code("?")) == ("1", "2", "9")
    with pytest.raises(ValueError):
        CardAttributes("a", "b", date(2000, 1, 1), "3")


@given(st.binary(max_size=400))
def test_decoding_any_bytes_raises_only_card_error(data: bytes) -> None:
    with contextlib.suppress(CardError):
        decode_attributes(data)
