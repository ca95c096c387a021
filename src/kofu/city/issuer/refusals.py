"""Refusals the issuer tells at the menu, recorded for the city console's Today page.

``record`` writes one row per (card session, document, code) and ignores a repeat: the kiosk
asking again for the same session's menu, or the gateway handing the same request to a second
worker, counts once. ``counts`` reads a day back as numbers by document and code — never who.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry.models import MenuRefusal


def record(
    db: sessionmaker[Session], session_key: str, day: date, at: datetime, refusals: Iterable[tuple[str, str]]
) -> None:
    """Note each ``(doc, code)`` refused at this session's menu, once."""
    for doc, code in refusals:
        try:
            with db.begin() as session:
                seen = session.scalar(
                    select(MenuRefusal.id).where(
                        MenuRefusal.session_key == session_key,
                        MenuRefusal.doc == doc,
                        MenuRefusal.code == code,
                    )
                )
                if seen is None:
                    session.add(
                        MenuRefusal(day=day, doc=doc, code=code, session_key=session_key, recorded_at=at)
                    )
        except IntegrityError:
            continue  # another worker noted it a moment ago


def counts(db: sessionmaker[Session], day: date) -> dict[str, Counter[str]]:
    """The day's menu refusals: document (``*`` for a whole menu) → code → count."""
    found: dict[str, Counter[str]] = {}
    with db() as session:
        rows = session.execute(
            select(MenuRefusal.doc, MenuRefusal.code, func.count())
            .where(MenuRefusal.day == day)
            .group_by(MenuRefusal.doc, MenuRefusal.code)
        ).all()
    for doc, code, n in rows:
        found.setdefault(doc, Counter())[code] += n
    return found
