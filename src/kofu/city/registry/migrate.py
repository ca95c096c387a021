"""Schema migrations of a city's database (Alembic), run programmatically.

``upgrade(engine_or_url)`` brings a database to the newest revision; ``create_schema`` (and so
``kofu seed``, the issuer and the counter at start, and the tests) goes through it, so every
city database is made by the migrations and never by ``metadata.create_all``. The chain covers
every table of the city's database: the registry's and the counter's card records. The Alembic
environment lives inside the package (``kofu/city/registry/migrations``); ``alembic_config()``
points a ``Config`` at it for ``alembic`` commands such as ``revision --autogenerate``.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from sqlalchemy import Engine

from kofu.city.registry.errors import SchemaPredatesMigrations
from kofu.migrations import Chain
from kofu.migrations import SchemaPredatesMigrations as _Unversioned

CITY = Chain("city", Path(__file__).with_name("migrations"), marker_table="residents", lock_key=0x6B6F6675)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config for the city database's migrations (``url`` for commands that connect)."""
    return CITY.config(url)


def head_revision() -> str:
    """The newest revision id."""
    return CITY.head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when never migrated)."""
    return CITY.current(engine)


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (default: the newest), in one transaction.

    A database holding registry tables but no version table was made before migrations existed:
    raises SchemaPredatesMigrations (delete it, e.g. ``var/``, and seed again).
    """
    try:
        CITY.upgrade(engine_or_url, revision)
    except _Unversioned as exc:
        raise SchemaPredatesMigrations(str(exc)) from exc
