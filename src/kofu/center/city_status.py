"""A city asks the centre about itself (mTLS as its issuer): its state, today's counts, stop/resume.

    GET  /v1/cities/{city_code}/status   whether orders go through, and today's history counts
    POST /v1/cities/{city_code}/stop     stop or resume the city's orders, recorded with who and why

This is how the city console shows and changes the city's state at the centre. Only the city's
own issuer certificate may ask; the counts are history rows grouped by document, state and
outcome code, and the menus the centre refused for the city without asking it (``menu_refused``
rows, document ``*``: a stopped city) — numbers only: neither holds a person.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from fastapi import FastAPI, Path
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kofu import clock
from kofu.center import menu_refusals, stops
from kofu.center.deps import Service
from kofu.center.models import City, Order
from kofu.net.app import PeerDep, expect_peer
from kofu.protocol.city_center import (
    CITY_STATUS,
    CITY_STOP,
    MENU_REFUSED,
    WHOLE_MENU,
    CityStatus,
    CityStop,
    OrderCount,
)
from kofu.protocol.errors import Refused
from kofu.protocol.link import route


def status(db: sessionmaker[Session], code: str) -> CityStatus:
    """The city's state and the counts of its orders since midnight in Japan."""
    # midnight in Japan, as UTC: the history's times are stored in UTC
    since = datetime.combine(clock.today(), time.min, tzinfo=clock.JST).astimezone(UTC)
    with db() as session:
        city = session.get(City, code)
        if city is None:
            raise Refused("city.unknown", "the centre does not know this city")
        rows = session.execute(
            select(Order.doc, Order.status, Order.outcome, func.count())
            .where(Order.city_code == code, Order.created_at >= since)
            .group_by(Order.doc, Order.status, Order.outcome)
        ).all()
        return CityStatus(
            city_code=code,
            stopped=city.stopped,
            stopped_by=city.stopped_by,
            stop_reason=city.stop_reason,
            stopped_at=city.stopped_at,
            today=[
                OrderCount(doc=doc, status=state, outcome=(outcome or "")[:64] or None, count=n)
                for doc, state, outcome, n in rows[:1900]
            ]
            + [
                OrderCount(doc=WHOLE_MENU, status=MENU_REFUSED, outcome=refusal, count=n)
                for refusal, n in menu_refusals.counts(session, code, clock.today())[:100]
            ],
        )


def install(app: FastAPI) -> None:
    """The city-status endpoints on the centre's app."""

    @route(app, CITY_STATUS)
    async def city_status(
        peer: PeerDep, service: Service, city_code: str = Path(pattern=r"^[0-9]{6}$")
    ) -> CityStatus:
        expect_peer(peer, "issuer", city_code)
        return await run_in_threadpool(status, service.db, city_code)

    @route(app, CITY_STOP)
    async def city_stop(
        body: CityStop, peer: PeerDep, service: Service, city_code: str = Path(pattern=r"^[0-9]{6}$")
    ) -> CityStatus:
        expect_peer(peer, "issuer", city_code)
        change = stops.stop if body.stop else stops.resume
        await run_in_threadpool(
            change, service.db, city_code, by=f"city:{city_code}:{body.by}", reason=body.reason
        )
        return await run_in_threadpool(status, service.db, city_code)
