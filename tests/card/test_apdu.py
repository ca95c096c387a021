"""APDU parsing and the JPKI command builders (bytes as DOMAIN.md spells them)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kofu.card import apdu
from kofu.card.apdu import CommandAPDU, ResponseAPDU
from kofu.card.errors import ApduFormatError, PinFormatError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("00200080", CommandAPDU(0x00, 0x20, 0x00, 0x80)),
        ("00B0000004", CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=4)),
        ("00B0000000", CommandAPDU(0x00, 0xB0, 0x00, 0x00, le=256)),
        ("00A4020C02000A", CommandAPDU(0x00, 0xA4, 0x02, 0x0C, data=b"\x00\x0a")),
        ("802A0080020102FF", CommandAPDU(0x80, 0x2A, 0x00, 0x80, data=b"\x01\x02", le=255)),
    ],
)
def test_parse_cases_1_to_4_round_trip(raw: str, expected: CommandAPDU) -> None:
    assert CommandAPDU.parse(bytes.fromhex(raw)) == expected
    assert expected.to_bytes() == bytes.fromhex(raw)


@pytest.mark.parametrize(
    "raw",
    ["", "00", "00A404", "00A4040C0AD392", "00A4040C02000A0000", "00A4040C000000"],
)
def test_parse_rejects_malformed(raw: str) -> None:
    with pytest.raises(ApduFormatError) as info:
        CommandAPDU.parse(bytes.fromhex(raw))
    assert info.value.code == "card.apdu.format"


def test_command_rejects_unencodable_values() -> None:
    with pytest.raises(ApduFormatError):
        CommandAPDU(0x100, 0, 0, 0)
    with pytest.raises(ApduFormatError):
        CommandAPDU(0, 0, 0, 0, data=bytes(256))
    with pytest.raises(ApduFormatError):
        CommandAPDU(0, 0, 0, 0, le=0)


def test_response_parse_and_sw() -> None:
    response = ResponseAPDU.parse(bytes.fromhex("01029000"))
    assert (response.data, response.sw) == (b"\x01\x02", apdu.SW_OK)
    assert response.to_bytes() == bytes.fromhex("01029000")
    assert ResponseAPDU.from_sw(0x63C2).to_bytes() == bytes.fromhex("63C2")
    with pytest.raises(ApduFormatError):
        ResponseAPDU.parse(b"\x90")


def test_builders_produce_the_domain_bytes() -> None:
    assert apdu.select_ap(apdu.JPKI_AID).to_bytes().hex().upper() == "00A4040C0AD392F000260100000001"
    assert apdu.select_ef(apdu.AUTH_CERT).to_bytes().hex().upper() == "00A4020C02000A"
    assert apdu.verify(None).to_bytes().hex().upper() == "00200080"
    assert apdu.verify("1234").to_bytes().hex().upper() == "002000800431323334"
    assert apdu.read_binary(0x0104, 255).to_bytes().hex().upper() == "00B00104FF"
    assert apdu.read_binary(0, 256).to_bytes().hex().upper() == "00B0000000"
    digest_info = apdu.sha256_digest_info(bytes(32))
    assert digest_info.hex().upper() == "3031300D060960864801650304020105000420" + "00" * 32
    command = apdu.compute_signature(digest_info).to_bytes()
    assert command == bytes.fromhex("802A008033") + digest_info + b"\x00"


def test_ef_identifiers() -> None:
    expected = [bytes.fromhex(h) for h in ("000A", "000B", "0017", "0018", "0006")]
    assert expected == [apdu.AUTH_CERT, apdu.AUTH_CA, apdu.AUTH_KEY, apdu.AUTH_PIN, apdu.TOKEN_INFO]


def test_builders_reject_bad_arguments() -> None:
    with pytest.raises(ApduFormatError):
        apdu.select_ef(b"\x00")
    with pytest.raises(ApduFormatError):
        apdu.read_binary(0x8000, 1)
    with pytest.raises(ValueError):
        apdu.sha256_digest_info(bytes(20))
    with pytest.raises(PinFormatError) as info:
        apdu.verify("１２３４")  # full-width digits: never sent, never echoed
    assert "１２３４" not in str(info.value)


def test_tries_left_status_words() -> None:
    assert apdu.sw_tries_left(2) == 0x63C2
    assert apdu.tries_left_from_sw(0x63C1) == 1
    assert apdu.tries_left_from_sw(0x9000) is None


@given(st.binary(max_size=300))
def test_parse_arbitrary_bytes_returns_or_raises_format_error(raw: bytes) -> None:
    try:
        command = CommandAPDU.parse(raw)
    except ApduFormatError:
        return
    assert command.to_bytes() == raw


@given(st.binary(max_size=300))
def test_response_parse_arbitrary_bytes(raw: bytes) -> None:
    try:
        response = ResponseAPDU.parse(raw)
    except ApduFormatError:
        assert len(raw) < 2
        return
    assert response.to_bytes() == raw
