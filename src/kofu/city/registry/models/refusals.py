"""Refusals the city's issuer told at the menu, counted by day, document and code (no person).

A menu can refuse as a whole (a resident who moved out, an unknown card: ``doc`` is ``*``) or
one document of it (no live seal registration, outside hours, no tax certificate). Each is
recorded once per card session (``session_key``: the centre's session id, never the card or the
resident), so a kiosk that asks for the menu again in the same session is not counted twice.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kofu.city.registry.models.base import Base

#: ``doc`` of a refusal of the whole menu.
WHOLE_MENU = "*"


class MenuRefusal(Base):
    """One refusal told at the menu: its day, document (or ``*``) and stable code."""

    __tablename__ = "menu_refusals"
    __table_args__ = (UniqueConstraint("session_key", "doc", "code", name="uq_menu_refusals_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    doc: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(64))
    session_key: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
