"""What the centre does: authenticate cards, route to cities, relay sealed documents, keep history.

The centre sees metadata only: which kiosk, which city, which document type, how many copies,
what fee, what outcome. Documents pass through as HPKE ciphertext for the ordering kiosk; the
card serial lives only in the kiosk-held session token and in the request to the city.
"""

from __future__ import annotations

import secrets

import httpx
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kofu import clock
from kofu.center import routing
from kofu.center.auth import (
    CardSession,
    CardVerifier,
    SessionSealer,
    consume_challenge,
    issue_challenge,
    session_expiry,
)
from kofu.center.models import Order
from kofu.net.client import acall
from kofu.protocol.center_gateway import SUBMIT, CityRequest, CityResponse, MenuCall, OrderCall, Submission
from kofu.protocol.errors import KofuError, LinkFailed, ProtocolViolation, Refused, from_problem
from kofu.protocol.kiosk_center import (
    CityChoice,
    Menu,
    MenuRequest,
    OrderOutcome,
    OrderRequest,
    OrderResult,
    OutcomeRecorded,
    SessionAuth,
    SessionAuthenticated,
    SessionChallenge,
)

DEFAULT_STORE = "S0001"


class CenterService:
    """The centre's behaviour, independent of HTTP."""

    def __init__(
        self,
        db: sessionmaker[Session],
        verifier: CardVerifier,
        sealer: SessionSealer,
        gateways: dict[str, httpx.AsyncClient],
    ) -> None:
        self.db = db
        self.verifier = verifier
        self.sealer = sealer
        self.gateways = gateways

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
        await run_in_threadpool(routing.check_open, self.db, body.city_code)
        request = MenuCall(
            request_id=secrets.token_hex(16),
            city_code=body.city_code,
            card_serial=session.card_serial,
            kiosk_id=session.kiosk_id,
            menu_key=body.kiosk_public_key,  # member names come back in an envelope for the kiosk
        )
        response = await self._ask_city(request)
        if response.menu is None:
            raise ProtocolViolation("protocol.invalid", "city answered a menu request without a menu")
        return response.menu

    async def order(self, session: CardSession, body: OrderRequest) -> OrderResult:
        """Forward an order to its city and relay the sealed result."""
        self._check_city(session, body.city_code)
        await run_in_threadpool(routing.check_open, self.db, body.city_code)
        order_id = secrets.token_hex(16)
        await run_in_threadpool(self._record_order, order_id, session.kiosk_id, body)
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
        except KofuError as exc:  # refused, a link down, or the city failed (document.render_failed)
            await run_in_threadpool(
                self._finish, order_id, "refused" if isinstance(exc, Refused) else "failed", exc.code
            )
            raise
        if result.status == "refused":
            code = result.error.code if result.error else "order.invalid"
            await run_in_threadpool(self._finish, order_id, "refused", code)
        else:
            await run_in_threadpool(self._set_fee, order_id, result.fee_total or 0)
        return result

    def outcome(self, kiosk_id: str, order_id: str, body: OrderOutcome) -> OutcomeRecorded:
        """Close an order's history row with what the kiosk did; stop the city on a misissuance."""
        with self.db.begin() as session:
            order = session.get(Order, order_id)
            if order is None or order.kiosk_id != kiosk_id:
                raise ProtocolViolation("order.unknown", "no such order for this kiosk")
            if order.outcome is not None:
                raise ProtocolViolation("order.closed", "order already closed")
            order.outcome = body.outcome
            order.status = "closed"
            order.finished_at = clock.now_utc()
            if body.outcome != "printed":
                order.fee_total = 0  # only printed documents are charged
            city = order.city_code
            recorded = OutcomeRecorded(
                order_id=order_id, status=order.status, outcome=order.outcome, fee_total=order.fee_total
            )
        if body.outcome == "misissuance_prevented":
            routing.set_stopped(self.db, city, True, "misissuance_prevented")
        return recorded

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _check_city(session: CardSession, city_code: str) -> None:
        if not session.allows(city_code):
            raise Refused("city.document.not_offered", "card not routed to this city")

    async def _ask_city(self, request: CityRequest) -> CityResponse:
        client = self.gateways.get(request.city_code)
        if client is None:
            raise LinkFailed("city.unavailable", "no gateway configured")
        response = await acall(client, SUBMIT, Submission(request=request))
        answer = CityResponse.model_validate_json(response.content)
        if answer.request_id != request.request_id:
            raise ProtocolViolation("order.mismatch", "answer for another request")
        if answer.error is not None:
            raise from_problem(answer.error)
        return answer

    def _record_order(self, order_id: str, kiosk_id: str, body: OrderRequest) -> None:
        try:
            with self.db.begin() as session:
                session.add(
                    Order(
                        order_id=order_id,
                        idempotency_key=body.idempotency_key,
                        created_at=clock.now_utc(),
                        kiosk_id=kiosk_id,
                        store_id=DEFAULT_STORE,
                        city_code=body.city_code,
                        doc=body.doc,
                        copies=body.copies,
                        fee_total=0,
                        status="pending",
                    )
                )
        except IntegrityError as exc:
            raise ProtocolViolation("order.duplicate", "this order was already placed") from exc

    def _finish(self, order_id: str, status: str, outcome: str) -> None:
        with self.db.begin() as session:
            order = session.get(Order, order_id)
            if order is not None:
                order.status = status
                order.outcome = outcome
                order.fee_total = 0
                order.finished_at = clock.now_utc()

    def _set_fee(self, order_id: str, fee_total: int) -> None:
        with self.db.begin() as session:
            order = session.get(Order, order_id)
            if order is not None:
                order.status = "issued"
                order.fee_total = fee_total
