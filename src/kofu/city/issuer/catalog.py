"""What a city offers at kiosks: documents, their options, fees and copy limits."""

from __future__ import annotations

from dataclasses import dataclass

from kofu.protocol.errors import Refused
from kofu.protocol.messages import DocumentOffer, OptionSpec

MAX_COPIES = 10

JUMINHYO_OPTIONS = [
    OptionSpec(
        name="household",
        label_ja="対象者",
        label_en="Whose record",
        choices=["self", "all"],
        choice_labels_ja=["本人のみ", "世帯全員"],
        choice_labels_en=["Only me", "Whole household"],
    ),
    OptionSpec(
        name="setainushi",
        label_ja="世帯主・続柄の記載",
        label_en="Head of household and relationship",
        choices=["off", "on"],
        choice_labels_ja=["記載しない", "記載する"],
        choice_labels_en=["Leave out", "Include"],
    ),
    OptionSpec(
        name="honseki",
        label_ja="本籍・筆頭者の記載",
        label_en="Registered domicile (honseki) and head of register",
        choices=["off", "on"],
        choice_labels_ja=["記載しない", "記載する"],
        choice_labels_en=["Leave out", "Include"],
    ),
]


@dataclass(frozen=True)
class Offer:
    """One document a city offers, with its fee per copy."""

    doc: str
    title_ja: str
    title_en: str
    fee: int
    options: tuple[OptionSpec, ...]

    def to_message(self) -> DocumentOffer:
        return DocumentOffer(
            doc=self.doc,  # type: ignore[arg-type]
            title_ja=self.title_ja,
            title_en=self.title_en,
            fee=self.fee,
            max_copies=MAX_COPIES,
            options=list(self.options),
        )

    def resolve_options(self, chosen: dict[str, str]) -> dict[str, str]:
        """The chosen options with defaults filled in; unknown names or values are refused."""
        specs = {spec.name: spec for spec in self.options}
        for name, value in chosen.items():
            spec = specs.get(name)
            if spec is None or value not in spec.choices:
                raise Refused("order.invalid", f"option {name!r} not offered with that value")
        return {name: chosen.get(name, spec.choices[0]) for name, spec in specs.items()}


OFFERS: dict[str, Offer] = {
    "juminhyo": Offer("juminhyo", "住民票の写し", "Certificate of residence", 200, tuple(JUMINHYO_OPTIONS)),
}


def offer_for(doc: str) -> Offer:
    """The city's offer for a document type, or refuse it as not offered."""
    offer = OFFERS.get(doc)
    if offer is None:
        raise Refused("city.document.not_offered", f"{doc} not offered")
    return offer
