"""`kofu up`: every actor as its own process on loopback, started, watched and stopped together."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from kofu import faketime
from kofu.config import Settings

#: The simulated card slot's list of cards in demo mode: the demo's wallet (see kofu.kiosk.slot).
DEMO_CARD_PANEL = "kofu.demo:card_panel"


@dataclass(frozen=True)
class Actor:
    """One process of the cluster: its command (``kofu …``) and the ports it serves."""

    name: str
    args: tuple[str, ...]
    ports: tuple[int, ...] = ()
    program: tuple[str, ...] = ()  # another program than `kofu` (HAProxy)


@dataclass
class Cluster:
    """Every actor as a child process: centre(s) (behind HAProxy when several), the public
    verifier, each city's gateways and issuers, the kiosk. ``watch`` restarts an actor that
    died, with backoff, and leaves the others running.

    ``clock_offset`` runs every actor under libfaketime with that one offset from the real clock,
    so they all agree to the second on a moved "now" (see :mod:`kofu.faketime`;
    ``faketime.offset_to(target)`` turns an instant into it, once).
    """

    settings: Settings
    with_kiosk: bool = True
    with_consoles: bool = (
        False  # the staff consoles (kofu.console): `kofu up` and the tests' chain start them
    )
    clock_offset: timedelta | None = None
    env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    restarts: dict[str, list[float]] = field(default_factory=dict)

    def actors(self) -> list[Actor]:
        """Every process of this deployment, in the order they start."""
        s = self.settings
        found: list[Actor] = []
        for city in s.cities:
            for n in range(s.gateways_per_city):
                name = f"gateway-{city}" + (f"-{n}" if n else "")
                found.append(
                    Actor(name, ("gateway", "--city", city, "--index", str(n)), (s.gateway_port(city, n),))
                )
        if s.center_replicas == 1:
            found.append(Actor("center", ("center",), (s.center_port,)))
        else:
            for n in range(s.center_replicas):
                found.append(
                    Actor(f"center-{n}", ("center", "--replica", str(n)), (s.center_replica_port(n),))
                )
            found.append(
                Actor(
                    "haproxy",
                    (),
                    (s.center_port,),
                    program=("haproxy", "-db", "-f", str(self._haproxy_config())),
                )
            )
        found.append(Actor("verifier", ("verifier",), (s.public_port,)))
        for city in s.cities:
            for n in range(s.issuers_per_city):
                found.append(Actor(f"issuer-{city}" + (f"-{n}" if n else ""), ("issuer", "--city", city)))
        if self.with_kiosk:
            found.append(Actor("kiosk", ("kiosk",), (s.kiosk_port,)))
        if self.with_consoles:
            found += console_actors(s)
        return found

    def actor(self, name: str) -> Actor:
        for actor in self.actors():
            if actor.name == name:
                return actor
        raise KeyError(f"no actor {name!r}")

    def ports(self, name: str) -> list[int]:
        """The ports actor ``name`` serves on (an issuer opens none: it pulls from its gateways)."""
        return list(self.actor(name).ports)

    def _spawn(self, actor: Actor) -> None:
        log_dir = self.settings.log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_dir / f"{actor.name}.log", "ab")  # noqa: SIM115 - handed to the child
        tmp = (
            self.settings.var_dir / "tmp" / actor.name
        )  # each actor's own temp dir, scanned by the privacy test
        tmp.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env, "KOFU_VAR": str(self.settings.var_dir), "TMPDIR": str(tmp)}
        env.update(_settings_env(self.settings))
        if self.clock_offset is not None:
            env = faketime.process_env(self.clock_offset, env)
        else:  # started under `faketime …` itself: its actors' timed waits need a real monotonic clock
            env = faketime.keep_monotonic_real(env)
        command = list(actor.program) if actor.program else [sys.executable, "-m", "kofu.cli", *actor.args]
        self.procs[actor.name] = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        log.close()
        self.settings.run_dir.mkdir(parents=True, exist_ok=True)
        (self.settings.run_dir / f"{actor.name}.pid").write_text(f"{self.procs[actor.name].pid}\n")

    def start(self, timeout: float = 60.0) -> None:
        """Start everything and wait until each server accepts connections."""
        actors = self.actors()
        ports = [port for actor in actors for port in actor.ports]
        busy = [port for port in ports if _listening(self.settings.host, port)]
        if busy:
            raise RuntimeError(
                f"port(s) {', '.join(map(str, busy))} already in use (is another `kofu up` running?); "
                "stop it or choose other ports with KOFU_PORT_BASE / KOFU_KIOSK_PORT"
            )
        for actor in actors:
            self._spawn(actor)
        self._wait_open(ports, time.monotonic() + timeout)

    def restart(self, name: str, timeout: float = 60.0) -> None:
        """Stop one actor's process group and start it again with the same arguments.

        Returns once its ports accept connections again (an issuer opens none: the gateway
        drops the long polls its old process left and keeps requests for the new one). An actor
        that has died is started again the same way.
        """
        actor = self.actor(name)
        if name in self.procs:
            _terminate([self.procs[name]], grace=10.0)
        self._release(actor)
        self._spawn(actor)
        self._wait_open(list(actor.ports), time.monotonic() + timeout, [name])
        self._check_alive([name])

    def kill(self, name: str) -> int:
        """SIGKILL one actor's process group (as a crash would); its pid."""
        proc = self.procs[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return proc.pid

    def _release(self, actor: Actor) -> None:
        host, deadline = self.settings.host, time.monotonic() + 10
        for port in actor.ports:  # released, so that "open" below means the new process
            while _listening(host, port):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"port {port} of {actor.name} is still in use after it stopped")
                time.sleep(0.1)

    def _wait_open(self, ports: list[int], deadline: float, names: list[str] | None = None) -> None:
        s = self.settings
        for port in ports:
            while not _listening(s.host, port):
                self._check_alive(names)
                if time.monotonic() > deadline:
                    raise RuntimeError(f"port {port} did not open; see {s.log_dir}")
                time.sleep(0.1)

    def _check_alive(self, names: list[str] | None = None) -> None:
        for name in self.procs if names is None else names:
            proc = self.procs[name]
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {proc.returncode}; see {self.settings.log_dir / name}.log"
                )

    def stop(self) -> None:
        """Stop every process (SIGINT, then SIGKILL after a grace period)."""
        _terminate(list(self.procs.values()), grace=10.0)
        for name in self.procs:
            (self.settings.run_dir / f"{name}.pid").unlink(missing_ok=True)
        self.procs.clear()

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def supervise_once(self) -> list[str]:
        """Start again every actor that died (with backoff: an actor that keeps dying waits up to
        ``MAX_BACKOFF`` seconds between starts); the names restarted now."""
        restarted = []
        now = time.monotonic()
        for actor in self.actors():
            proc = self.procs.get(actor.name)
            if proc is None or proc.poll() is None:
                continue
            recent = [t for t in self.restarts.get(actor.name, []) if now - t < 60]
            backoff = min(MAX_BACKOFF, 0.5 * 2 ** len(recent)) if recent else 0.0
            if recent and now - recent[-1] < backoff:
                continue
            log.warning("%s exited with %s; starting it again", actor.name, proc.returncode)
            self._spawn(actor)
            self.restarts[actor.name] = [*recent, now]
            restarted.append(actor.name)
        return restarted

    def watch(self) -> None:
        """Keep every actor running until Ctrl-C: a dead one is started again, the others go on."""
        while True:
            self.supervise_once()
            time.sleep(0.5)

    def _haproxy_config(self) -> Path:
        """HAProxy in TCP mode: TLS passes through to the centres (each checks the client
        certificate itself); a centre that does not accept connections is taken out."""
        s = self.settings
        servers = "\n".join(
            f"    server center-{n} {s.host}:{s.center_replica_port(n)} check inter 1s fall 2 rise 1"
            for n in range(s.center_replicas)
        )
        config = f"""global
    maxconn 4096
defaults
    mode tcp
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    option redispatch
    retries 2
frontend kiosks
    bind {s.host}:{s.center_port}
    default_backend centers
backend centers
    balance leastconn
{servers}
"""
        path = s.var_dir / "haproxy.cfg"
        path.write_text(config)
        return path


