"""The city's own settings (who it is, what it offers, when, for how much) and 利用登録.

Read live by the issuer on every request, so a change made by staff applies to the very next
order. ``DocumentSetting.open_at`` answers "may this document be ordered at this moment".
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Time, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kofu import clock
from kofu.city.registry.models.base import Base, one_of, unique_where
from kofu.city.registry.models.koseki import KosekiMember

#: Document ids, as the protocol names them.
DOCUMENTS = ("juminhyo", "inkan", "koseki", "fuhyo", "kazei")
#: Copies per order when a city sets nothing else.
DEFAULT_COPY_LIMIT = 10

REGISTRATION_PENDING = "pending"
REGISTRATION_APPROVED = "approved"
REGISTRATION_REJECTED = "rejected"
REGISTRATION_STATUSES = (REGISTRATION_PENDING, REGISTRATION_APPROVED, REGISTRATION_REJECTED)


class CitySetting(Base):
    """Who this city is (name, prefecture, the mayor who signs), copy limit, 課税 years offered.

    ``kazei_fiscal_years`` lists the 年度 (e.g. 2026 for 令和8年度) a kiosk may order, oldest first.
    """

    __tablename__ = "city_settings"

    city_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    city_name: Mapped[str] = mapped_column(String(32))
    mayor_name: Mapped[str] = mapped_column(String(32))
    prefecture: Mapped[str] = mapped_column(String(8))
    copy_limit: Mapped[int] = mapped_column(Integer, default=DEFAULT_COPY_LIMIT)
    kazei_fiscal_years: Mapped[list[int]] = mapped_column(JSON, default=list)

    documents: Mapped[list[DocumentSetting]] = relationship(order_by="DocumentSetting.doc")

    def document(self, doc: str) -> DocumentSetting | None:
        """The setting of one document type, if the city has one."""
        return next((d for d in self.documents if d.doc == doc), None)


class DocumentSetting(Base):
    """Whether a document is offered, its fee per copy, and its hours (``closes_at`` exclusive)."""

    __tablename__ = "document_settings"
    __table_args__ = (CheckConstraint(one_of("doc", DOCUMENTS), name="doc"),)

    city_code: Mapped[str] = mapped_column(ForeignKey("city_settings.city_code"), primary_key=True)
    doc: Mapped[str] = mapped_column(String(16), primary_key=True)
    offered: Mapped[bool] = mapped_column(Boolean, default=True)
    fee: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[time] = mapped_column(Time, default=time(6, 30))
    closes_at: Mapped[time] = mapped_column(Time, default=time(23, 0))
    weekdays_only: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Closed 29 Dec–3 Jan, as every real city is; the demo turns it off so it runs all year.
    year_end_closed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))

    def open_at(self, moment: datetime) -> bool:
        """Offered and within hours at ``moment``, read on Japan's wall clock whatever its zone:
        not 29 Dec–3 Jan (unless the city turned the year-end closure off), not a weekend when
        ``weekdays_only``, and ``opens_at <= time < closes_at``. Public holidays are not
        modelled."""
        moment = clock.in_japan(moment)
        if not self.offered or (self.year_end_closed is not False and year_end_closed(moment.date())):
            return False
        if self.weekdays_only and moment.weekday() >= 5:
            return False
        return self.opens_at <= moment.time() < self.closes_at


def year_end_closed(day: date) -> bool:
    """True from 29 December to 3 January, when no kiosk issues anything."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


class HonsekiRegistration(Base):
    """A 利用登録 at this city as 本籍地: a card (residing in another city) asks for its register.

    The applicant names 本籍 and 筆頭者 (and, from the card's data, name and birth date); staff
    approve it when a member of that register matches, which links ``koseki_member_id``. At most
    one live (pending or approved) registration per card.
    """

    __tablename__ = "honseki_registrations"
    __table_args__ = (
        CheckConstraint(one_of("status", REGISTRATION_STATUSES), name="status"),
        unique_where("uq_honseki_registrations_live", "cert_serial_hex", "status <> 'rejected'"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cert_serial_hex: Mapped[str] = mapped_column(String(64), index=True)
    residence_city_code: Mapped[str] = mapped_column(String(6))
    honseki: Mapped[str] = mapped_column(String(128))
    hittosha: Mapped[str] = mapped_column(String(64))
    applicant_name: Mapped[str | None] = mapped_column(String(64), default=None)
    applicant_birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(16), default=REGISTRATION_PENDING)
    applied_on: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date, default=None)
    reason: Mapped[str | None] = mapped_column(String(128), default=None)
    koseki_member_id: Mapped[int | None] = mapped_column(ForeignKey("koseki_members.id"), default=None)

    member: Mapped[KosekiMember | None] = relationship()
