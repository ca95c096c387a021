"""The city's own records of what it issued: card records of the counter, and the issuance log.

``CardRecord``: one row per card the city issued or took over on a move — the card's
administration key (shared only between the card and this table: it is what lets the counter,
and nobody else, unblock a PIN), the certificate validity and the signing certificate's serial.

``Issuance``: one row per order the city sealed, keyed by the centre's order id, so that an order
delivered again (a lease that lapsed, a retry after a crash) gets the same document and the same
issue number, never a second one. The envelope is kept until the city learns how the order
ended (``outcome``: delivered, printed, failed, cancelled, …), then dropped; the row stays, with
the issue number and whether it was delivered.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kofu.city.registry.models.base import Base


class CardRecord(Base):
    """The issuance record of one card in this city."""

    __tablename__ = "counter_card_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), unique=True, index=True)
    cert_serial_hex: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    sign_cert_serial_hex: Mapped[str | None] = mapped_column(String(64), default=None)
    admin_key_hex: Mapped[str] = mapped_column(String(64))
    auth_not_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_on: Mapped[date] = mapped_column(Date)


class Issuance(Base):
    """One order the city took an issue number for: what it was, whom it named, how it ended.

    The row is written with the issue number before the document is rendered (``started_at``);
    ``sealed_at`` and the envelope once it is sealed; ``refusal`` when rendering refused it
    after the number was taken (a name too long for the layout). A row still rendering after
    its lease was left by a worker that died: the next delivery takes it over, same number.
    """

    __tablename__ = "issuances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    issue_number: Mapped[str] = mapped_column(String(32), unique=True)
    doc: Mapped[str] = mapped_column(String(16))
    copies: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    fee_total: Mapped[int] = mapped_column(Integer)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    #: The card holder (the city's own record) and everyone the document names (JSON list of ids).
    holder_resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"), nullable=True)
    named_resident_ids: Mapped[str] = mapped_column(Text, default="[]")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, default=None)
    refusal: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    envelope: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, default=None)
    #: The state of the order's latest entry in the city's issuance log (``kofu.city.issuer.history``).
    logged_state: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)


class IssuanceLogEntry(Base):
    """One entry of the city's append-only issuance log: a number it sealed (or refused after
    taking it), and again when it learns how the order ended. It references the city's own
    records (resident ids); ``leaf_hash`` is SHA-256 of the RFC 9162 leaf of the other fields."""

    __tablename__ = "issuance_log"

    leaf_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    order_id: Mapped[str] = mapped_column(String(64), index=True)
    issue_number: Mapped[str] = mapped_column(String(32))
    doc: Mapped[str] = mapped_column(String(16))
    copies: Mapped[int] = mapped_column(Integer)
    fee_total: Mapped[int] = mapped_column(Integer)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    holder_resident_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    named_resident_ids: Mapped[str] = mapped_column(Text)
    started_at: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(32))
    leaf_hash: Mapped[str] = mapped_column(String(64))


class TreeHeadRecord(Base):
    """A signed tree head: the city's own (``log_id`` ``city:CODE``) or the centre's it was given."""

    __tablename__ = "tree_heads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    log_id: Mapped[str] = mapped_column(String(64), index=True)
    tree_size: Mapped[int] = mapped_column(Integer)
    sth: Mapped[str] = mapped_column(String(1024))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the log's frontier at tree_size (``kofu.history.log``), on the heads this city signed
    frontier: Mapped[str | None] = mapped_column(Text, nullable=True)
