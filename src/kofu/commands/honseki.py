"""`kofu honseki apply`: a 利用登録 (本籍地 registration) at a kiosk, headless.

    kofu honseki apply --card NT-0001 --pin 1234 --city 132110 --honseki 東京都小平市… --hittosha "山田　太郎"

The kiosk seals 本籍 and 筆頭者 for the 本籍地 city; the card holder's name and birth date are
added by the residence city from its own record, sealed for the same city. The centre relays
ciphertext only. Staff of the 本籍地 city then run `kofu city registrations approve`.
"""

from __future__ import annotations

import argparse

from kofu.commands._shared import kiosk_link, kiosk_refused
from kofu.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    honseki = sub.add_parser("honseki", help="本籍地 registration (利用登録) through the running chain")
    honseki_sub = honseki.add_subparsers(dest="honseki_command", required=True, metavar="ACTION")
    apply = honseki_sub.add_parser("apply", help="apply for 利用登録 at the 本籍地 city")
    apply.add_argument("--card", required=True, help="demo card label (see `kofu cards`)")
    apply.add_argument("--pin", required=True, help="the card's 4-digit PIN")
    apply.add_argument("--city", required=True, help="the 本籍地 city's code, e.g. 132110")
    apply.add_argument("--honseki", required=True, help="本籍 as written in the register")
    apply.add_argument("--hittosha", required=True, help="筆頭者 (head of the register), full name")
    apply.set_defaults(handler=_apply)


def _apply(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.card.errors import CardError
    from kofu.card.store import CardStore
    from kofu.kiosk.headless import register_once
    from kofu.protocol.errors import KofuError

    try:
        with kiosk_link(settings) as (center, journal):
            result = register_once(
                center,
                CardStore(settings.cards_dir),
                args.card,
                args.pin,
                args.city,
                args.honseki,
                args.hittosha,
                journal=journal,
            )
    except (KofuError, CardError) as exc:
        return kiosk_refused(exc)
    print(f"application #{result.registration_id} at {result.city_code}: {result.status}")
    return 0
