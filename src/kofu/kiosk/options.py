"""What the screen shows of a city's menu: options as the city defines them, refused offers.

An option applies only while its ``shown_when`` holds (e.g. the 戸籍 member chooser only for
個人事項); a ``multiple`` option's value is several choices joined with commas. An offer that
carries a ``refusal`` (e.g. outside hours) is shown with the resident's words for that code.
"""

from __future__ import annotations

from typing import Any

from kofu.kiosk.messages import kiosk_message
from kofu.protocol.kiosk_center import DocumentOffer, Menu, OptionSpec


def offer_json(offer: DocumentOffer) -> dict[str, Any]:
    return offer.model_dump(mode="json")


def spec_of(offer: DocumentOffer, name: str) -> OptionSpec | None:
    return next((spec for spec in offer.options if spec.name == name), None)


def shown(spec: OptionSpec, options: dict[str, str]) -> bool:
    """Whether an option applies given the others' values (its ``shown_when`` holds)."""
    return all(options.get(name) == value for name, value in spec.shown_when.items())


def shown_options(offer: DocumentOffer, options: dict[str, str]) -> dict[str, str]:
    """Only the options that apply: what is ordered and confirmed (the rest the city ignores)."""
    return {s.name: options[s.name] for s in offer.options if s.name in options and shown(s, options)}


def menu_json(menu: Menu | None) -> dict[str, Any] | None:
    """The menu for the screen: offers a rule already refuses carry the resident's words for it."""
    if menu is None:
        return None
    body = menu.model_dump(mode="json", exclude={"member_envelope"})
    for offer in body["documents"]:
        if offer.get("refusal"):
            message = kiosk_message(offer["refusal"])
            offer["refusal_ja"], offer["refusal_en"] = message.ja, message.en
    return body
