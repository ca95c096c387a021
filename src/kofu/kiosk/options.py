"""The resident's choice, and what the screen shows of a city's menu: options as the city
defines them, refused offers.

An option applies only while its ``shown_when`` holds (e.g. the 戸籍 member chooser only for
個人事項); a ``multiple`` option's value is several choices joined with commas. An offer that
carries a ``refusal`` (e.g. outside hours) is shown with the resident's words for that code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kofu.kiosk.messages import kiosk_message
from kofu.protocol.errors import Refused
from kofu.protocol.kiosk_center import DocumentOffer, Menu, OptionSpec
from kofu.protocol.kiosk_screen import ConfirmedOption, Draft, ScreenMenu, ScreenOffer


@dataclass
class Choice:
    """The resident's choice while it is being made (nothing personal)."""

    doc: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    copies: int = 1

    def view(self) -> Draft:
        return Draft(doc=self.doc, options=dict(self.options), copies=self.copies)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Confirmed:
    """What the resident confirms: the offer, the options that apply in words, the copies."""

    offer: DocumentOffer
    options: list[ConfirmedOption]
    copies: int


def spec_of(offer: DocumentOffer, name: str) -> OptionSpec | None:
    return next((spec for spec in offer.options if spec.name == name), None)


def shown(spec: OptionSpec, options: dict[str, str]) -> bool:
    """Whether an option applies given the others' values (its ``shown_when`` holds)."""
    return all(options.get(name) == value for name, value in spec.shown_when.items())


def shown_options(offer: DocumentOffer, options: dict[str, str]) -> dict[str, str]:
    """Only the options that apply: what is ordered and confirmed (the rest the city ignores)."""
    return {s.name: options[s.name] for s in offer.options if s.name in options and shown(s, options)}


def check_options(offer: DocumentOffer, options: dict[str, str]) -> None:
    """Every option is the offer's, every value one of its choices (several, each once, if multiple)."""
    for name, value in options.items():
        spec = spec_of(offer, name)
        values = value.split(",") if spec is not None and spec.multiple else [value]
        if spec is None or len(set(values)) != len(values) or any(v not in spec.choices for v in values):
            raise Refused("order.invalid")


def confirmed_options(offer: DocumentOffer, options: dict[str, str]) -> list[ConfirmedOption]:
    """The options that apply, in words, as the resident confirms them."""
    chosen = []
    for spec in offer.options:
        if not shown(spec, options):
            continue
        value = options.get(spec.name, spec.choices[0])
        indexes = [spec.choices.index(v) for v in (value.split(",") if spec.multiple else [value])]
        chosen.append(
            ConfirmedOption(
                name=spec.name,
                label_ja=spec.label_ja,
                label_en=spec.label_en,
                value=value,
                value_ja="、".join(spec.choice_labels_ja[i] for i in indexes),
                value_en=", ".join(spec.choice_labels_en[i] for i in indexes),
            )
        )
    return chosen


def screen_menu(menu: Menu | None) -> ScreenMenu | None:
    """The menu for the screen: offers a rule already refuses carry the resident's words for it."""
    if menu is None:
        return None
    offers = []
    for offer in menu.documents:
        words = kiosk_message(offer.refusal) if offer.refusal else None
        offers.append(
            ScreenOffer(
                **offer.model_dump(),
                refusal_ja=words.ja if words else None,
                refusal_en=words.en if words else None,
            )
        )
    return ScreenMenu(city_code=menu.city_code, city_name=menu.city_name, documents=offers)
