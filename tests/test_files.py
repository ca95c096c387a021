"""Atomic file writes: the whole new content or the old one, with the mode asked, no leftovers."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from kofu.files import write_atomic


def test_writes_the_file_with_its_mode_and_makes_the_directory(tmp_path: Path) -> None:
    path = tmp_path / "new" / "key.pem"
    assert write_atomic(path, b"secret", 0o600) is True
    assert path.read_bytes() == b"secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["key.pem"]


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "crl.pem"
    write_atomic(path, b"old")
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_without_replace_the_first_writer_wins(tmp_path: Path) -> None:
    path = tmp_path / "session.key"
    assert write_atomic(path, b"first", 0o600, replace=False) is True
    assert write_atomic(path, b"second", 0o600, replace=False) is False
    assert path.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["session.key"]


def test_a_failed_write_keeps_the_old_content_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    write_atomic(path, b"old")
    not_bytes: Any = "text"
    with pytest.raises(TypeError):
        write_atomic(path, not_bytes)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["card.json"]
