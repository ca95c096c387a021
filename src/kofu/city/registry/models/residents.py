"""住民基本台帳: addresses, households, residents (Japanese and foreign) and their cards.

Each city has its own database; nothing here refers to another city's rows. Status values are
plain strings guarded by CHECK constraints so the schema stays portable (SQLite, PostgreSQL).
Only the current state is kept (no 除票, no history); the address history of a register's
members lives in the 附票 (``FuhyoEntry``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kofu.city.registry.models.base import Base, one_of

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

#: Reasons a person became a resident (住民となった事由).
BECAME_RESIDENT_REASONS = ("転入", "出生")


class Address(Base):
    """A dwelling in the city; ``full_text`` is the address as printed on a 住民票."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefecture: Mapped[str] = mapped_column(String(8))
    city_name: Mapped[str] = mapped_column(String(32))
    town: Mapped[str] = mapped_column(String(32))
    chome_banchi: Mapped[str] = mapped_column(String(64))
    building: Mapped[str | None] = mapped_column(String(128), default=None)

    @property
    def full_text(self) -> str:
        """Whole address, e.g. ``東京都西東京市田無町四丁目15番1号 ○○ハイツ201``."""
        return address_text(self.prefecture, self.city_name, self.town, self.chome_banchi, self.building)


def address_text(prefecture: str, city: str, town: str, chome_banchi: str, building: str | None) -> str:
    """The printed form of an address (a half-width space before the building, if any)."""
    text = f"{prefecture}{city}{town}{chome_banchi}"
    return f"{text} {building}" if building else text


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
    """One person's 住民票 record (current state only).

    Japanese residents carry 本籍 and 筆頭者 (``honseki``, ``hittosha``, and the 6-digit code of
    the city keeping that register); foreign residents carry none of those but 国籍・地域,
    在留資格, 在留期間 (text and end date; none for permanent statuses), 在留カード等の番号 and,
    where registered, a 通称 and a カタカナ併記名. ``prior_address`` is the 転入前住所, ``notified_on``
    the 届出日 of becoming a resident and ``previous_address`` the 異動前住所 (the address before
    the last move within the city); ``address_defined_date`` equals ``became_resident_date`` for
    someone who never moved within the city. ``honseki_city_code`` may name another city: the register then
    lives in that city's database, not in this one.
    """

    __tablename__ = "residents"
    __table_args__ = (
        CheckConstraint(one_of("status", RESIDENT_STATUSES), name="status"),
        CheckConstraint("sex IN ('男', '女')", name="sex"),
        CheckConstraint(one_of("became_resident_reason", BECAME_RESIDENT_REASONS), name="reason"),
        CheckConstraint(
            "(nationality IS NULL AND honseki IS NOT NULL AND hittosha IS NOT NULL"
            " AND residence_card_number IS NULL)"
            " OR (nationality IS NOT NULL AND honseki IS NULL AND hittosha IS NULL"
            " AND residence_card_number IS NOT NULL)",
            name="japanese_or_foreign",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    #: 住民票コード (``kofu.city.registry.juminhyo_code``): staff see it; it never leaves the city.
    juminhyo_code: Mapped[str] = mapped_column(String(11), unique=True, index=True)
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
    #: 転入前住所: where the person lived before moving into the city (None for a birth here).
    prior_address: Mapped[str | None] = mapped_column(String(200), default=None)
    #: 届出日: the day the notice that made the person a resident (転入届, 出生届) was filed.
    notified_on: Mapped[date | None] = mapped_column(Date, default=None)
    #: 異動前住所: the address in the city before the last move within it (None: never moved).
    previous_address: Mapped[str | None] = mapped_column(String(200), default=None)
    honseki: Mapped[str | None] = mapped_column(String(128), default=None)
    honseki_city_code: Mapped[str | None] = mapped_column(String(6), default=None)
    hittosha: Mapped[str | None] = mapped_column(String(64), default=None)
    status: Mapped[str] = mapped_column(String(16), default=RESIDENT_ACTIVE)
    status_date: Mapped[date | None] = mapped_column(Date, default=None)
    dv_protected: Mapped[bool] = mapped_column(Boolean, default=False)
    pending_change: Mapped[bool] = mapped_column(Boolean, default=False)
    # Foreign residents (外国人住民) only.
    nationality: Mapped[str | None] = mapped_column(String(32), default=None)
    residence_status: Mapped[str | None] = mapped_column(String(32), default=None)
    stay_period: Mapped[str | None] = mapped_column(String(16), default=None)
    stay_expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    residence_card_number: Mapped[str | None] = mapped_column(String(12), default=None)
    alias_name: Mapped[str | None] = mapped_column(String(64), default=None)
    alias_kana: Mapped[str | None] = mapped_column(String(64), default=None)
    #: カタカナ併記名 (a foreign resident's name in katakana, recorded on request).
    katakana_name: Mapped[str | None] = mapped_column(String(64), default=None)

    household: Mapped[Household] = relationship(back_populates="members", foreign_keys=[household_id])

    @property
    def name(self) -> str:
        """Family and given name separated by a full-width space, as printed."""
        return f"{self.family_name}\u3000{self.given_name}"

    @property
    def kana(self) -> str:
        """Reading of the name, separated by a full-width space."""
        return f"{self.family_kana}\u3000{self.given_kana}"

    @property
    def is_foreign(self) -> bool:
        """True for a foreign resident (no 戸籍; 国籍・地域 and 在留 items instead)."""
        return self.nationality is not None

    def age_on(self, day: date) -> int:
        """Age in completed years on ``day`` (the birthday counts from the day itself)."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


class Card(Base):
    """A My Number Card known to the city, keyed by its user-authentication certificate serial."""

    __tablename__ = "cards"
    __table_args__ = (CheckConstraint(one_of("status", CARD_STATUSES), name="status"),)

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
