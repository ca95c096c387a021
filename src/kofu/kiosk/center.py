"""The kiosk's link to the centre (mTLS with the kiosk's own certificate)."""

from __future__ import annotations

import ssl

import httpx

from kofu.net.client import link_error, raise_for_problem, sync_client
from kofu.protocol.messages import (
    SESSION_HEADER,
    Menu,
    MenuRequest,
    OrderOutcome,
    OrderRequest,
    OrderResult,
    RegistrationKey,
    RegistrationKeyRequest,
    RegistrationRequest,
    RegistrationResult,
    SessionAuth,
    SessionAuthenticated,
    SessionChallenge,
    SessionOpen,
)

ORDER_TIMEOUT = 60.0


class CentreLink:
    """Calls the centre on behalf of one kiosk; one instance serves the kiosk's whole life."""

    def __init__(self, base_url: str, context: ssl.SSLContext, kiosk_id: str) -> None:
        self.kiosk_id = kiosk_id
        self.client = sync_client(base_url, context, timeout=ORDER_TIMEOUT)

    def close(self) -> None:
        self.client.close()

    def _post(self, path: str, body: str, token: str | None = None) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if token:
            headers[SESSION_HEADER] = token
        try:
            response = self.client.post(path, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise link_error(exc) from exc
        raise_for_problem(response)
        return response

    def open_session(self) -> SessionChallenge:
        body = SessionOpen(kiosk_id=self.kiosk_id).model_dump_json()
        return SessionChallenge.model_validate_json(self._post("/v1/sessions", body).content)

    def authenticate(self, session_id: str, certificate: bytes, signature: bytes) -> SessionAuthenticated:
        body = SessionAuth(certificate=certificate, signature=signature).model_dump_json()
        response = self._post(f"/v1/sessions/{session_id}/auth", body)
        return SessionAuthenticated.model_validate_json(response.content)

    def menu(self, token: str, city_code: str, menu_key: bytes | None = None) -> Menu:
        body = MenuRequest(city_code=city_code, kiosk_public_key=menu_key).model_dump_json()
        return Menu.model_validate_json(self._post("/v1/menu", body, token).content)

    def registration_key(self, token: str, city_code: str) -> bytes:
        body = RegistrationKeyRequest(city_code=city_code).model_dump_json()
        response = self._post("/v1/registrations/key", body, token)
        return RegistrationKey.model_validate_json(response.content).public_key

    def register(self, token: str, request: RegistrationRequest) -> RegistrationResult:
        response = self._post("/v1/registrations", request.model_dump_json(), token)
        return RegistrationResult.model_validate_json(response.content)

    def order(self, token: str, order: OrderRequest) -> OrderResult:
        return OrderResult.model_validate_json(
            self._post("/v1/orders", order.model_dump_json(), token).content
        )

    def outcome(self, order_id: str, outcome: OrderOutcome) -> None:
        self._post(f"/v1/orders/{order_id}/outcome", outcome.model_dump_json())
