"""pcscd for the PC/SC tests: the real daemon with Debian's vsmartcard-vpcd virtual reader.

The session fixture installs ``pcscd`` and ``vsmartcard-vpcd`` when missing (``scripts/system-deps``,
as root), starts ``pcscd -f`` in the foreground if no pcscd is running (``--auto-exit`` would
drop the virtual reader) and stops it afterwards — only the one it started. Where pcscd cannot
run (not root, not installable) the tests are skipped saying why; with ``CI`` or
``KOFU_REQUIRE_PCSC`` set they fail instead. The vpcd slot is one per machine, so test sessions
take a file lock on it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kofu.config import Settings
from kofu.up import _settings_env

ROOT = Path(__file__).resolve().parents[2]
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
VPCD_PORT = 35963
READER = "Virtual PCD 00 00"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") or os.environ.get("KOFU_REQUIRE_PCSC"):
        pytest.fail(f"pcscd is required here: {reason}")
    pytest.skip(reason)


def _pcscd_answers() -> bool:
    from kofu.card.errors import CardError
    from kofu.card.pcsc import list_readers

    try:
        return READER in list_readers()
    except CardError:
        return False


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A pcscd with the vpcd reader; yields the reader name."""
    binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
    if not (Path(binary).exists() and VPCD_DRIVER.exists()):
        if os.geteuid() != 0:
            _unavailable("pcscd/vsmartcard-vpcd are not installed and installing needs root")
        subprocess.run([str(ROOT / "scripts" / "system-deps")], check=False)
        binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
        if not (Path(binary).exists() and VPCD_DRIVER.exists()):
            _unavailable("could not install pcscd and vsmartcard-vpcd")
    lock = open("/tmp/kofu-vpcd-slot.lock", "w")  # noqa: SIM115 - held for the session
    fcntl.flock(lock, fcntl.LOCK_EX)  # one test session at a time uses the vpcd slot
    started: subprocess.Popen[bytes] | None = None
    try:
        if not _pcscd_answers():
            if os.geteuid() != 0:
                _unavailable("pcscd is not running and only root can start it (`pcscd -f`)")
            log = open(tmp_path_factory.mktemp("pcscd") / "pcscd.log", "wb")  # noqa: SIM115
            started = subprocess.Popen(
                [binary, "-f"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            deadline = time.monotonic() + 15
            while not _pcscd_answers():
                if started.poll() is not None or time.monotonic() > deadline:
                    _unavailable(f"pcscd did not come up (exit {started.poll()}); see {log.name}")
                time.sleep(0.2)
        yield READER
    finally:
        if started is not None and started.poll() is None:
            os.killpg(started.pid, signal.SIGTERM)
            try:
                started.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(started.pid, signal.SIGKILL)
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def kofu_env(settings: Settings) -> dict[str, str]:
    """Environment for `kofu` subprocesses talking to the test chain."""
    return {
        **os.environ,
        **_settings_env(settings),
        "KOFU_VAR": str(settings.var_dir),
        "KOFU_READER": "pcsc",
        "KOFU_READER_NAME": READER,
    }


def kofu(settings: Settings, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run one `kofu` command to completion."""
    return subprocess.run(
        [sys.executable, "-m", "kofu.cli", *args],
        env=kofu_env(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextlib.contextmanager
def inserted(settings: Settings, label: str) -> Iterator[subprocess.Popen[str]]:
    """`kofu card insert LABEL` running as its own process until the block ends (`kofu card remove`)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kofu.cli", "card", "insert", label],
        env=kofu_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        seen = []
        for line in proc.stdout:  # log lines (the emulator warns that it is one) come first
            seen.append(line)
            if line.startswith(f"inserted {label}"):
                break
        else:
            raise AssertionError("kofu card insert failed:\n" + "".join(seen))
        yield proc
    finally:
        if proc.poll() is None:
            kofu(settings, "card", "remove")
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
