"""What the printed layouts accept: how long a name or an address may be, and who a person is.

Lengths are counted in full-width units, as municipal systems count them: a kanji or kana is
one unit, an ASCII letter, digit or space half a unit (a foreign resident's name in Latin
letters), a character with its variation selector one unit. Every layout is drawn so that
text within these limits fits its field (names on one line, addresses on at most three);
longer text is refused with ``document.too_long``, which the issuer turns into a refusal that
sends the resident to the city counter, as real kiosks do.
"""

from __future__ import annotations

from kofu.documents.glyphs import clusters
from kofu.sealcode.errors import DocumentError

NAME_MAX_UNITS = 30
"""氏名, 通称, 世帯主, 筆頭者, 父母 and other names."""

ADDRESS_MAX_UNITS = 120
"""住所, 転入前住所, 異動前住所, 本籍, 従前戸籍 and the addresses of a 附票."""

SEXES = ("男", "女")
"""性別 as the forms print it."""


def units(text: str) -> float:
    """Return the length of ``text`` in full-width units."""
    return sum(0.5 if ord(c[0]) < 0x80 else 1.0 for c in clusters(text))


def check_length(text: str | None, limit: int, what: str) -> None:
    """Raise ``document.too_long`` when ``text`` is longer than ``limit`` units."""
    if text is not None and units(text) > limit:
        raise DocumentError(
            f"{what} is {units(text):g} characters long; the layout holds {limit}",
            code="document.too_long",
        )


def check_name(text: str | None, what: str = "氏名") -> None:
    """Refuse a name longer than :data:`NAME_MAX_UNITS`."""
    check_length(text, NAME_MAX_UNITS, what)


def check_address(text: str | None, what: str = "住所") -> None:
    """Refuse an address longer than :data:`ADDRESS_MAX_UNITS`."""
    check_length(text, ADDRESS_MAX_UNITS, what)


def check_person(name: str, sex: str, who: str = "a member") -> None:
    """Refuse (``document.invalid``) a printed person whose 性別 is not one of :data:`SEXES` or
    who has no name, and (``document.too_long``) a name longer than :data:`NAME_MAX_UNITS`."""
    if sex not in SEXES:
        raise DocumentError(f"性別 must be one of {SEXES}, got {sex!r}", code="document.invalid")
    if not name.strip():
        raise DocumentError(f"{who} has an empty name", code="document.invalid")
    check_name(name)
