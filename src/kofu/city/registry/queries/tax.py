"""課税 queries: one resident's record for one fiscal year, with income and deductions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kofu.city.registry.models import TaxRecord


def tax_record(session: Session, resident_id: int, fiscal_year: int) -> TaxRecord | None:
    """The resident's record for ``fiscal_year`` (2026 = 令和8年度), or None when they did not
    live in the city on 1 January of that year (or are too young to be assessed).

    A record with ``declared`` false means nothing was filed (未申告). Three SELECTs: the
    record, its incomes, its deductions.
    """
    stmt = (
        select(TaxRecord)
        .where(TaxRecord.resident_id == resident_id, TaxRecord.fiscal_year == fiscal_year)
        .options(selectinload(TaxRecord.incomes), selectinload(TaxRecord.deductions))
    )
    return session.scalars(stmt).one_or_none()
