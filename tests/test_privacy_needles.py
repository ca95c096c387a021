"""The privacy scan's matcher: every needle found in one pass, named by what it is."""

from __future__ import annotations

from kofu.chaos.privacy import Needles


def test_every_needle_present_is_named_and_no_other() -> None:
    wanted = Needles(
        [
            ("山田　太郎".encode(), "a name"),
            ("山田太郎".encode(), "a joined name"),
            (b"\\u5c71\\u7530", "a name (JSON-escaped)"),
            (b"0A1B2C", "a card serial"),
            (b"0A1B2C", "a card serial (hex)"),  # the same bytes, two kinds: both named
            ("東京都西東京市".encode(), "an address"),
        ]
    )
    haystack = '{"who": "山田太郎", "raw": "\\u5c71\\u7530"} serial=0A1B2C'.encode() + b"\xff\xfe"
    assert wanted.found(haystack) == {
        "a joined name",
        "a name (JSON-escaped)",
        "a card serial",
        "a card serial (hex)",
    }
    assert wanted.found("山田 太郎 東京都 西東京市".encode()) == set()  # split values are not the values


def test_overlapping_needles_are_each_found() -> None:
    wanted = Needles([(b"abcd", "long"), (b"bc", "inner"), (b"cdef", "overlap")])
    assert wanted.found(b"xxabcdefxx") == {"long", "inner", "overlap"}


def test_no_needles_finds_nothing() -> None:
    assert Needles([]).found(b"anything") == set()
    assert Needles([(b"", "empty")]).found(b"anything") == set()
