"""Short APDUs of ISO 7816-4 and the JPKI commands built from them. Pure: no I/O.

``CommandAPDU.le`` holds Ne, the number of response bytes expected (1–256); on the wire
256 is the Le byte ``00``. Extended-length APDUs are not supported (JPKI never needs them).
The command bytes follow ``DOMAIN.md`` ("My Number Card, JPKI application").
"""

from __future__ import annotations

from dataclasses import dataclass

from kofu.card.errors import ApduFormatError, PinFormatError

JPKI_AID = bytes.fromhex("D392F000260100000001")
TEXT_AP_AID = bytes.fromhex("D3921000310001010408")  # 券面事項入力補助 AP

# EFs of the JPKI AP
AUTH_CERT = bytes.fromhex("000A")  # user-authentication certificate, readable without PIN
AUTH_CA = bytes.fromhex("000B")  # its CA certificate
AUTH_KEY = bytes.fromhex("0017")  # user-authentication RSA-2048 private key
AUTH_PIN = bytes.fromhex("0018")  # user-authentication PIN (4 digits, 3 tries)
SIGN_CERT = bytes.fromhex("0001")  # signing certificate, readable only with the signing PIN
SIGN_CA = bytes.fromhex("0002")  # its CA certificate
SIGN_KEY = bytes.fromhex("001A")  # signing RSA-2048 private key
SIGN_PIN = bytes.fromhex("001B")  # signing PIN (6-16 upper-case alphanumerics, 5 tries)
TOKEN_INFO = bytes.fromhex("0006")  # "JPKIAPICCTOKEN2" on a My Number Card

# EFs of the text AP (券面事項入力補助 AP)
TEXT_PIN = bytes.fromhex("0011")  # its own PIN (4 digits, 3 tries)
TEXT_ATTRIBUTES = bytes.fromhex("0002")  # the four attributes (name, address, birth date, sex), TLV

ADMIN_CHALLENGE_LENGTH = 8  # GET CHALLENGE answers 8 random bytes
ADMIN_MAC_LENGTH = 16  # EXTERNAL AUTHENTICATE carries a 16-byte MAC

SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300D060960864801650304020105000420")
SHA256_DIGEST_INFO_LENGTH = len(SHA256_DIGEST_INFO_PREFIX) + 32

SW_OK = 0x9000
SW_AUTH_FAILED = 0x6300  # EXTERNAL AUTHENTICATE: wrong MAC
SW_TRIES_LEFT_BASE = 0x63C0  # 63 Cx: x tries left
SW_MEMORY_FAILURE = 0x6581
SW_WRONG_LENGTH = 0x6700
SW_INCOMPATIBLE_FILE = 0x6981  # command incompatible with file structure
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_AUTH_BLOCKED = 0x6983
SW_REF_DATA_NOT_USABLE = 0x6984  # no PIN, key or administration key was ever put on the card
SW_CONDITIONS_NOT_SATISFIED = 0x6985  # EXTERNAL AUTHENTICATE without a fresh GET CHALLENGE
SW_NO_EF_SELECTED = 0x6986
SW_WRONG_DATA = 0x6A80
SW_FILE_NOT_FOUND = 0x6A82
SW_WRONG_P1P2 = 0x6A86
SW_OFFSET_BEYOND_END = 0x6B00
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00
SW_UNKNOWN_ERROR = 0x6F00

MAX_OFFSET = 0x7FFF  # P1 bit 8 set would mean a short EF identifier, which we do not use


def sw_tries_left(tries: int) -> int:
    """The status word ``63 Cx`` reporting ``tries`` (0–15) attempts left."""
    if not 0 <= tries <= 0x0F:
        raise ValueError("tries must be 0..15")
    return SW_TRIES_LEFT_BASE | tries


def tries_left_from_sw(sw: int) -> int | None:
    """The x of a ``63 Cx`` status word, or ``None`` for any other status word."""
    if sw & 0xFFF0 == SW_TRIES_LEFT_BASE:
        return sw & 0x0F
    return None


