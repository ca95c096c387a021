"""`kofu up` and one command per actor (`center`, `gateway`, `issuer`, `kiosk`)."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from kofu.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    up = sub.add_parser("up", help="set up the demo if needed and run every actor until Ctrl-C")
    up.add_argument("--no-kiosk", action="store_true", help="run without the kiosk screen")
    up.add_argument(
        "--replicas",
        type=int,
        help="N centres behind HAProxy, two gateways and N issuers per city (default: one of each)",
    )
    up.add_argument("--issuers", type=int, help="issuer processes per city (default: --replicas, or 1)")
    up.add_argument(
        "--database",
        help="a PostgreSQL server URL (postgresql://user:pass@host:port/): one database per actor on it, "
        "made if missing (default: SQLite files under var/)",
    )
    up.set_defaults(handler=_up)
    center = sub.add_parser("center", help="run the centre (or, with an action, operate it)")
    center.add_argument("--replica", type=int, help="one of several centres behind HAProxy: its number")
    center.set_defaults(handler=_center)
    from kofu.commands.center_ops import register_center_actions

    register_center_actions(center)
    sub.add_parser("verifier", help="run the public verifier (trust list, verification page)").set_defaults(
        handler=_verifier
    )
    for actor in ("gateway", "issuer"):
        sp = sub.add_parser(actor, help=f"run one city's {actor}")
        sp.add_argument("--city", required=True)
        if actor == "gateway":
            sp.add_argument("--index", type=int, default=0, help="which of the city's gateways (0, 1, …)")
        sp.set_defaults(handler=_gateway if actor == "gateway" else _issuer)
    sub.add_parser("kiosk", help="run the kiosk screen").set_defaults(handler=_kiosk)
    openapi = sub.add_parser("openapi", help="print an actor's OpenAPI document (JSON)")
    openapi.add_argument("actor", choices=sorted(OPENAPI_ACTORS))
    openapi.set_defaults(handler=_openapi)


#: The actors with an HTTP surface, and how each app is built for its document alone.
OPENAPI_ACTORS = ("center", "gateway", "kiosk", "public")


def openapi_app(actor: str, settings: Settings):  # type: ignore[no-untyped-def]
    """``actor``'s app, built only to describe its routes (it serves nothing)."""
    if actor == "center":
        from kofu.center.app import create_app

        return create_app()
    if actor == "gateway":
        from kofu.city.gateway.app import create_app as create_gateway

        return create_gateway(settings.cities[0])
    if actor == "kiosk":
        from kofu.kiosk.app import create_app as create_kiosk

        return create_kiosk(settings)
    from kofu.verifier.app import create_public_app

    return create_public_app()


def _openapi(settings: Settings, args: argparse.Namespace) -> int:
    import json

    print(json.dumps(openapi_app(args.actor, settings).openapi(), ensure_ascii=False, indent=1))
    return 0


def deployment(
    settings: Settings, *, replicas: int | None, issuers: int | None, database: str | None
) -> Settings:
    """The settings of ``kofu up``'s options: replicas, issuers, a PostgreSQL server."""
    import dataclasses

    changes: dict[str, object] = {}
    if replicas is not None and replicas > 1:
        changes |= {"center_replicas": replicas, "gateways_per_city": 2, "issuers_per_city": replicas}
    if issuers is not None:
        changes["issuers_per_city"] = max(1, issuers)
    if database:
        from kofu.storage import ensure_database

        base = database.rstrip("/")
        urls = {"center": f"{base}/kofu_center"} | {c: f"{base}/kofu_city_{c}" for c in settings.cities}
        for url in urls.values():
            ensure_database(url)
        changes["db_urls"] = urls
    return dataclasses.replace(settings, **changes) if changes else settings  # type: ignore[arg-type]


def _raise_interrupt(*_args: object) -> None:
    raise KeyboardInterrupt


def _up(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.commands.demo import print_cards
    from kofu.demo import setup, with_names
    from kofu.up import Cluster

    signal.signal(signal.SIGTERM, _raise_interrupt)
    settings = deployment(settings, replicas=args.replicas, issuers=args.issuers, database=args.database)
    print("kofu: preparing PKI, registries and demo cards (the first run takes a little while)…", flush=True)
    cards = with_names(settings, setup(settings))
    cluster = Cluster(settings, with_kiosk=not args.no_kiosk, with_consoles=True)
    from kofu.console.demo import demo_accounts

    accounts = demo_accounts(settings)  # before the consoles start: they migrate the same files
    try:
        cluster.start()
        print_cards(cards)
        if not args.no_kiosk:
            from kofu.kiosk.maintenance import KEY_FILE

            print(f"\nkiosk: {settings.kiosk_url}/")
            # The key itself is never printed: staff read it from the file (0600).
            print(
                f"kiosk maintenance: {settings.kiosk_url}/maintenance   key: {settings.var_dir / 'kiosk' / KEY_FILE}"
            )
        print(f"centre: {settings.center_url}   logs: {settings.log_dir}")
        _print_consoles(settings, accounts)
        print("Ctrl-C stops everything.", flush=True)
        cluster.watch()
    except KeyboardInterrupt:
        pass
    except RuntimeError as exc:  # a port in use, an actor that would not start
        print(f"kofu up: {exc}", file=sys.stderr)
        return 1
    finally:
        cluster.stop()
    return 0


def _center(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.run import run_center

    run_center(settings, args.replica)
    return 0


def _verifier(settings: Settings, _args: argparse.Namespace) -> int:
    from kofu.run import run_verifier

    run_verifier(settings)
    return 0


def _gateway(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.run import run_gateway

    run_gateway(settings, args.city, args.index)
    return 0


def _issuer(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.run import run_issuer

    # The pull loop stops on Ctrl-C or SIGTERM, even when started from a shell that ignores
    # SIGINT for background jobs (a child inherits that, and Python then leaves it ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    run_issuer(settings, args.city)
    return 0


def _kiosk(settings: Settings, _args: argparse.Namespace) -> int:
    from kofu.run import run_kiosk

    run_kiosk(settings)
    return 0


def _print_consoles(settings: Settings, accounts: list[Any]) -> None:
    """The staff consoles' addresses and the demo's accounts (one per role on each)."""
    from kofu.console.ports import console_url

    print("\nstaff consoles (demo accounts: user / password):")
    for scope in ("center", *settings.cities):
        mine = "   ".join(f"{a.username} / {a.password}" for a in accounts if a.scope == scope)
        print(
            f"  {'centre' if scope == 'center' else 'city ' + scope}: {console_url(settings, scope)}/   {mine}"
        )
