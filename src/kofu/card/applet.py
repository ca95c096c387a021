"""A software My Number Card: the JPKI AP (authentication and signing) and the text AP, in APDUs.

What it holds is listed in :mod:`kofu.card.filesystem`. Status words where the spec leaves a
choice (documented here so readers and tests agree):

- READ BINARY on a key or PIN EF → ``69 81`` (command incompatible with file structure): they
  are not transparent files, and the answer must not depend on the PIN state. READ of a
  PIN-protected EF (signing certificate, text attributes) before its VERIFY → ``69 82``.
- SELECT EF before an AP is selected → ``6A 82``: the current DF (the MF) has no such EF.
  A failed SELECT leaves the current AP/EF unchanged (ISO 7816-4); a successful SELECT AP clears
  the selected EF, every verified PIN and the administration authentication.
- VERIFY with data always costs a try unless it is the right PIN, whatever its length, so a
  length can never be probed for free. The counter is decremented and saved *before* comparing
  (as real cards do against card tearing), then reset on success; ``on_change`` therefore
  runs twice for a right PIN. If saving fails the card answers ``65 81`` (memory failure).
  A PIN that was never set answers ``69 84`` (reference data not usable); blocked ``69 83``.
- COMPUTE DIGITAL SIGNATURE accepts only a SHA-256 DigestInfo (51 bytes): other lengths
  → ``67 00``, another 51-byte prefix → ``6A 80``. Checks run in the order P1/P2, EF, key
  present (``69 84``), PIN (``69 82``), data.
- Unblocking (see :mod:`kofu.card.admin`): GET CHALLENGE (``00 84 00 00 08``) then EXTERNAL
  AUTHENTICATE (``00 82 00 00 10 <MAC>``: wrong MAC ``63 00``, no fresh challenge ``69 85``,
  no administration key ``69 84``; every attempt consumes the challenge). Then RESET RETRY
  COUNTER (``00 2C 00 80 <new PIN>`` or ``00 2C 03 80``) on the selected PIN EF; without the
  administration authentication ``69 82``; a new PIN of the wrong format ``6A 80``.
  CHANGE REFERENCE DATA (``00 24 01 80 <new PIN>``) needs that PIN verified (or the
  administration authentication).
- Classes: ``00`` and ``80`` (COMPUTE DIGITAL SIGNATURE only); any other CLA → ``6E 00``; an
  instruction unknown for its class → ``6D 00``; malformed → ``67 00``.
- Power off and reset forget the selection, verified PINs, the administration authentication
  and a pending challenge. Anything that would make this class raise answers ``6F 00``
  instead: a card never throws.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.hashes import SHA256

from kofu.card.admin import admin_mac_matches
from kofu.card.apdu import (
    ADMIN_CHALLENGE_LENGTH,
    ADMIN_MAC_LENGTH,
    AUTH_PIN,
    SHA256_DIGEST_INFO_LENGTH,
    SHA256_DIGEST_INFO_PREFIX,
    SW_AUTH_BLOCKED,
    SW_AUTH_FAILED,
    SW_CLA_NOT_SUPPORTED,
    SW_CONDITIONS_NOT_SATISFIED,
    SW_FILE_NOT_FOUND,
    SW_INCOMPATIBLE_FILE,
    SW_INS_NOT_SUPPORTED,
    SW_MEMORY_FAILURE,
    SW_NO_EF_SELECTED,
    SW_OFFSET_BEYOND_END,
    SW_OK,
    SW_REF_DATA_NOT_USABLE,
    SW_SECURITY_NOT_SATISFIED,
    SW_UNKNOWN_ERROR,
    SW_WRONG_DATA,
    SW_WRONG_LENGTH,
    SW_WRONG_P1P2,
    CommandAPDU,
    ResponseAPDU,
    sw_tries_left,
)
from kofu.card.errors import ApduFormatError
from kofu.card.filesystem import APPLICATIONS, JPKI, Application, ElementaryFile, PinSlot
from kofu.card.state import CardState

logger = logging.getLogger(__name__)

_SUPPORTED_CLA = frozenset({0x00, 0x80})


def _sw(sw: int, data: bytes = b"") -> ResponseAPDU:
    return ResponseAPDU.from_sw(sw, data)


class JpkiApplet:
    """The emulated card (JPKI AP and text AP). Volatile state (selection, verified PINs,
    administration authentication) lives here; persistent state lives in ``state``, and
    ``on_change(state)`` runs whenever a PIN or its counter changes so the caller can save it."""

    def __init__(
        self,
        state: CardState,
        on_change: Callable[[CardState], None] | None = None,
        *,
        random_bytes: Callable[[int], bytes] = secrets.token_bytes,
    ) -> None:
        """Insert ``state`` into a powered-off applet (``random_bytes``: fixed only in test vectors)."""
        self.state = state
        self._on_change = on_change
        self._random = random_bytes
        self._keys: dict[str, rsa.RSAPrivateKey] = {}
        self._ap: Application | None = None
        self._ef: ElementaryFile | None = None
        self._verified: set[bytes] = set()
        self._admin = False
        self._challenge: bytes | None = None

    @property
    def pin_verified(self) -> bool:
        """True while the auth PIN is verified (until reset, power off or AP re-selection)."""
        return self._ap is JPKI and AUTH_PIN in self._verified

    @property
    def admin_authenticated(self) -> bool:
        """True after a successful EXTERNAL AUTHENTICATE (until reset, power off or AP selection)."""
        return self._admin

    def power_off(self) -> None:
        """Cut power: forget the selection, verified PINs, admin authentication and challenge."""
        self._ap = None
        self._ef = None
        self._verified = set()
        self._admin = False
        self._challenge = None

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
            (0x00, 0x84): self._get_challenge,
            (0x00, 0x82): self._external_authenticate,
            (0x00, 0x2C): self._reset_retry_counter,
            (0x00, 0x24): self._change_reference_data,
        }.get((cmd.cla, cmd.ins))
        if handler is None:
            return _sw(SW_INS_NOT_SUPPORTED)
        return handler(cmd)

    # -- selection and reading ------------------------------------------------------------------
    def _select(self, cmd: CommandAPDU) -> ResponseAPDU:
        if cmd.p2 != 0x0C or cmd.p1 not in (0x02, 0x04):
            return _sw(SW_WRONG_P1P2)
        if not cmd.data:
            return _sw(SW_WRONG_LENGTH)
        if cmd.p1 == 0x04:
            application = APPLICATIONS.get(cmd.data)
            if application is None:
                return _sw(SW_FILE_NOT_FOUND)
            self._ap, self._ef = application, None
            self._verified = set()
            self._admin = False
            return _sw(SW_OK)
        if len(cmd.data) != 2:
            return _sw(SW_WRONG_LENGTH)
        found = self._ap.files.get(cmd.data) if self._ap is not None else None
        if found is None:
            return _sw(SW_FILE_NOT_FOUND)
        self._ef = found
        return _sw(SW_OK)

    def _read_binary(self, cmd: CommandAPDU) -> ResponseAPDU:
        if cmd.data or cmd.le is None:
            return _sw(SW_WRONG_LENGTH)
        if cmd.p1 & 0x80:  # short EF identifier addressing: not supported
            return _sw(SW_WRONG_P1P2)
        if self._ef is None:
            return _sw(SW_NO_EF_SELECTED)
        if self._ef.kind != "data":
            return _sw(SW_INCOMPATIBLE_FILE)
        if self._ef.pin is not None and self._ef.pin not in self._verified:
            return _sw(SW_SECURITY_NOT_SATISFIED)
        content: bytes = getattr(self.state, self._ef.field)
        offset = (cmd.p1 << 8) | cmd.p2
        if offset >= len(content):
            return _sw(SW_OFFSET_BEYOND_END)
        return _sw(SW_OK, content[offset : offset + cmd.le])

    # -- PINs -----------------------------------------------------------------------------------
    def _pin_slot(self) -> PinSlot | ResponseAPDU:
        """The selected PIN EF, or the status word saying why there is none."""
        if self._ef is None or self._ap is None:
            return _sw(SW_NO_EF_SELECTED)
        slot = self._ap.pins.get(self._ef.fid) if self._ef.kind == "pin" else None
        if slot is None:
            return _sw(SW_NO_EF_SELECTED)
        return slot

    def _save(self, slot: PinSlot, *, tries: int | None = None, pin: str | None = None) -> bool:
        """Change a PIN and/or its counter and persist at once; False if it could not be saved.

        A change that could not be saved is undone, so the card's working memory never holds
        what its storage does not (a failed PIN reset must not take effect later).
        """
        before = (getattr(self.state, slot.tries_field), getattr(self.state, slot.pin_field))
        changed = False
        if tries is not None and getattr(self.state, slot.tries_field) != tries:
            setattr(self.state, slot.tries_field, tries)
            changed = True
        if pin is not None and getattr(self.state, slot.pin_field) != pin:
            setattr(self.state, slot.pin_field, pin)
            changed = True
        if not changed or self._on_change is None:
            return True
        try:
            self._on_change(self.state)
        except Exception:
            logger.exception("emulated card: could not save a PIN or its counter")
            setattr(self.state, slot.tries_field, before[0])
            setattr(self.state, slot.pin_field, before[1])
            return False
        return True

    def _verify(self, cmd: CommandAPDU) -> ResponseAPDU:
        if (cmd.p1, cmd.p2) != (0x00, 0x80):
            return _sw(SW_WRONG_P1P2)
        slot = self._pin_slot()
        if isinstance(slot, ResponseAPDU):
            return slot
        reference: str = getattr(self.state, slot.pin_field)
        if not reference:
            return _sw(SW_REF_DATA_NOT_USABLE)
        tries: int = getattr(self.state, slot.tries_field)
        if not cmd.data:
            return _sw(sw_tries_left(tries))
        if tries <= 0:
            return _sw(SW_AUTH_BLOCKED)
        self._verified.discard(slot.fid)
        if not self._save(slot, tries=tries - 1):
            return _sw(SW_MEMORY_FAILURE)
        if hmac.compare_digest(cmd.data, reference.encode("ascii")):
            if not self._save(slot, tries=slot.max_tries):
                return _sw(SW_MEMORY_FAILURE)
            self._verified.add(slot.fid)
            return _sw(SW_OK)
        return _sw(sw_tries_left(tries - 1))

    def _new_pin(self, slot: PinSlot, data: bytes) -> str | None:
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError:
            return None
        return text if slot.valid(text) else None

    def _reset_retry_counter(self, cmd: CommandAPDU) -> ResponseAPDU:
        if cmd.p2 != 0x80 or cmd.p1 not in (0x00, 0x03):
            return _sw(SW_WRONG_P1P2)
        if (cmd.p1 == 0x03) == bool(cmd.data) or cmd.le is not None:
            return _sw(SW_WRONG_LENGTH)
        slot = self._pin_slot()
        if isinstance(slot, ResponseAPDU):
            return slot
        if cmd.p1 == 0x03 and not getattr(self.state, slot.pin_field):
            return _sw(SW_REF_DATA_NOT_USABLE)
        if not self._admin:
            return _sw(SW_SECURITY_NOT_SATISFIED)
        pin = self._new_pin(slot, cmd.data) if cmd.data else None
        if cmd.data and pin is None:
            return _sw(SW_WRONG_DATA)
        self._verified.discard(slot.fid)
        if not self._save(slot, tries=slot.max_tries, pin=pin):
            return _sw(SW_MEMORY_FAILURE)
        return _sw(SW_OK)

    def _change_reference_data(self, cmd: CommandAPDU) -> ResponseAPDU:
        if (cmd.p1, cmd.p2) != (0x01, 0x80):
            return _sw(SW_WRONG_P1P2)
        if not cmd.data or cmd.le is not None:
            return _sw(SW_WRONG_LENGTH)
        slot = self._pin_slot()
        if isinstance(slot, ResponseAPDU):
            return slot
        if not getattr(self.state, slot.pin_field):
            return _sw(SW_REF_DATA_NOT_USABLE)
        if slot.fid not in self._verified and not self._admin:
            return _sw(SW_SECURITY_NOT_SATISFIED)
        pin = self._new_pin(slot, cmd.data)
        if pin is None:
            return _sw(SW_WRONG_DATA)
        if not self._save(slot, pin=pin):
            return _sw(SW_MEMORY_FAILURE)
        return _sw(SW_OK)

    # -- administration (city office only) --------------------------------------------------------
    def _get_challenge(self, cmd: CommandAPDU) -> ResponseAPDU:
        if (cmd.p1, cmd.p2) != (0x00, 0x00):
            return _sw(SW_WRONG_P1P2)
        if cmd.data or cmd.le != ADMIN_CHALLENGE_LENGTH:
            return _sw(SW_WRONG_LENGTH)
        challenge = bytes(self._random(ADMIN_CHALLENGE_LENGTH))
        if len(challenge) != ADMIN_CHALLENGE_LENGTH:
            return _sw(SW_UNKNOWN_ERROR)
        self._challenge = challenge
        return _sw(SW_OK, challenge)

    def _external_authenticate(self, cmd: CommandAPDU) -> ResponseAPDU:
        if (cmd.p1, cmd.p2) != (0x00, 0x00):
            return _sw(SW_WRONG_P1P2)
        if len(cmd.data) != ADMIN_MAC_LENGTH or cmd.le is not None:
            return _sw(SW_WRONG_LENGTH)
        if not self.state.admin_key:
            return _sw(SW_REF_DATA_NOT_USABLE)
        challenge, self._challenge = self._challenge, None  # one attempt per challenge
        if challenge is None:
            return _sw(SW_CONDITIONS_NOT_SATISFIED)
        self._admin = admin_mac_matches(self.state.admin_key, challenge, cmd.data)
        return _sw(SW_OK if self._admin else SW_AUTH_FAILED)

    # -- signatures -----------------------------------------------------------------------------
    def _private_key(self, ef: ElementaryFile) -> rsa.RSAPrivateKey | None:
        key = self._keys.get(ef.field)
        if key is None:
            loaded = self.state.private_key() if ef.field == "auth_key_pem" else self.state.sign_private_key()
            if loaded is None:
                return None
            key = self._keys[ef.field] = loaded
        return key

    def _compute_signature(self, cmd: CommandAPDU) -> ResponseAPDU:
        if (cmd.p1, cmd.p2) != (0x00, 0x80):
            return _sw(SW_WRONG_P1P2)
        if self._ef is None or self._ef.kind != "key":
            return _sw(SW_NO_EF_SELECTED)
        if not getattr(self.state, self._ef.field):
            return _sw(SW_REF_DATA_NOT_USABLE)
        if self._ef.pin not in self._verified:
            return _sw(SW_SECURITY_NOT_SATISFIED)
        if len(cmd.data) != SHA256_DIGEST_INFO_LENGTH:
            return _sw(SW_WRONG_LENGTH)
        prefix_len = len(SHA256_DIGEST_INFO_PREFIX)
        if cmd.data[:prefix_len] != SHA256_DIGEST_INFO_PREFIX:
            return _sw(SW_WRONG_DATA)
        key = self._private_key(self._ef)
        if key is None:
            return _sw(SW_REF_DATA_NOT_USABLE)
        # PKCS#1 v1.5 over exactly the DigestInfo received: Prehashed adds the same prefix back.
        signature = key.sign(cmd.data[prefix_len:], PKCS1v15(), Prehashed(SHA256()))
        return _sw(SW_OK, signature)
