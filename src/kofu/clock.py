"""The one clock every actor reads: "now" in Japan time.

Documents are dated, hours are kept, fiscal years and the year-end closure turn, all on the
Japanese calendar (Asia/Tokyo), whatever the host's zone. Nothing else in kofu reads the
host's wall clock: take ``now()`` or ``today()`` from here.

Moving the clock: tests move it in-process with ``time-machine`` (it patches what this module
reads); the real processes of the chain run under Debian's ``faketime`` (libfaketime), which
``kofu.up.Cluster(clock_offset=…)`` and ``faketime '2026-12-28 23:59' make up`` both use.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


def now() -> datetime:
    """The current moment, timezone-aware, in Japan time."""
    return datetime.now(JST)


def now_utc() -> datetime:
    """The current moment, timezone-aware, in UTC (for stored timestamps)."""
    return datetime.now(UTC)


def today() -> date:
    """The calendar day in Japan."""
    return now().date()


def in_japan(moment: datetime) -> datetime:
    """``moment`` on Japan's wall clock; a naive moment is taken as already in Japan time."""
    return moment.replace(tzinfo=JST) if moment.tzinfo is None else moment.astimezone(JST)


def japan_date(moment: datetime) -> date:
    """The Japanese calendar day of ``moment`` (23:30 UTC is already the next day in Japan)."""
    return in_japan(moment).date()
