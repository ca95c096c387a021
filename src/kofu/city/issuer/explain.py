"""What the city's explainer may add to an order's path: the resident's name, from its own register.

Only the city's view (``kofu.telemetry.explain``, ``view="city"``) asks; the name is read from
the city's issuance log (who the order was issued for) and register, never from a span.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry.models import Issuance, Resident


def resident_name_reader(db: sessionmaker[Session]) -> Callable[[str], str | None]:
    """``name(order_id)``: the name of the resident the city issued that order for (None: the
    city issued nothing for it, e.g. it was refused before an issue number was taken)."""

    def name(order_id: str) -> str | None:
        with db() as session:
            row = session.scalar(select(Issuance).where(Issuance.order_id == order_id))
            if row is None or row.holder_resident_id is None:
                return None
            resident = session.get(Resident, row.holder_resident_id)
            return resident.name if resident is not None else None

    return name
