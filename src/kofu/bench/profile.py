"""`kofu bench --profile`: a sampling profile of each running actor for the length of the run.

py-spy (a dev dependency) attaches to each actor's pid from ``var/run`` and samples it without
stopping it; each actor's profile is written as collapsed stacks (``<actor>.txt``, one line per
stack with its sample count: speedscope and flamegraph.pl read it) into
``var/profiles/<time>/``. Stacks hold function names and source lines, never request data.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from kofu.procstat import actor_pids

RATE = 200  # samples a second


@dataclass
class Profiling:
    """Profilers running for one bench run (or why there are none)."""

    directory: Path | None
    note: str
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def finish(self) -> str:
        """Wait for every profiler to write its file; what the bench prints about them."""
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self.directory is None:
            return self.note
        written = sorted(p.name for p in self.directory.glob("*.txt"))
        if not written:
            return f"n/a (py-spy wrote nothing; see {self.directory}/py-spy.log)"
        return f"{self.directory}/ ({', '.join(written)}; py-spy collapsed stacks)"


def py_spy() -> str | None:
    """The py-spy program: beside this interpreter, or on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def start(run_dir: Path, profiles_dir: Path, seconds: float) -> Profiling:
    """Start sampling every actor with a pid file in ``run_dir`` for ``seconds``."""
    program = py_spy()
    if program is None:
        return Profiling(None, "n/a (py-spy is not installed: pip install py-spy)")
    pids = actor_pids(run_dir)
    if not pids:
        return Profiling(None, f"n/a (no actor pid files in {run_dir})")
    directory = profiles_dir / time.strftime("%Y%m%d-%H%M%S")
    directory.mkdir(parents=True, exist_ok=True)
    log = (directory / "py-spy.log").open("ab")
    procs = [
        subprocess.Popen(
            [
                program,
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(max(1, math.ceil(seconds))),
                "--rate",
                str(RATE),
                "--nonblocking",
                "--format",
                "raw",
                "--output",
                str(directory / f"{actor}.txt"),
            ],
            stdout=log,
            stderr=log,
        )
        for actor, pid in sorted(pids.items())
    ]
    log.close()
    return Profiling(directory, "", procs)
