"""A progress bar on stderr for long set-up work (`kofu seed` of a large city).

On a terminal the bar redraws in place; otherwise (a log, CI) it prints a line every tenth.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    """``label``: ``done``/``total`` as a bar; call ``update`` as work is done, ``close`` at the end."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._drawn = 0.0
        self._tenth = -1

    def update(self, done: int) -> None:
        fraction = min(done / self.total, 1.0)
        if self.tty:
            now = time.monotonic()
            if now - self._drawn >= 0.1 or fraction >= 1.0:
                self._drawn = now
                self.stream.write("\r" + self._line(done, fraction))
                self.stream.flush()
        elif int(fraction * 10) > self._tenth:
            self._tenth = int(fraction * 10)
            self.stream.write(self._line(done, fraction) + "\n")
            self.stream.flush()

    def close(self) -> None:
        self.update(self.total)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _line(self, done: int, fraction: float) -> str:
        filled = round(WIDTH * fraction)
        took = time.monotonic() - self.started
        return (
            f"{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] "
            f"{min(done, self.total):,}/{self.total:,} {took:.0f} s"
        )
