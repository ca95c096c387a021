"""City settings queries: read live on every menu and order, so changes apply at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kofu.city.registry.models import CitySetting, DocumentSetting


def city_settings(session: Session, city_code: str) -> CitySetting | None:
    """The city's settings with every ``DocumentSetting`` loaded (two SELECTs), or None."""
    stmt = (
        select(CitySetting)
        .where(CitySetting.city_code == city_code)
        .options(selectinload(CitySetting.documents))
    )
    return session.scalars(stmt).one_or_none()


def document_setting(session: Session, city_code: str, doc: str) -> DocumentSetting | None:
    """One document's setting (offered, fee, hours), or None when the city has no row for it."""
    return session.get(DocumentSetting, (city_code, doc))
