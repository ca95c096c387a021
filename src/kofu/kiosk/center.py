"""The kiosk's link to the centre (mTLS with the kiosk's own certificate)."""

from __future__ import annotations

import ssl

from pydantic import BaseModel

from kofu.net.client import call, sync_client
from kofu.protocol import kiosk_center as link
from kofu.protocol.kiosk_center import (
    SESSION_HEADER,
    Abandoned,
    Menu,
    MenuRequest,
    NoticeRequest,
    Notices,
    OrderOutcome,
    OrderRequest,
    OrderResult,
    OutcomeRecorded,
    RegistrationKey,
    RegistrationKeyRequest,
    RegistrationRequest,
    RegistrationResult,
    SessionAuth,
    SessionAuthenticated,
    SessionChallenge,
    SessionOpen,
)
from kofu.protocol.link import Endpoint

ORDER_TIMEOUT = 60.0


class CenterLink:
    """Calls the centre on behalf of one kiosk; one instance serves the kiosk's whole life."""

    def __init__(self, base_url: str, context: ssl.SSLContext, kiosk_id: str) -> None:
        self.kiosk_id = kiosk_id
        self.client = sync_client(base_url, context, timeout=ORDER_TIMEOUT)

    def close(self) -> None:
        self.client.close()

    def _call(
        self, endpoint: Endpoint, body: BaseModel | None, token: str | None = None, **path: str
    ) -> bytes:
        headers = {SESSION_HEADER: token} if token else None
        return call(self.client, endpoint, body, headers=headers, path=path).content

    def open_session(self) -> SessionChallenge:
        answer = self._call(link.OPEN_SESSION, SessionOpen(kiosk_id=self.kiosk_id))
        return SessionChallenge.model_validate_json(answer)

    def authenticate(self, session_id: str, certificate: bytes, signature: bytes) -> SessionAuthenticated:
        body = SessionAuth(certificate=certificate, signature=signature)
        answer = self._call(link.AUTHENTICATE, body, session_id=session_id)
        return SessionAuthenticated.model_validate_json(answer)

    def menu(self, token: str, city_code: str, menu_key: bytes | None = None) -> Menu:
        body = MenuRequest(city_code=city_code, kiosk_public_key=menu_key)
        return Menu.model_validate_json(self._call(link.MENU, body, token))

    def notices(self, token: str, city_code: str, notice_key: bytes) -> Notices:
        body = NoticeRequest(city_code=city_code, kiosk_public_key=notice_key)
        return Notices.model_validate_json(self._call(link.NOTICES, body, token))

    def registration_key(self, token: str, city_code: str) -> bytes:
        answer = self._call(link.REGISTRATION_KEY, RegistrationKeyRequest(city_code=city_code), token)
        return RegistrationKey.model_validate_json(answer).public_key

    def register(self, token: str, request: RegistrationRequest) -> RegistrationResult:
        return RegistrationResult.model_validate_json(self._call(link.REGISTER, request, token))

    def order(self, token: str, order: OrderRequest) -> OrderResult:
        return OrderResult.model_validate_json(self._call(link.ORDER, order, token))

    def outcome(self, order_id: str, outcome: OrderOutcome) -> OutcomeRecorded:
        return OutcomeRecorded.model_validate_json(self._call(link.OUTCOME, outcome, order_id=order_id))

    def abandoned(self, body: Abandoned) -> OutcomeRecorded:
        """An order sent and never answered (the kiosk knows only its idempotency key)."""
        return OutcomeRecorded.model_validate_json(self._call(link.ABANDONED, body))
