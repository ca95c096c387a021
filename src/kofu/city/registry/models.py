"""Tables of one city's resident registry (住民基本台帳 and the card issuance records).

Each city has its own database; nothing here refers to another city's rows. Status values are
plain strings guarded by CHECK constraints so the schema stays portable (SQLite, PostgreSQL).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Resident.status values.
RESIDENT_ACTIVE = "active"
RESIDENT_MOVED_OUT = "moved_out"
RESIDENT_DECEASED = "deceased"
RESIDENT_STATUSES = (RESIDENT_ACTIVE, RESIDENT_MOVED_OUT, RESIDENT_DECEASED)

#: Card.status values.
CARD_ACTIVE = "active"
CARD_LOST = "lost"
CARD_EXPIRED = "expired"
CARD_STATUSES = (CARD_ACTIVE, CARD_LOST, CARD_EXPIRED)

#: 続柄 of the head of household.
SETAINUSHI = "世帯主"


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    """Declarative base of the registry schema."""


class Address(Base):
    """A dwelling in the city; ``full_text`` is the address as printed on a 住民票."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefecture: Mapped[str] = mapped_column(String(8))
    city_name: Mapped[str] = mapped_column(String(32))
    town: Mapped[str] = mapped_column(String(32))
    chome_banchi: Mapped[str] = mapped_column(String(64))
    building: Mapped[str | None] = mapped_column(String(64), default=None)

    @property
    def full_text(self) -> str:
        """Whole address, e.g. ``東京都西東京市田無町四丁目15番1号 ○○ハイツ201``."""
        text = f"{self.prefecture}{self.city_name}{self.town}{self.chome_banchi}"
        return f"{text} {self.building}" if self.building else text


class Household(Base):
    """A 世帯: the people living together at one address under one 世帯主."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"), index=True)
    # Households and residents refer to each other; the head is set after both rows exist.
    head_resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", use_alter=True, name="fk_households_head_resident"), default=None
    )
    created: Mapped[date] = mapped_column(Date)

    address: Mapped[Address] = relationship()
    members: Mapped[list[Resident]] = relationship(
        back_populates="household", foreign_keys="Resident.household_id"
    )


class Resident(Base):
    """One person's 住民票 record (current state only; no history is kept)."""

    __tablename__ = "residents"
    __table_args__ = (
        CheckConstraint(_in("status", RESIDENT_STATUSES), name="ck_residents_status"),
        CheckConstraint("sex IN ('男', '女')", name="ck_residents_sex"),
        CheckConstraint("became_resident_reason IN ('転入', '出生')", name="ck_residents_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    family_name: Mapped[str] = mapped_column(String(32))
    given_name: Mapped[str] = mapped_column(String(32))
    family_kana: Mapped[str] = mapped_column(String(64))
    given_kana: Mapped[str] = mapped_column(String(64))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    zokugara: Mapped[str] = mapped_column(String(16))
    became_resident_date: Mapped[date] = mapped_column(Date)
    became_resident_reason: Mapped[str] = mapped_column(String(4))
    address_defined_date: Mapped[date] = mapped_column(Date)
    prior_address: Mapped[str | None] = mapped_column(String(128), default=None)
    honseki: Mapped[str] = mapped_column(String(128))
    honseki_city_code: Mapped[str] = mapped_column(String(6))
    hittosha: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=RESIDENT_ACTIVE)
    status_date: Mapped[date | None] = mapped_column(Date, default=None)
    dv_protected: Mapped[bool] = mapped_column(Boolean, default=False)
    pending_change: Mapped[bool] = mapped_column(Boolean, default=False)

    household: Mapped[Household] = relationship(back_populates="members", foreign_keys=[household_id])

    @property
    def name(self) -> str:
        """Family and given name separated by a full-width space, as printed."""
        return f"{self.family_name}\u3000{self.given_name}"

    @property
    def kana(self) -> str:
        """Reading of the name, separated by a full-width space."""
        return f"{self.family_kana}\u3000{self.given_kana}"

    def age_on(self, day: date) -> int:
        """Age in completed years on ``day`` (the birthday counts from the day itself)."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


class Card(Base):
    """A My Number Card known to the city, keyed by its user-authentication certificate serial."""

    __tablename__ = "cards"
    __table_args__ = (CheckConstraint(_in("status", CARD_STATUSES), name="ck_cards_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cert_serial_hex: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    label: Mapped[str] = mapped_column(String(32))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=CARD_ACTIVE)
    issued_on: Mapped[date] = mapped_column(Date)

    resident: Mapped[Resident] = relationship()


class IssueCounter(Base):
    """Last 発行番号 handed out per city and calendar year."""

    __tablename__ = "issue_counters"

    city_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class CitySetting(Base):
    """Who this city is: name, prefecture and the mayor who signs every document."""

    __tablename__ = "city_settings"

    city_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    city_name: Mapped[str] = mapped_column(String(32))
    mayor_name: Mapped[str] = mapped_column(String(32))
    prefecture: Mapped[str] = mapped_column(String(8))
