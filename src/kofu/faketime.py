"""Running kofu's processes on a moved clock with Debian's ``faketime`` (libfaketime).

Every actor reads "now" from :mod:`kofu.clock`; to move the clock of real processes, each is
started with libfaketime preloaded and one offset from the real clock, so that all actors of a
chain agree to the second (``kofu.up.Cluster(clock_offset=…)`` does this), or a whole command is
run under ``faketime --exclude-monotonic '2026-12-28 23:59:30' …``.

Two facts of Debian 12's libfaketime 0.9.10, checked with Python 3.11:

* The monotonic clock must stay real (``FAKETIME_DONT_FAKE_MONOTONIC=1``): when it is faked,
  every timed wait of a thread (``Lock.acquire(timeout=…)``, ``Event.wait``, ``queue.get``) hangs
  or spins, because glibc hands the faked deadline straight to the kernel.
* With the monotonic clock real, ``time.sleep`` fails with EINVAL (libfaketime bug #426, fixed
  in 0.9.11): :func:`tolerate_faketime` makes ``time.sleep`` wait with ``select`` instead, in
  that case only.

``datetime.now``, OpenSSL's certificate checks (they read the same faked clock), asyncio and
uvicorn work under it as they are.
"""

from __future__ import annotations

import errno
import glob
import os
import select
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import SupportsIndex

from kofu import clock

#: Where Debian (any architecture) and a source install put the library.
_LIBRARY_GLOBS = (
    "/usr/lib/*/faketime/libfaketime.so.1",
    "/usr/lib/faketime/libfaketime.so.1",
    "/usr/local/lib/faketime/libfaketime.so.1",
)
#: Variables of a libfaketime run the process itself may have been started with.
_INHERITED = ("FAKETIME", "FAKETIME_SHARED", "FAKETIME_TIMESTAMP_FILE", "FAKETIME_FMT")


class FaketimeMissing(RuntimeError):
    """libfaketime is not installed (Debian: ``apt-get install faketime``)."""


def library() -> str:
    """The path of libfaketime.so.1; raises :class:`FaketimeMissing`."""
    for pattern in _LIBRARY_GLOBS:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    raise FaketimeMissing("libfaketime is not installed: apt-get install faketime (scripts/system-deps)")


def under_faketime(environ: dict[str, str] | None = None) -> bool:
    """Whether this process (or one started with ``environ``) runs with libfaketime preloaded."""
    env = os.environ if environ is None else environ
    return "faketime" in env.get("LD_PRELOAD", "")


def real_now() -> datetime:
    """The host's real clock (UTC), even when this process itself runs under faketime."""
    if not under_faketime():
        return clock.now_utc()
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
    done = subprocess.run(
        [sys.executable, "-c", "import time; print(time.time())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return datetime.fromtimestamp(float(done.stdout), UTC)


def offset_to(target: datetime) -> timedelta:
    """The offset from the real clock that makes it read ``target`` now (whole seconds)."""
    return timedelta(seconds=round((clock.in_japan(target) - real_now()).total_seconds()))


def process_env(offset: timedelta, environ: dict[str, str]) -> dict[str, str]:
    """``environ`` for a child whose clock runs ``offset`` from the real one, monotonic left real.

    Any faketime setting the parent was started with is replaced, so that every child started
    with the same offset reads the same time. Raises :class:`FaketimeMissing`.
    """
    env = {k: v for k, v in environ.items() if k not in _INHERITED}
    preload = [p for p in env.get("LD_PRELOAD", "").split() if "faketime" not in p]
    env["LD_PRELOAD"] = " ".join([library(), *preload])
    env["FAKETIME"] = f"{int(offset.total_seconds()):+d}"
    env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    return env


def keep_monotonic_real(environ: dict[str, str]) -> dict[str, str]:
    """``environ`` with the monotonic clock left real, if it preloads libfaketime at all."""
    if under_faketime(environ):
        return {**environ, "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
    return environ


def reexec_with_monotonic_real(argv: list[str]) -> None:
    """Run ``argv`` in place of this process with the monotonic clock left real, if this process
    was started under faketime with it faked (``faketime '…' kofu …``): libfaketime reads its
    settings when it loads, and with a faked monotonic clock a thread's timed wait never ends —
    `kofu up`'s supervisor would never restart a dead actor, a kiosk never time out. Returns
    (doing nothing) otherwise."""
    if not under_faketime() or os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1":
        return
    os.execve(argv[0], argv, keep_monotonic_real(dict(os.environ)))


def _select_sleep(seconds: float | SupportsIndex, /) -> None:
    """``time.sleep`` by another system call: ``select`` waits a relative time."""
    wait = float(seconds)
    if wait < 0:
        raise ValueError("sleep length must be non-negative")
    select.select([], [], [], wait)


def tolerate_faketime() -> None:
    """Make ``time.sleep`` work under libfaketime 0.9.10 with the monotonic clock left real.

    Does nothing unless this process is under faketime and ``time.sleep`` fails there.
    """
    if not under_faketime() or time.sleep is _select_sleep:
        return
    try:
        time.sleep(0)
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            raise
        time.sleep = _select_sleep
