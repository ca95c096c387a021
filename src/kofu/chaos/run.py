"""A chaos run: the bench, kill -9 of random actors, recovery, then every invariant checked.

The run has its own demo and its own supervised cluster (under ``var/chaos`` by default, made
afresh, on free ports), so it can be repeated anywhere without disturbing a running ``kofu up``.
Kiosks are worker processes (``kofu.chaos.worker``) so that killing one is a real crash; a
killed kiosk is started again at once under the same id, as a copier restarts, and recovers
from its journal. Every ``interval`` seconds one actor of a kind named in ``kill`` gets SIGKILL;
the supervisor starts it again with backoff. After ``seconds`` the kills stop, the kiosks finish
their visits and recover, the centre sweeps, and ``kofu.chaos.checks`` counts what went wrong.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from kofu.chaos import checks, privacy
from kofu.config import Settings
from kofu.demo import DemoCard, setup
from kofu.kiosk.center import CenterLink
from kofu.kiosk.journal import kiosk_journal, recovered
from kofu.pki.tls import client_context
from kofu.up import Cluster, _settings_env

KINDS = ("issuer", "gateway", "center", "kiosk", "verifier")
REFUSED = {"moved-out", "deceased", "dv-protected", "pending-change", "under-15", "long-address"}
SETTLE = 90.0


@dataclass
class Report:
    """What a chaos run did and found."""

    visits: int = 0
    printed: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    kills: list[tuple[str, float | None]] = field(default_factory=list)  # actor, seconds to serve again
    findings: checks.Findings = field(default_factory=checks.Findings)

    def lines(self) -> list[str]:
        out = [f"visits: {self.visits}   printed: {self.printed}   kills: {len(self.kills)}"]
        if self.failures:
            out.append(
                "visits that failed (the resident was told): "
                + ", ".join(f"{k} {v}" for k, v in sorted(self.failures.items()))
            )
        for kind in checks.KINDS:
            out.append(f"  {kind}: {self.findings.counts.get(kind, 0)}")
            out += [f"      e.g. {example}" for example in self.findings.examples.get(kind, [])]
        times: dict[str, list[float]] = {}
        for name, seconds in self.kills:
            times.setdefault(_kind(name), []).append(seconds if seconds is not None else float("inf"))
        for kind, values in sorted(times.items()):
            worst = max(values)
            shown = "never" if worst == float("inf") else f"{worst:.1f} s"
            out.append(f"  serving again after a kill of {kind}: {len(values)} kills, slowest {shown}")
        return out


def run(
    base: Settings,
    *,
    seconds: float,
    kill: tuple[str, ...],
    kiosks: int = 4,
    interval: float = 3.0,
    seed: int | None = None,
) -> Report:
    """One chaos run (see the module docstring)."""
    unknown = set(kill) - set(KINDS)
    if unknown:
        raise ValueError(f"--kill takes {', '.join(KINDS)}, not {', '.join(sorted(unknown))}")
    chance = random.Random(seed)
    settings = _settings(base)
    cards = [
        c for c in setup(settings, bench_kiosks=kiosks) if "adult" in c.traits and not REFUSED & set(c.traits)
    ]
    report = Report()
    cluster = Cluster(settings, with_kiosk=False)
    cluster.start()
    stop = threading.Event()
    supervisor = threading.Thread(target=_supervise, args=(cluster, stop), daemon=True)
    supervisor.start()
    out_dir = settings.var_dir / "chaos"
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = [f"K9{n:03d}" for n in range(1, kiosks + 1)]
    until = time.time() + seconds
    workers = {k: _worker(settings, k, cards[i::kiosks], until, out_dir) for i, k in enumerate(ids)}
    try:
        while time.time() < until:
            time.sleep(interval)
            for kiosk, proc in list(workers.items()):  # a copier restarts at once
                if proc.poll() is not None and time.time() < until:
                    workers[kiosk] = _worker(
                        settings, kiosk, cards[ids.index(kiosk) :: kiosks], until, out_dir
                    )
            if time.time() < until - 1 and kill:
                report.kills.append(
                    _kill_one(
                        cluster,
                        workers,
                        chance.choice(kill),
                        chance,
                        settings,
                        ids,
                        cards,
                        kiosks,
                        until,
                        out_dir,
                    )
                )
        for proc in workers.values():
            proc.wait(timeout=120)
        _wait_all_serving(cluster)
        _recover_kiosks(settings, ids)
        _settle(settings)
        results = sorted(out_dir.glob("*.jsonl"))
        hits = privacy.scan(settings, privacy.outside_files(settings))
        report.findings = checks.check(settings, ids, results, hits)
        for path in results:
            for line in path.read_text().splitlines():
                visit = json.loads(line)
                report.visits += 1
                if visit["code"] == "printed":
                    report.printed += 1
                else:
                    report.failures[visit["code"]] = report.failures.get(visit["code"], 0) + 1
        return report
    finally:
        stop.set()
        for proc in workers.values():
            if proc.poll() is None:
                proc.kill()
        cluster.stop()


def _settings(base: Settings) -> Settings:
    var = base.var_dir / "chaos-run"
    shutil.rmtree(var, ignore_errors=True)
    port = _free_base()
    return dataclasses.replace(
        base,
        var_dir=var,
        port_base=port,
        kiosk_port=port + 100,
        households=min(base.households, 16),
        db_urls={},
        sweep_after=10,
        sweep_interval=2,
    )


def _free_base() -> int:
    for _ in range(200):
        port = random.randrange(20000, 40000)
        ports = [*range(port, port + 4), *range(port + 9, port + 14), port + 30, port + 100]
        if all(_free(p) for p in ports):
            return port
    raise RuntimeError("no free port range")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _supervise(cluster: Cluster, stop: threading.Event) -> None:
    while not stop.is_set():
        cluster.supervise_once()
        stop.wait(0.2)


def _worker(
    settings: Settings, kiosk: str, cards: list[DemoCard], until: float, out_dir: Path
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KOFU_VAR": str(settings.var_dir), **_settings_env(settings)}
    pairs = ",".join(f"{c.card}:{c.pin}:{c.city}" for c in cards)
    log = (settings.log_dir / f"kiosk-{kiosk}.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "kofu.chaos.worker", "--kiosk", kiosk, "--cards", pairs, "--until", str(until),
         "--out", str(out_dir / f"{kiosk}.jsonl")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def _kill_one(  # type: ignore[no-untyped-def]
    cluster: Cluster,
    workers,
    kind: str,
    chance: random.Random,
    settings: Settings,
    ids,
    cards,
    kiosks,
    until,
    out_dir,
) -> tuple[str, float | None]:
    """SIGKILL one actor of ``kind``; how long until it serves again (None: not in 30 s)."""
    killed_at = time.monotonic()
    if kind == "kiosk":
        kiosk = chance.choice(sorted(workers))
        os.killpg(workers[kiosk].pid, signal.SIGKILL)
        workers[kiosk].wait()
        workers[kiosk] = _worker(settings, kiosk, cards[ids.index(kiosk) :: kiosks], until, out_dir)
        return f"kiosk-{kiosk}", time.monotonic() - killed_at
    names = [a.name for a in cluster.actors() if a.name == kind or a.name.startswith(f"{kind}-")]
    name = chance.choice(names)
    old = cluster.kill(name)
    return name, _serving_again(cluster, name, old, killed_at)


def _serving_again(cluster: Cluster, name: str, old_pid: int, killed_at: float) -> float | None:
    deadline = killed_at + 30
    actor = cluster.actor(name)
    while time.monotonic() < deadline:
        proc = cluster.procs.get(name)
        started = proc is not None and proc.pid != old_pid and proc.poll() is None
        if started and all(_listening(cluster.settings.host, port) for port in actor.ports):
            return time.monotonic() - killed_at
        time.sleep(0.05)
    return None


def _listening(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def _wait_all_serving(cluster: Cluster, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    for actor in cluster.actors():
        while time.monotonic() < deadline:
            proc = cluster.procs.get(actor.name)
            if (
                proc is not None
                and proc.poll() is None
                and all(_listening(cluster.settings.host, p) for p in actor.ports)
            ):
                break
            time.sleep(0.1)


def _recover_kiosks(settings: Settings, ids: list[str]) -> None:
    """Each kiosk starts once more: closes what a kill left open and sends every report."""
    for kiosk in ids:
        center = CenterLink(settings.center_url, client_context(settings.pki, "kiosk", kiosk), kiosk)
        try:
            deadline = time.monotonic() + 30
            journal = kiosk_journal(settings.var_dir, kiosk)
            while time.monotonic() < deadline:
                with recovered(journal, center):
                    pass
                if not journal.pending():
                    break
                time.sleep(0.5)
        finally:
            center.close()


def _settle(settings: Settings) -> None:
    """Wait for the centre's sweeps: every order ended and every city told (or ``SETTLE`` s)."""
    from sqlalchemy import select

    from kofu.center.models import Order
    from kofu.center.outcomes import TERMINAL
    from kofu.storage import make_engine, session_factory

    engine = make_engine(settings.center_db_url())
    try:
        db = session_factory(engine)
        deadline = time.monotonic() + SETTLE
        while time.monotonic() < deadline:
            with db() as session:
                open_rows = [
                    o for o in session.scalars(select(Order))
                    if o.status not in TERMINAL or (o.status != "refused" and not o.city_told)
                ]  # fmt: skip
            if not open_rows:
                return
            time.sleep(1.0)
    finally:
        engine.dispose()


def _kind(name: str) -> str:
    return name.split("-", 1)[0]
