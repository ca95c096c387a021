"""`kofu issue`: one headless visit through the running chain."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kofu.commands._shared import add_documented, kiosk_link, kiosk_refused
from kofu.config import Settings
from kofu.telemetry import tracing

DOCS = ["juminhyo", "inkan", "koseki", "fuhyo", "kazei"]
OPTION_HELP = """document options (--option NAME=VALUE, repeatable; the first value is the default):
  juminhyo  household=self|all|members    whose record: the holder, the whole household, chosen members
            members=N[,N...]              with household=members: people by their place in the
                                          household list (1 = the card holder) or by name as printed
            setainushi=off|on             世帯主・続柄 (head of household and relationship)
            honseki=off|on                本籍・筆頭者 (registered domicile and head of register)
            nationality=off|on            foreign residents: 国籍・地域
            residence_status=off|on       foreign residents: 在留資格, 在留期間, 満了日, 30条45規定区分
            card_number=off|on            foreign residents: 在留カード等の番号
  inkan     (no options)
  koseki    scope=zenbu|kojin             全部事項 (the whole register) or 個人事項 (one person)
            member=N                      with scope=kojin: the person, by place in the register
                                          list (1 = the card holder) or by name as printed
  fuhyo     honseki=off|on                本籍・筆頭者
  kazei     fiscal_year=YYYY              年度 among those the city offers (default: the newest)

--city CODE orders from that city: the residence (default) or the 本籍地 after 利用登録
(`kofu honseki apply`). koseki and fuhyo come from the city that keeps the register.

exit status: 0 issued, 2 bad arguments, 3 refused (the code and the resident's message are printed)
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    issue = add_documented(
        sub, "issue", "order a document headless through the running chain", epilog=OPTION_HELP
    )
    issue.add_argument(
        "--card", help="demo card label, e.g. NT-0001 (see `kofu cards`); not with --reader pcsc"
    )
    issue.add_argument(
        "--reader",
        choices=["emulated", "pcsc"],
        help="emulated: the stored card --card in an in-process reader; pcsc: the card in the first "
        "PC/SC reader (or KOFU_READER_NAME), e.g. one put there by `kofu card insert` (default: KOFU_READER)",
    )
    issue.add_argument(
        "--wait", type=float, default=10.0, help="pcsc: seconds to wait for a card (default 10)"
    )
    issue.add_argument("--pin", required=True, help="the card's 4-digit PIN")
    issue.add_argument("--doc", required=True, choices=DOCS)
    issue.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")
    issue.add_argument("--copies", type=int, default=1)
    issue.add_argument("--city", help="city code to order from (default: the residence city)")
    issue.add_argument("--out", required=True, type=Path, help="where the printed PDF goes")
    issue.set_defaults(handler=_issue)


def _issue(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.card.errors import CardError
    from kofu.card.store import CardStore
    from kofu.kiosk.devices import FilePrinter
    from kofu.kiosk.headless import issue_once
    from kofu.kiosk.journal import recovered
    from kofu.protocol.errors import KofuError

    try:
        options = dict(item.split("=", 1) for item in args.option)
    except ValueError:
        print("--option takes NAME=VALUE", file=sys.stderr)
        return 2
    kind = args.reader or settings.reader
    if (kind == "emulated") != bool(args.card):
        print("--card is needed with the emulated reader, and only with it", file=sys.stderr)
        return 2
    tracing.start(settings.var_dir, "kiosk")  # its visit's spans, for the explainer (kofu.telemetry)
    reader = None
    try:
        with kiosk_link(settings) as (center, journal):
            if kind == "pcsc":
                from kofu.card.pcsc import PcscReader

                reader = PcscReader(settings.reader_name, wait=args.wait)
            with recovered(journal, center):  # a visit this kiosk left open is closed first
                issued = issue_once(
                    center,
                    CardStore(settings.cards_dir),
                    args.card,
                    args.pin,
                    args.doc,
                    options,
                    args.copies,
                    FilePrinter(str(args.out)),
                    city=args.city,
                    journal=journal,
                    reader=reader,
                )
    except (KofuError, CardError) as exc:
        return kiosk_refused(exc)
    finally:
        if reader is not None:
            reader.close()
    print(
        f"issued {args.doc} → {args.out}  (order {issued.order_id}, issue no. {issued.issue_number}, "
        f"{issued.pages} page(s), fee ¥{issued.fee_total}, change ¥{issued.change})"
    )
    return 0
