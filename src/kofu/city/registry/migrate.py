"""Schema migrations of a city's registry (Alembic), run programmatically.

``upgrade(engine_or_url)`` brings a database to the newest revision; ``create_schema`` (and so
``kofu seed``, the issuer at start and the tests) goes through it, so every database is made by
the migrations and never by ``metadata.create_all``. The Alembic environment lives inside the
package (``kofu/city/registry/migrations``); ``alembic_config()`` points a ``Config`` at it for
``alembic`` commands such as ``revision --autogenerate``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from kofu.city.registry.errors import SchemaPredatesMigrations
from kofu.storage import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")
#: Any number, the same in every process: serializes concurrent upgrades on PostgreSQL.
_PG_LOCK_KEY = 0x6B6F6675


def only_registry_tables(name: str | None, type_: str, _parent: object) -> bool:
    """Autogenerate filter: other packages keep their own tables in the city database (e.g. the
    counter's card records); leave them alone."""
    from kofu.city.registry.models import Base

    return type_ != "table" or name in Base.metadata.tables


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config for the registry's migrations (``url`` for commands that connect)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision() -> str:
    """The newest revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (default: the newest), in one transaction.

    A database holding registry tables but no version table was made before migrations existed:
    raises SchemaPredatesMigrations (delete it, e.g. ``var/``, and seed again). On PostgreSQL an
    advisory lock lets several issuer processes start at once.
    """
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            _refuse_unversioned(conn)
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()


def _refuse_unversioned(conn: Connection) -> None:
    tables = set(inspect(conn).get_table_names())
    if "residents" in tables and "alembic_version" not in tables:
        raise SchemaPredatesMigrations(
            "this registry database was created before migrations; delete it and seed again"
        )
