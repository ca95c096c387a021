"""The kiosk ⇄ centre link (store network, mTLS: the kiosk is known by its certificate).

    POST /v1/sessions                    SessionOpen → SessionChallenge
    POST /v1/sessions/{session_id}/auth  SessionAuth → SessionAuthenticated
    POST /v1/menu            (session)   MenuRequest → Menu
    POST /v1/orders          (session)   OrderRequest → OrderResult
    POST /v1/orders/{order_id}/outcome   OrderOutcome → OutcomeRecorded   (idempotent, forward only)
    POST /v1/orders/abandoned            Abandoned → OutcomeRecorded      (an order sent, never answered)
    POST /v1/registrations/key (session) RegistrationKeyRequest → RegistrationKey
    POST /v1/registrations   (session)   RegistrationRequest → RegistrationResult
    POST /v1/notices         (session)   NoticeRequest → Notices   (本人通知: what was issued in the
                                         card holder's name, in an envelope for the kiosk's key)
    GET  /v1/health                      → Health

"(session)": the call carries the card session token in the ``X-Kofu-Session`` header. Nothing
here carries a name or an address in clear: documents travel inside ``OrderResult.envelope``,
HPKE for the ordering kiosk; member names in ``Menu.member_envelope``, HPKE for the menu's key;
a 利用登録 application's 本籍 and 筆頭者 in ``RegistrationRequest.application``, HPKE for the
本籍地 city (see ``kofu.protocol.envelope``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from kofu.protocol.errors import Problem
from kofu.protocol.link import Endpoint
from kofu.protocol.types import (
    B64,
    CityCode,
    CityKind,
    Code,
    DocType,
    Id,
    KioskId,
    Model,
    Text32,
    Text64,
    Text128,
    Text512,
    Text2048,
    X25519Key,
)

SESSION_HEADER = "X-Kofu-Session"
#: Options of one order: at most this many, each name and value bounded.
MAX_OPTIONS = 16
OptionName = Annotated[str, Field(pattern=r"^[a-z_]{1,32}$")]
OptionValue = Text512


class SessionOpen(Model):
    """A kiosk asks for a session; the centre checks the id against the kiosk's certificate."""

    kiosk_id: KioskId


class SessionChallenge(Model):
    """A one-time challenge bound to the kiosk that asked for it."""

    session_id: Id
    challenge: B64
    expires_at: datetime = Field(strict=False)  # an ISO time, as JSON carries it


class SessionAuth(Model):
    """The card's authentication certificate and its signature over the challenge."""

    certificate: Annotated[B64, Field(description="DER, at most a few KB")]
    signature: B64


class CityChoice(Model):
    """A city the card holder can order from."""

    city_code: CityCode
    city_name: Text64
    kind: CityKind


class SessionAuthenticated(Model):
    """The card is authentic; these are the cities it may order from.

    ``session_token`` is opaque to the kiosk; it goes back in the ``X-Kofu-Session`` header.
    """

    session_token: Text2048
    cities: Annotated[list[CityChoice], Field(max_length=8)]


class MenuRequest(Model):
    """Ask a city what it offers this card holder.

    ``kiosk_public_key`` (a fresh X25519 key for this menu) lets the city send the names of the
    people the resident may choose (household or register members) in an envelope for the kiosk.
    Without it the menu offers no member choice.
    """

    city_code: CityCode
    kiosk_public_key: X25519Key | None = None


class OptionSpec(Model):
    """One option of a document, with its allowed values (the first is the default).

    ``shown_when`` names other options' values this one depends on (e.g. the member chooser
    applies only with ``household=members``); when they do not hold, the option is ignored.
    ``multiple``: the value is one or more choices joined with commas (``a,b``).
    ``enveloped_labels``: the choices are opaque member tokens; their labels (the names) are in
    ``Menu.member_envelope`` and the kiosk fills them in once it has opened it.
    """

    name: OptionName
    label_ja: Text64
    label_en: Text64
    choices: Annotated[list[OptionValue], Field(max_length=64)]
    choice_labels_ja: Annotated[list[Text128], Field(max_length=64)]
    choice_labels_en: Annotated[list[Text128], Field(max_length=64)]
    shown_when: dict[OptionName, OptionValue] = Field(default_factory=dict, max_length=8)
    multiple: bool = False
    enveloped_labels: bool = False


class DocumentOffer(Model):
    """A document type the city offers now, with its fee and options."""

    doc: DocType
    title_ja: Text64
    title_en: Text64
    fee: int = Field(ge=0, le=100_000)
    max_copies: int = Field(ge=1, le=99)
    options: list[OptionSpec] = Field(default_factory=list, max_length=MAX_OPTIONS)
    #: When the menu already knows an order would be refused (no live seal registration, no tax
    #: record…): the refusal code, for the kiosk to show. The order is checked again regardless.
    refusal: Code | None = None
    #: Hours in words (e.g. 平日 9:00–17:00), when the city limits them.
    hours: Text64 | None = None


class Menu(Model):
    """What a city offers one card holder at this moment.

    ``member_envelope``: HPKE ciphertext for the menu's ``kiosk_public_key`` (see
    ``kofu.protocol.envelope.open_members``): ``{token: {"ja": label, "en": label}}``.
    """

    city_code: CityCode
    city_name: Text64
    documents: Annotated[list[DocumentOffer], Field(max_length=8)]
    member_envelope: B64 | None = None


