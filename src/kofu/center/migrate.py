"""Schema migrations of the centre's database (Alembic), run by every centre process at start.

One chain (``kofu/center/migrations``), the same on SQLite and PostgreSQL; ``kofu db upgrade
center`` runs it by hand. A database made before the chain existed (by ``create_all``) holds
exactly the first revision's tables: it is adopted at that revision and upgraded.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from kofu.migrations import Chain

CENTER = Chain(
    "center",
    Path(__file__).with_name("migrations"),
    marker_table="orders",
    lock_key=0x6B6F6663,
    stamp_unversioned="0001_initial",
)


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Bring the centre's database to ``revision`` (default: the newest)."""
    CENTER.upgrade(engine_or_url, revision)
