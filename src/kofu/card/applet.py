"""A software My Number Card: the JPKI AP's user-authentication half, spoken to in APDUs.

Status words where the spec leaves a choice (documented here so readers and tests agree):

- READ BINARY on the key EF ``0017`` or the PIN EF ``0018`` → ``69 81`` (command incompatible
  with file structure): they are not transparent files, and the answer must not depend on the
  PIN state, so ``69 82`` would mislead.
- SELECT EF before the JPKI AP is selected → ``6A 82``: the current DF (the MF) has no such EF.
  A failed SELECT leaves the current AP/EF unchanged (ISO 7816-4); a successful SELECT AP clears
  the selected EF and the PIN-verified flag.
- VERIFY with data always costs a try unless it is the right PIN, whatever its length, so a
  length can never be probed for free. The counter is decremented and saved *before* comparing
  (as real cards do against card tearing), then reset to 3 on success; ``on_change`` therefore
  runs twice for a right PIN. If saving fails the card answers ``65 81`` (memory failure).
- COMPUTE DIGITAL SIGNATURE accepts only a SHA-256 DigestInfo (51 bytes): other lengths
  → ``67 00``, another 51-byte prefix → ``6A 80``. Checks run in the order P1/P2, EF, PIN, data.
- Classes: ``00`` (SELECT, READ BINARY, VERIFY) and ``80`` (COMPUTE DIGITAL SIGNATURE); any
  other CLA → ``6E 00``; an instruction unknown for its class → ``6D 00``; malformed → ``67 00``.
- Anything that would make this class raise answers ``6F 00`` instead: a card never throws.

The signing-certificate half (EFs 0001/0002/001A/001B) and the text AP are not emulated
(→ ``6A 82``); kiosks use only user authentication.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.hashes import SHA256

from kofu.card.apdu import (
    AUTH_CA,
    AUTH_CERT,
    AUTH_KEY,
    AUTH_PIN,
    JPKI_AID,
    SHA256_DIGEST_INFO_LENGTH,
    SHA256_DIGEST_INFO_PREFIX,
    SW_AUTH_BLOCKED,
    SW_CLA_NOT_SUPPORTED,
    SW_FILE_NOT_FOUND,
    SW_INCOMPATIBLE_FILE,
    SW_INS_NOT_SUPPORTED,
    SW_MEMORY_FAILURE,
    SW_NO_EF_SELECTED,
    SW_OFFSET_BEYOND_END,
    SW_OK,
    SW_SECURITY_NOT_SATISFIED,
    SW_UNKNOWN_ERROR,
    SW_WRONG_DATA,
    SW_WRONG_LENGTH,
    SW_WRONG_P1P2,
    TOKEN_INFO,
    CommandAPDU,
    ResponseAPDU,
    sw_tries_left,
)
from kofu.card.errors import ApduFormatError
from kofu.card.state import PIN_TRIES, CardState

logger = logging.getLogger(__name__)

_KNOWN_EFS = frozenset({AUTH_CERT, AUTH_CA, AUTH_KEY, AUTH_PIN, TOKEN_INFO})
_SUPPORTED_CLA = frozenset({0x00, 0x80})


def _sw(sw: int, data: bytes = b"") -> ResponseAPDU:
    return ResponseAPDU.from_sw(sw, data)


class JpkiApplet:
    """The JPKI AP of an emulated card. Volatile state (selection, PIN verified) lives here;
    persistent state lives in ``state``, and ``on_change(state)`` runs whenever the PIN
    counter changes so the caller can save it at once."""

    def __init__(self, state: CardState, on_change: Callable[[CardState], None] | None = None) -> None:
        """Insert ``state`` into a powered-off applet."""
        self.state = state
        self._on_change = on_change
        self._key: rsa.RSAPrivateKey | None = None
        self._ap_selected = False
        self._ef: bytes | None = None
        self._verified = False

    @property
    def pin_verified(self) -> bool:
        """True while the auth PIN is verified (until reset, power off or AP re-selection)."""
        return self._verified

    def power_off(self) -> None:
        """Cut power: forget the selected AP/EF and the PIN-verified flag."""
        self._ap_selected = False
        self._ef = None
        self._verified = False

    def reset(self) -> None:
        """Warm reset: same effect on volatile state as :meth:`power_off`."""
        self.power_off()

    def transmit(self, raw: bytes) -> bytes:
        """Process one command APDU and return the response APDU; never raises."""
        try:
            try:
                cmd = CommandAPDU.parse(raw)
            except ApduFormatError:
                return _sw(SW_WRONG_LENGTH).to_bytes()
            return self._dispatch(cmd).to_bytes()
        except Exception:
            logger.exception("emulated card: internal error, answering 6F 00")
            return _sw(SW_UNKNOWN_ERROR).to_bytes()

    def _dispatch(self, cmd: CommandAPDU) -> ResponseAPDU:
        if cmd.cla not in _SUPPORTED_CLA:
            return _sw(SW_CLA_NOT_SUPPORTED)
        handler = {
            (0x00, 0xA4): self._select,
            (0x00, 0xB0): self._read_binary,
            (0x00, 0x20): self._verify,
            (0x80, 0x2A): self._compute_signature,
        }.get((cmd.cla, cmd.ins))
        if handler is None:
            return _sw(SW_INS_NOT_SUPPORTED)
        return handler(cmd)

    def _select(self, cmd: CommandAPDU) -> ResponseAPDU:
        if cmd.p2 != 0x0C or cmd.p1 not in (0x02, 0x04):
            return _sw(SW_WRONG_P1P2)
        if not cmd.data:
            return _sw(SW_WRONG_LENGTH)
        if cmd.p1 == 0x04:
            if cmd.data != JPKI_AID:
                return _sw(SW_FILE_NOT_FOUND)
            self._ap_selected = True
            self._ef = None
            self._verified = False
            return _sw(SW_OK)
        if len(cmd.data) != 2:
            return _sw(SW_WRONG_LENGTH)
        if not self._ap_selected or cmd.data not in _KNOWN_EFS:
            return _sw(SW_FILE_NOT_FOUND)
        self._ef = cmd.data
        return _sw(SW_OK)

    def _readable(self) -> dict[bytes, bytes]:
        return {
            AUTH_CERT: self.state.auth_cert_der,
            AUTH_CA: self.state.auth_ca_der,
            TOKEN_INFO: self.state.token_info,
        }

    def _read_binary(self, cmd: CommandAPDU) -> ResponseAPDU:
        if cmd.data or cmd.le is None:
            return _sw(SW_WRONG_LENGTH)
        if cmd.p1 & 0x80:  # short EF identifier addressing: not supported
            return _sw(SW_WRONG_P1P2)
        if self._ef is None:
            return _sw(SW_NO_EF_SELECTED)
        content = self._readable().get(self._ef)
        if content is None:
            return _sw(SW_INCOMPATIBLE_FILE)
        offset = (cmd.p1 << 8) | cmd.p2
        if offset >= len(content):
            return _sw(SW_OFFSET_BEYOND_END)
        return _sw(SW_OK, content[offset : offset + cmd.le])

    def _set_tries(self, tries: int) -> bool:
        """Change the PIN counter and persist it; False if it could not be saved."""
        if self.state.auth_tries_left == tries:
            return True
        self.state.auth_tries_left = tries
        if self._on_change is None:
            return True
        try:
            self._on_change(self.state)
        except Exception:
            logger.exception("emulated card: could not save the PIN counter")
            return False
        return True

    def _verify(self, cmd: CommandAPDU) -> ResponseAPDU:
        if (cmd.p1, cmd.p2) != (0x00, 0x80):
            return _sw(SW_WRONG_P1P2)
        if self._ef != AUTH_PIN:
            return _sw(SW_NO_EF_SELECTED)
        tries = self.state.auth_tries_left
        if not cmd.data:
            return _sw(sw_tries_left(tries))
        if tries <= 0:
            return _sw(SW_AUTH_BLOCKED)
        self._verified = False
        if not self._set_tries(tries - 1):
            return _sw(SW_MEMORY_FAILURE)
        if hmac.compare_digest(cmd.data, self.state.auth_pin.encode("ascii")):
            if not self._set_tries(PIN_TRIES):
                return _sw(SW_MEMORY_FAILURE)
            self._verified = True
            return _sw(SW_OK)
        return _sw(sw_tries_left(self.state.auth_tries_left))

    def _compute_signature(self, cmd: CommandAPDU) -> ResponseAPDU:
        if (cmd.p1, cmd.p2) != (0x00, 0x80):
            return _sw(SW_WRONG_P1P2)
        if self._ef != AUTH_KEY:
            return _sw(SW_NO_EF_SELECTED)
        if not self._verified:
            return _sw(SW_SECURITY_NOT_SATISFIED)
        if len(cmd.data) != SHA256_DIGEST_INFO_LENGTH:
            return _sw(SW_WRONG_LENGTH)
        prefix_len = len(SHA256_DIGEST_INFO_PREFIX)
        if cmd.data[:prefix_len] != SHA256_DIGEST_INFO_PREFIX:
            return _sw(SW_WRONG_DATA)
        if self._key is None:
            self._key = self.state.private_key()
        # PKCS#1 v1.5 over exactly the DigestInfo received: Prehashed adds the same prefix back.
        signature = self._key.sign(cmd.data[prefix_len:], PKCS1v15(), Prehashed(SHA256()))
        return _sw(SW_OK, signature)
