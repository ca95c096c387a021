"""Engines and sessions for a city's registry database.

A city's database is an SQLite file by default, or any SQLAlchemy URL (PostgreSQL in
production-like runs). SQLite gets WAL journaling and a busy timeout so that several issuer
threads can write the issue-number counter without failing on a locked database. The schema is
made and kept current by the Alembic migrations (``registry.migrate``), never by create_all.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from kofu.city.registry.migrate import upgrade
from kofu.storage import make_engine, session_factory

__all__ = ["create_schema", "make_engine", "session_factory", "sqlite_url"]


def sqlite_url(path: Path) -> str:
    """URL of the SQLite database file at ``path`` (made absolute)."""
    return f"sqlite:///{path.resolve()}"


def create_schema(engine: Engine) -> None:
    """Bring the registry schema to the newest migration (creates every table on a new database)."""
    upgrade(engine)
