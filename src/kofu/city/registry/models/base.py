"""Declarative base of a city's registry schema, with stable constraint names for Alembic."""

from __future__ import annotations

from sqlalchemy import Index, MetaData, text
from sqlalchemy.orm import DeclarativeBase

#: Constraint names are spelled out so migrations name them the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL text of a CHECK that ``column`` is one of ``values`` (portable, no enums)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def unique_where(name: str, column: str, where: str) -> Index:
    """A partial unique index: ``column`` is unique among the rows where ``where`` (SQL text)
    holds, with the same predicate on SQLite and PostgreSQL."""
    return Index(name, column, unique=True, sqlite_where=text(where), postgresql_where=text(where))


class Base(DeclarativeBase):
    """Declarative base of the registry schema."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
