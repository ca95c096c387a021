"""The demo is seeded on Japan's date, whatever the host's zone and date.

At 06:30 on 1 June in Japan it is still 31 May in UTC (and in Los Angeles, the zone the host is
given here): the demo must draw its residents, record its cards and choose its 課税 years as of
1 June, the day a new 課税 year opens.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

from kofu.city.registry.models import Card, CardRecord, CitySetting
from kofu.clock import JST
from kofu.config import Settings
from kofu.demo import setup
from kofu.storage import make_engine, session_factory

FIRST_OF_JUNE = datetime(2027, 6, 1, 6, 30, tzinfo=JST)


def test_the_demo_seeds_on_japans_day(tmp_path: Path) -> None:
    settings = Settings.from_env({"KOFU_VAR": str(tmp_path), "KOFU_HOUSEHOLDS": "8"})
    host = FIRST_OF_JUNE.astimezone(ZoneInfo("America/Los_Angeles"))
    with time_machine.travel(host, tick=False):
        assert date.today() == date(2027, 5, 31)  # the host's day
        cards = setup(settings, bench_kiosks=0)
    assert cards
    for city in settings.cities:
        engine = make_engine(settings.city_db_url(city))
        with session_factory(engine)() as session:
            assert {c.issued_on for c in session.query(Card)} == {date(2027, 6, 1)}
            assert {r.recorded_on for r in session.query(CardRecord)} == {date(2027, 6, 1)}
            setting = session.get(CitySetting, city)
            assert setting is not None and setting.kazei_fiscal_years == [2026, 2027]
        engine.dispose()
