"""`kofu up`: every actor as its own process on loopback, started, watched and stopped together."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from kofu.config import Settings

#: The simulated card slot's list of cards in demo mode: the demo's wallet (see kofu.kiosk.slot).
DEMO_CARD_PANEL = "kofu.demo:card_panel"


@dataclass
class Cluster:
    """The centre, each city's gateway and issuer, and the kiosk, as child processes."""

    settings: Settings
    with_kiosk: bool = True
    env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    commands: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def _spawn(self, name: str, *args: str) -> None:
        log_dir = self.settings.log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_dir / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
        tmp = self.settings.var_dir / "tmp" / name  # each actor's own temp dir, scanned by the privacy test
        tmp.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env, "KOFU_VAR": str(self.settings.var_dir), "TMPDIR": str(tmp)}
        env.update(_settings_env(self.settings))
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "kofu.cli", *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self.commands[name] = args
        log.close()
        self.settings.run_dir.mkdir(parents=True, exist_ok=True)
        (self.settings.run_dir / f"{name}.pid").write_text(f"{self.procs[name].pid}\n")

    def ports(self, name: str) -> list[int]:
        """The ports actor `name` serves on (an issuer opens none: it pulls from its gateway)."""
        s = self.settings
        kind, _, city = name.partition("-")
        if name == "center":
            return [s.center_port, s.public_port]
        if name == "kiosk":
            return [s.kiosk_port]
        if kind == "gateway" and city in s.cities:
            return [s.gateway_port(city)]
        if kind == "issuer" and city in s.cities:
            return []
        raise KeyError(f"no actor {name!r}")

    def start(self, timeout: float = 60.0) -> None:
        """Start everything and wait until each server accepts connections."""
        s = self.settings
        names = ["center", *(f"gateway-{c}" for c in s.cities)] + (["kiosk"] if self.with_kiosk else [])
        ports = [port for name in names for port in self.ports(name)]
        busy = [port for port in ports if _listening(s.host, port)]
        if busy:
            raise RuntimeError(
                f"port(s) {', '.join(map(str, busy))} already in use (is another `kofu up` running?); "
                "stop it or choose other ports with KOFU_PORT_BASE / KOFU_KIOSK_PORT"
            )
        for city in s.cities:
            self._spawn(f"gateway-{city}", "gateway", "--city", city)
        self._spawn("center", "center")
        for city in s.cities:
            self._spawn(f"issuer-{city}", "issuer", "--city", city)
        if self.with_kiosk:
            self._spawn("kiosk", "kiosk")
        self._wait_open(ports, time.monotonic() + timeout)

    def restart(self, name: str, timeout: float = 60.0) -> None:
        """Stop one actor's process group and start it again with the same arguments.

        Returns once its ports accept connections again (an issuer opens none: the gateway
        drops the long polls its old process left and keeps requests for the new one). An actor
        that has died is started again the same way.
        """
        if name not in self.commands:
            raise KeyError(f"no actor {name!r} in this cluster ({', '.join(self.commands)})")
        ports = self.ports(name)
        _terminate([self.procs[name]], grace=10.0)
        host, deadline = self.settings.host, time.monotonic() + 10
        for port in ports:  # released, so that "open" below means the new process
            while _listening(host, port):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"port {port} of {name} is still in use after it stopped")
                time.sleep(0.1)
        self._spawn(name, *self.commands[name])
        self._wait_open(ports, time.monotonic() + timeout, [name])
        self._check_alive([name])

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
        self.commands.clear()

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def watch(self) -> None:
        """Block until Ctrl-C or until a process dies."""
        while True:
            self._check_alive()
            time.sleep(0.5)


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


def log_files(settings: Settings) -> list[Path]:
    return sorted(settings.log_dir.glob("*.log"))
