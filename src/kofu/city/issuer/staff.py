"""What city staff do from the console: 利用登録 decisions and kiosk settings.

Both write the city's registry directly; the issuer reads it live, so a decision or a setting
applies to the very next menu and order. Approving a 利用登録 also routes the card to this city
as its 本籍地 at the centre (``POST /v1/routes/honseki``, mTLS as this city's issuer).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry.db import session_factory
from kofu.city.registry.models import DOCUMENTS, HonsekiRegistration
from kofu.city.registry.queries import (
    approve_registration,
    city_settings,
    pending_registrations,
    reject_registration,
)
from kofu.config import Settings
from kofu.net.client import call, sync_client
from kofu.pki.tls import client_context
from kofu.protocol.city_center import HONSEKI_ROUTE, HonsekiRoute
from kofu.protocol.errors import Refused
from kofu.storage import make_engine


@contextmanager
def registry(settings: Settings, city: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on the city's registry, disposed afterwards."""
    engine = make_engine(settings.city_db_url(city))
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class RegistrationRow:
    """A 利用登録 as staff see it (the applicant's data stays in the city)."""

    id: int
    status: str
    applied_on: date
    residence_city: str
    honseki: str
    hittosha: str
    applicant_name: str | None
    applicant_birth_date: date | None
    member_id: int | None = None


def _row(r: HonsekiRegistration) -> RegistrationRow:
    return RegistrationRow(
        r.id,
        r.status,
        r.applied_on,
        r.residence_city_code,
        r.honseki,
        r.hittosha,
        r.applicant_name,
        r.applicant_birth_date,
        r.koseki_member_id,
    )


def list_registrations(settings: Settings, city: str, everything: bool = False) -> list[RegistrationRow]:
    """Pending registrations (``everything``: all of them), oldest first."""
    with registry(settings, city) as db, db() as session:
        if everything:
            rows = session.query(HonsekiRegistration).order_by(HonsekiRegistration.id).all()
        else:
            rows = pending_registrations(session)
        return [_row(r) for r in rows]


def approve(settings: Settings, city: str, registration_id: int, today: date) -> RegistrationRow:
    """Approve (the applicant must be a current member of the register), then route the card.

    Raises the registry's errors (unknown, not pending, mismatch) or ``KofuError`` when the
    centre cannot be told; then the approval is not committed, so it can simply be retried.
    """
    with registry(settings, city) as db, db.begin() as session:
        registration = approve_registration(session, registration_id, on=today)
        _route(settings, city, registration.cert_serial_hex)
        return _row(registration)


def reject(settings: Settings, city: str, registration_id: int, today: date, reason: str) -> RegistrationRow:
    """Reject a pending registration with a reason."""
    with registry(settings, city) as db, db.begin() as session:
        return _row(reject_registration(session, registration_id, on=today, reason=reason))


def _route(settings: Settings, city: str, card_serial: str) -> None:
    body = HonsekiRoute(card_serial=card_serial.upper(), honseki_city=city)
    with sync_client(
        settings.center_url, client_context(settings.pki, "issuer", city), timeout=20.0
    ) as client:
        call(client, HONSEKI_ROUTE, body)


# -- settings ------------------------------------------------------------------------------------


def show_settings(settings: Settings, city: str) -> dict[str, Any]:
    """The city's kiosk settings as plain values."""
    with registry(settings, city) as db, db() as session:
        setting = city_settings(session, city)
        if setting is None:
            raise Refused("city.unavailable", "no settings for this city")
        return {
            "city": setting.city_code,
            "name": setting.city_name,
            "copy_limit": setting.copy_limit,
            "kazei_years": list(setting.kazei_fiscal_years or []),
            "documents": {
                d.doc: {
                    "offered": d.offered,
                    "fee": d.fee,
                    "hours": f"{d.opens_at:%H:%M}-{_hhmm(d.closes_at)}",
                    "weekdays_only": d.weekdays_only,
                    "year_end_closed": d.year_end_closed is not False,
                }
                for d in setting.documents
            },
        }


def _hhmm(value: time) -> str:
    return "24:00" if value == time.max else f"{value:%H:%M}"


def parse_hours(text: str) -> tuple[time, time]:
    """``09:00-17:00`` → (09:00, 17:00); ``24:00`` as the end means until midnight."""
    try:
        start, end = (part.strip() for part in text.split("-", 1))
        opens = time.fromisoformat(start)
        closes = time.max if end == "24:00" else time.fromisoformat(end)
    except ValueError as exc:
        raise ValueError(f"hours look like 09:00-17:00, not {text!r}") from exc
    if not opens < closes:
        raise ValueError("hours must open before they close")
    return opens, closes


def set_settings(
    settings: Settings,
    city: str,
    *,
    doc: str | None = None,
    offered: bool | None = None,
    fee: int | None = None,
    hours: str | None = None,
    weekdays_only: bool | None = None,
    year_end_closed: bool | None = None,
    copy_limit: int | None = None,
    kazei_years: list[int] | None = None,
) -> dict[str, Any]:
    """Change what is given; document fields need ``doc``. Returns the settings after."""
    with registry(settings, city) as db, db.begin() as session:
        setting = city_settings(session, city)
        if setting is None:
            raise Refused("city.unavailable", "no settings for this city")
        if copy_limit is not None:
            if not 1 <= copy_limit <= 99:
                raise ValueError("the copy limit is 1 to 99")
            setting.copy_limit = copy_limit
        if kazei_years is not None:
            setting.kazei_fiscal_years = sorted(set(kazei_years))
        fields = (offered, fee, hours, weekdays_only, year_end_closed)
        if any(f is not None for f in fields):
            if doc not in DOCUMENTS:
                raise ValueError(f"--doc is one of {', '.join(DOCUMENTS)}")
            document = setting.document(doc)
            if document is None:
                raise ValueError(f"{city} has no setting for {doc}")
            if offered is not None:
                document.offered = offered
            if fee is not None:
                if fee < 0:
                    raise ValueError("a fee is 0 yen or more")
                document.fee = fee
            if hours is not None:
                document.opens_at, document.closes_at = parse_hours(hours)
            if weekdays_only is not None:
                document.weekdays_only = weekdays_only
            if year_end_closed is not None:
                document.year_end_closed = year_end_closed
    return show_settings(settings, city)