def console_actors(settings: Settings) -> list[Actor]:
    """The staff consoles: the centre's operator console and each city's (kofu.console)."""
    from kofu.console.ports import console_port

    found = [Actor("console-center", ("center", "console"), (console_port(settings, "center"),))]
    for city in settings.cities:
        found.append(
            Actor(f"console-{city}", ("city", "console", "--city", city), (console_port(settings, city),))
        )
    return found


#: The longest an actor that keeps dying waits before it is started again, in seconds.
MAX_BACKOFF = 10.0
log = logging.getLogger("kofu.up")


def _terminate(procs: list[subprocess.Popen[bytes]], grace: float) -> None:
    """SIGINT to each process group, then SIGKILL to those still running after `grace` seconds."""
    for proc in procs:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGINT)
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if `kofu up` dies, so no actor outlives it."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _listening(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def _settings_env(settings: Settings) -> dict[str, str]:
    env = {
        "KOFU_GATEWAYS": str(settings.gateways_per_city),
        "KOFU_ISSUERS": str(settings.issuers_per_city),
        "KOFU_CENTER_REPLICAS": str(settings.center_replicas),
        "KOFU_SWEEP_AFTER": str(settings.sweep_after),
        "KOFU_SWEEP_INTERVAL": str(settings.sweep_interval),
        "KOFU_PORT_BASE": str(settings.port_base),
        "KOFU_KIOSK_PORT": str(settings.kiosk_port),
        "KOFU_SEED": str(settings.seed),
        "KOFU_HOUSEHOLDS": str(settings.households),
        "KOFU_ISSUER_WORKERS": str(settings.issuer_workers),
        # `kofu up` is the demo: its kiosk's simulated slot lists the demo cards (unless told otherwise).
        "KOFU_CARD_PANEL": DEMO_CARD_PANEL if settings.card_panel == "none" else settings.card_panel,
    }
    for key, url in settings.db_urls.items():
        env["KOFU_CENTER_DB" if key == "center" else f"KOFU_CITY_DB_{key}"] = url
    return env
