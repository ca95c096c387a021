"""The year-end closure through the real chain, its processes on a moved clock (libfaketime).

A small chain of its own (centre, gateways, issuers; no kiosk process: the headless kiosk
orders) runs with every actor 23:59:30 on 28 December in Japan at start, all on one offset from
the real clock. The city keeps the year-end closure and is open 00:00–24:00: an order just
before midnight is issued and dated 28 December; once the chain's clock has passed midnight, the
same order is refused as outside hours (29 Dec–3 Jan).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest

from kofu import clock, faketime
from kofu.config import Settings
from kofu.demo import DemoCard, setup
from kofu.documents.text import extract_text
from kofu.protocol.errors import KofuError
from kofu.up import Cluster
from tests.e2e.helpers import eligible, order

pytestmark = pytest.mark.e2e

CITY = "132292"
START = (12, 28, 23, 59, 30)  # where the chain's clock stands when it starts (JST)


def _free_base() -> int:
    for base in range(41000, 60000, 211):
        ports = [*range(base, base + 4), base + 9]  # centre, gateways, public
        free = True
        for port in ports:
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    free = False
                    break
        if free:
            return base
    raise RuntimeError("no free port range")


def _next_year_end(now: datetime) -> datetime:
    """The coming 28 December, 23:59:30 in Japan (never in the past: certificates made now must
    already be valid on the chain's clock)."""
    month, day, hour, minute, second = START
    start = datetime(now.year, month, day, hour, minute, second, tzinfo=clock.JST)
    return start if start > now + timedelta(minutes=5) else start.replace(year=now.year + 1)


@pytest.fixture(scope="module")
def year_end_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    try:
        faketime.library()
    except faketime.FaketimeMissing as exc:
        pytest.skip(str(exc))
    base = _free_base()
    return Settings.from_env(
        {
            "KOFU_VAR": str(tmp_path_factory.mktemp("year-end")),
            "KOFU_PORT_BASE": str(base),
            "KOFU_KIOSK_PORT": str(base + 100),
            "KOFU_HOUSEHOLDS": "8",
        }
    )


def _kofu(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KOFU_VAR": str(settings.var_dir), "KOFU_PORT_BASE": str(settings.port_base)}
    return subprocess.run(
        [sys.executable, "-m", "kofu.cli", *args], env=env, capture_output=True, text=True, timeout=60
    )


def _chain_now(offset: timedelta) -> datetime:
    return faketime.real_now() + offset


def _year_end_visits(settings: Settings, card: DemoCard, start: datetime) -> bool:
    """Both orders on a chain whose clock starts at ``start``; False when the machine was too slow
    to start the chain and order before midnight (the caller then starts it again)."""
    offset = faketime.offset_to(start)
    midnight = datetime.combine(start.date() + timedelta(days=1), datetime.min.time(), clock.JST)
    with Cluster(settings, with_kiosk=False, clock_offset=offset):
        if _chain_now(offset) > midnight - timedelta(seconds=10):
            return False
        try:
            _issued, pdf = order(settings, card)
        except KofuError as exc:
            if exc.code == "city.document.outside_hours" and _chain_now(offset) >= midnight:
                return False  # it reached the city after midnight
            raise
        # Hours checked and date printed come from one reading of the city's clock: 28 December.
        assert f"令和{start.year - 2018}年12月28日" in extract_text(pdf)

        time.sleep(max(0.0, (midnight - _chain_now(offset)).total_seconds() + 1))  # now 29 December
        with pytest.raises(KofuError) as refused:
            order(settings, card)
        assert refused.value.code == "city.document.outside_hours"
    return True


def test_an_order_at_2359_on_28_december_is_issued_and_one_after_midnight_refused(year_end_settings):
    settings = year_end_settings
    cards = setup(settings, bench_kiosks=0)
    card = eligible(cards, CITY)[0]
    done = _kofu(
        settings, "city", "settings", "set", "--city", CITY, "--doc", "juminhyo",
        "--hours", "00:00-24:00", "--year-end-closed", "on",
    )  # fmt: skip
    assert done.returncode == 0 and "closed 29 Dec–3 Jan" in done.stdout, done.stderr
    for _attempt in range(3):
        if _year_end_visits(settings, card, _next_year_end(clock.now())):
            return
    pytest.fail("three times the chain could not start and order before midnight")
