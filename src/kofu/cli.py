"""The `kofu` command: run the actors, set up the demo, order documents, measure."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from kofu.config import Settings

OPTION_HELP = """document options (--option NAME=VALUE, repeatable):
  juminhyo:  household=self|all   setainushi=off|on   honseki=off|on
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kofu", description="Convenience-store certificate issuance, end to end."
    )
    sub = p.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="set up the demo if needed and run every actor until Ctrl-C")
    up.add_argument("--no-kiosk", action="store_true", help="run without the kiosk screen")
    sub.add_parser("center", help="run the centre")
    for actor in ("gateway", "issuer"):
        sp = sub.add_parser(actor, help=f"run one city's {actor}")
        sp.add_argument("--city", required=True)
    sub.add_parser("kiosk", help="run the kiosk screen")
    pki = sub.add_parser("pki", help="the demo PKI")
    pki.add_argument("action", choices=["init"])
    sub.add_parser("seed", help="create the demo cities, residents and cards (if missing)")
    cards = sub.add_parser("cards", help="list the demo cards")
    cards.add_argument("--json", action="store_true")
    issue = sub.add_parser(
        "issue",
        help="order a document headless through the running chain",
        epilog=OPTION_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    issue.add_argument("--card", required=True, help="demo card label, e.g. NT-0001")
    issue.add_argument("--pin", required=True)
    issue.add_argument("--doc", required=True, choices=["juminhyo", "inkan", "koseki", "fuhyo", "kazei"])
    issue.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")
    issue.add_argument("--copies", type=int, default=1)
    issue.add_argument("--city", help="city code to order from (default: residence)")
    issue.add_argument("--out", required=True, type=Path)
    bench = sub.add_parser("bench", help="concurrent headless kiosks against the running chain")
    bench.add_argument("--kiosks", type=int, default=8)
    bench.add_argument("--seconds", type=float, default=10.0)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    handler = _HANDLERS[args.command]
    try:
        return handler(settings, args) or 0
    except KeyboardInterrupt:
        return 130


def _up(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.demo import setup, with_names
    from kofu.up import Cluster

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    print("kofu: preparing PKI, registries and demo cards (first run takes a little while)…", flush=True)
    cards = with_names(settings, setup(settings))
    cluster = Cluster(settings, with_kiosk=not args.no_kiosk)
    try:
        cluster.start()
        _print_cards(cards)
        print(f"\nkiosk: {settings.kiosk_url}/   (logs: {settings.log_dir})")
        print("Ctrl-C stops everything.", flush=True)
        cluster.watch()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


def _print_cards(cards: list[dict[str, object]]) -> None:
    print("\ndemo cards (card / PIN / city / name / traits):")
    for c in cards:
        traits = ",".join(c["traits"])  # type: ignore[arg-type]
        print(f"  {c['card']}  {c['pin']}  {c['city']}  {c['name']}  {traits}")


def _center(settings: Settings, _args: argparse.Namespace) -> int:
    from kofu.run import run_center

    run_center(settings)
    return 0


def _gateway(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.run import run_gateway

    run_gateway(settings, args.city)
    return 0


def _issuer(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.run import run_issuer

    run_issuer(settings, args.city)
    return 0


def _kiosk(settings: Settings, _args: argparse.Namespace) -> int:
    from kofu.run import run_kiosk

    run_kiosk(settings)
    return 0


def _pki(settings: Settings, _args: argparse.Namespace) -> int:
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
    cards = with_names(settings, load_index(settings))
    if args.json:
        print(json.dumps(cards, ensure_ascii=False, indent=1))
    else:
        _print_cards(cards)
    return 0


def _issue(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.card.errors import CardError
    from kofu.card.state import CardStore
    from kofu.kiosk.centre import CentreLink
    from kofu.kiosk.devices import FilePrinter
    from kofu.kiosk.headless import issue_once
    from kofu.pki.tls import client_context
    from kofu.protocol.codes import message_for
    from kofu.protocol.errors import KofuError

    try:
        options = dict(item.split("=", 1) for item in args.option)
    except ValueError:
        print("--option takes NAME=VALUE", file=sys.stderr)
        return 2
    centre = CentreLink(
        settings.center_url, client_context(settings.pki, "kiosk", settings.kiosk_id), settings.kiosk_id
    )
    try:
        issued = issue_once(
            centre,
            CardStore(settings.cards_dir),
            args.card,
            args.pin,
            args.doc,
            options,
            args.copies,
            FilePrinter(str(args.out)),
            city=args.city,
        )
    except (KofuError, CardError) as exc:
        code = exc.code
        message = message_for(code)
        tries = getattr(exc, "tries_left", None)
        extra = f" (tries left: {tries})" if tries is not None else ""
        print(f"refused: {code}{extra}\n{message.ja}\n{message.en}", file=sys.stderr)
        return 3
    finally:
        centre.close()
    print(
        f"issued {args.doc} → {args.out}  (order {issued.order_id}, issue no. {issued.issue_number}, "
        f"{issued.pages} page(s), fee ¥{issued.fee_total}, change ¥{issued.change})"
    )
    return 0


def _bench(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.bench import run_bench

    figures = run_bench(settings, args.kiosks, args.seconds)
    print(f"kofu bench: {args.kiosks} kiosks, {args.seconds:.0f} s")
    for key, value in figures.items():
        print(f"  {key:>16}: {value:,.1f}")
    return 0 if figures["orders"] > 0 else 1


_HANDLERS = {
    "up": _up,
    "center": _center,
    "gateway": _gateway,
    "issuer": _issuer,
    "kiosk": _kiosk,
    "pki": _pki,
    "seed": _seed,
    "cards": _cards,
    "issue": _issue,
    "bench": _bench,
}

if __name__ == "__main__":
    sys.exit(main())
