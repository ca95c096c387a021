"""What the centre does: authenticate cards, route to cities, relay sealed documents, keep history.

The centre sees metadata only: which kiosk, which city, which document type, how many copies,
what fee, what outcome. Documents pass through as HPKE ciphertext for the ordering kiosk; the
card serial lives only in the kiosk-held session token and in the request to the city.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import itertools
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from kofu import clock
from kofu.center import menu_refusals, orders, routing, stops
from kofu.center.auth import (
    CardSession,
    CardVerifier,
    SessionSealer,
    consume_challenge,
    issue_challenge,
    session_expiry,
)
from kofu.net.client import AsyncPeer, acall
from kofu.pki.stores import Store
from kofu.protocol.center_gateway import (
    SUBMIT,
    CityRequest,
    CityResponse,
    MenuCall,
    NoticeCall,
    OrderCall,
    Submission,
)
from kofu.protocol.errors import KofuError, LinkFailed, ProtocolViolation, Refused, from_problem
from kofu.protocol.header import KeyLookup
from kofu.protocol.kiosk_center import (
    Abandoned,
    CityChoice,
    Menu,
    MenuRequest,
    NoticeRequest,
    Notices,
    OrderOutcome,
    OrderRequest,
    OrderResult,
    OutcomeRecorded,
    SessionAuth,
    SessionAuthenticated,
    SessionChallenge,
)

T = TypeVar("T")
log = logging.getLogger(__name__)


def _no_keys() -> KeyLookup:
    return lambda _city, _kid: None


class CenterService:
    """The centre's behaviour, independent of HTTP."""

    def __init__(
        self,
        db: sessionmaker[Session],
        verifier: CardVerifier,
        sealer: SessionSealer,
        gateways: Mapping[str, Sequence[AsyncPeer]],
        seal_keys: Callable[[], KeyLookup] | None = None,
        stores: Callable[[], Mapping[str, Store]] | None = None,
    ) -> None:
        self.db = db
        self.verifier = verifier
        self.sealer = sealer
        self.gateways = gateways
        self.seal_keys = seal_keys or _no_keys
        self.stores = stores or dict  # the kiosk directory, by kiosk id (the trust list's)
        self._unlisted: set[str] = set()  # kiosks the directory did not list, said once each
        self._turn = itertools.count()
        # The database steps' own threads (as many as anyio's default), handed work straight
        # from the event loop: a step costs the loop one future, not a task group and a limiter.
        self._db_threads = ThreadPoolExecutor(max_workers=40, thread_name_prefix="center-db")
        self.history_key: Any = None  # the key the sweeper signs the history's tree heads with
        self.city_head_key: Any = None  # city code → the key its log's heads are checked with

    async def step(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one short database step (and the checks around it) in a worker thread, so that a
        wait on the database (a SQLite lock held by the sweeper, a server's round trip) never
        stalls the event loop and every other kiosk with it. The step runs in a copy of the
        caller's context, so what it notes lands on the request's span."""
        call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._db_threads, call)

    # -- sessions -------------------------------------------------------------------------
    def open_session(self, kiosk_id: str) -> SessionChallenge:
        """A one-time challenge for this kiosk."""
        row = issue_challenge(self.db, kiosk_id, clock.now_utc())
        return SessionChallenge(
            session_id=row.session_id, challenge=bytes.fromhex(row.challenge), expires_at=row.expires_at
        )

    def authenticate(self, kiosk_id: str, session_id: str, body: SessionAuth) -> SessionAuthenticated:
        """Check the card's answer to the challenge; return the cities it may order from."""
        now = clock.now_utc()
        challenge = consume_challenge(self.db, session_id, kiosk_id, now)
        serial = self.verifier.verify(body.certificate, challenge, body.signature, now)
        cities = routing.cities_for(self.db, serial)
        session = CardSession(
            session_id=session_id,
            kiosk_id=kiosk_id,
            card_serial=serial,
            cities=tuple((city.code, kind) for city, kind in cities),
            expires_at=session_expiry(now),
        )
        return SessionAuthenticated(
            session_token=self.sealer.seal(session),
            cities=[CityChoice(city_code=c.code, city_name=c.name, kind=kind) for c, kind in cities],  # type: ignore[arg-type]
        )

    def session(self, kiosk_id: str, token: str | None) -> CardSession:
        """The card session a kiosk presents."""
        if not token:
            raise ProtocolViolation("session.invalid", "no session token")
        return self.sealer.open(token, kiosk_id, clock.now_utc())

    # -- menu and orders -----------------------------------------------------------------
    async def menu(self, session: CardSession, body: MenuRequest) -> Menu:
        """The city's menu for this card holder."""
        self._check_city(session, body.city_code)
        try:
            await self.step(routing.check_open, self.db, body.city_code)
        except Refused as exc:  # the city is not asked: the centre counts it for the city
            await self.step(menu_refusals.record, self.db, body.city_code, session.session_id, exc.code)
            raise
        request = MenuCall(
            request_id=secrets.token_hex(16),
            city_code=body.city_code,
            card_serial=session.card_serial,
            kiosk_id=session.kiosk_id,
            menu_key=body.kiosk_public_key,  # member names come back in an envelope for the kiosk
            session_id=session.session_id,
        )
        response = await self._ask_city(request)
        if response.menu is None:
            raise ProtocolViolation("protocol.invalid", "city answered a menu request without a menu")
        return response.menu

    async def notices(self, session: CardSession, body: NoticeRequest) -> Notices:
        """本人通知: the city's entries for this card holder, relayed in their envelope (never kept)."""
        self._check_city(session, body.city_code)
        request = NoticeCall(
            request_id=secrets.token_hex(16),
            city_code=body.city_code,
            card_serial=session.card_serial,
            kiosk_id=session.kiosk_id,
            notice_key=body.kiosk_public_key,
        )
        response = await self._ask_city(request)
        if response.envelope is None:
            raise ProtocolViolation("protocol.invalid", "city answered a notices request without an envelope")
        return Notices(city_code=body.city_code, envelope=response.envelope)

    async def order(self, session: CardSession, body: OrderRequest) -> OrderResult:
        """Forward an order to its city and relay the enveloped result.

        The history row is written first (``forwarded``, in the transaction that finds the city
        open), then ``sealed`` with the city's fee when the document comes back, so a crash anywhere leaves a row the sweep
        can close with the truth. A busy city is said at once (``city.busy``, nothing recorded
        against the resident): the kiosk may try again with the same card session.
        """
        self._check_city(session, body.city_code)
        order_id = secrets.token_hex(16)
        # One write before the city is asked: the city is open, and the row says ``forwarded``.
        store_id = self.store_of(session.kiosk_id)
        await self.step(
            orders.record,
            self.db,
            order_id,
            session.session_id,
            session.kiosk_id,
            body,
            "forwarded",
            store_id,
        )
        request = OrderCall(
            request_id=secrets.token_hex(16),
            city_code=body.city_code,
            card_serial=session.card_serial,
            kiosk_id=session.kiosk_id,
            order_id=order_id,
            order=body,
        )
        try:
            response = await self._ask_city(request)
            result = response.order
            if result is None or result.order_id != order_id:
                raise ProtocolViolation("order.mismatch", "city answered for another order")
        except KofuError as exc:  # refused, busy, a link down, or the city failed (document.render_failed)
            status = "refused" if isinstance(exc, Refused) else "failed"
            await self.step(orders.close, self.db, order_id, status, exc.code)
            raise
        if result.status == "refused":
            code = result.error.code if result.error else "order.invalid"
            await self.step(orders.close, self.db, order_id, "refused", code)
        else:
            await self.step(orders.mark, self.db, order_id, "sealed", fee_total=result.fee_total or 0)
        return result

    def outcome(self, kiosk_id: str, order_id: str, body: OrderOutcome) -> OutcomeRecorded:
        """Apply a kiosk's report (idempotent; forward only); judge a misissuance report."""
        recorded, changed = orders.report(self.db, kiosk_id, order_id, body)
        if body.outcome == "misissuance_prevented" and changed:
            stops.judge(self.db, order_id, kiosk_id, body.proof, self.seal_keys, self.sealer)
        return recorded

    def abandoned(self, kiosk_id: str, body: Abandoned) -> OutcomeRecorded:
        """Close an order whose kiosk restarted without knowing its id."""
        return orders.abandoned(self.db, kiosk_id, body.idempotency_key)

    # -- helpers -----------------------------------------------------------------------------
    def store_of(self, kiosk_id: str) -> str:
        """The store ``kiosk_id`` stands in, by the kiosk directory; a kiosk it does not list is
        its own store (its kiosk id), said once in the log."""
        found = self.stores().get(kiosk_id)
        if found is not None:
            return found.store_id
        if kiosk_id not in self._unlisted:
            self._unlisted.add(kiosk_id)
            log.warning(
                "kiosk %s is not in the kiosk directory: its orders are recorded as its own store", kiosk_id
            )
        return kiosk_id

    @staticmethod
    def _check_city(session: CardSession, city_code: str) -> None:
        if not session.allows(city_code):
            raise Refused("city.document.not_offered", "card not routed to this city")

    async def _ask_city(self, request: CityRequest) -> CityResponse:
        """Submit to the city's gateways in turn until one answers (the city issues each order id
        once, so asking again through another gateway is safe)."""
        clients = self.gateways.get(request.city_code) or []
        if not clients:
            raise LinkFailed("city.unavailable", "no gateway configured")
        start = next(self._turn)
        failure: KofuError = LinkFailed("city.unavailable", "no gateway answered")
        for n in range(len(clients)):
            client = clients[(start + n) % len(clients)]
            try:
                response = await acall(client, SUBMIT, Submission(request=request))
            except LinkFailed as exc:
                failure = exc
                continue
            answer = CityResponse.model_validate_json(response.content)
            if answer.request_id != request.request_id:
                raise ProtocolViolation("order.mismatch", "answer for another request")
            if answer.error is not None:
                raise from_problem(answer.error)
            return answer
        raise failure
