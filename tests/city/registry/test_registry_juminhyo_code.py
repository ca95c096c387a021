"""住民票コード: the 検査数字 rule, and the synthetic codes of demo residents."""

from __future__ import annotations

import pytest

from kofu.city.registry.juminhyo_code import check_digit, is_juminhyo_code, synthetic_juminhyo_code


def test_the_check_digit_weighs_2_to_7_from_the_right() -> None:
    # 0·2 + 9·3 + 8·4 + 7·5 + 6·6 + 5·7 + 4·2 + 3·3 + 2·4 + 1·5 = 195 = 17·11 + 8 → 11 - 8
    assert check_digit("1234567890") == "3"
    assert check_digit("0000000005") == "1"  # 10 → 11 - 10
    assert check_digit("0000000006") == "0"  # remainder 1 → 0
    assert check_digit("0000000000") == "0"  # remainder 0 → 0
    with pytest.raises(ValueError):
        check_digit("123456789")


def test_only_eleven_ascii_digits_ending_in_their_check_digit_are_codes() -> None:
    assert is_juminhyo_code("12345678903")
    assert [d for d in "0123456789" if is_juminhyo_code("1234567890" + d)] == ["3"]
    for text in ("1234567890", "123456789030", "１２３４５６７８９０３", "1234567890a", "", "12345 78903"):
        assert not is_juminhyo_code(text)


def test_synthetic_codes_are_valid_stable_distinct_and_not_the_id() -> None:
    codes = [synthetic_juminhyo_code("132292", rid) for rid in range(1, 2001)]
    assert all(is_juminhyo_code(code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert codes[0] == synthetic_juminhyo_code("132292", 1)
    assert synthetic_juminhyo_code("132110", 1) != codes[0]
    assert abs(int(codes[1][:10]) - int(codes[0][:10])) > 1000  # neighbours are not neighbours
