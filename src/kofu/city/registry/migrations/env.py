"""Alembic environment: runs on the connection ``kofu.city.registry.migrate`` hands over.

Run through ``kofu.city.registry.migrate.upgrade`` (or ``alembic -x url=…`` for a one-off): the
connection comes in ``config.attributes["connection"]``; a bare URL in ``sqlalchemy.url`` is
also accepted. SQLite uses batch mode so later revisions can alter tables there too. Every table
of the city's database is in this chain: the registry's, the counter's and the issuance log.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from kofu.city.registry.models import Base
from kofu.storage import make_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


_main()
