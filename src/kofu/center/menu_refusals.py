"""Menus the centre refuses for a city before asking it (``city.stopped``), counted for the city.

The city never sees these requests, so its issuer cannot count them; the centre records each
once per card session and city (a kiosk asking again in the same session adds nothing) and
hands the day's counts to the city with its status (``city_status``). Counts and codes only.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kofu import clock
from kofu.center.models import MenuRefusal

#: Refusals the centre tells at the menu on the city's behalf.
COUNTED = frozenset({"city.stopped"})


def record(db: sessionmaker[Session], city_code: str, session_id: str, code: str) -> None:
    """Note that this session's menu of this city was refused with ``code`` (once)."""
    if code not in COUNTED:
        return
    now = clock.now_utc()
    try:
        with db.begin() as session:
            seen = session.scalar(
                select(MenuRefusal.id).where(
                    MenuRefusal.session_id == session_id,
                    MenuRefusal.city_code == city_code,
                    MenuRefusal.code == code,
                )
            )
            if seen is None:
                session.add(
                    MenuRefusal(
                        city_code=city_code,
                        day=clock.japan_date(now),
                        code=code,
                        session_id=session_id,
                        recorded_at=now,
                    )
                )
    except IntegrityError:
        pass  # another replica noted it a moment ago
    except SQLAlchemyError:
        pass  # a count that could not be written never changes the kiosk's answer


def counts(session: Session, city_code: str, day: date) -> list[tuple[str, int]]:
    """The day's menu refusals of the city: (code, count)."""
    rows = session.execute(
        select(MenuRefusal.code, func.count())
        .where(MenuRefusal.city_code == city_code, MenuRefusal.day == day)
        .group_by(MenuRefusal.code)
    ).all()
    return [(code, int(n)) for code, n in rows]
