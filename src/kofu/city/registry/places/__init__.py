"""Municipalities and their names over time, real towns, and addresses read back into parts.

A place keeps its land but changes its name: 田無 was 北多摩郡田無町 (東京府 until 1943-06-30, then
東京都), 田無市 from 1967-01-01 and part of 西東京市 from 2001-01-21. A birthplace or an old address
uses the name of its time, so the seed renders a place on a day (``Lineage.name_on``) and the
consistency checker reads an address back (``parse``) to see whether its municipality existed on
that day and its town is real.

Each ``Lineage`` is one stretch of land with its successive names (``spans``), its towns
(``places.towns``) and where the dates come from. Dates before a lineage's first span are not
modelled: the seed draws no place there, and the checker calls such a name "did not exist".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from kofu.city.registry.places import towns as _towns

#: 東京府 became 東京都 on this day (東京都制, 1943-07-01).
TOKYO_TO = date(1943, 7, 1)


@dataclass(frozen=True)
class Span:
    """One name of a municipality (with its prefecture and, for towns and villages, 郡) and the
    days it was in use, both inclusive (``end`` None: still in use)."""

    name: str
    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        """True when the name was in use on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, eq=False)
class Lineage:
    """A stretch of land under its successive names, with its real towns.

    ``towns`` are (町名, highest 丁目); they exist from ``towns_since`` (the 住居表示 that made
    them; None: for as long as the lineage is modelled). ``renamed`` lists towns known under
    another name before a day: (old name, new name, day of the change).
    """

    key: str
    spans: tuple[Span, ...]
    towns: _towns.Towns
    source: str
    towns_since: date | None = None
    renamed: tuple[tuple[str, str, date], ...] = ()
    demo_city: str | None = None
    _chome: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    _starts: list[date] = field(default_factory=list, compare=False, repr=False)
    _towns_by_era: dict[tuple[bool, ...], list[tuple[str, int]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        self._chome.update(self.towns)
        for old, new, _ in self.renamed:
            self._chome[old] = self._chome[new]
        self._starts.extend(s.start for s in self.spans)

    @property
    def current(self) -> str:
        """Today's name."""
        return self.spans[-1].name

    def name_on(self, day: date) -> str | None:
        """The municipality's name on ``day`` (None before the lineage is modelled)."""
        n = bisect_right(self._starts, day) - 1
        if n < 0:
            return None
        span = self.spans[n]
        return span.name if span.end is None or day <= span.end else None

    def towns_on(self, day: date) -> list[tuple[str, int]]:
        """The towns an address may use on ``day`` (empty before ``towns_since``)."""
        era = (
            self.towns_since is not None and day < self.towns_since,
            *(day < on for _, _, on in self.renamed),
        )
        found = self._towns_by_era.get(era)
        if found is None:
            found = []
            if not era[0]:
                for town, chome in self.towns:
                    old = next((o for o, new, on in self.renamed if new == town and day < on), None)
                    found.append((old or town, chome))
            self._towns_by_era[era] = found
        return found

    def town_exists(self, town: str, day: date | None = None) -> bool:
        """True when ``town`` is a real town of the lineage (on ``day``, when given)."""
        if day is None:
            return town in self._chome
        return any(name == town for name, _ in self.towns_on(day))

    def chome_limit(self, town: str) -> int:
        """The highest 丁目 of ``town`` (0: none)."""
        return self._chome.get(town, 0)

    def current_town(self, town: str) -> str:
        """Today's name of ``town``."""
        return next((new for old, new, _ in self.renamed if old == town), town)


def _tama(village: str, start: date = date(1893, 4, 1)) -> list[Span]:
    """A 北多摩郡 village or town: 東京府 (三多摩 moved from 神奈川県 on 1893-04-01), then 東京都."""
    return [
        Span(f"東京府北多摩郡{village}", start, date(1943, 6, 30)),
        Span(f"東京都北多摩郡{village}", TOKYO_TO),
    ]


def _cut(spans: list[Span], until: date) -> list[Span]:
    """``spans`` ending the day before ``until``."""
    cut = [s for s in spans if s.start < until]
    last = cut[-1]
    cut[-1] = Span(last.name, last.start, date.fromordinal(until.toordinal() - 1))
    return cut


def _chain(*spans: list[Span] | Span) -> tuple[Span, ...]:
    """Consecutive spans: each ends the day before the next starts."""
    flat = [s for part in spans for s in (part if isinstance(part, list) else [part])]
    out = []
    for n, span in enumerate(flat):
        end = span.end
        if n + 1 < len(flat):
            end = date.fromordinal(flat[n + 1].start.toordinal() - 1)
        out.append(Span(span.name, span.start, end))
    return tuple(out)


_MERGER = date(2001, 1, 21)  # 田無市 + 保谷市 → 西東京市
_CITY = date(1967, 1, 1)  # 田無町 and 保谷町 became cities the same day

#: Every modelled lineage. Sources: each municipality's article in the Japanese Wikipedia (沿革)
#: and, for the demo cities, their own histories (city.nishitokyo.lg.jp 年表(保谷版), 市のおいたち;
#: city.kodaira.tokyo.jp 小平の歴史・市の誕生); 新座: city.niiza.lg.jp 第5次総合計画 沿革;
#: 国分寺: 国分寺市例規 「国分寺町の設置」; 東久留米: 市の年表 (町制 1956-08-01).
LINEAGES: tuple[Lineage, ...] = (
    Lineage(
        "tanashi",
        _chain(_cut(_tama("田無町"), _CITY), Span("東京都田無市", _CITY), Span("東京都西東京市", _MERGER)),
        _towns.TANASHI,
        "西東京市 市のおいたち; 田無町 1889 (町村制), 田無市 1967-01-01, 西東京市 2001-01-21",
        towns_since=date(1968, 1, 1),  # 住居表示 1966–1968
        renamed=(("本町", "田無町", _MERGER),),
        demo_city="132292",
    ),
    Lineage(
        "hoya",
        _chain(
            Span("埼玉県北足立郡保谷村", date(1896, 3, 29)),
            _cut(_tama("保谷村", date(1907, 4, 1)), date(1940, 11, 10)),
            _cut(_tama("保谷町", date(1940, 11, 10)), _CITY),
            Span("東京都保谷市", _CITY),
            Span("東京都西東京市", _MERGER),
        ),
        _towns.HOYA,
        "西東京市 年表(保谷版): 北足立郡から東京府北多摩郡へ 1907, 町制 1940-11-10, 市制 1967-01-01",
        towns_since=date(1968, 1, 1),  # 住居表示 1965–1968
        renamed=(("本町", "保谷町", _MERGER),),
        demo_city="132292",
    ),
    Lineage(
        "kodaira",
        _chain(
            _cut(_tama("小平村"), date(1944, 2, 11)),
            Span("東京都北多摩郡小平町", date(1944, 2, 11)),
            Span("東京都小平市", date(1962, 10, 1)),
        ),
        _towns.KODAIRA,
        "小平市 小平の歴史・市の誕生: 小平村 1889-04-01, 町制 1944-02-11, 市制 1962-10-01",
        towns_since=date(1962, 10, 1),
        demo_city="132110",
    ),
    Lineage(
        "nerima",
        (Span("東京都練馬区", date(1947, 8, 1)),),
        _towns.NERIMA,
        "練馬区: 板橋区から分離 1947-08-01",
    ),
    Lineage(
        "suginami",
        _chain(Span("東京府東京市杉並区", date(1932, 10, 1)), Span("東京都杉並区", TOKYO_TO)),
        _towns.SUGINAMI,
        "杉並区: 東京市杉並区 1932-10-01, 東京都制 1943-07-01",
    ),
    Lineage(
        "setagaya",
        _chain(Span("東京府東京市世田谷区", date(1932, 10, 1)), Span("東京都世田谷区", TOKYO_TO)),
        _towns.SETAGAYA,
        "世田谷区: 東京市世田谷区 1932-10-01, 東京都制 1943-07-01",
    ),
    Lineage(
        "musashino",
        _chain(
            Span("東京府北多摩郡武蔵野村", date(1893, 4, 1)),
            _cut(_tama("武蔵野町", date(1928, 11, 1)), date(1947, 11, 3)),
            Span("東京都武蔵野市", date(1947, 11, 3)),
        ),
        _towns.MUSASHINO,
        "武蔵野市: 町制 1928-11-01, 市制 1947-11-03",
    ),
    Lineage(
        "higashikurume",
        _chain(
            _cut(_tama("久留米村"), date(1956, 8, 1)),
            Span("東京都北多摩郡久留米町", date(1956, 8, 1)),
            Span("東京都東久留米市", date(1970, 10, 1)),
        ),
        _towns.HIGASHIKURUME,
        "東久留米市 年表: 久留米村 1889, 町制 1956-08-01, 市制と改称 1970-10-01",
    ),
    Lineage(
        "kokubunji",
        _chain(
            Span("東京府北多摩郡国分寺村", date(1893, 4, 1)),
            _cut(_tama("国分寺町", date(1940, 2, 11)), date(1964, 11, 3)),
            Span("東京都国分寺市", date(1964, 11, 3)),
        ),
        _towns.KOKUBUNJI,
        "国分寺市例規 国分寺町の設置: 町制 1940-02-11; 市制 1964-11-03",
    ),
    Lineage(
        "tokorozawa",
        _chain(Span("埼玉県入間郡所沢町", date(1889, 4, 1)), Span("埼玉県所沢市", date(1950, 11, 3))),
        _towns.TOKOROZAWA,
        "所沢市: 市制 1950-11-03",
    ),
    Lineage(
        "niiza",
        _chain(
            Span("埼玉県北足立郡大和田町", date(1896, 3, 29)),
            Span("埼玉県北足立郡新座町", date(1955, 3, 1)),
            Span("埼玉県新座市", date(1970, 11, 1)),
        ),
        _towns.NIIZA,
        "新座市 第5次総合計画 沿革: 大和田町と片山村が合併し新座町 1955-03-01, 市制 1970-11-01",
    ),
    Lineage(
        "urawa",
        _chain(
            Span("埼玉県北足立郡浦和町", date(1889, 4, 1)),
            Span("埼玉県浦和市", date(1934, 2, 11)),
            Span("埼玉県さいたま市", date(2001, 5, 1)),
            Span("埼玉県さいたま市浦和区", date(2003, 4, 1)),
        ),
        _towns.URAWA,
        "さいたま市: 浦和市 1934-02-11, 浦和・大宮・与野が合併 2001-05-01, 政令指定都市と区 2003-04-01",
    ),
    Lineage(
        "kohoku",
        (Span("神奈川県横浜市港北区", date(1939, 4, 1)),),
        _towns.KOHOKU,
        "横浜市港北区: 区制 1939-04-01",
    ),
    Lineage(
        "nakahara",
        _chain(Span("神奈川県川崎市", date(1924, 7, 1)), Span("神奈川県川崎市中原区", date(1972, 4, 1))),
        _towns.NAKAHARA,
        "川崎市: 市制 1924-07-01, 政令指定都市と区 1972-04-01",
    ),
    Lineage(
        "funabashi",
        _chain(Span("千葉県東葛飾郡船橋町", date(1889, 4, 1)), Span("千葉県船橋市", date(1937, 4, 1))),
        _towns.FUNABASHI,
        "船橋市: 市制 1937-04-01",
    ),
    Lineage(
        "osaka-kita",
        (Span("大阪府大阪市北区", date(1889, 4, 1)),),
        _towns.OSAKA_KITA,
        "大阪市: 市制 1889-04-01",
    ),
    Lineage(
        "nagoya-naka",
        (Span("愛知県名古屋市中区", date(1908, 4, 1)),),
        _towns.NAGOYA_NAKA,
        "名古屋市: 区制 1908-04-01",
    ),
    Lineage(
        "sapporo-chuo",
        _chain(Span("北海道札幌市", date(1922, 8, 1)), Span("北海道札幌市中央区", date(1972, 4, 1))),
        _towns.SAPPORO_CHUO,
        "札幌市: 市制 1922-08-01, 政令指定都市と区 1972-04-01",
    ),
    Lineage(
        "hakata",
        _chain(Span("福岡県福岡市", date(1889, 4, 1)), Span("福岡県福岡市博多区", date(1972, 4, 1))),
        _towns.HAKATA,
        "福岡市: 市制 1889-04-01, 政令指定都市と区 1972-04-01",
    ),
)

#: Lineages outside the demo cities (where movers come from, where parents live).
ELSEWHERE: tuple[Lineage, ...] = tuple(lineage for lineage in LINEAGES if lineage.demo_city is None)


def of_city(city_code: str) -> tuple[Lineage, ...]:
    """The lineages making up a demo city (西東京市: 田無 and 保谷)."""
    return tuple(lineage for lineage in LINEAGES if lineage.demo_city == city_code)


@dataclass(frozen=True)
class Parsed:
    """An address read back: the municipality name as written, the lineages that ever carried
    it, the town (None when the rest starts with no known town) and what follows."""

    municipality: str
    lineages: tuple[Lineage, ...]
    town: str | None
    rest: str

    def valid_on(self, day: date) -> bool:
        """True when the municipality carried this name on ``day``."""
        return any(s.name == self.municipality and s.covers(day) for ln in self.lineages for s in ln.spans)

    @property
    def lineage(self) -> Lineage | None:
        """The lineage of the town (the first that knows it), or None."""
        if self.town is None:
            return None
        return next((ln for ln in self.lineages if ln.town_exists(self.town)), None)

    def town_valid_on(self, day: date) -> bool:
        """True when the town existed under that name on ``day``."""
        return self.town is not None and any(ln.town_exists(self.town, day) for ln in self.lineages)

    def chome_ok(self) -> bool:
        """True when the 丁目 written (if any) exists in the town."""
        match = re.match(r"([一二三四五六七八九十]+)丁目", self.rest)
        limit = self.lineage.chome_limit(self.town or "") if self.lineage else 0
        if match is None:
            return limit == 0 or not self.rest[:1].isdigit()
        return 1 <= kanji_value(match.group(1)) <= limit

    def render_on(self, day: date) -> str | None:
        """The same place written with the names in use on ``day`` (None if none then)."""
        lineage = self.lineage
        if lineage is None:
            return None
        name = lineage.name_on(day)
        town = lineage.current_town(self.town or "")
        town = next((old for old, new, on in lineage.renamed if new == town and day < on), town)
        return None if name is None else f"{name}{town}{self.rest}"


@cache
def _index() -> tuple[tuple[int, ...], dict[str, tuple[tuple[Lineage, ...], tuple[str, ...]]]]:
    """Name lengths (longest first) and, by municipality name, its lineages and their towns
    (longest first, old names included)."""
    by_name: dict[str, list[Lineage]] = {}
    for lineage in LINEAGES:
        for span in lineage.spans:
            if lineage not in by_name.setdefault(span.name, []):
                by_name[span.name].append(lineage)
    index = {}
    for name, lineages in by_name.items():
        towns = sorted({t for ln in lineages for t in ln._chome}, key=len, reverse=True)
        index[name] = (tuple(lineages), tuple(towns))
    return tuple(sorted({len(n) for n in index}, reverse=True)), index


def parse(text: str) -> Parsed | None:
    """Split an address (or a bare municipality, such as a 出生地) into its parts; None when it
    starts with no modelled municipality."""
    lengths, index = _index()
    for length in lengths:
        found = index.get(text[:length])
        if found is not None:
            lineages, towns = found
            rest = text[length:]
            town = next((t for t in towns if rest.startswith(t)), None)
            return Parsed(text[:length], lineages, town, rest[len(town) :] if town else rest)
    return None


_KANJI = "〇一二三四五六七八九"


def kanji_value(text: str) -> int:
    """一 → 1, 十二 → 12, 二十八 → 28 (the numbers a 丁目 uses)."""
    if "十" not in text:
        return _KANJI.index(text) if len(text) == 1 else 0
    tens, _, ones = text.partition("十")
    return (_KANJI.index(tens) if tens else 1) * 10 + (_KANJI.index(ones) if ones else 0)
