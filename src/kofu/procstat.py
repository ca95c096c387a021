"""CPU time and memory of the actors `kofu up` runs, read from Linux's /proc (for `kofu bench`).

Each actor is one process (an issuer's workers are threads), so its user + system time, with
that of the helper programs it ran and waited for, is what that actor spent. Where there is no
/proc or no pid file, nothing is measured.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def _cpu_seconds(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name, which is in parentheses and may hold spaces.
    fields = stat.rsplit(")", 1)[1].split()
    # utime, stime, and the same of the children it waited for (pdftoppm renders, for one).
    ticks = sum(int(f) for f in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int | None:
    """Resident memory of process ``pid`` (VmRSS), or None when it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return None


def actor_pids(run_dir: Path) -> dict[str, int]:
    """The pid of each actor with a readable pid file in ``run_dir``, by actor name."""
    found: dict[str, int] = {}
    for pid_file in sorted(run_dir.glob("*.pid")):
        try:
            found[pid_file.stem] = int(pid_file.read_text().strip())
        except (OSError, ValueError):
            continue
    return found


def actor_cpu(run_dir: Path) -> dict[str, float]:
    """CPU seconds so far of each running actor with a pid file in ``run_dir``, by actor name."""
    return _per_actor(run_dir, _cpu_seconds)


def actor_rss(run_dir: Path) -> dict[str, int]:
    """Resident memory in bytes of each running actor with a pid file in ``run_dir``."""
    return _per_actor(run_dir, rss_bytes)


def _per_actor(run_dir: Path, measure: Callable[[int], T | None]) -> dict[str, T]:
    """``measure`` of each actor's pid, by actor name (an actor it cannot read is left out)."""
    found: dict[str, T] = {}
    for name, pid in actor_pids(run_dir).items():
        value = measure(pid)
        if value is not None:
            found[name] = value
    return found


def cpu_spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds each actor spent between two readings (actors present in both)."""
    return {name: after[name] - before[name] for name in after if name in before}


def own_cpu(children: bool = True) -> float:
    """CPU seconds this process has spent so far: all its threads and, with ``children``, the
    helper programs it waited for."""
    times = os.times()
    spent = times.user + times.system
    return spent + times.children_user + times.children_system if children else spent
