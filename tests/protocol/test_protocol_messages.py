"""Message models: base64 fields, validation, error round trip."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from kofu.protocol.center_gateway import CityRequest, MenuCall
from kofu.protocol.codes import MESSAGES, message_for
from kofu.protocol.errors import AuthFailed, LinkFailed, Refused, from_problem
from kofu.protocol.kiosk_center import OrderRequest, SessionAuth


def test_binary_fields_travel_as_standard_base64() -> None:
    auth = SessionAuth(certificate=b"\x00\xff", signature=b"sig")
    assert auth.model_dump_json() == '{"certificate":"AP8=","signature":"c2ln"}'
    assert SessionAuth.model_validate_json(auth.model_dump_json()) == auth


def test_bad_base64_and_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        SessionAuth.model_validate_json('{"certificate":"***","signature":"c2ln"}')
    with pytest.raises(ValidationError):
        SessionAuth.model_validate_json('{"certificate":"AP8=","signature":"c2ln","name":"x"}')


def test_order_limits() -> None:
    key = b"k" * 32
    OrderRequest(
        city_code="132292", doc="juminhyo", copies=1, kiosk_public_key=key, idempotency_key="abcdefgh"
    )
    for bad in (
        {"copies": 0},
        {"copies": 100},
        {"city_code": "13229"},
        {"doc": "passport"},
        {"kiosk_public_key": b"short"},
    ):
        fields = {
            "city_code": "132292",
            "doc": "juminhyo",
            "copies": 1,
            "kiosk_public_key": key,
            "idempotency_key": "abcdefgh",
            **bad,
        }
        with pytest.raises(ValidationError):
            OrderRequest(**fields)


REQUESTS: TypeAdapter[Any] = TypeAdapter(CityRequest)
RID = "0123456789abcdef0123456789abcdef"


def test_card_serial_must_be_upper_hex() -> None:
    with pytest.raises(ValidationError):
        MenuCall(request_id=RID, city_code="132292", card_serial="佐藤", kiosk_id="K1")


def test_a_city_request_is_one_kind_with_exactly_its_fields() -> None:
    menu = MenuCall(request_id=RID, city_code="132292", card_serial="AB12", kiosk_id="K1")
    parsed = REQUESTS.validate_json(menu.model_dump_json())
    assert isinstance(parsed, MenuCall) and parsed == menu
    with pytest.raises(ValidationError):  # an order without its order
        REQUESTS.validate_python(
            {"kind": "order", "request_id": RID, "city_code": "132292", "card_serial": "AB", "kiosk_id": "K1"}
        )
    with pytest.raises(ValidationError):  # a field of another kind
        REQUESTS.validate_python({**menu.model_dump(), "other_city": "132110"})
    with pytest.raises(ValidationError):
        REQUESTS.validate_python({**menu.model_dump(), "kind": "passport"})


@pytest.mark.parametrize(
    "value",
    ["\ud800", "a\u0000b", "\u001b[31m", "\u0085", "\ufffe", "x" * 513],
    ids=["lone-surrogate", "nul", "escape", "c1-control", "non-character", "too-long"],
)
def test_option_text_is_checked(value: str) -> None:
    body = (
        '{"city_code":"132292","doc":"juminhyo","copies":1,"idempotency_key":"abcdefgh",'
        '"kiosk_public_key":"' + "a" * 43 + '=","options":{"household":"' + value + '"}}'
    )
    with pytest.raises(ValidationError):
        OrderRequest.model_validate_json(body)


def test_options_are_bounded_in_number_and_name() -> None:
    base = {
        "city_code": "132292",
        "doc": "juminhyo",
        "copies": 1,
        "kiosk_public_key": b"k" * 32,
        "idempotency_key": "abcdefgh",
    }
    OrderRequest(**base, options={f"o{chr(97 + n)}": "v" for n in range(16)})
    with pytest.raises(ValidationError):
        OrderRequest(**base, options={f"o{chr(97 + n)}": "v" for n in range(17)})
    with pytest.raises(ValidationError):
        OrderRequest(**base, options={"Not-A-Name": "v"})
    assert (
        OrderRequest(**base, options={"household": "髙橋\u3000𠮷野"}).options["household"] == "髙橋\u3000𠮷野"
    )


@pytest.mark.parametrize(
    "error",
    [
        Refused("city.resident.moved_out"),
        AuthFailed("card.certificate.revoked"),
        LinkFailed("city.unavailable"),
        Refused("card.pin.wrong", tries_left=2),
    ],
)
def test_errors_survive_a_link(error) -> None:  # type: ignore[no-untyped-def]
    again = from_problem(error.problem())
    assert type(again) is type(error)
    assert (again.code, again.tries_left) == (error.code, error.tries_left)


def test_every_message_has_both_languages_and_unknown_codes_get_a_generic_one() -> None:
    for code, message in MESSAGES.items():
        assert message.ja and message.en, code
    assert message_for("no.such.code").en
