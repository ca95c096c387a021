"""A card's memory as the JSON text of its file (``<label>.json``): :func:`dumps` and :func:`loads`.

Binary fields are base64; cards written before the signing side, the text AP and the
administration key existed still load, with those empty.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from kofu.card.errors import CardError
from kofu.card.state import SIGN_PIN_TRIES, TEXT_PIN_TRIES, CardState


def dumps(state: CardState) -> str:
    """The card file's text for ``state``."""
    doc = {
        "label": state.label,
        "auth_key_pem": state.auth_key_pem.decode("ascii"),
        "auth_cert_der": _b64(state.auth_cert_der),
        "auth_ca_der": _b64(state.auth_ca_der),
        "auth_pin": state.auth_pin,
        "auth_tries_left": state.auth_tries_left,
        "token_info": _b64(state.token_info),
        "sign_key_pem": state.sign_key_pem.decode("ascii"),
        "sign_cert_der": _b64(state.sign_cert_der),
        "sign_ca_der": _b64(state.sign_ca_der),
        "sign_pin": state.sign_pin,
        "sign_tries_left": state.sign_tries_left,
        "text_pin": state.text_pin,
        "text_tries_left": state.text_tries_left,
        "text_attributes": _b64(state.text_attributes),
        "admin_key": _b64(state.admin_key),
    }
    return json.dumps(doc, indent=2) + "\n"


def loads(text: str) -> CardState:
    """Parse a card file's text; :class:`CardError` (``card.error``) if it is not one."""
    try:
        doc: dict[str, Any] = json.loads(text)

        def b64(name: str) -> bytes:
            return base64.b64decode(doc.get(name, ""), validate=True)

        return CardState(
            label=str(doc["label"]),
            auth_key_pem=str(doc["auth_key_pem"]).encode("ascii"),
            auth_cert_der=b64("auth_cert_der"),
            auth_ca_der=b64("auth_ca_der"),
            auth_pin=str(doc["auth_pin"]),
            auth_tries_left=int(doc["auth_tries_left"]),
            token_info=b64("token_info"),
            sign_key_pem=str(doc.get("sign_key_pem", "")).encode("ascii"),
            sign_cert_der=b64("sign_cert_der"),
            sign_ca_der=b64("sign_ca_der"),
            sign_pin=str(doc.get("sign_pin", "")),
            sign_tries_left=int(doc.get("sign_tries_left", SIGN_PIN_TRIES)),
            text_pin=str(doc.get("text_pin", "")),
            text_tries_left=int(doc.get("text_tries_left", TEXT_PIN_TRIES)),
            text_attributes=b64("text_attributes"),
            admin_key=b64("admin_key"),
        )
    except (ValueError, KeyError, TypeError) as exc:  # PinFormatError is a CardError
        raise CardError(f"not a stored card: {type(exc).__name__}") from exc


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
