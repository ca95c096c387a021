"""Message models of every link.

kiosk ⇄ centre:   SessionOpen → SessionChallenge; SessionAuth → SessionAuthenticated;
                  MenuRequest → Menu; OrderRequest → OrderResult; OrderOutcome;
                  RegistrationKeyRequest → RegistrationKey; RegistrationRequest → RegistrationResult.
centre ⇄ gateway ⇄ issuer:  CityRequest → CityResponse (the gateway relays both untouched);
                  kinds menu, order, registration_key, applicant, registration.

Binary fields travel as standard base64. Nothing here carries a name or an address in clear:
documents travel inside `OrderResult.envelope`, sealed with HPKE for the ordering kiosk; the
names of household or register members a menu offers travel in `Menu.sealed_members`, sealed
for the kiosk's menu key (the options carry opaque member tokens); a 利用登録 application's
本籍, 筆頭者, name and birth date travel sealed for the 本籍地 city (see `kofu.protocol.sealed`).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator

from kofu.protocol.errors import Problem


def _b64_decode(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise ValueError("expected base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise ValueError("invalid base64") from exc


B64 = Annotated[
    bytes,
    PlainValidator(_b64_decode),
    PlainSerializer(lambda b: base64.b64encode(b).decode("ascii"), return_type=str),
]


def _x25519_key(value: object) -> bytes:
    raw = _b64_decode(value)
    if len(raw) != 32:
        raise ValueError("an X25519 public key is 32 bytes")
    return raw


X25519Key = Annotated[
    bytes,
    PlainValidator(_x25519_key),
    PlainSerializer(lambda b: base64.b64encode(b).decode("ascii"), return_type=str),
]

DocType = Literal["juminhyo", "inkan", "koseki", "fuhyo", "kazei"]
CityKind = Literal["residence", "honseki"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SessionOpen(_Model):
    """A kiosk asks for a session; the centre checks the id against the kiosk's certificate."""

    kiosk_id: str = Field(min_length=1, max_length=32)


class SessionChallenge(_Model):
    """A one-time challenge bound to the kiosk that asked for it."""

    session_id: str
    challenge: B64
    expires_at: datetime


class SessionAuth(_Model):
    """The card's authentication certificate and its signature over the challenge."""

    certificate: B64
    signature: B64


class CityChoice(_Model):
    """A city the card holder can order from."""

    city_code: str
    city_name: str
    kind: CityKind


class SessionAuthenticated(_Model):
    """The card is authentic; these are the cities it may order from.

    `session_token` is opaque to the kiosk; it goes back in the `X-Kofu-Session` header.
    """

    session_token: str
    cities: list[CityChoice]


class MenuRequest(_Model):
    """Ask a city what it offers this card holder.

    ``kiosk_public_key`` (a fresh X25519 key for this menu) lets the city send the names of the
    people the resident may choose (household members, register members) sealed for the kiosk.
    Without it the menu offers no member choice.
    """

    city_code: str = Field(pattern=r"^\d{6}$")
    kiosk_public_key: X25519Key | None = None


class OptionSpec(_Model):
    """One option of a document, with its allowed values (the first is the default).

    ``shown_when`` names other options' values this one depends on (e.g. the member chooser
    applies only with ``household=members``); when they do not hold, the option is ignored.
    ``multiple``: the value is one or more choices joined with commas (``a,b``).
    ``sealed_labels``: the choices are opaque member tokens; their labels (the names) are in
    ``Menu.sealed_members`` and the kiosk fills them in once it has opened it.
    """

    name: str
    label_ja: str
    label_en: str
    choices: list[str]
    choice_labels_ja: list[str]
    choice_labels_en: list[str]
    shown_when: dict[str, str] = {}
    multiple: bool = False
    sealed_labels: bool = False


