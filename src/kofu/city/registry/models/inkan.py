"""印鑑登録: seal registrations and the registered impression (印影) as drawable vector data.

A person has at most one live registration (a partial unique index says so in the database);
abolished ones stay with their 廃止 date. Registration needs age 15 or more (印鑑条例), which
depends on the day and so is checked by the code that registers (``queries.register_seal``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kofu.city.registry.models.base import Base, one_of
from kofu.city.registry.models.residents import Resident

SEAL_ACTIVE = "active"
SEAL_ABOLISHED = "abolished"
SEAL_STATUSES = (SEAL_ACTIVE, SEAL_ABOLISHED)
#: No seal registration under this age.
SEAL_MIN_AGE = 15
SEAL_SHAPES = ("round", "square", "oval")


@dataclass(frozen=True)
class SealImpression:
    """What a renderer needs to draw a 印影.

    ``columns`` are read right to left, each top to bottom; every item is one character as a
    string (an IVS sequence such as ``葛\\U000E0100`` stays one item). ``size_mm`` is the outer
    diameter (round), side (square) or height (oval; width is 0.75 of it). ``border_mm`` is the
    rim's stroke width; ``rotation_deg`` how far the seal was turned when stamped (a real 印影 is
    rarely straight); ``style`` the lettering (``tensho`` 篆書, ``insou`` 印相, ``kaisho`` 楷書).
    """

    shape: str
    size_mm: float
    columns: tuple[tuple[str, ...], ...]
    border_mm: float = 0.6
    rotation_deg: float = 0.0
    style: str = "tensho"
    color: str = "#C8161D"

    @property
    def characters(self) -> str:
        """The engraved text in reading order."""
        return "".join("".join(column) for column in self.columns)

    def to_json(self) -> dict[str, Any]:
        """The JSON form stored in ``SealRegistration.impression``."""
        data = asdict(self)
        data["columns"] = [list(column) for column in self.columns]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SealImpression:
        """Inverse of ``to_json``."""
        values = dict(data)
        values["columns"] = tuple(tuple(column) for column in data["columns"])
        return cls(**values)


class SealRegistration(Base):
    """One 印鑑登録 (登録番号, date, 印影, status active/abolished with its 廃止 date)."""

    __tablename__ = "seal_registrations"
    __table_args__ = (
        CheckConstraint(one_of("status", SEAL_STATUSES), name="status"),
        CheckConstraint(
            "(status = 'active' AND abolished_on IS NULL) OR (status = 'abolished' AND abolished_on IS NOT NULL)",
            name="abolished_on",
        ),
        Index(
            "uq_seal_registrations_live",
            "resident_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    registration_number: Mapped[str] = mapped_column(String(16), unique=True)
    registered_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=SEAL_ACTIVE)
    abolished_on: Mapped[date | None] = mapped_column(Date, default=None)
    impression: Mapped[dict[str, Any]] = mapped_column(JSON)

    resident: Mapped[Resident] = relationship()

    @property
    def seal(self) -> SealImpression:
        """The impression as a typed value."""
        return SealImpression.from_json(self.impression)
