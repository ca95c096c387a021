"""A process started with `kofu.faketime.process_env` lives at the moved instant and still works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from kofu import clock, faketime

try:
    LIBRARY = faketime.library()
except faketime.FaketimeMissing:  # scripts/system-deps installs it
    LIBRARY = ""

needs_faketime = pytest.mark.skipif(not LIBRARY, reason="libfaketime is not installed")

# What an actor does with time: read the clock, sleep, wait in threads with timeouts, asyncio.
CHILD = """
import asyncio, json, queue, threading, time
from kofu import clock, faketime
faketime.tolerate_faketime()
time.sleep(0.01)
lock = threading.Lock(); lock.acquire(); waited = lock.acquire(timeout=0.05)
try:
    queue.Queue().get(timeout=0.05)
except queue.Empty:
    pass
helper = threading.Thread(target=time.sleep, args=(0.01,)); helper.start(); helper.join(5)
asyncio.run(asyncio.sleep(0.01))
print(json.dumps({"now": clock.now().isoformat(), "lock": waited}))
"""


def _run_child(env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_process_env_replaces_any_faketime_of_the_parent() -> None:
    parent = {"LD_PRELOAD": "/usr/lib/libfaketime.so.1 /opt/other.so", "FAKETIME": "@2020-01-01 00:00:00"}
    parent["FAKETIME_SHARED"] = "/sem /shm"
    if not LIBRARY:
        pytest.skip("libfaketime is not installed")
    env = faketime.process_env(timedelta(days=-2, seconds=5), parent)
    assert env["LD_PRELOAD"] == f"{LIBRARY} /opt/other.so"
    assert env["FAKETIME"] == "-172795"
    assert env["FAKETIME_DONT_FAKE_MONOTONIC"] == "1"
    assert "FAKETIME_SHARED" not in env


@needs_faketime
@pytest.mark.parametrize("days", [21, -2800])  # a year end ahead; back to the 元号 change of 2019
def test_a_child_under_faketime_reads_the_moved_clock_and_still_sleeps_and_waits(days: int) -> None:
    offset = timedelta(days=days)
    before = faketime.real_now()  # this run itself may be under faketime: the offset is from the real clock
    seen = _run_child(faketime.process_env(offset, dict(os.environ)))
    moved = datetime.fromisoformat(str(seen["now"])) - offset
    assert before - timedelta(seconds=1) <= moved <= faketime.real_now() + timedelta(seconds=1)
    assert seen["lock"] is False  # the timed wait returned, after its timeout


@needs_faketime
def test_offset_to_an_instant_is_taken_from_the_real_clock() -> None:
    target = datetime(2026, 12, 28, 23, 59, 40, tzinfo=clock.JST)
    offset = faketime.offset_to(target)
    assert abs((faketime.real_now() + offset - target).total_seconds()) <= 1
