"""Writing a file atomically: readers see the old content or the new, never a part.

The one way kofu writes a file that others read while it runs (card files, keys and
certificates, the trust list cache, the CRL, the demo's card index): a temporary file in the
same directory, written, flushed to disk, then renamed over the target, then the directory
itself flushed so the rename survives a power cut.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, mode: int = 0o644, *, replace: bool = True) -> bool:
    """Write ``data`` to ``path`` with permissions ``mode`` (the directory is made if missing).

    With ``replace=False`` an existing file is kept and the write is dropped (the first of
    several racing writers wins); the result says whether this call wrote the file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
            written = True
        else:
            try:
                os.link(tmp, path)
                written = True
            except FileExistsError:
                written = False
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_directory(path.parent)
    return written


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
