"""印鑑登録: seal registrations and the registered impression (印影) as drawable vector data.

A person has at most one live registration (a partial unique index says so in the database);
abolished ones stay with their 廃止 date. Registration needs age 15 or more (印鑑条例), which
depends on the day and so is checked by the code that registers (``queries.register_seal``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kofu.city.registry.models.base import Base, one_of, unique_where
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


#: What a seal may add after the name (鬼島太郎之印).
_SEAL_SUFFIXES = ("之印", "の印", "印")


def _forms_of(name: str) -> set[str]:
    """What a seal may show of one name: the whole name, any run of its words (氏, 名, or for a
    name in Latin letters or katakana, some of its words), 氏 with the start of the 名 (鬼島太),
    and the first characters of 氏 and 名 (鬼太) — as municipal 印鑑条例 allow."""
    words = name.replace("\u3000", " ").split()
    forms = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    if len(words) == 2:
        family, given = words
        forms |= {family + given[:k] for k in range(1, len(given))}
        forms.add(family[0] + given[0])
    return forms


def seal_shows_a_name(characters: str, names: Sequence[str]) -> bool:
    """True when the engraved ``characters`` show one of ``names`` (氏名, 通称, カタカナ併記名): a
    seal in a name the person no longer bears (a former 氏 after marriage) shows none."""
    text = "".join(characters.split())
    for suffix in _SEAL_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text.removesuffix(suffix)
            break
    return any(text in _forms_of(name) for name in names)


class SealRegistration(Base):
    """One 印鑑登録 (登録番号, date, 印影, status active/abolished with its 廃止 date)."""

    __tablename__ = "seal_registrations"
    __table_args__ = (
        CheckConstraint(one_of("status", SEAL_STATUSES), name="status"),
        CheckConstraint(
            "(status = 'active' AND abolished_on IS NULL) OR (status = 'abolished' AND abolished_on IS NOT NULL)",
            name="abolished_on",
        ),
        unique_where("uq_seal_registrations_live", "resident_id", "status = 'active'"),
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
