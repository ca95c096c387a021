"""The instants at which the date-sensitive subset runs, and what the calendar says about each.

Each row is worked out by hand from the rules (DOMAIN.md), not read back from kofu: the day in
Japan, the issue date as a certificate prints it, whether the year-end closure (29 Dec–3 Jan)
applies, whether the national hours (06:30–23:00) are open, and the newest 課税 年度 a city
offers by default (a year's assessment is out in June: ``offered_fiscal_years``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from kofu.clock import JST


@dataclass(frozen=True)
class Instant:
    """One moment of the subset and the facts a kiosk, a city and a document must agree on."""

    id: str
    moment: datetime
    day: date  # the calendar day in Japan
    printed: str  # the issue date on a certificate (和暦)
    year_end: bool  # inside the year-end closure, 29 Dec–3 Jan
    national_hours: bool  # inside 06:30–23:00
    newest_kazei: int  # the newest 年度 offered by default
    newest_kazei_printed: str  # how its title names it
    income_printed: str  # the year of income it certifies (the calendar year before), as printed
    levy_printed: str  # its 賦課期日, 1 January of that year, as a date is printed

    @property
    def national_open(self) -> bool:
        """Open under the national settings: within hours and outside the year-end closure."""
        return self.national_hours and not self.year_end


def _jst(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=JST)  # type: ignore[misc]


INSTANTS = (
    # The last minute before the year-end closure; already past the national closing hour.
    Instant(
        "2026-12-28T2359JST",
        _jst(2026, 12, 28, 23, 59),
        date(2026, 12, 28),
        "令和8年12月28日",
        False,
        False,
        2026,
        "令和8年度",
        "令和7年分",
        "令和8年1月1日",
    ),
    # The closure starts at midnight in Japan.
    Instant(
        "2026-12-29T0000JST",
        _jst(2026, 12, 29, 0, 0),
        date(2026, 12, 29),
        "令和8年12月29日",
        True,
        False,
        2026,
        "令和8年度",
        "令和7年分",
        "令和8年1月1日",
    ),
    # 賦課期日 of the next 年度, but its assessment is not out: 2026 is still the newest year.
    Instant(
        "2027-01-01T0900JST",
        _jst(2027, 1, 1, 9, 0),
        date(2027, 1, 1),
        "令和9年1月1日",
        True,
        True,
        2026,
        "令和8年度",
        "令和7年分",
        "令和8年1月1日",
    ),
    # The fiscal year turns on 1 April; the 課税 year offered does not (it turns in June).
    Instant(
        "2027-03-31T1200JST",
        _jst(2027, 3, 31, 12, 0),
        date(2027, 3, 31),
        "令和9年3月31日",
        False,
        True,
        2026,
        "令和8年度",
        "令和7年分",
        "令和8年1月1日",
    ),
    Instant(
        "2027-04-01T0630JST",
        _jst(2027, 4, 1, 6, 30),
        date(2027, 4, 1),
        "令和9年4月1日",
        False,
        True,
        2026,
        "令和8年度",
        "令和7年分",
        "令和8年1月1日",
    ),
    # The day before and the day a new 課税 year opens (1 June by default).
    Instant(
        "2027-05-31T2259JST",
        _jst(2027, 5, 31, 22, 59),
        date(2027, 5, 31),
        "令和9年5月31日",
        False,
        True,
        2026,
        "令和8年度",
        "令和7年分",
        "令和8年1月1日",
    ),
    Instant(
        "2027-06-01T0630JST",
        _jst(2027, 6, 1, 6, 30),
        date(2027, 6, 1),
        "令和9年6月1日",
        False,
        True,
        2027,
        "令和9年度",
        "令和8年分",
        "令和9年1月1日",
    ),
    # A leap day.
    Instant(
        "2028-02-29T1200JST",
        _jst(2028, 2, 29, 12, 0),
        date(2028, 2, 29),
        "令和10年2月29日",
        False,
        True,
        2027,
        "令和9年度",
        "令和8年分",
        "令和9年1月1日",
    ),
    # The 元号 change: the last day of 平成, the first of 令和 (元年, never 1年).
    Instant(
        "2019-04-30T1200JST",
        _jst(2019, 4, 30, 12, 0),
        date(2019, 4, 30),
        "平成31年4月30日",
        False,
        True,
        2018,
        "平成30年度",
        "平成29年分",
        "平成30年1月1日",
    ),
    Instant(
        "2019-05-01T0630JST",
        _jst(2019, 5, 1, 6, 30),
        date(2019, 5, 1),
        "令和元年5月1日",
        False,
        True,
        2018,
        "平成30年度",
        "平成29年分",
        "平成30年1月1日",
    ),
    # The first 課税 years after the 元号 change: 年度 2019 is 令和元年度 (income 平成30年分), and
    # 年度 2020 certifies the income of 令和元年分.
    Instant(
        "2019-06-01T0630JST",
        _jst(2019, 6, 1, 6, 30),
        date(2019, 6, 1),
        "令和元年6月1日",
        False,
        True,
        2019,
        "令和元年度",
        "平成30年分",
        "平成31年1月1日",
    ),
    Instant(
        "2020-06-01T0630JST",
        _jst(2020, 6, 1, 6, 30),
        date(2020, 6, 1),
        "令和2年6月1日",
        False,
        True,
        2020,
        "令和2年度",
        "令和元年分",
        "令和2年1月1日",
    ),
    # 23:30 UTC is 08:30 the next day in Japan.
    Instant(
        "2026-12-07T2330UTC",
        datetime(2026, 12, 7, 23, 30, tzinfo=UTC),
        date(2026, 12, 8),
        "令和8年12月8日",
        False,
        True,
        2026,
        "令和8年度",
        "令和7年分",
        "令和8年1月1日",
    ),
)
