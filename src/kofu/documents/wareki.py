"""Japanese era dates (和暦) as printed on certificates.

Dates are Gregorian dates mapped to the era in force on that day. Before 1873 Japan used the
lunisolar calendar; like municipal systems we do not convert month and day, only the year.
"""

from __future__ import annotations

from datetime import date, datetime

# (first day, era name), newest first.
_ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 1, 25), "明治"),
)
FIRST_SUPPORTED_DATE = _ERAS[-1][0]


def era_year(d: date) -> tuple[str, int]:
    """Return ``(era name, year of the era)`` for ``d``, e.g. ``("令和", 8)``.

    Raises ``ValueError`` for dates before 明治 (1868-01-25).
    """
    if isinstance(d, datetime):
        d = d.date()
    for start, name in _ERAS:
        if d >= start:
            return name, d.year - start.year + 1
    raise ValueError(f"{d.isoformat()} is before the Meiji era ({FIRST_SUPPORTED_DATE.isoformat()})")


def format_era_year(d: date) -> str:
    """Return the era and year only, e.g. ``"令和8年"`` or ``"平成元年"``."""
    name, year = era_year(d)
    return f"{name}{'元' if year == 1 else year}年"


def to_wareki(d: date) -> str:
    """Return ``d`` as printed on a certificate, e.g. ``"令和8年11月29日"``, ``"平成元年1月8日"``.

    Raises ``ValueError`` for dates before 明治 (1868-01-25).
    """
    if isinstance(d, datetime):
        d = d.date()
    return f"{format_era_year(d)}{d.month}月{d.day}日"
