"""Small JSON values sealed with HPKE between two ends the centre only relays.

Three uses, each with its own HPKE ``info`` so one can never be opened as another:

* member names of a menu, sealed by the issuer for the kiosk's one-menu key
  (``seal_members`` / ``open_members``);
* a 利用登録 application (本籍, 筆頭者) sealed by the kiosk for the 本籍地 city's application key
  (``seal_application`` / ``open_application``);
* the applicant's name and birth date, sealed by the residence city for the same key
  (``seal_applicant`` / ``open_applicant``).

Each is bound to the card it is about by a hash of the card serial in ``info`` (never the
serial itself), so a value sealed for one card cannot be replayed for another.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from kofu.protocol.errors import ProtocolViolation
from kofu.protocol.messages import Menu

_SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_128_GCM)


def _info(purpose: str, city_code: str, card_serial: str) -> bytes:
    card = hashlib.sha256(f"kofu/card/v1:{card_serial.upper()}".encode()).hexdigest()
    return f"kofu/{purpose}/v1:{city_code}:{card}".encode()


def _seal(value: Any, public_key: bytes, info: bytes) -> bytes:
    plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return _SUITE.encrypt(plaintext, X25519PublicKey.from_public_bytes(public_key), info=info)


def _open(ciphertext: bytes, private_key: X25519PrivateKey, info: bytes) -> Any:
    try:
        return json.loads(_SUITE.decrypt(ciphertext, private_key, info=info))
    except (InvalidTag, ValueError) as exc:
        raise ProtocolViolation("protocol.sealed", "sealed value does not open here") from exc


def seal_members(
    labels: dict[str, dict[str, str]], kiosk_key: bytes, city_code: str, card_serial: str
) -> bytes:
    """Seal ``{token: {"ja": label, "en": label}}`` for the kiosk's menu key."""
    return _seal(labels, kiosk_key, _info("members", city_code, card_serial))


def open_members(
    ciphertext: bytes, private_key: X25519PrivateKey, city_code: str, card_serial: str
) -> dict[str, dict[str, str]]:
    """Open what ``seal_members`` sealed; raises ProtocolViolation ``protocol.sealed``."""
    value = _open(ciphertext, private_key, _info("members", city_code, card_serial))
    if not isinstance(value, dict):
        raise ProtocolViolation("protocol.sealed", "member labels are not a mapping")
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in value.items()}


def seal_application(honseki: str, hittosha: str, city_key: bytes, city_code: str, card_serial: str) -> bytes:
    """Seal a 利用登録 application (本籍, 筆頭者) for the 本籍地 city's application key."""
    value = {"honseki": honseki, "hittosha": hittosha}
    return _seal(value, city_key, _info("application", city_code, card_serial))


def open_application(
    ciphertext: bytes, private_key: X25519PrivateKey, city_code: str, card_serial: str
) -> tuple[str, str]:
    """Open an application: ``(honseki, hittosha)``; raises ProtocolViolation."""
    value = _open(ciphertext, private_key, _info("application", city_code, card_serial))
    try:
        return str(value["honseki"]), str(value["hittosha"])
    except (KeyError, TypeError) as exc:
        raise ProtocolViolation("protocol.sealed", "application incomplete") from exc


def seal_applicant(name: str, birth_date: str, city_key: bytes, city_code: str, card_serial: str) -> bytes:
    """Seal the card holder's name and birth date (ISO) for the 本籍地 city ``city_code``."""
    value = {"name": name, "birth_date": birth_date}
    return _seal(value, city_key, _info("applicant", city_code, card_serial))


def open_applicant(
    ciphertext: bytes, private_key: X25519PrivateKey, city_code: str, card_serial: str
) -> tuple[str, str]:
    """Open what ``seal_applicant`` sealed: ``(name, birth_date_iso)``."""
    value = _open(ciphertext, private_key, _info("applicant", city_code, card_serial))
    try:
        return str(value["name"]), str(value["birth_date"])
    except (KeyError, TypeError) as exc:
        raise ProtocolViolation("protocol.sealed", "applicant incomplete") from exc


def with_member_labels(menu: Menu, labels: dict[str, dict[str, str]]) -> Menu:
    """The menu with the names of ``labels`` in place of the placeholders of member choosers."""
    documents = []
    for offer in menu.documents:
        options = []
        for spec in offer.options:
            if spec.sealed_labels:
                spec = spec.model_copy(
                    update={
                        "choice_labels_ja": [labels.get(c, {}).get("ja", c) for c in spec.choices],
                        "choice_labels_en": [labels.get(c, {}).get("en", c) for c in spec.choices],
                    }
                )
            options.append(spec)
        documents.append(offer.model_copy(update={"options": options}))
    return menu.model_copy(update={"documents": documents, "sealed_members": None})
