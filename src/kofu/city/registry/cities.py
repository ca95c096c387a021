"""The two demo cities: codes, names, invented mayors and their real town names (``places.towns``)."""

from __future__ import annotations

from dataclasses import dataclass

from kofu.city.registry.places import towns as _real

#: Fee per copy and document (yen), as many cities charge at kiosks.
DEFAULT_FEES = {"juminhyo": 200, "inkan": 200, "koseki": 450, "fuhyo": 300, "kazei": 300}


@dataclass(frozen=True)
class CityInfo:
    """A demo city: 6-digit local government code, names, the towns its addresses use, and the
    default fee of each document (the city's settings start from them)."""

    code: str
    name: str
    prefecture: str
    mayor_name: str
    towns: tuple[str, ...]
    fees: tuple[tuple[str, int], ...] = tuple(DEFAULT_FEES.items())

    @property
    def full_name(self) -> str:
        """Prefecture and city, e.g. ``東京都西東京市``."""
        return f"{self.prefecture}{self.name}"


def _towns(*parts: tuple[tuple[str, int], ...], first: str, last: str) -> tuple[str, ...]:
    names = [town for part in parts for town, _ in part if town not in (first, last)]
    return (first, *names, last)


NISHITOKYO = CityInfo(
    code="132292",
    name="西東京市",
    prefecture="東京都",
    mayor_name="保谷　健一郎",  # invented
    towns=_towns(_real.TANASHI, _real.HOYA, first="田無町", last="北町"),
)

KODAIRA = CityInfo(
    code="132110",
    name="小平市",
    prefecture="東京都",
    mayor_name="小川　美智子",  # invented
    towns=_towns(_real.KODAIRA, first="小川町", last="たかの台"),
)

#: Demo cities by 6-digit local government code.
CITIES: dict[str, CityInfo] = {city.code: city for city in (NISHITOKYO, KODAIRA)}

_KANJI_DIGITS = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    """Small positive integer in kanji as used for 丁目 (1 → 一, 10 → 十, 12 → 十二)."""
    if not 0 < n < 100:
        raise ValueError(f"kanji_number supports 1..99, got {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_KANJI_DIGITS[tens]}十")
    return head + (_KANJI_DIGITS[ones] if ones else "")
