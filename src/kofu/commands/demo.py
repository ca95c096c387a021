"""`kofu pki init`, `kofu seed`, `kofu cards`: the demo's PKI, residents and cards."""

from __future__ import annotations

import argparse
import json
import sys

from kofu.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pki = sub.add_parser("pki", help="the demo PKI")
    pki_sub = pki.add_subparsers(dest="pki_command", required=True, metavar="ACTION")
    pki_sub.add_parser(
        "init", help="create the CAs, TLS identities and seal keys that are missing"
    ).set_defaults(handler=_pki_init)
    from kofu.commands.seal_keys import add_pki_actions

    add_pki_actions(pki_sub)  # rotate-seal, revoke-seal, seals, export-trust-list
    sub.add_parser("seed", help="create the demo cities, residents and cards (if missing)").set_defaults(
        handler=_seed
    )
    cards = sub.add_parser("cards", help="list the demo cards")
    cards.add_argument("--json", action="store_true", help="a JSON list (card, pin, city, name, traits, …)")
    cards.add_argument(
        "--trait", action="append", default=[], help="only cards with this trait (repeat for several)"
    )
    cards.set_defaults(handler=_cards)


def print_cards(cards: list[dict[str, object]]) -> None:
    """The demo cards, one line each."""
    print("\ndemo cards (card  PIN  city  name  traits):")
    for c in cards:
        traits = ",".join(c["traits"])  # type: ignore[arg-type]
        print(f"  {c['card']}  {c['pin']}  {c['city']}  {c['name']}  {traits}")


def _pki_init(settings: Settings, _args: argparse.Namespace) -> int:
    from kofu.demo import kiosk_ids
    from kofu.pki.init import init_pki

    init_pki(settings.pki, cities=settings.cities, kiosks=kiosk_ids(settings, 64))
    print(f"PKI ready under {settings.pki.root}")
    return 0


def _seed(settings: Settings, _args: argparse.Namespace) -> int:
    from kofu.demo import setup

    cards = setup(settings)
    print(f"{len(cards)} demo cards under {settings.cards_dir}")
    return 0


def _cards(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.demo import is_seeded, load_index, with_names

    if not is_seeded(settings):
        print("no demo yet: run `kofu seed` (or `make up`)", file=sys.stderr)
        return 1
    cards = with_names(settings, [c for c in load_index(settings) if set(args.trait) <= set(c.traits)])
    if args.json:
        print(json.dumps(cards, ensure_ascii=False, indent=1))
    else:
        print_cards(cards)
    return 0
