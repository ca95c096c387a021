"""The card's administration key: how a city office (and only it) proves itself to a card. Pure.

Each card is personalised with a random 32-byte administration key that is also written into
the issuing city's card records — nowhere else. To unblock or reset a PIN the office terminal
asks the card for a fresh challenge (GET CHALLENGE), answers with a MAC over it (EXTERNAL
AUTHENTICATE), and only then may it send RESET RETRY COUNTER. A kiosk has no key, so it can
never unblock a card: the card itself refuses (``69 82``).
"""

from __future__ import annotations

import hashlib
import hmac

from kofu.card.apdu import ADMIN_MAC_LENGTH

_CONTEXT = b"kofu/card-admin/v1"


def admin_mac(key: bytes, challenge: bytes) -> bytes:
    """The 16-byte MAC answering ``challenge`` with ``key``: HMAC-SHA-256, truncated."""
    return hmac.new(key, _CONTEXT + bytes(challenge), hashlib.sha256).digest()[:ADMIN_MAC_LENGTH]


def admin_mac_matches(key: bytes, challenge: bytes, mac: bytes) -> bool:
    """True if ``mac`` answers ``challenge`` for ``key`` (constant-time comparison)."""
    return hmac.compare_digest(admin_mac(key, challenge), bytes(mac))
