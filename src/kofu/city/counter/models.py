"""The city's card-issuance records, beside the registry's ``cards`` table in the same database.

One row per card the city issued or took over on a move: the card's administration key (shared
only between the card and this table — it is what lets the counter, and nobody else, unblock a
PIN), the certificate validity and the signing certificate's serial (for revocation).

The table has its own metadata and is created by :func:`ensure_tables`, so the registry's
Alembic chain stays untouched; it refers to ``cards.id`` by value.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Engine, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class CounterBase(DeclarativeBase):
    """Declarative base of the counter's own tables."""


class CardRecord(CounterBase):
    """The issuance record of one card in this city."""

    __tablename__ = "counter_card_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_id: Mapped[int] = mapped_column(Integer, unique=True, index=True)  # cards.id
    cert_serial_hex: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    sign_cert_serial_hex: Mapped[str | None] = mapped_column(String(64), default=None)
    admin_key_hex: Mapped[str] = mapped_column(String(64))
    auth_not_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_on: Mapped[date] = mapped_column(Date)


def ensure_tables(engine: Engine) -> None:
    """Create the counter's tables if missing."""
    CounterBase.metadata.create_all(engine)
