"""`kofu center city …` and `kofu db upgrade`: what the centre's operators do by hand.

    kofu center city list                          cities: running or stopped, by whom, why
    kofu center city stop CODE --reason TEXT       stop orders to a city for every store
    kofu center city resume CODE --reason TEXT     let them through again
    kofu center city events [CODE]                 stops, resumes, misissuance reports
    kofu db upgrade center|city|console [--city CODE]   migrate a database to the newest revision
    kofu center console, kofu center staff add USER --role R   (kofu.commands._console)

Every stop and resume is recorded with who ran it (the operator's login name) and why.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from kofu.config import Settings


def register_center_actions(center: argparse.ArgumentParser) -> None:
    """``kofu center city …`` under ``kofu center`` (which alone runs the centre)."""
    actions = center.add_subparsers(dest="center_action", metavar="ACTION")
    city = actions.add_parser("city", help="cities: list, stop, resume, events")
    city_actions = city.add_subparsers(dest="city_action", required=True, metavar="ACTION")
    city_actions.add_parser("list", help="every city and whether orders go through").set_defaults(
        handler=_list
    )
    for name, handler in (("stop", _stop), ("resume", _resume)):
        sp = city_actions.add_parser(name, help=f"{name} orders to a city, for every store")
        sp.add_argument("code")
        sp.add_argument("--reason", required=True, help="why (recorded with your name)")
        sp.set_defaults(handler=handler)
    events = city_actions.add_parser("events", help="stops, resumes and misissuance reports, newest first")
    events.add_argument("code", nargs="?")
    events.set_defaults(handler=_events)

    from kofu.commands._console import register_center

    register_center(actions)  # `kofu center console`, `kofu center staff …`


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="databases: upgrade to the newest migration")
    actions = db.add_subparsers(dest="db_action", required=True, metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="migrate the centre's or a city's database")
    upgrade.add_argument("actor", choices=["center", "city", "console"])
    upgrade.add_argument("--city", help="the city (default: every city of this deployment)")
    upgrade.set_defaults(handler=_upgrade)


def _db(settings: Settings):  # type: ignore[no-untyped-def]
    from kofu.center.migrate import upgrade
    from kofu.storage import make_engine, session_factory

    engine = make_engine(settings.center_db_url())
    upgrade(engine)
    return session_factory(engine)


def _list(settings: Settings, _args: argparse.Namespace) -> int:
    from kofu.center.models import City

    with _db(settings)() as session:
        for city in session.query(City).order_by(City.code):
            state = (
                f"STOPPED by {city.stopped_by} at {city.stopped_at:%Y-%m-%d %H:%M}: {city.stop_reason}"
                if city.stopped
                else "running"
            )
            print(f"{city.code}  {city.name}  {state}")
    return 0


def _stop(settings: Settings, args: argparse.Namespace) -> int:
    return _set(settings, args, stopping=True)


def _resume(settings: Settings, args: argparse.Namespace) -> int:
    return _set(settings, args, stopping=False)


def _set(settings: Settings, args: argparse.Namespace, *, stopping: bool) -> int:
    from kofu.center import stops
    from kofu.protocol.errors import KofuError

    by = f"operator:{getpass.getuser()}"
    try:
        (stops.stop if stopping else stops.resume)(_db(settings), args.code, by=by, reason=args.reason)
    except KofuError as exc:
        print(f"refused: {exc.code}: {exc.detail}", file=sys.stderr)
        return 3
    print(f"{args.code} {'stopped' if stopping else 'resumed'} by {by}: {args.reason}")
    return 0


def _events(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.center import stops

    for event in stops.events(_db(settings), args.code):
        order = f" order {event.order_id}" if event.order_id else ""
        print(
            f"{event.at:%Y-%m-%d %H:%M:%S}  {event.city_code}  {event.kind:<22} by {event.by}{order}: {event.reason}"
        )
    return 0


def _upgrade(settings: Settings, args: argparse.Namespace) -> int:
    if args.actor == "center":
        from kofu.center.migrate import CENTER

        CENTER.upgrade(settings.center_db_url())
        print(f"center database at {CENTER.head()}")
        return 0
    if args.actor == "console":  # the staff consoles' own databases (accounts, sessions, audit)
        from kofu.console.store import open_db

        for scope in [args.city] if args.city else ["center", *settings.cities]:
            open_db(settings, scope)[0].dispose()
            print(f"console {scope} database at the newest revision")
        return 0
    from kofu.city.registry.migrate import CITY

    for code in [args.city] if args.city else settings.cities:
        CITY.upgrade(settings.city_db_url(code))
        print(f"city {code} database at {CITY.head()}")
    return 0
