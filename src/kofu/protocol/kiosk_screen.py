"""The kiosk's page ⇄ the kiosk (plain HTTP on loopback, inside the copier): the touch screen's API.

The page (``kofu/kiosk/static``) and its maintenance page call these; nothing outside the
copier may reach them, and the kiosk checks that nothing does:

- every request names the kiosk's own host (``Host``: its configured ``host:port``, or
  ``localhost``/``127.0.0.1`` with that port), so a foreign name resolving to it (DNS
  rebinding) is refused;
- a request a browser marks as coming from another site (``Sec-Fetch-Site``) is refused, and
  every POST carries the kiosk's own ``Origin`` (or, without one, ``Sec-Fetch-Site: same-origin``);
- every POST of the touch screen carries the page's token in ``X-Kofu-Token``: the page gets a
  fresh one each time it is loaded (``<meta name="kofu-token">``), which makes the last page's
  token worthless. ``/api/leave`` is sent by ``navigator.sendBeacon``, which cannot set
  headers: its body is the token (``text/plain``). The maintenance calls carry the maintenance
  key (``Authorization: Bearer``) instead;
- a body is at most ``MAX_BODY`` bytes (413) and JSON (415).

Every error is a ``ScreenError`` and every answer ``Cache-Control: no-store``. Each step answers
with what it produced and the screen's ``state`` after it; no answer ever carries a PIN, and the
state holds only the present visit (member names only once its resident has authenticated).
[key]: ``Authorization: Bearer <maintenance key>``; what maintenance sends and reads is in
``kofu.protocol.kiosk_maintenance``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from kofu.protocol.kiosk_center import CityChoice, DocumentOffer
from kofu.protocol.kiosk_maintenance import Maintain, MaintenanceStatus
from kofu.protocol.link import Endpoint
from kofu.protocol.types import CityCode, Code, DocType, Model, Text32, Text64, Text128, Text512

#: The header that carries the page's token on every POST of the touch screen.
TOKEN_HEADER = "X-Kofu-Token"
#: The meta element of the page that holds the token (``<meta name="kofu-token" content="…">``).
TOKEN_META = "kofu-token"
#: The largest request body the kiosk reads, in bytes.
MAX_BODY = 16 * 1024


class Phase(StrEnum):
    """Where a visit stands (the states of ``kofu.kiosk.flow.KioskFlow``).

    ``idle → card → authenticated → menu → ordered → done``; a cancellation returns to ``idle``
    from any of them, and ``done`` returns there once the visit is wiped.
    """

    IDLE = "idle"
    CARD = "card"
    AUTHENTICATED = "authenticated"
    MENU = "menu"
    ORDERED = "ordered"
    DONE = "done"


# -- requests ----------------------------------------------------------------------------------
class PlaceCard(Model):
    """Lay a (simulated) card on the reader."""

    card: Text64 = Field(min_length=1)


class Pin(Model):
    """The PIN as typed on the keypad."""

    pin: Text32 = Field(min_length=1, max_length=16)


class CityKindChoice(Model):
    """お住まいの市区町村 or 本籍地."""

    kind: str = Field(pattern=r"^(residence|honseki)$")


class Registration(Model):
    """A 利用登録 application as typed: the 本籍地 city, 本籍 and 筆頭者."""

    city_code: str = Field(pattern=r"^\d{6}$")
    honseki: Text128 = Field(min_length=1, max_length=120)
    hittosha: Text64 = Field(min_length=1, max_length=60)


class DocumentChoice(Model):
    """The document chosen on the menu."""

    doc: Text32 = Field(min_length=1, max_length=16)


class Options(Model):
    """The options chosen, by name."""

    options: dict[Text32, Text512] = Field(default_factory=dict, max_length=16)


class Copies(Model):
    """How many copies (the screen refuses a number outside the offer's own limit)."""

    copies: int = Field(ge=-999, le=999)


class Money(Model):
    """A coin or note put into the cash unit."""

    amount: int = Field(ge=-100_000, le=100_000)  # the cash unit refuses what it does not take


# -- answers -----------------------------------------------------------------------------------
class ScreenError(Model):
    """Every error: the stable code, the resident's words for it, and PIN tries left (if any)."""

    code: Code
    message_ja: str
    message_en: str
    tries_left: int | None = None


class Ended(Model):
    """A visit the kiosk ended by itself (timeout, card taken early, page left), and why."""

    visit: int
    code: Code
    message_ja: str
    message_en: str
    refund: int = 0


class ReaderState(Model):
    """The card slot: the SIMULATED slot, or a PC/SC reader with its name and presence."""

    kind: Literal["simulated", "pcsc"]
    name: str = ""
    present: bool | None = None
    status: Literal["starting", "ok", "unavailable"] = "ok"


class CardSlotState(Model):
    """Whether a card lies on the reader (and the simulated slot's label for it)."""

    in_slot: bool
    label: str | None = None
    reader: ReaderState


class ScreenOffer(DocumentOffer):
    """A document offer as the screen shows it: a refusal comes with the resident's words."""

    refusal_ja: str | None = None
    refusal_en: str | None = None


class ScreenMenu(Model):
    """What the city offers the authenticated resident (member names filled in, never the envelope)."""

    city_code: CityCode
    city_name: str
    documents: list[ScreenOffer]


class Draft(Model):
    """The choice while it is being made: document, options by name, copies."""

    doc: DocType | None = None
    options: dict[str, str] = Field(default_factory=dict)
    copies: int = 1


class DocumentReady(Model):
    """A document fetched and checked, waiting for payment."""

    doc: DocType
    title: str
    copies: int
    pages: int
    fee_total: int


class CashState(Model):
    """Money in the cash unit now, money waiting in the change tray, what the unit accepts."""

    inserted: int
    returned: int
    denominations: list[int]


class TraySheet(Model):
    """A printed document waiting in the output tray (its PDF: ``SHEET``)."""

    id: str
    title: str
    copies: int


class ClockFace(Model):
    """The screen's clock: Japan's day and time as the kiosk reads them, in each language."""

    date: Text32
    ja: Text32
    en: Text32


class ScreenState(Model):
    """What the screen shows: the present visit only. ``busy``: a step is still running and
    this is the state the last one left. ``clock``: read anew for every answer."""

    busy: bool = False
    clock: ClockFace | None = None
    visit: int
    phase: Phase
    ended: Ended | None = None
    card: CardSlotState
    cities: list[CityChoice] = Field(default_factory=list)
    menu: ScreenMenu | None = None
    draft: Draft
    document: DocumentReady | None = None
    cash: CashState
    tray: list[TraySheet] = Field(default_factory=list)
    idle_timeout: float
    idle_left: float | None = None


class Step(Model):
    """A step's answer: what it produced (in the subclasses) and the state after it."""

    state: ScreenState


class IssuedEntry(Model):
    """交付履歴の確認: one document issued in the card holder's name (or naming them)."""

    date: str
    doc: str
    title_ja: str
    title_en: str
    store: str  # the store's name from the signed trust list, or 「店舗不明（<kiosk id>）」
    city: str
    named: bool  # the card holder is named on it as a household member, not the one who ordered
    chain: str = ""  # the store's chain ("" when the store is not known)
    kiosk_id: str = ""  # the kiosk it was issued at, as the city's issuance log records it


class IssuedHistory(Step):
    """What was issued in the card holder's name in the last 12 months, newest first."""

    entries: list[IssuedEntry]


class Refund(Step):
    """The visit ended (cancel, page left): the money given back."""

    refund: int


class CardLaid(Step):
    """A card lies on the reader: the visit's number and the PIN tries left."""

    visit: int
    tries_left: int


class CardTaken(Step):
    """The card was taken back; before the PIN was accepted that ended the visit."""

    ended: bool


class PinAccepted(Step):
    """The PIN was right and the centre knows the card: the cities it may order from."""

    cities: list[CityChoice]


class MenuShown(Step):
    """The chosen city's menu."""

    menu: ScreenMenu | None


class RegistrationCity(Model):
    """A city a 利用登録 can be sent to."""

    city_code: CityCode
    city_name: str


class RegistrationCities(Step):
    """The cities a 利用登録 can go to (never the residence)."""

    cities: list[RegistrationCity]


class RegistrationDone(Model):
    """A 利用登録 the 本籍地 city received (it checks and approves it later)."""

    city_code: CityCode
    city_name: str
    registration_id: int
    status: str


class RegistrationSent(Step):
    """The application was sent."""

    registration: RegistrationDone


class DocumentChosen(Step):
    """The offer chosen and the draft with its default options."""

    offer: DocumentOffer
    draft: Draft


class DraftSaved(Step):
    """The draft after options or copies were chosen."""

    draft: Draft


class ConfirmedOption(Model):
    """One option as the resident confirms it, in words."""

    name: str
    label_ja: str
    label_en: str
    value: str
    value_ja: str
    value_en: str


class Confirmation(Step):
    """What the resident confirms: document, options in words, copies and the fee."""

    doc: DocType
    title_ja: str
    title_en: str
    options: list[ConfirmedOption]
    copies: int
    fee: int
    fee_total: int


class Ordered(Step):
    """The document was fetched and checked: pay now."""

    document: DocumentReady


class CashInserted(Step):
    """Money inserted so far."""

    inserted: int


class Taken(Step):
    """What was taken from a tray (yen of change, or documents)."""

    taken: int


class Paid(Step):
    """Printed and paid: the change."""

    change: int


class Touched(Step):
    """The resident is still there."""


class Tray(Model):
    """The printed documents in the output tray."""

    sheets: list[TraySheet]


class DeviceCard(Model):
    """A card of the SIMULATED slot's list (when a card panel is configured): its label, holder
    and city. Never a PIN."""

    card: str
    name: str = ""
    city_name: str = ""


class DeviceCards(Model):
    """The card slot for the device panel: the simulated slot's cards, or the real reader."""

    simulated: bool
    reader: ReaderState | None = None
    cards: list[DeviceCard] = Field(default_factory=list)


class Phrase(Model):
    """One phrase of the voice guidance in both languages."""

    ja: str
    en: str


class Guidance(Model):
    """What the speaker says at each step, its voices and how often it reminds."""

    phrases: dict[str, Phrase]
    voices: dict[str, str]
    remind_seconds: float
    driver: str


PAGE = Endpoint("page", "GET", "/", media_type="text/html", errors=(403,))
STATE = Endpoint("state", "GET", "/api/state", answer=ScreenState, errors=(403,))
GUIDANCE = Endpoint("guidance", "GET", "/api/guidance", answer=Guidance, errors=(403,))
TOUCH = Endpoint("touch", "POST", "/api/touch", answer=Touched, errors=(403, 409))
LEAVE = Endpoint(
    "leave",
    "POST",
    "/api/leave",
    answer=Refund,
    errors=(403, 409, 413, 415),
    summary="the page is going away (pagehide beacon); its body is the page token, text/plain",
)
DEVICE_CARDS = Endpoint("device_cards", "GET", "/api/device/cards", answer=DeviceCards, errors=(403,))
CARD_PLACE = Endpoint(
    "card_place", "POST", "/api/card/place", PlaceCard, answer=CardLaid, errors=(403, 409, 413, 415, 422)
)
CARD_READ = Endpoint("card_read", "POST", "/api/card/read", answer=CardLaid, errors=(403, 409, 422))
CARD_REMOVE = Endpoint("card_remove", "POST", "/api/card/remove", answer=CardTaken, errors=(403, 409, 422))
PIN = Endpoint("pin", "POST", "/api/pin", Pin, answer=PinAccepted, errors=(403, 409, 413, 415, 422, 503))
CITY = Endpoint(
    "city", "POST", "/api/city", CityKindChoice, answer=MenuShown, errors=(403, 409, 413, 415, 422, 503)
)
MENU = Endpoint("menu", "GET", "/api/menu", answer=MenuShown, errors=(403, 409))
HISTORY = Endpoint("history", "GET", "/api/history", answer=IssuedHistory, errors=(403, 409, 422, 503))
REGISTRATION_CITIES = Endpoint(
    "registration_cities",
    "GET",
    "/api/registration/cities",
    answer=RegistrationCities,
    errors=(403, 409, 422, 503),
)
REGISTRATION = Endpoint(
    "registration",
    "POST",
    "/api/registration",
    Registration,
    answer=RegistrationSent,
    errors=(403, 409, 413, 415, 422, 503),
)
DOCUMENT = Endpoint(
    "document",
    "POST",
    "/api/document",
    DocumentChoice,
    answer=DocumentChosen,
    errors=(403, 409, 413, 415, 422),
)
OPTIONS = Endpoint(
    "options", "POST", "/api/options", Options, answer=DraftSaved, errors=(403, 409, 413, 415, 422)
)
COPIES = Endpoint(
    "copies", "POST", "/api/copies", Copies, answer=DraftSaved, errors=(403, 409, 413, 415, 422)
)
CONFIRM = Endpoint("confirm", "GET", "/api/confirm", answer=Confirmation, errors=(403, 409, 422))
ORDER = Endpoint("order", "POST", "/api/order", answer=Ordered, errors=(403, 409, 422, 503))
CASH = Endpoint("cash", "POST", "/api/cash", Money, answer=CashInserted, errors=(403, 409, 413, 415, 422))
CASH_TAKE = Endpoint("cash_take", "POST", "/api/cash/take", answer=Taken, errors=(403, 409))
PAY = Endpoint("pay", "POST", "/api/pay", answer=Paid, errors=(403, 409, 422))
TRAY = Endpoint("tray", "GET", "/api/tray", answer=Tray, errors=(403,))
SHEET = Endpoint("sheet", "GET", "/api/tray/{sheet_id}", media_type="application/pdf", errors=(403, 404))
TRAY_TAKE = Endpoint("tray_take", "POST", "/api/tray/take", answer=Taken, errors=(403, 409))
CANCEL = Endpoint("cancel", "POST", "/api/cancel", answer=Refund, errors=(403, 409))
MAINTENANCE_PAGE = Endpoint("maintenance_page", "GET", "/maintenance", media_type="text/html", errors=(403,))
MAINTENANCE_STATUS = Endpoint(
    "maintenance_status", "GET", "/api/maintenance/status", answer=MaintenanceStatus, errors=(401, 403)
)
MAINTENANCE_ACTION = Endpoint(
    "maintenance_action",
    "POST",
    "/api/maintenance/action",
    Maintain,
    answer=MaintenanceStatus,
    errors=(401, 403, 409, 413, 415, 422),
)

#: The actor that serves this link.
SERVER = "kiosk"
