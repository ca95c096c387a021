"""Helpers of the PC/SC tests: `kofu` commands with the PC/SC reader, a card put into pcscd's
virtual reader. The ``pcscd`` fixture itself is in tests/pcsc_daemon.py (registered once, in
tests/conftest.py)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from kofu.config import Settings
from kofu.up import _settings_env
from tests.pcsc_daemon import READER, VPCD_PORT  # noqa: F401 - for the PC/SC tests

ROOT = Path(__file__).resolve().parents[2]


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
