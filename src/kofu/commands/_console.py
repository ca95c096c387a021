"""The console commands, registered under ``kofu city`` and ``kofu center``:

    kofu city console --city C                     run the city's console (its internal segment)
    kofu city staff add CITY USER --role R         a staff account of the city's console
    kofu city staff list CITY
    kofu center console                            run the centre's operator console
    kofu center staff add USER --role R            an operator account
    kofu center staff list

The password is asked twice on a terminal, or read as one line from standard input
(``--password-stdin`` is implied when stdin is not a terminal). There is no default password;
only the demo (``kofu up``) makes accounts with passwords of its own, and prints them.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from kofu.config import Settings
from kofu.console.roles import ROLES


def register_city(city_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    console = city_sub.add_parser("console", help="run the city staff console (web)")
    console.add_argument("--city", required=True)
    console.set_defaults(handler=_run_city)
    staff = city_sub.add_parser("staff", help="staff accounts of the city console")
    actions = staff.add_subparsers(dest="staff_action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add an account (password prompted, or one line on stdin)")
    add.add_argument("scope", metavar="CITY")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.set_defaults(handler=_add)
    listing = actions.add_parser("list", help="the accounts and their roles")
    listing.add_argument("scope", metavar="CITY")
    listing.set_defaults(handler=_list)


def register_center(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    console = actions.add_parser("console", help="run the centre's operator console (web)")
    console.set_defaults(handler=_run_center)
    staff = actions.add_parser("staff", help="operator accounts of the centre console")
    staff_actions = staff.add_subparsers(dest="staff_action", required=True, metavar="ACTION")
    add = staff_actions.add_parser("add", help="add an account (password prompted, or one line on stdin)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.set_defaults(handler=_add, scope="center")
    listing = staff_actions.add_parser("list", help="the accounts and their roles")
    listing.set_defaults(handler=_list, scope="center")


def _password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("the two passwords differ")
    return first


def _check_scope(settings: Settings, scope: str) -> None:
    if scope != "center" and scope not in settings.cities:
        raise SystemExit(f"{scope} is not a city of this deployment ({', '.join(settings.cities)})")


def _add(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.console import store

    _check_scope(settings, args.scope)
    engine, db = store.open_db(settings, args.scope)
    try:
        store.add_account(db, args.username, args.role, _password())
        store.audit(
            db,
            f"cli:{getpass.getuser()}"[:32],
            "staff.add",
            target=args.username,
            detail=args.role,
            remote="command line",
        )
    except store.StaffError as exc:
        print(f"refused: {exc.code}: {exc}", file=sys.stderr)
        return 3
    finally:
        engine.dispose()
    print(f"{args.scope}: account {args.username} ({args.role}) added")
    return 0


def _list(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.console import store

    _check_scope(settings, args.scope)
    engine, db = store.open_db(settings, args.scope)
    try:
        for account in store.accounts(db):
            locked = f"  locked until {account.locked_until:%Y-%m-%d %H:%M}" if account.locked_until else ""
            print(f"{account.username:<24} {account.role}{locked}")
    finally:
        engine.dispose()
    return 0


def _run_city(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.city.console.app import create_app
    from kofu.console.ports import console_port
    from kofu.net.server import serve

    _check_scope(settings, args.city)
    serve(create_app(settings, args.city), settings.host, console_port(settings, args.city), None)
    return 0


def _run_center(settings: Settings, _args: argparse.Namespace) -> int:
    from kofu.center.console.app import create_app
    from kofu.console.ports import console_port
    from kofu.net.server import serve

    serve(create_app(settings), settings.host, console_port(settings, "center"), None)
    return 0