class DocumentOffer(_Model):
    """A document type the city offers now, with its fee and options."""

    doc: DocType
    title_ja: str
    title_en: str
    fee: int = Field(ge=0)
    max_copies: int = Field(ge=1)
    options: list[OptionSpec] = []
    #: When the menu already knows an order would be refused (no live seal registration, no tax
    #: record…): the refusal code, for the kiosk to show. The order is checked again regardless.
    refusal: str | None = None
    #: Hours in words (e.g. 平日 9:00–17:00), when the city limits them.
    hours: str | None = None


class Menu(_Model):
    """What a city offers one card holder at this moment.

    ``sealed_members``: HPKE ciphertext for the menu's ``kiosk_public_key`` (see
    ``kofu.protocol.sealed.open_members``): ``{token: {"ja": label, "en": label}}``.
    """

    city_code: str
    city_name: str
    documents: list[DocumentOffer]
    sealed_members: B64 | None = None


class OrderRequest(_Model):
    """A resident's choice, with the kiosk's one-order public key."""

    city_code: str = Field(pattern=r"^\d{6}$")
    doc: DocType
    options: dict[str, str] = {}
    copies: int = Field(ge=1, le=99)
    kiosk_public_key: X25519Key
    idempotency_key: str = Field(min_length=8, max_length=64)


class OrderResult(_Model):
    """The sealed document (or the reason it was refused) for one order id."""

    order_id: str
    status: Literal["issued", "refused"]
    envelope: B64 | None = None
    fee_total: int | None = None
    pages: int | None = None
    error: Problem | None = None


Outcome = Literal["printed", "failed", "cancelled", "misissuance_prevented"]


class OrderOutcome(_Model):
    """What the kiosk did with the document; the centre writes the history row from it."""

    outcome: Outcome
    copies_printed: int = Field(ge=0, default=0)


class RegistrationKeyRequest(_Model):
    """Ask the 本籍地 city for the key a 利用登録 application is sealed to."""

    city_code: str = Field(pattern=r"^\d{6}$")


class RegistrationKey(_Model):
    """The 本籍地 city's X25519 application key (relayed by the centre)."""

    city_code: str
    public_key: X25519Key


class RegistrationRequest(_Model):
    """A 利用登録 application: 本籍 and 筆頭者, sealed by the kiosk for the 本籍地 city."""

    city_code: str = Field(pattern=r"^\d{6}$")
    application: B64


class RegistrationResult(_Model):
    """What the 本籍地 city recorded: the application's number and status (no personal data)."""

    city_code: str
    registration_id: int
    status: Literal["pending", "approved", "rejected"]


class CityRequest(_Model):
    """What the centre asks a city; relayed by the gateway to the issuer as it is.

    ``menu``: ``menu_key`` is the kiosk's menu key. ``registration_key``: the city's application
    key. ``applicant``: the residence city seals the card holder's name and birth date for
    ``recipient_key``, the application key of the 本籍地 city ``other_city``. ``registration``:
    the 本籍地 city opens ``application`` (from the kiosk) and ``applicant`` (from the residence
    city ``other_city``) and records a pending 利用登録.
    """

    request_id: str
    kind: Literal["menu", "order", "registration_key", "applicant", "registration"]
    city_code: str
    card_serial: str = Field(pattern=r"^[0-9A-F]{1,40}$")
    kiosk_id: str
    order_id: str | None = None
    order: OrderRequest | None = None
    menu_key: X25519Key | None = None
    recipient_key: X25519Key | None = None
    other_city: str | None = Field(default=None, pattern=r"^\d{6}$")
    application: B64 | None = None
    applicant: B64 | None = None


class CityResponse(_Model):
    """The issuer's answer to one CityRequest."""

    request_id: str
    menu: Menu | None = None
    order: OrderResult | None = None
    error: Problem | None = None
    public_key: X25519Key | None = None
    sealed: B64 | None = None
    registration: RegistrationResult | None = None


SESSION_HEADER = "X-Kofu-Session"


class CityPull(_Model):
    """Requests handed to an issuer by one long-poll."""

    requests: list[CityRequest]
