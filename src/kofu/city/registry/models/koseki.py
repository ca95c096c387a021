"""戸籍 and 戸籍の附票: the family registers whose 本籍 is in this city, and their address history.

A city keeps the registers of its 本籍地, wherever their members live: a register here may hold
people living in another city (``KosekiMember.resident_id`` is then NULL), and a resident of
this city may have their register in another city's database (``Resident.honseki_city_code``).
Only current registers are kept (no 除籍簿, no 改製原戸籍). A member who left (marriage into
another register, death, divorce, 分籍) stays in the register, marked ``removed`` (除籍).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kofu.city.registry.models.base import Base, one_of

#: 身分事項 kinds (KosekiEvent.kind).
EVENT_KINDS = ("出生", "婚姻", "離婚", "養子縁組", "認知", "死亡", "分籍")
#: Why a member was removed (除籍).
REMOVAL_REASONS = ("婚姻", "死亡", "離婚", "分籍")
#: Why a register was made (編製).
HENSEI_REASONS = ("婚姻", "分籍", "離婚", "出生")


class KosekiRegister(Base):
    """One 戸籍: 本籍, 筆頭者 and the 戸籍事項 (編製, and 改製 for registers older than computerization).

    ``hittosha`` is the 筆頭者's name as printed (``氏　名``); it does not change when that person
    dies. (``honseki``, ``hittosha``) identifies the register, as a kiosk applicant gives it.
    """

    __tablename__ = "koseki_registers"
    __table_args__ = (
        UniqueConstraint("honseki", "hittosha", name="uq_koseki_registers_honseki_hittosha"),
        CheckConstraint(one_of("hensei_reason", HENSEI_REASONS), name="hensei_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    honseki: Mapped[str] = mapped_column(String(128))
    hittosha: Mapped[str] = mapped_column(String(64))
    hensei_on: Mapped[date] = mapped_column(Date)
    hensei_reason: Mapped[str] = mapped_column(String(4))
    #: 戸籍改製 (平成6年法務省令第51号附則第2条第1項による改製) for registers made on paper.
    kaisei_on: Mapped[date | None] = mapped_column(Date, default=None)
    #: 氏の振り仮名 (katakana), part of the register since 2025-05-26, and the day it was recorded.
    family_kana: Mapped[str | None] = mapped_column(String(64), default=None)
    kana_recorded_on: Mapped[date | None] = mapped_column(Date, default=None)

    members: Mapped[list[KosekiMember]] = relationship(
        back_populates="register", order_by="KosekiMember.position"
    )


class KosekiMember(Base):
    """One 「戸籍に記録されている者」 entry: 名, 生年月日, 父, 母, 続柄, 配偶者区分, 除籍 mark.

    ``father_name``/``mother_name`` are full names as printed (NULL when not recorded, e.g. the
    father of a child not acknowledged). ``zokugara`` is the relation to the parents (長男, 二女…);
    an adopted child also has 養父/養母 and ``adoptive_zokugara`` (養子, 養女). ``spouse_kind`` is
    夫 or 妻 for a married member (kept after 除籍 by 死亡). ``resident_id`` links the member to
    their 住民票 when they live in this city.
    """

    __tablename__ = "koseki_members"
    __table_args__ = (
        UniqueConstraint("koseki_id", "position", name="uq_koseki_members_koseki_id_position"),
        CheckConstraint("sex IN ('男', '女')", name="sex"),
        CheckConstraint("spouse_kind IS NULL OR spouse_kind IN ('夫', '妻')", name="spouse_kind"),
        CheckConstraint(
            "(removed AND removed_on IS NOT NULL AND removed_reason IS NOT NULL)"
            " OR (NOT removed AND removed_on IS NULL AND removed_reason IS NULL)",
            name="removal",
        ),
        CheckConstraint(
            "removed_reason IS NULL OR " + one_of("removed_reason", REMOVAL_REASONS), name="removed_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    koseki_id: Mapped[int] = mapped_column(ForeignKey("koseki_registers.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    family_name: Mapped[str] = mapped_column(String(32))
    given_name: Mapped[str] = mapped_column(String(32))
    #: 名の振り仮名 (katakana); None for a member who left before the register recorded it.
    given_kana: Mapped[str | None] = mapped_column(String(64), default=None)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    birth_place: Mapped[str] = mapped_column(String(64))
    father_name: Mapped[str | None] = mapped_column(String(64), default=None)
    mother_name: Mapped[str | None] = mapped_column(String(64), default=None)
    zokugara: Mapped[str] = mapped_column(String(8))
    adoptive_father_name: Mapped[str | None] = mapped_column(String(64), default=None)
    adoptive_mother_name: Mapped[str | None] = mapped_column(String(64), default=None)
    adoptive_zokugara: Mapped[str | None] = mapped_column(String(8), default=None)
    spouse_kind: Mapped[str | None] = mapped_column(String(1), default=None)
    is_hittosha: Mapped[bool] = mapped_column(Boolean, default=False)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    removed_on: Mapped[date | None] = mapped_column(Date, default=None)
    removed_reason: Mapped[str | None] = mapped_column(String(4), default=None)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"), index=True, default=None)

    register: Mapped[KosekiRegister] = relationship(back_populates="members")
    events: Mapped[list[KosekiEvent]] = relationship(back_populates="member", order_by="KosekiEvent.position")

    @property
    def name(self) -> str:
        """Family and given name separated by a full-width space."""
        return f"{self.family_name}\u3000{self.given_name}"


class KosekiEvent(Base):
    """One 身分事項 of a member, e.g. 婚姻 【婚姻日】【配偶者氏名】【従前戸籍】.

    ``event_on`` is the day of the event (出生日, 婚姻日, 死亡日…); ``place`` the 出生地/死亡地 or
    where the notice was filed; ``reported_on``/``reporter`` the 届出日 and 届出人 (e.g. 父, or
    親族　山田　太郎). ``counterpart_name`` is the other party (配偶者氏名, 養親氏名, 認知者/認知した子).
    ``previous_register`` is the 従前戸籍 (``本籍　筆頭者``) the member came from; ``new_register``
    the register they went to (入籍戸籍/新本籍) when the event removed them from this one.
    """

    __tablename__ = "koseki_events"
    __table_args__ = (
        UniqueConstraint("member_id", "position", name="uq_koseki_events_member_id_position"),
        CheckConstraint(one_of("kind", EVENT_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("koseki_members.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))
    event_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(128), default=None)
    reported_on: Mapped[date | None] = mapped_column(Date, default=None)
    reporter: Mapped[str | None] = mapped_column(String(64), default=None)
    counterpart_name: Mapped[str | None] = mapped_column(String(64), default=None)
    previous_register: Mapped[str | None] = mapped_column(String(200), default=None)
    new_register: Mapped[str | None] = mapped_column(String(200), default=None)

    member: Mapped[KosekiMember] = relationship(back_populates="events")


class FuhyoEntry(Base):
    """One line of a register's 附票: a member's 住所 and 住所を定めた年月日, in order per member."""

    __tablename__ = "fuhyo_entries"
    __table_args__ = (UniqueConstraint("member_id", "position", name="uq_fuhyo_entries_member_id_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    koseki_id: Mapped[int] = mapped_column(ForeignKey("koseki_registers.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("koseki_members.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(200))
    defined_on: Mapped[date] = mapped_column(Date)

    member: Mapped[KosekiMember] = relationship()
