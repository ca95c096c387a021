"""The centre's tables. None of them holds personal data (invariant 4).

Cards are known only by a hash of their certificate serial (`card_ref`), which is enough to
route and to refuse a replay, and cannot be turned back into the serial.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Challenge(Base):
    """A one-time challenge, bound to the kiosk that asked for it; used at most once. The card's
    answer opens one session, and that session places at most one order (``order_id``)."""

    __tablename__ = "challenges"

    session_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    challenge: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    order_id: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)


class Route(Base):
    """Which city serves a card: its residence, and its 本籍地 once registered there."""

    __tablename__ = "routes"

    card_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    residence_city: Mapped[str] = mapped_column(String(6))
    honseki_city: Mapped[str | None] = mapped_column(String(6), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RouteChange(Base):
    """A card's residence city from a given day on (a move: routed to the new city from the next day).

    Until ``effective_from`` (a Japanese calendar day) the card's previous route applies.
    """

    __tablename__ = "route_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_ref: Mapped[str] = mapped_column(String(64), index=True)
    residence_city: Mapped[str] = mapped_column(String(6))
    effective_from: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class City(Base):
    """A participating city and whether the centre currently lets orders through to it."""

    __tablename__ = "cities"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    stopped: Mapped[bool] = mapped_column(Boolean, default=False)
    stop_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    stopped_by: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, default=None)


class CityEvent(Base):
    """Every stop and resume of a city, and every misissuance report: who, when, why, with what proof."""

    __tablename__ = "city_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    city_code: Mapped[str] = mapped_column(String(6), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(
        String(32)
    )  # stopped | resumed | misissuance_proven | misissuance_suspected
    by: Mapped[str] = mapped_column(String(64))  # kiosk id, "operator:NAME", "center"
    reason: Mapped[str] = mapped_column(String(256))
    order_id: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)


class Order(Base):
    """One order and its history row: time, kiosk, store, city, type, copies, fee, outcome.

    ``status`` only moves forward (``kofu.center.outcomes``): created → forwarded → sealed →
    delivered → paid → printed, or it ends refused, failed or cancelled. ``fee_total`` is what
    the city asked; ``amount_paid`` what the kiosk kept (only a printed order keeps money).
    ``city_told``: the city has been told how the order ended (its issuance log records it).
    """

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("kiosk_id", "idempotency_key"),)

    order_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    store_id: Mapped[str] = mapped_column(String(32))
    city_code: Mapped[str] = mapped_column(String(6))
    doc: Mapped[str] = mapped_column(String(16))
    copies: Mapped[int] = mapped_column(Integer)
    fee_total: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(32), index=True)
    outcome: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, default=None)
    amount_paid: Mapped[int] = mapped_column(Integer, default=0)
    copies_printed: Mapped[int] = mapped_column(Integer, default=0)
    city_told: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The status of the order's latest entry in the history log (``kofu.center.history``).
    logged_status: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)


class HistoryEntry(Base):
    """One entry of the centre's append-only history log: an order as it ended (and again if a
    late report changed how). ``leaf_hash`` is SHA-256 of the RFC 9162 leaf of the other fields
    (``kofu.ledger.leaf_bytes``); times are ISO text in UTC, as they are hashed. No personal data.
    """

    __tablename__ = "history_log"

    leaf_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    order_id: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[str] = mapped_column(String(40))
    finished_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    store_id: Mapped[str] = mapped_column(String(32))
    city_code: Mapped[str] = mapped_column(String(6))
    doc: Mapped[str] = mapped_column(String(16))
    copies: Mapped[int] = mapped_column(Integer)
    fee_total: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(64), nullable=True)
    amount_paid: Mapped[int] = mapped_column(Integer)
    copies_printed: Mapped[int] = mapped_column(Integer)
    leaf_hash: Mapped[str] = mapped_column(String(64))


class TreeHeadRecord(Base):
    """A signed tree head: the centre's own (``log_id`` ``center``) or a city's it was given."""

    __tablename__ = "tree_heads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    log_id: Mapped[str] = mapped_column(String(64), index=True)
    tree_size: Mapped[int] = mapped_column(Integer)
    sth: Mapped[str] = mapped_column(String(1024))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the log's frontier at tree_size (``kofu.history.log``), on the heads this centre signed
    frontier: Mapped[str | None] = mapped_column(Text, nullable=True)


class MenuRefusal(Base):
    """A menu the centre refused for a city before asking it (``city.stopped``): the city's code,
    the day in Japan and the code, once per card session (a random id — no card, no person), so
    the city console counts it once however often the kiosk asks again."""

    __tablename__ = "menu_refusals"
    __table_args__ = (UniqueConstraint("session_id", "city_code", "code", name="uq_menu_refusals_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    city_code: Mapped[str] = mapped_column(String(6), index=True)
    day: Mapped[date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
