"""The kiosk directory: for each kiosk id, the store it stands in (store id, name, chain).

Kept by the centre's operators in ``$KOFU_VAR/stores.toml`` and published, signed, inside the
trust list (store names are public), so that a kiosk can name the store of each document in a
resident's 本人通知 — the city's issuance log records only the kiosk's id::

    [chains]                        # chain id → the name shown (optional; else the id)
    kofu-mart = "コフマート"

    [kiosks.K0001]
    store = "S0001"                 # the store's id
    name = "コフマート 西東京田無店"  # the store's name, as shown to residents
    chain = "kofu-mart"             # the chain's id (settlement's [chain.…] tables use it)

A kiosk id the directory does not list is shown as 「店舗不明（K0001）」, never refused.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kofu.files import write_atomic
from kofu.pki.errors import PkiError

log = logging.getLogger(__name__)

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class StoreDirectoryError(PkiError):
    """A kiosk directory that cannot be read or is not as described above."""


@dataclass(frozen=True)
class Store:
    """Where one kiosk stands."""

    kiosk_id: str
    store_id: str
    name: str
    chain: str
    chain_name: str = ""

    @property
    def chain_label(self) -> str:
        """The chain's name as shown (its id when the directory gives no name)."""
        return self.chain_name or self.chain

    def as_dict(self) -> dict[str, str]:
        return {"kiosk": self.kiosk_id, "store": self.store_id, "name": self.name,
                "chain": self.chain, "chain_name": self.chain_name}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Store:
        return cls(
            kiosk_id=_text(data, "kiosk"),
            store_id=_text(data, "store"),
            name=_text(data, "name"),
            chain=_text(data, "chain"),
            chain_name=str(data.get("chain_name") or ""),
        )


def unknown_store(kiosk_id: str) -> str:
    """What is shown for a kiosk the directory does not list."""
    return f"店舗不明（{kiosk_id}）" if kiosk_id else "店舗不明"


def store_label(stores: Mapping[str, Store], kiosk_id: str) -> tuple[str, str]:
    """``(store name, chain name)`` of ``kiosk_id``; the placeholder and "" when not listed."""
    found = stores.get(kiosk_id)
    if found is None:
        return unknown_store(kiosk_id), ""
    return found.name, found.chain_label


def with_stores(entries: Iterable[Mapping[str, str]], stores: Mapping[str, Store]) -> list[dict[str, str]]:
    """本人通知 entries with their store named: ``kiosk`` the kiosk id the city recorded (older
    cities send it as ``store``), ``store`` the store's name or the placeholder, ``chain``."""
    named = []
    for entry in entries:
        kiosk = entry.get("kiosk") or entry.get("store") or ""
        store, chain = store_label(stores, kiosk)
        named.append({**entry, "kiosk": kiosk, "store": store, "chain": chain})
    return named


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise StoreDirectoryError(f"{key} must be a non-empty string")
    return value.strip()


def parse_stores(text: str, source: str = "stores.toml") -> dict[str, Store]:
    """The directory in ``text`` (TOML, as above), by kiosk id; raise StoreDirectoryError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoreDirectoryError(f"{source}: not TOML: {exc}") from exc
    chains = data.get("chains", {})
    kiosks = data.get("kiosks", {})
    if not isinstance(chains, dict) or not all(isinstance(v, str) for v in chains.values()):
        raise StoreDirectoryError(f"{source}: [chains] maps chain ids to names")
    if not isinstance(kiosks, dict):
        raise StoreDirectoryError(f"{source}: [kiosks.<kiosk id>] tables expected")
    unknown = set(data) - {"chains", "kiosks"}
    if unknown:
        raise StoreDirectoryError(f"{source}: unknown section(s) {', '.join(sorted(unknown))}")
    found: dict[str, Store] = {}
    for kiosk_id, table in kiosks.items():
        if not _ID.fullmatch(kiosk_id):
            raise StoreDirectoryError(f"{source}: {kiosk_id!r} is not a kiosk id")
        if not isinstance(table, dict):
            raise StoreDirectoryError(f"{source}: [kiosks.{kiosk_id}] must be a table")
        extra = set(table) - {"store", "name", "chain"}
        if extra:
            raise StoreDirectoryError(
                f"{source}: [kiosks.{kiosk_id}] has unknown key(s) {', '.join(sorted(extra))}"
            )
        try:
            store_id, name, chain = (_text(table, key) for key in ("store", "name", "chain"))
            found[kiosk_id] = Store(kiosk_id, store_id, name, chain, str(chains.get(chain, "")))
        except StoreDirectoryError as exc:
            raise StoreDirectoryError(f"{source}: [kiosks.{kiosk_id}] {exc}") from exc
    return found


def load_stores(path: Path | None) -> dict[str, Store]:
    """The directory kept in ``path`` (empty when there is no file); raise StoreDirectoryError."""
    if path is None or not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreDirectoryError(f"{path.name}: unreadable: {exc}") from exc
    return parse_stores(text, path.name)


class StoreDirectory:
    """The directory in a file the centre's operators edit while it runs: read at once (a bad
    one raises, so the centre does not start on it), reread when the file changes; a later edit
    that does not read is logged and the last good directory stays."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.stores = load_stores(path)
        self._seen = self.mtime()

    def mtime(self) -> int | None:
        """When the file last changed (None: there is none)."""
        if self.path is None or not self.path.exists():
            return None
        return self.path.stat().st_mtime_ns

    def current(self) -> dict[str, Store]:
        """The directory, reread first if its file changed since it was last read."""
        seen = self.mtime()
        if seen != self._seen:
            try:
                self.stores = load_stores(self.path)
            except StoreDirectoryError as exc:
                log.warning("kiosk directory not reloaded, the last one read stays published: %s", exc)
            self._seen = seen
        return self.stores


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def format_stores(stores: Iterable[Store]) -> str:
    """``stores`` as the TOML :func:`parse_stores` reads."""
    listed = sorted(stores, key=lambda s: s.kiosk_id)
    chains = {s.chain: s.chain_name for s in listed if s.chain_name}
    lines = ["# kiosk id → the store where it stands (published in the signed trust list)", ""]
    if chains:
        lines += ["[chains]", *(f"{_quoted(c)} = {_quoted(n)}" for c, n in sorted(chains.items())), ""]
    for s in listed:
        lines += [f"[kiosks.{s.kiosk_id}]", f"store = {_quoted(s.store_id)}", f"name = {_quoted(s.name)}",
                  f"chain = {_quoted(s.chain)}", ""]  # fmt: skip
    return "\n".join(lines)


def write_stores(path: Path, stores: Iterable[Store]) -> None:
    """Write the directory to ``path`` (atomically)."""
    write_atomic(path, format_stores(stores).encode("utf-8"))
