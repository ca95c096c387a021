"""The four attributes of the 券面事項入力補助 AP (text AP), EF ``0002``: encoding and decoding. Pure.

The layout is the one open-source readers (jpki/myna ``TextAttrs``) read from real cards: a
BER-TLV with the private constructed tag ``FF 20`` holding five private primitive TLVs::

    FF 20 <len>
      DF 21 <len> header      opaque on real cards; kofu writes the format version 01 00
      DF 22 <len> name        UTF-8, as printed on the card (family and given name, full-width space)
      DF 23 <len> address     UTF-8
      DF 24 08    birth date  ASCII YYYYMMDD (Gregorian)
      DF 25 01    sex         ASCII ISO 5218 code: 1 male, 2 female, 9 not applicable

Lengths use BER definite form (``81 xx`` / ``82 xx xx`` above 127 bytes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kofu.card.errors import CardError

TAG_ATTRIBUTES = b"\xff\x20"
TAG_HEADER = b"\xdf\x21"
TAG_NAME = b"\xdf\x22"
TAG_ADDRESS = b"\xdf\x23"
TAG_BIRTH = b"\xdf\x24"
TAG_SEX = b"\xdf\x25"
HEADER = b"\x01\x00"
SEX_CODES = {"男": "1", "女": "2"}  # anything else: "9" (not applicable)


@dataclass(frozen=True)
class CardAttributes:
    """Name, address, birth date and sex as the card holds them."""

    name: str
    address: str
    birth_date: dt.date
    sex: str  # ISO 5218: "1", "2" or "9"

    def __post_init__(self) -> None:
        """Reject values a card cannot hold."""
        if self.sex not in ("1", "2", "9"):
            raise ValueError("sex is an ISO 5218 code: 1, 2 or 9")
        if not self.name or not self.address:
            raise ValueError("name and address must not be empty")

    @property
    def sex_ja(self) -> str:
        """男 / 女 / 適用不能."""
        return {"1": "男", "2": "女"}.get(self.sex, "適用不能")


def sex_code(sex_ja: str) -> str:
    """The ISO 5218 code for a registry's 男/女."""
    return SEX_CODES.get(sex_ja, "9")


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    if n <= 0xFF:
        return bytes((0x81, n))
    if n <= 0xFFFF:
        return b"\x82" + n.to_bytes(2, "big")
    raise ValueError("value too long for a card EF")


def _tlv(tag: bytes, value: bytes) -> bytes:
    return tag + _length(len(value)) + value


def encode_attributes(attributes: CardAttributes) -> bytes:
    """The EF ``0002`` content for ``attributes``."""
    body = (
        _tlv(TAG_HEADER, HEADER)
        + _tlv(TAG_NAME, attributes.name.encode("utf-8"))
        + _tlv(TAG_ADDRESS, attributes.address.encode("utf-8"))
        + _tlv(TAG_BIRTH, attributes.birth_date.strftime("%Y%m%d").encode("ascii"))
        + _tlv(TAG_SEX, attributes.sex.encode("ascii"))
    )
    return _tlv(TAG_ATTRIBUTES, body)


def _read_tlv(data: bytes, offset: int) -> tuple[bytes, bytes, int]:
    """(tag, value, next offset) of the two-byte-tag TLV at ``offset``."""
    if offset + 3 > len(data):
        raise CardError("attribute TLV truncated")
    tag = data[offset : offset + 2]
    first = data[offset + 2]
    pos = offset + 3
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count not in (1, 2) or pos + count > len(data):
            raise CardError("attribute TLV has a bad length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise CardError("attribute TLV truncated")
    return tag, data[pos : pos + length], pos + length


def total_length(header: bytes) -> int:
    """Total EF length (header included) from its first bytes (at least 5), as a reader does."""
    if len(header) < 3 or header[:2] != TAG_ATTRIBUTES:
        raise CardError("EF does not start with the attribute tag FF 20")
    first = header[2]
    if first < 0x80:
        return 3 + first
    count = first & 0x7F
    if count not in (1, 2) or len(header) < 3 + count:
        raise CardError("attribute TLV has a bad length")
    return 3 + count + int.from_bytes(header[3 : 3 + count], "big")


def decode_attributes(data: bytes) -> CardAttributes:
    """Parse EF ``0002`` content; raise :class:`CardError` if it is not the layout above."""
    tag, body, end = _read_tlv(bytes(data), 0)
    if tag != TAG_ATTRIBUTES:
        raise CardError("EF does not start with the attribute tag FF 20")
    del end  # real cards may pad the EF after the TLV
    fields: dict[bytes, bytes] = {}
    offset = 0
    while offset < len(body):
        inner, value, offset = _read_tlv(body, offset)
        fields[inner] = value
    try:
        birth = dt.datetime.strptime(fields[TAG_BIRTH].decode("ascii"), "%Y%m%d").date()
        return CardAttributes(
            name=fields[TAG_NAME].decode("utf-8"),
            address=fields[TAG_ADDRESS].decode("utf-8"),
            birth_date=birth,
            sex=fields[TAG_SEX].decode("ascii"),
        )
    except (KeyError, ValueError) as exc:
        raise CardError(f"attribute TLV incomplete or invalid: {type(exc).__name__}") from exc
