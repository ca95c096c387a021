"""`kofu issue`: one headless visit through the running chain."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kofu.config import Settings

DOCS = ["juminhyo", "inkan", "koseki", "fuhyo", "kazei"]
OPTION_HELP = """document options (--option NAME=VALUE, repeatable):
  juminhyo:  household=self|all   setainushi=off|on   honseki=off|on

exit status: 0 issued, 2 bad arguments, 3 refused (the code and the resident's message are printed)
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    issue = sub.add_parser(
        "issue",
        help="order a document headless through the running chain",
        epilog=OPTION_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    issue.add_argument("--card", required=True, help="demo card label, e.g. NT-0001 (see `kofu cards`)")
    issue.add_argument("--pin", required=True, help="the card's 4-digit PIN")
    issue.add_argument("--doc", required=True, choices=DOCS)
    issue.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")
    issue.add_argument("--copies", type=int, default=1)
    issue.add_argument("--city", help="city code to order from (default: the residence city)")
    issue.add_argument("--out", required=True, type=Path, help="where the printed PDF goes")
    issue.set_defaults(handler=_issue)


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
    context = client_context(settings.pki, "kiosk", settings.kiosk_id)
    centre = CentreLink(settings.center_url, context, settings.kiosk_id)
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
        message = message_for(exc.code)
        tries = getattr(exc, "tries_left", None)
        extra = f" (tries left: {tries})" if tries is not None else ""
        print(f"refused: {exc.code}{extra}\n{message.ja}\n{message.en}", file=sys.stderr)
        return 3
    finally:
        centre.close()
    print(
        f"issued {args.doc} → {args.out}  (order {issued.order_id}, issue no. {issued.issue_number}, "
        f"{issued.pages} page(s), fee ¥{issued.fee_total}, change ¥{issued.change})"
    )
    return 0
