"""The kiosk's page ⇄ the kiosk (plain HTTP on loopback, inside the copier): the touch screen's API.

The page (``kofu/kiosk/static``) and its maintenance page call these; nothing outside the
copier should reach them. Every error is ``{"code", "message_ja", "message_en", "tries_left"}``
and every answer ``Cache-Control: no-store``. [key]: ``Authorization: Bearer <maintenance key>``.
"""

from __future__ import annotations

from pydantic import Field

from kofu.protocol.link import Endpoint
from kofu.protocol.types import Model, Text32, Text64, Text128, Text512


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


class Maintain(Model):
    """A maintenance action (refill, replace, empty, destroy, …) and its value."""

    action: Text32 = Field(min_length=1)
    value: float | None = None


PAGE = Endpoint("page", "GET", "/", media_type="text/html")
STATE = Endpoint("state", "GET", "/api/state")
GUIDANCE = Endpoint("guidance", "GET", "/api/guidance")
TOUCH = Endpoint("touch", "POST", "/api/touch", errors=(409,))
LEAVE = Endpoint("leave", "POST", "/api/leave", errors=(409,))
DEVICE_CARDS = Endpoint("device_cards", "GET", "/api/device/cards")
CARD_PLACE = Endpoint("card_place", "POST", "/api/card/place", PlaceCard, errors=(409, 422))
CARD_READ = Endpoint("card_read", "POST", "/api/card/read", errors=(409, 422))
CARD_REMOVE = Endpoint("card_remove", "POST", "/api/card/remove", errors=(409,))
PIN = Endpoint("pin", "POST", "/api/pin", Pin, errors=(409, 422, 503))
CITY = Endpoint("city", "POST", "/api/city", CityKindChoice, errors=(409, 422, 503))
MENU = Endpoint("menu", "GET", "/api/menu", errors=(409,))
REGISTRATION_CITIES = Endpoint("registration_cities", "GET", "/api/registration/cities", errors=(409,))
REGISTRATION = Endpoint("registration", "POST", "/api/registration", Registration, errors=(409, 422, 503))
DOCUMENT = Endpoint("document", "POST", "/api/document", DocumentChoice, errors=(409, 422))
OPTIONS = Endpoint("options", "POST", "/api/options", Options, errors=(409, 422))
COPIES = Endpoint("copies", "POST", "/api/copies", Copies, errors=(409, 422))
CONFIRM = Endpoint("confirm", "GET", "/api/confirm", errors=(409,))
ORDER = Endpoint("order", "POST", "/api/order", errors=(409, 422, 503))
CASH = Endpoint("cash", "POST", "/api/cash", Money, errors=(409, 422))
CASH_TAKE = Endpoint("cash_take", "POST", "/api/cash/take", errors=(409,))
PAY = Endpoint("pay", "POST", "/api/pay", errors=(409, 422))
TRAY = Endpoint("tray", "GET", "/api/tray")
SHEET = Endpoint("sheet", "GET", "/api/tray/{sheet_id}", media_type="application/pdf", errors=(404,))
TRAY_TAKE = Endpoint("tray_take", "POST", "/api/tray/take", errors=(409,))
CANCEL = Endpoint("cancel", "POST", "/api/cancel", errors=(409,))
MAINTENANCE_PAGE = Endpoint("maintenance_page", "GET", "/maintenance", media_type="text/html")
MAINTENANCE_STATUS = Endpoint("maintenance_status", "GET", "/api/maintenance/status", errors=(401,))
MAINTENANCE_ACTION = Endpoint(
    "maintenance_action", "POST", "/api/maintenance/action", Maintain, errors=(401, 409, 422)
)

#: The actor that serves this link.
SERVER = "kiosk"
