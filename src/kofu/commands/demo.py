"""`kofu pki init`, `kofu seed`, `kofu cards`: the demo's PKI, residents and cards."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from kofu.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pki = sub.add_parser("pki", help="the demo PKI")
    pki_sub = pki.add_subparsers(dest="pki_command", required=True, metavar="ACTION")
    pki_sub.add_parser(
        "init", help="create the CAs, TLS identities and seal keys that are missing"
    ).set_defaults(handler=_pki_init)
    from kofu.commands.seal_keys import add_pki_actions

    add_pki_actions(pki_sub)  # rotate-seal, revoke-seal, seals, export-trust-list
    seed = sub.add_parser("seed", help="create the demo cities, residents and cards (if missing)")
    seed.set_defaults(handler=_seed)
    seed_sub = seed.add_subparsers(dest="seed_action", required=False, metavar="ACTION")
    check = seed_sub.add_parser(
        "check",
        help="list contradictions in a city's registry, or in a freshly generated world (exit 1 if any)",
        description="Reads the registry of each --city (URL from the settings), or generates both demo "
        "cities in memory with --seed/--households/--as-of, and prints one line per contradiction: "
        "kind, city, row ids. No names are printed.",
    )
    check.add_argument("--city", action="append", metavar="CODE", help="a city code; repeat for both")
    check.add_argument("--seed", type=int, help="generate a world with this seed instead of reading a city")
    check.add_argument("--households", type=int, default=40, help="households per city (with --seed)")
    check.add_argument("--as-of", type=_day, help="the day to judge on (default: today in Japan)")
    check.add_argument("--summary", action="store_true", help="only the count of each kind")
    check.set_defaults(handler=_seed_check)
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


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("a date like 2026-11-29") from exc


def _seed_check(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.city.registry.check import check_registries, check_seeded, count_by_kind
    from kofu.clock import today

    as_of = args.as_of or today()
    if args.seed is not None:
        findings = check_seeded(args.seed, args.households, as_of)
    elif args.city:
        from kofu.city.registry import session_factory
        from kofu.storage import make_engine

        engines = {code: make_engine(settings.city_db_url(code)) for code in args.city}
        sessions = {code: session_factory(engine)() for code, engine in engines.items()}
        try:
            findings = check_registries(sessions, as_of)
        finally:
            for session in sessions.values():
                session.close()
            for engine in engines.values():
                engine.dispose()
    else:
        print("give --city CODE (repeatable) or --seed N", file=sys.stderr)
        return 2
    if not args.summary:
        for finding in findings:
            print(finding.line())
    for kind, count in count_by_kind(findings).items():
        print(f"{count:6d}  {kind}", file=sys.stderr)
    print(f"{len(findings)} contradiction(s)", file=sys.stderr)
    return 1 if findings else 0


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
