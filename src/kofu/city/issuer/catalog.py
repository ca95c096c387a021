"""What a city offers at kiosks: the five documents, their options, and how a choice is read.

The titles and option shapes are fixed here; which documents are offered, when, for how much and
in how many copies comes from the city's settings, read live for every menu and order
(``menu_offer``). Options whose choices are people (household or register members) carry opaque
tokens; their names travel sealed for the kiosk (see ``service``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from kofu.city.registry.models import DocumentSetting
from kofu.protocol.errors import Refused
from kofu.protocol.kiosk_center import DocumentOffer, OptionSpec

NATIONAL_OPEN, NATIONAL_CLOSE = time(6, 30), time(23, 0)
_ONOFF = (["off", "on"], ["記載しない", "記載する"], ["Leave out", "Include"])


def _onoff(name: str, ja: str, en: str, **extra: object) -> OptionSpec:
    choices, labels_ja, labels_en = _ONOFF
    return OptionSpec(
        name=name,
        label_ja=ja,
        label_en=en,
        choices=choices,
        choice_labels_ja=labels_ja,
        choice_labels_en=labels_en,
        **extra,  # type: ignore[arg-type]
    )


def member_option(
    name: str, ja: str, en: str, tokens: Sequence[str], *, multiple: bool, shown_when: dict[str, str]
) -> OptionSpec:
    """A chooser of people: tokens as choices, placeholders as labels (names come sealed)."""
    return OptionSpec(
        name=name,
        label_ja=ja,
        label_en=en,
        choices=list(tokens),
        choice_labels_ja=[f"{i}人目" for i in range(1, len(tokens) + 1)],
        choice_labels_en=[f"Person {i}" for i in range(1, len(tokens) + 1)],
        shown_when=shown_when,
        multiple=multiple,
        enveloped_labels=True,
    )


#: The 住民票's chooser of household members (``household=members``): a token that names nobody
#: the holder may choose now (another card's, or someone who has left the household since the
#: menu) is ``city.member.not_in_household``.
HOUSEHOLD_MEMBERS = "members"

HOUSEHOLD = OptionSpec(
    name="household",
    label_ja="対象者",
    label_en="Whose record",
    choices=["self", "all", "members"],
    choice_labels_ja=["本人のみ", "世帯全員", "世帯の一部の方"],
    choice_labels_en=["Only me", "Whole household", "Chosen members"],
)
SETAINUSHI = _onoff("setainushi", "世帯主・続柄の記載", "Head of household and relationship")
HONSEKI = _onoff("honseki", "本籍・筆頭者の記載", "Registered domicile (honseki) and head of register")
FOREIGN = (
    _onoff("nationality", "国籍・地域の記載", "Nationality or region"),
    _onoff("residence_status", "在留資格等の記載", "Status of residence and period of stay"),
    _onoff("card_number", "在留カード等の番号の記載", "Residence card number"),
)
SCOPE = OptionSpec(
    name="scope",
    label_ja="証明の範囲",
    label_en="What the certificate covers",
    choices=["zenbu", "kojin"],
    choice_labels_ja=["全部事項（戸籍の全員）", "個人事項（お一人）"],
    choice_labels_en=["Whole register (everyone)", "One person"],
)


@dataclass(frozen=True)
class Offer:
    """One document type: its titles (the fixed part of what a city offers)."""

    doc: str
    title_ja: str
    title_en: str


OFFERS: dict[str, Offer] = {
    "juminhyo": Offer("juminhyo", "住民票の写し", "Certificate of residence"),
    "inkan": Offer("inkan", "印鑑登録証明書", "Seal registration certificate"),
    "koseki": Offer("koseki", "戸籍証明書（全部・個人事項）", "Family register certificate"),
    "fuhyo": Offer("fuhyo", "戸籍の附票の写し", "Family register attachment (address history)"),
    "kazei": Offer("kazei", "課税（非課税）証明書", "Taxation certificate"),
}
#: Documents that come from a resident's record, and those from a family register kept here.
RESIDENT_DOCS = ("juminhyo", "inkan", "kazei")
REGISTER_DOCS = ("koseki", "fuhyo")


def fiscal_year_option(years: Sequence[int]) -> OptionSpec:
    """年度 among the years the city offers, newest first (the default)."""
    newest_first = sorted(years, reverse=True)
    return OptionSpec(
        name="fiscal_year",
        label_ja="年度",
        label_en="Fiscal year",
        choices=[str(y) for y in newest_first],
        choice_labels_ja=[_reiwa(y) for y in newest_first],
        choice_labels_en=[f"FY{y}" for y in newest_first],
    )


def _reiwa(year: int) -> str:
    return f"令和{year - 2018}年度" if year >= 2019 else f"平成{year - 1988}年度"


def hours_text(setting: DocumentSetting) -> str | None:
    """The document's hours in words, when they are narrower than every day 6:30–23:00."""
    wide = setting.opens_at <= NATIONAL_OPEN and setting.closes_at >= NATIONAL_CLOSE
    if wide and not setting.weekdays_only:
        return None
    days = "平日" if setting.weekdays_only else "毎日"
    return f"{days} {setting.opens_at:%H:%M}–{setting.closes_at:%H:%M}"


def menu_offer(
    doc: str,
    setting: DocumentSetting,
    copy_limit: int,
    options: Sequence[OptionSpec],
    refusal: str | None = None,
) -> DocumentOffer:
    """The menu entry of a document with the city's live fee, copy limit and hours."""
    offer = OFFERS[doc]
    return DocumentOffer(
        doc=doc,  # type: ignore[arg-type]
        title_ja=offer.title_ja,
        title_en=offer.title_en,
        fee=setting.fee,
        max_copies=max(1, copy_limit),
        options=list(options),
        refusal=refusal,
        hours=hours_text(setting),
    )


def resolve_options(specs: Sequence[OptionSpec], chosen: dict[str, str]) -> dict[str, str]:
    """The chosen options with defaults filled in; unknown names or values are ``order.invalid``,
    a household member token the holder may not choose is ``city.member.not_in_household``.

    An option whose ``shown_when`` does not hold is ignored (whatever value it came with);
    a ``multiple`` option takes comma-separated choices. ``fiscal_year`` is only checked to be a
    year here: whether the city offers it is a rule with its own code.
    """
    by_name = {spec.name: spec for spec in specs}
    for name in chosen:
        if name not in by_name:
            raise Refused("order.invalid", f"option {name!r} not offered")
    resolved: dict[str, str] = {}
    for spec in specs:  # specs come in dependency order: a condition is resolved before its use
        if any(resolved.get(k) != v for k, v in spec.shown_when.items()):
            continue
        value = chosen.get(spec.name, spec.choices[0] if spec.choices else "")
        values = value.split(",") if spec.multiple else [value]
        if spec.name == "fiscal_year":
            if not value.isdigit() or len(value) != 4:
                raise Refused("order.invalid", "fiscal_year is a year")
        elif not values or any(v not in spec.choices for v in values):
            if spec.name == HOUSEHOLD_MEMBERS and spec.enveloped_labels and all(values):
                raise Refused("city.member.not_in_household", "a chosen token names nobody here")
            raise Refused("order.invalid", f"option {spec.name!r} not offered with that value")
        resolved[spec.name] = value
    return resolved


def offer_for(doc: str) -> Offer:
    """The fixed part of a document type, or refuse it as not offered."""
    offer = OFFERS.get(doc)
    if offer is None:
        raise Refused("city.document.not_offered", f"{doc} not offered")
    return offer