class OrderRequest(Model):
    """A resident's choice, with the kiosk's one-order public key."""

    city_code: CityCode
    doc: DocType
    options: dict[OptionName, OptionValue] = Field(default_factory=dict, max_length=MAX_OPTIONS)
    copies: int = Field(ge=1, le=99)
    kiosk_public_key: X25519Key
    idempotency_key: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")]


class OrderResult(Model):
    """The document in its envelope (or the reason it was refused) for one order id."""

    order_id: Id
    status: Literal["issued", "refused"]
    envelope: B64 | None = None
    fee_total: int | None = Field(default=None, ge=0)
    pages: int | None = Field(default=None, ge=1, le=200)
    error: Problem | None = None


Outcome = Literal["delivered", "paid", "printed", "failed", "cancelled", "misissuance_prevented"]


class MisissuanceProof(Model):
    """Why a kiosk refused a document: the city-signed header it found inside the envelope, which
    the centre checks against the order it recorded before it stops the city. ``session_token``
    lets the centre recompute the order binding (it holds no card serial of its own)."""

    header: B64 = Field(description="the document header as the city signed it (JSON bytes)")
    signature: B64 = Field(description="ES256 over the header bytes, by the city's seal key")
    session_token: Text2048


class OrderOutcome(Model):
    """What the kiosk did with the document; the centre writes the history row from it.

    ``delivered``: opened and checked; ``paid``: the money is in (``amount``); ``printed``:
    printed ``copies_printed`` copies and kept ``amount``; ``failed``: printing failed, money
    returned; ``cancelled``: the resident gave up before paying; ``misissuance_prevented``: the
    document was not this order's (with ``proof`` when the kiosk has the city's signed header).
    Every report may be sent again: one the order has passed changes nothing.
    """

    outcome: Outcome
    copies_printed: int = Field(ge=0, le=99, default=0)
    amount: int = Field(ge=0, le=1_000_000, default=0)
    proof: MisissuanceProof | None = None


class Abandoned(Model):
    """A kiosk restarted with an order it sent but never heard back about: it knows only its own
    idempotency key. The centre closes that order (cancelled, unless it got further)."""

    idempotency_key: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")]


class OutcomeRecorded(Model):
    """The order's state at the centre after a report (the same answer for a repeated report)."""

    order_id: Id
    status: Text32
    outcome: Code | None = None
    fee_total: int = Field(ge=0)


class RegistrationKeyRequest(Model):
    """Ask the 本籍地 city for the key a 利用登録 application is enveloped for."""

    city_code: CityCode


class RegistrationKey(Model):
    """The 本籍地 city's X25519 application key (relayed by the centre)."""

    city_code: CityCode
    public_key: X25519Key


class RegistrationRequest(Model):
    """A 利用登録 application: 本籍 and 筆頭者, in an envelope for the 本籍地 city."""

    city_code: CityCode
    application: Annotated[B64, Field(description="HPKE ciphertext, a few hundred bytes")]


class RegistrationResult(Model):
    """What the 本籍地 city recorded: the application's number and status (no personal data)."""

    city_code: CityCode
    registration_id: int = Field(ge=1)
    status: Literal["pending", "approved", "rejected"]


class Health(Model):
    """An actor answers; ``detail`` is for operators (never personal data)."""

    status: Literal["ok"]


class SessionPath(Model):
    """Path parameters of the session endpoints."""

    session_id: Id


class NoticeRequest(Model):
    """Ask a city what it issued in the card holder's name (本人通知), for a fresh X25519 key."""

    city_code: CityCode
    kiosk_public_key: X25519Key


class Notices(Model):
    """The city's answer: its entries in an envelope only the asking kiosk opens."""

    city_code: CityCode
    envelope: B64


OPEN_SESSION = Endpoint("open_session", "POST", "/v1/sessions", SessionOpen, SessionChallenge, errors=(403,))
AUTHENTICATE = Endpoint(
    "authenticate",
    "POST",
    "/v1/sessions/{session_id}/auth",
    SessionAuth,
    SessionAuthenticated,
    errors=(403, 422),
)
MENU = Endpoint("menu", "POST", "/v1/menu", MenuRequest, Menu, errors=(403, 422, 503))
ORDER = Endpoint("order", "POST", "/v1/orders", OrderRequest, OrderResult, errors=(403, 409, 422, 503))
OUTCOME = Endpoint(
    "outcome", "POST", "/v1/orders/{order_id}/outcome", OrderOutcome, OutcomeRecorded, errors=(403, 404, 409)
)
ABANDONED = Endpoint(
    "abandoned", "POST", "/v1/orders/abandoned", Abandoned, OutcomeRecorded, errors=(403, 404, 409)
)
REGISTRATION_KEY = Endpoint(
    "registration_key",
    "POST",
    "/v1/registrations/key",
    RegistrationKeyRequest,
    RegistrationKey,
    errors=(403, 422, 503),
)
REGISTER = Endpoint(
    "register", "POST", "/v1/registrations", RegistrationRequest, RegistrationResult, errors=(403, 422, 503)
)

#: The actor that serves this link.
SERVER = "center"
NOTICES = Endpoint("notices", "POST", "/v1/notices", NoticeRequest, Notices, errors=(403, 422, 503))
HEALTH = Endpoint("health", "GET", "/v1/health", None, Health, errors=(403,))
