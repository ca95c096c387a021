"""The centre → city gateway link (LGWAN, mTLS: only the centre's certificate may submit).

    POST /v1/requests   CityRequest → CityResponse   (the answer of the city's issuer)
    GET  /v1/health     → GatewayHealth   (the centre, or the city's own console as its issuer)

A ``CityRequest`` is one of nine kinds, a tagged union on ``kind``; the gateway relays it to the
city's issuer untouched and relays the issuer's ``CityResponse`` back (see
``kofu.protocol.gateway_issuer``). Card serials cross this link and the next one only: the
city needs them to find the card holder; the centre keeps none.

    menu               the card holder's menu; member names come back in an envelope for
                       ``menu_key``
    order              issue ``order`` as ``order_id``; the document comes back in an envelope
                       for the order's kiosk key
    registration_key   the city's 利用登録 application key
    applicant          the residence city puts the card holder's name and birth date in an
                       envelope for ``recipient_key``, the application key of the 本籍地 city
                       ``other_city``
    registration       the 本籍地 city opens ``application`` (from the kiosk) and ``applicant``
                       (from the residence city ``other_city``) and records a pending 利用登録
    status             what the city's issuance log says of these orders (the centre's sweep)
    outcome            how these orders ended, for the city's issuance log
    notices            本人通知: the documents issued in the card holder's name (or naming them)
                       in the last 12 months, from the city's issuance log, in an envelope for
                       ``notice_key``
    heads              the centre's signed tree head of its history for the city to keep; the
                       city answers with its own log's signed head (``head``) for the centre
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from kofu.protocol.errors import Problem
from kofu.protocol.kiosk_center import Menu, OrderRequest, OrderResult, RegistrationResult
from kofu.protocol.link import Endpoint
from kofu.protocol.types import B64, CardSerial, CityCode, Id, KioskId, Model, Text32, X25519Key

#: The actor that serves this link.
SERVER = "gateway"


class _CityCall(Model):
    request_id: Id
    city_code: CityCode


class _Call(_CityCall):
    card_serial: CardSerial
    kiosk_id: KioskId


class MenuCall(_Call):
    """The menu for this card holder."""

    kind: Literal["menu"] = "menu"
    menu_key: X25519Key | None = None
    #: The centre's card session (a random id, no person): the city counts a refusal at the
    #: menu once per session however often the kiosk asks again.
    session_id: Id | None = None


class OrderCall(_Call):
    """Issue this order."""

    kind: Literal["order"] = "order"
    order_id: Id
    order: OrderRequest


class RegistrationKeyCall(_Call):
    """The city's 利用登録 application key."""

    kind: Literal["registration_key"] = "registration_key"


class ApplicantCall(_Call):
    """The card holder's name and birth date, in an envelope for the 本籍地 city."""

    kind: Literal["applicant"] = "applicant"
    recipient_key: X25519Key
    other_city: CityCode


class RegistrationCall(_Call):
    """Record a 利用登録 from the kiosk's application and the residence city's applicant."""

    kind: Literal["registration"] = "registration"
    other_city: CityCode
    application: B64
    applicant: B64


class StatusCall(_CityCall):
    """What the city knows of these orders (the centre closing orders it lost track of)."""

    kind: Literal["status"] = "status"
    order_ids: list[Id] = Field(min_length=1, max_length=64)


CityOutcome = Literal["delivered", "printed", "failed", "cancelled", "refused"]


class OutcomeCall(_CityCall):
    """How these orders ended at the kiosk, for the city's issuance log."""

    kind: Literal["outcome"] = "outcome"
    outcomes: dict[Id, CityOutcome] = Field(min_length=1, max_length=64)


class NoticeCall(_Call):
    """What the city issued in this card holder's name (本人通知), enveloped for ``notice_key``."""

    kind: Literal["notices"] = "notices"
    notice_key: X25519Key


class HeadsCall(_CityCall):
    """The centre's latest signed head (JSON, ``kofu.ledger``) for the city to keep; the city
    answers with its own."""

    kind: Literal["heads"] = "heads"
    center_head: Annotated[str, Field(max_length=2048)] | None = None


CityRequest = Annotated[
    MenuCall
    | OrderCall
    | RegistrationKeyCall
    | ApplicantCall
    | RegistrationCall
    | StatusCall
    | OutcomeCall
    | NoticeCall
    | HeadsCall,
    Field(discriminator="kind"),
]


class CityResponse(Model):
    """The issuer's answer to one CityRequest: the field of its kind, or ``error``."""

    request_id: Id
    menu: Menu | None = None
    order: OrderResult | None = None
    error: Problem | None = None
    public_key: X25519Key | None = None
    envelope: B64 | None = None
    registration: RegistrationResult | None = None
    #: ``status``: order id → sealed | rendering | refused | an outcome (absent: never seen).
    statuses: dict[Id, Text32] | None = Field(default=None, max_length=64)
    #: ``outcome``: how many log rows were updated.
    recorded: int | None = Field(default=None, ge=0)
    #: ``outcome``: the orders the city has no row for (not yet issued, or never seen); the centre
    #: tells it again later (a request re-delivered after the order ended may still be issued).
    unknown: list[Id] | None = Field(default=None, max_length=64)
    #: ``heads``: the city's signed head of its issuance log (JSON, ``kofu.ledger``).
    head: str | None = Field(default=None, max_length=2048)


class GatewayHealth(Model):
    """The gateway answers: its city, how many requests wait for an answer, how many no issuer holds."""

    city: CityCode
    waiting: int = Field(ge=0)
    unpulled: int = Field(ge=0, default=0)


class Submission(Model):
    """The body of a submission: one request of any kind (the union needs a wrapper to be a body)."""

    request: CityRequest


SUBMIT = Endpoint("submit", "POST", "/v1/requests", Submission, CityResponse, errors=(403, 409, 503))
HEALTH = Endpoint("gateway_health", "GET", "/v1/health", None, GatewayHealth, errors=(403,))
