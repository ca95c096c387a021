"""`kofu city …`: the city staff console's 利用登録 decisions and kiosk settings.

    kofu city registrations list    --city C [--all]
    kofu city registrations approve --city C ID      (routes the card to C at the centre)
    kofu city registrations reject  --city C ID --reason TEXT
    kofu city settings show --city C [--json]
    kofu city console --city C   /   kofu city staff add CITY USER --role R   (kofu.commands._console)
    kofu city settings set  --city C [--doc D] [--offered on|off] [--fee YEN] [--hours HH:MM-HH:MM]
                            [--weekdays-only on|off] [--year-end-closed on|off] [--copy-limit N]
                            [--kazei-years 2025,2026]

Settings apply to the very next menu and order (the issuer reads them live).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from kofu.commands._shared import Handler, city_action, refusing
from kofu.config import Settings

DOCS = ("juminhyo", "inkan", "koseki", "fuhyo", "kazei")


def _onoff(value: str) -> bool:
    if value not in ("on", "off"):
        raise argparse.ArgumentTypeError("on or off")
    return value == "on"


def _years(value: str) -> list[int]:
    try:
        return [int(v) for v in value.split(",") if v.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError("years like 2025,2026") from exc


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    city = sub.add_parser("city", help="city staff: 利用登録 decisions and kiosk settings")
    city_sub = city.add_subparsers(dest="city_command", required=True, metavar="AREA")

    regs = city_sub.add_parser("registrations", help="利用登録 (本籍地 registration) applications")
    regs_sub = regs.add_subparsers(dest="registrations_action", required=True, metavar="ACTION")
    listing = _action(regs_sub, "list", "pending applications (with --all: every one)", _list)
    listing.add_argument("--all", action="store_true")
    approve = _action(regs_sub, "approve", "approve: match a register member, route the card", _approve)
    approve.add_argument("id", type=int)
    reject = _action(regs_sub, "reject", "reject with a reason", _reject)
    reject.add_argument("id", type=int)
    reject.add_argument("--reason", required=True)

    conf = city_sub.add_parser("settings", help="documents offered, hours, fees, copy limit, tax years")
    conf_sub = conf.add_subparsers(dest="settings_action", required=True, metavar="ACTION")
    show = _action(conf_sub, "show", "the city's kiosk settings", _show)
    show.add_argument("--json", action="store_true")
    change = _action(conf_sub, "set", "change settings (applies to the next order)", _set)
    change.add_argument("--doc", choices=DOCS, help="the document the next five options change")
    change.add_argument("--offered", type=_onoff, metavar="on|off")
    change.add_argument("--fee", type=int, metavar="YEN")
    change.add_argument("--hours", metavar="HH:MM-HH:MM", help="e.g. 09:00-17:00 (24:00 = midnight)")
    change.add_argument("--weekdays-only", type=_onoff, metavar="on|off")
    change.add_argument(
        "--year-end-closed", type=_onoff, metavar="on|off", help="closed 29 Dec–3 Jan (the demo turns it off)"
    )
    change.add_argument("--copy-limit", type=int, metavar="N")
    change.add_argument(
        "--kazei-years", type=_years, metavar="Y,Y", help="fiscal years offered, e.g. 2025,2026"
    )

    from kofu.commands._console import register_city

    register_city(city_sub)  # `kofu city console`, `kofu city staff …`


def _action(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help: str, handler: Handler
) -> argparse.ArgumentParser:
    return city_action(actions, name, help, handler, city_help="this city's code, e.g. 132292")


def _today() -> dt.date:
    from kofu import clock

    return clock.today()


def _errors() -> tuple[type[Exception], ...]:
    from kofu.city.registry.errors import RegistryError
    from kofu.protocol.errors import KofuError

    return (RegistryError, KofuError, ValueError)


def _list(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.city.issuer.staff import list_registrations

    rows = list_registrations(settings, args.city, everything=args.all)
    if not rows:
        print("no applications" if args.all else "no pending applications")
    for r in rows:
        applicant = f"{r.applicant_name or '?'} {r.applicant_birth_date or ''}".strip()
        print(
            f"#{r.id}  {r.status:<8} applied {r.applied_on}  from {r.residence_city}  "
            f"本籍 {r.honseki}  筆頭者 {r.hittosha}  applicant {applicant}"
        )
    return 0


@refusing(_errors)
def _approve(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.city.issuer.staff import approve

    row = approve(settings, args.city, args.id, _today())
    print(f"registration #{row.id} approved; the card is routed to {args.city} as its 本籍地")
    return 0


@refusing(_errors)
def _reject(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.city.issuer.staff import reject

    row = reject(settings, args.city, args.id, _today(), args.reason)
    print(f"registration #{row.id} rejected")
    return 0


def _print_settings(values: dict[str, Any], as_json: bool = False) -> None:
    if as_json:
        print(json.dumps(values, ensure_ascii=False, indent=1))
        return
    print(
        f"{values['name']} ({values['city']})  copy limit {values['copy_limit']}  "
        f"課税 years {', '.join(map(str, values['kazei_years']))}"
    )
    for doc, d in values["documents"].items():
        days = "weekdays" if d["weekdays_only"] else "every day"
        state = "offered" if d["offered"] else "NOT offered"
        year_end = ", closed 29 Dec–3 Jan" if d.get("year_end_closed") else ""
        print(f"  {doc:<9} {state:<11} ¥{d['fee']:<5} {d['hours']} {days}{year_end}")


@refusing(_errors)
def _show(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.city.issuer.staff import show_settings

    _print_settings(show_settings(settings, args.city), args.json)
    return 0


@refusing(_errors)
def _set(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.city.issuer.staff import set_settings

    values = set_settings(
        settings,
        args.city,
        doc=args.doc,
        offered=args.offered,
        fee=args.fee,
        hours=args.hours,
        weekdays_only=args.weekdays_only,
        year_end_closed=args.year_end_closed,
        copy_limit=args.copy_limit,
        kazei_years=args.kazei_years,
    )
    _print_settings(values)
    return 0
