"""Alembic chains, one per database, run programmatically: the same on SQLite and PostgreSQL.

Each database has one chain of revisions kept inside its package (``kofu/city/registry/migrations``
for a city's database, ``kofu/center/migrations`` for the centre's). ``Chain.upgrade`` brings a
database to the newest revision in one transaction; every process that opens a database runs it
at start (idempotent), ``kofu db upgrade ACTOR`` runs it by hand, and nothing creates tables with
``metadata.create_all``. On PostgreSQL an advisory lock lets several processes start at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, inspect, text

from kofu.storage import make_engine


class SchemaPredatesMigrations(RuntimeError):
    """The database holds tables but no version: it was made before its migrations existed."""


@dataclass(frozen=True)
class Chain:
    """One database's chain of migrations."""

    name: str
    directory: Path
    #: A table that exists in every version: present without a version table means "made
    #: before migrations" (``stamp_unversioned``: adopt it at the first revision instead).
    marker_table: str
    lock_key: int
    stamp_unversioned: str | None = None

    def config(self, url: str | None = None) -> Config:
        """An Alembic Config for this chain (``url`` for commands that connect)."""
        config = Config()
        config.set_main_option("script_location", str(self.directory))
        config.set_main_option("path_separator", "os")
        if url is not None:
            config.set_main_option("sqlalchemy.url", url)
        return config

    def head(self) -> str:
        """The newest revision id."""
        head = ScriptDirectory.from_config(self.config()).get_current_head()
        assert head is not None
        return head

    def current(self, engine: Engine) -> str | None:
        """The revision the database is at (None when never migrated)."""
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def upgrade(self, engine_or_url: Engine | str, revision: str = "head") -> None:
        """Migrate the database to ``revision`` (default: the newest), in one transaction."""
        engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": self.lock_key})
                config = self.config()
                config.attributes["connection"] = conn
                if self._unversioned(conn):
                    if self.stamp_unversioned is None:
                        raise SchemaPredatesMigrations(
                            f"this {self.name} database was created before migrations; delete it and start again"
                        )
                    command.stamp(config, self.stamp_unversioned)
                command.upgrade(config, revision)
        finally:
            if isinstance(engine_or_url, str):
                engine.dispose()

    def _unversioned(self, conn: Connection) -> bool:
        tables = set(inspect(conn).get_table_names())
        return self.marker_table in tables and "alembic_version" not in tables


def run_environment(target_metadata: MetaData) -> None:
    """The body of each chain's Alembic ``env.py``: migrate the database of ``target_metadata``.

    The connection comes from :meth:`Chain.upgrade` in ``config.attributes["connection"]``; a bare
    URL in ``sqlalchemy.url`` is also accepted (``alembic -x url=…`` for a one-off), and offline
    mode writes SQL. SQLite runs in batch mode so that later revisions can alter its tables too.
    """
    from alembic import context

    config = context.config

    def run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as conn:
            run(conn)
    finally:
        engine.dispose()
