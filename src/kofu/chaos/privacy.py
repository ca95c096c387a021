"""The scan for personal data outside the cities (invariant 4), for a chaos run.

Needles: every resident's name (as printed and joined), address, 本籍 and 筆頭者, and every
card's certificate serial, each as UTF-8 and as JSON escapes it. Haystacks: the centre's database
(every row of every table), the logs and temp directories of every actor outside the cities'
issuers, the kiosks' journals and the run's own result files. A hit names the needle's kind and
the file, never the value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import ahocorasick
from sqlalchemy import MetaData, select

from kofu.city.registry.models import Card, Resident
from kofu.config import Settings
from kofu.storage import make_engine, session_factory


def _forms(text: str | None) -> list[bytes]:
    if not text or len(text) < 2:
        return []
    forms = [text.encode()]
    escaped = json.dumps(text, ensure_ascii=True)[1:-1]
    if escaped != text:
        forms.append(escaped.encode())
    return forms


def needles(settings: Settings) -> dict[bytes, str]:
    """Every personal value of the cities' registries, by the kind it is (never the value)."""
    found: dict[bytes, str] = {}
    for city in settings.cities:
        engine = make_engine(settings.city_db_url(city))
        try:
            with session_factory(engine)() as session:
                for resident in session.scalars(select(Resident)):
                    for kind, value in (
                        ("a name", resident.name),
                        ("a joined name", resident.family_name + resident.given_name),
                        ("an address", resident.household.address.full_text if resident.household else None),
                        ("a 本籍", resident.honseki),
                        ("a 筆頭者", resident.hittosha),
                    ):
                        for form in _forms(value):
                            found[form] = kind
                for card in session.scalars(select(Card)):
                    found[card.cert_serial_hex.encode()] = "a card serial"
        finally:
            engine.dispose()
    return found


class Needles:
    """Byte strings, each with what it is, all looked for in one pass over a haystack
    (Aho–Corasick: the time is the haystack's length, however many needles)."""

    def __init__(self, pairs: Iterable[tuple[bytes, str]]) -> None:
        self._automaton = ahocorasick.Automaton()
        whats: dict[bytes, list[str]] = {}
        for needle, what in pairs:
            if needle:
                whats.setdefault(needle, []).append(what)
        for needle, names in whats.items():  # latin-1: one character per byte, any bytes
            self._automaton.add_word(needle.decode("latin-1"), names)
        self._empty = not whats
        if whats:
            self._automaton.make_automaton()

    def found(self, haystack: bytes) -> set[str]:
        """What each needle in ``haystack`` is (never the value)."""
        if self._empty:
            return set()
        return {what for _end, names in self._automaton.iter(haystack.decode("latin-1")) for what in names}


def scan(settings: Settings, files: Iterable[Path]) -> list[str]:
    """Where personal data was found outside the cities: the centre's database and ``files``."""
    wanted = Needles(needles(settings).items())
    hits: list[str] = []
    for path, blob in [("center database", _center_rows(settings)), *((str(f), _read(f)) for f in files)]:
        found = wanted.found(blob)
        if found:
            hits.append(f"{min(found)} in {path}")
    return hits


def outside_files(settings: Settings) -> list[Path]:
    """Logs and temp files of every actor but the cities' issuers, the kiosks' journals, and the
    spans of every actor, the issuers' included (spans carry no personal data anywhere)."""
    spans = settings.var_dir / "telemetry"
    roots = [
        spans,
        settings.log_dir,
        settings.var_dir / "tmp",
        settings.var_dir / "kiosk",
        settings.var_dir / "chaos",
    ]
    found = []
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            if path.is_relative_to(spans) or ("issuer" not in path.name and "issuer" not in path.parent.name):
                found.append(path)
    return found


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _center_rows(settings: Settings) -> bytes:
    engine = make_engine(settings.center_db_url())
    try:
        meta = MetaData()
        meta.reflect(engine)
        parts = []
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                for row in conn.execute(select(table)):
                    parts.append(repr(tuple(row)))
        return "\n".join(parts).encode()
    finally:
        engine.dispose()
