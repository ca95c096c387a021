"""pcscd for the PC/SC tests (and the README's PC/SC example): the real daemon with Debian's
vsmartcard-vpcd virtual reader, one session fixture for the whole test session.

The fixture installs ``pcscd`` and ``vsmartcard-vpcd`` when missing (``scripts/system-deps``, as
root), starts ``pcscd -f`` in the foreground if no pcscd is running (``--auto-exit`` would drop
the virtual reader) and stops it afterwards — only the one it started. Where pcscd cannot run
(not root, not installable) the tests are skipped saying why; with ``CI`` or
``KOFU_REQUIRE_PCSC`` set they fail instead. The vpcd slot is one per machine, so test sessions
take a file lock on it (registered once, in tests/conftest.py, so no two fixtures of one session
ever wait for each other).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
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