def _check_byte(name: str, value: int) -> None:
    if not 0 <= value <= 0xFF:
        raise ApduFormatError(f"{name} must be one byte")


@dataclass(frozen=True)
class CommandAPDU:
    """A short command APDU (cases 1–4); ``le`` is Ne (1–256) or ``None`` when absent."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None

    def __post_init__(self) -> None:
        """Reject values that cannot be encoded as a short APDU."""
        for name in ("cla", "ins", "p1", "p2"):
            _check_byte(name, getattr(self, name))
        if len(self.data) > 0xFF:
            raise ApduFormatError("command data longer than 255 bytes")
        if self.le is not None and not 1 <= self.le <= 256:
            raise ApduFormatError("Le must be 1..256")

    @classmethod
    def parse(cls, raw: bytes) -> CommandAPDU:
        """Parse a short command APDU; raise :class:`ApduFormatError` if it is malformed."""
        raw = bytes(raw)
        if len(raw) < 4:
            raise ApduFormatError("command APDU shorter than 4 bytes")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:  # case 1
            return cls(cla, ins, p1, p2)
        if len(body) == 1:  # case 2
            return cls(cla, ins, p1, p2, le=body[0] or 256)
        lc = body[0]
        if lc == 0:
            raise ApduFormatError("Lc of 0 (extended length) is not supported")
        if len(body) == 1 + lc:  # case 3
            return cls(cla, ins, p1, p2, data=body[1:])
        if len(body) == 2 + lc:  # case 4
            return cls(cla, ins, p1, p2, data=body[1:-1], le=body[-1] or 256)
        raise ApduFormatError("Lc does not match the command length")

    def to_bytes(self) -> bytes:
        """Encode as a short APDU (Le 256 is written ``00``)."""
        out = bytes((self.cla, self.ins, self.p1, self.p2))
        if self.data:
            out += bytes((len(self.data),)) + self.data
        if self.le is not None:
            out += bytes((self.le % 256,))
        return out


@dataclass(frozen=True)
class ResponseAPDU:
    """A response APDU: optional data followed by the status word SW1 SW2."""

    data: bytes
    sw1: int
    sw2: int

    def __post_init__(self) -> None:
        """Reject status bytes that are not single bytes."""
        _check_byte("sw1", self.sw1)
        _check_byte("sw2", self.sw2)

    @classmethod
    def from_sw(cls, sw: int, data: bytes = b"") -> ResponseAPDU:
        """Build a response from a 16-bit status word and optional data."""
        if not 0 <= sw <= 0xFFFF:
            raise ApduFormatError("status word must be two bytes")
        return cls(data, sw >> 8, sw & 0xFF)

    @classmethod
    def parse(cls, raw: bytes) -> ResponseAPDU:
        """Parse a response APDU; raise :class:`ApduFormatError` if shorter than 2 bytes."""
        raw = bytes(raw)
        if len(raw) < 2:
            raise ApduFormatError("response APDU shorter than 2 bytes")
        return cls(raw[:-2], raw[-2], raw[-1])

    def to_bytes(self) -> bytes:
        """Encode as data followed by SW1 SW2."""
        return self.data + bytes((self.sw1, self.sw2))

    @property
    def sw(self) -> int:
        """The status word as one integer, e.g. ``0x9000``."""
        return (self.sw1 << 8) | self.sw2


def select_ap(aid: bytes) -> CommandAPDU:
    """SELECT an application by AID: ``00 A4 04 0C Lc <AID>``."""
    if not 1 <= len(aid) <= 16:
        raise ApduFormatError("an AID is 1..16 bytes")
    return CommandAPDU(0x00, 0xA4, 0x04, 0x0C, data=bytes(aid))


def select_ef(fid: bytes) -> CommandAPDU:
    """SELECT an elementary file of the current AP: ``00 A4 02 0C 02 <FID>``."""
    if len(fid) != 2:
        raise ApduFormatError("a file identifier is 2 bytes")
    return CommandAPDU(0x00, 0xA4, 0x02, 0x0C, data=bytes(fid))


def verify(pin: str | None) -> CommandAPDU:
    """VERIFY the current PIN EF: ``00 20 00 80`` asks tries left; with ``pin`` sends its ASCII."""
    if pin is None:
        return CommandAPDU(0x00, 0x20, 0x00, 0x80)
    # Only the format is checked here; messages never echo the PIN.
    if not (pin.isascii() and pin.isprintable() and 1 <= len(pin) <= 0xFF):
        raise PinFormatError("a PIN must be 1..255 printable ASCII characters")
    return CommandAPDU(0x00, 0x20, 0x00, 0x80, data=pin.encode("ascii"))


def read_binary(offset: int, le: int) -> CommandAPDU:
    """READ BINARY of the current EF: ``00 B0 <offset hi> <offset lo> <Le>`` (``le`` 1–256)."""
    if not 0 <= offset <= MAX_OFFSET:
        raise ApduFormatError("offset must be 0..0x7FFF")
    return CommandAPDU(0x00, 0xB0, offset >> 8, offset & 0xFF, le=le)


def compute_signature(digest_info: bytes) -> CommandAPDU:
    """COMPUTE DIGITAL SIGNATURE with the current key EF: ``80 2A 00 80 <Lc> <DigestInfo> 00``."""
    if not 1 <= len(digest_info) <= 0xFF:
        raise ApduFormatError("DigestInfo must be 1..255 bytes")
    return CommandAPDU(0x80, 0x2A, 0x00, 0x80, data=bytes(digest_info), le=256)


def sha256_digest_info(digest: bytes) -> bytes:
    """The DER DigestInfo for a 32-byte SHA-256 ``digest`` (what the card pads and signs)."""
    if len(digest) != 32:
        raise ValueError("a SHA-256 digest is 32 bytes")
    return SHA256_DIGEST_INFO_PREFIX + bytes(digest)


def get_challenge() -> CommandAPDU:
    """GET CHALLENGE: ``00 84 00 00 08`` → 8 random bytes for EXTERNAL AUTHENTICATE."""
    return CommandAPDU(0x00, 0x84, 0x00, 0x00, le=ADMIN_CHALLENGE_LENGTH)


def external_authenticate(mac: bytes) -> CommandAPDU:
    """EXTERNAL AUTHENTICATE with the administration key: ``00 82 00 00 10 <MAC>``."""
    if len(mac) != ADMIN_MAC_LENGTH:
        raise ApduFormatError("the administration MAC is 16 bytes")
    return CommandAPDU(0x00, 0x82, 0x00, 0x00, data=bytes(mac))


def _pin_bytes(pin: str) -> bytes:
    if not (pin.isascii() and pin.isprintable() and 1 <= len(pin) <= 0xFF):
        raise PinFormatError("a PIN must be 1..255 printable ASCII characters")
    return pin.encode("ascii")


def reset_retry_counter(new_pin: str | None) -> CommandAPDU:
    """RESET RETRY COUNTER of the current PIN EF (needs EXTERNAL AUTHENTICATE first).

    ``00 2C 00 80 Lc <new PIN>`` sets a new PIN and full tries; ``00 2C 03 80`` only resets the tries.
    """
    if new_pin is None:
        return CommandAPDU(0x00, 0x2C, 0x03, 0x80)
    return CommandAPDU(0x00, 0x2C, 0x00, 0x80, data=_pin_bytes(new_pin))


def change_reference_data(new_pin: str) -> CommandAPDU:
    """CHANGE REFERENCE DATA of the current PIN EF, once verified: ``00 24 01 80 Lc <new PIN>``."""
    return CommandAPDU(0x00, 0x24, 0x01, 0x80, data=_pin_bytes(new_pin))
