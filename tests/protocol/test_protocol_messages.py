"""Message models: base64 fields, validation, error round trip."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kofu.protocol.codes import MESSAGES, message_for
from kofu.protocol.errors import AuthFailed, LinkFailed, Refused, from_problem
from kofu.protocol.messages import CityRequest, OrderRequest, SessionAuth


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


def test_card_serial_must_be_upper_hex() -> None:
    with pytest.raises(ValidationError):
        CityRequest(request_id="r", kind="menu", city_code="132292", card_serial="佐藤", kiosk_id="K1")


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
