"""The clock on the kiosk's screen: Japan's date and time, read from the kiosk's own clock.

The screen shows what the kiosk process reads from :mod:`kofu.clock` (not the browser's clock or
zone), so the kiosk, the centre and the cities agree on the day, also when the chain runs on a
moved clock; at 23:30 UTC the screen already shows the next day, as a store in Japan does.
"""

from __future__ import annotations

from datetime import datetime

from kofu import clock

_WEEKDAYS_JA = "月火水木金土日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def clock_face(moment: datetime | None = None) -> dict[str, str]:
    """What the screen's clock shows at ``moment`` (default: now), in each language, and the day."""
    local = clock.in_japan(moment) if moment is not None else clock.now()
    weekday, hhmm = local.weekday(), f"{local:%H:%M}"
    return {
        "date": local.date().isoformat(),
        "ja": f"{local.month}月{local.day}日({_WEEKDAYS_JA[weekday]}) {hhmm}",
        "en": f"{_WEEKDAYS_EN[weekday]} {local.day} {_MONTHS_EN[local.month - 1]} {hhmm}",
    }
