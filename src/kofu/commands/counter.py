"""`kofu counter …`: the city counter's card services, for city staff.

    kofu counter card issue   --city C --resident ID [--pin P] [--sign-pin S] [--text-pin T]
    kofu counter card unblock --city C (--card LABEL | --reader pcsc) [--which auth|sign|text] [--pin P]
    kofu counter card lost    --city C --card LABEL
    kofu counter card expire  --city C [--at ISO-DATETIME]
    kofu counter card read    --city C (--card LABEL | --reader pcsc) --text-pin P
    kofu counter move         --city C --resident ID --to C2 [--date YYYY-MM-DD] [--town T] [--banchi B]

Only the PINs staff have just set are printed; never a card serial.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from kofu.commands._shared import Handler, city_action, refusing
from kofu.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    counter = sub.add_parser("counter", help="city counter: issue, unblock, lost, expiry, move")
    counter_sub = counter.add_subparsers(dest="counter_command", required=True, metavar="ACTION")
    card = counter_sub.add_parser("card", help="card services")
    card_sub = card.add_subparsers(dest="card_action", required=True, metavar="ACTION")

    issue = _action(card_sub, "issue", "issue a new card for a resident of the city", _issue)
    issue.add_argument("--resident", type=int, required=True, help="resident id in the city's registry")
    issue.add_argument("--label", help="card label (default: generated)")
    issue.add_argument("--pin", help="4-digit auth PIN the resident chose (default: random)")
    issue.add_argument("--sign-pin", help="6-16 upper-case letters/digits (default: random)")
    issue.add_argument("--text-pin", help="4-digit text AP PIN (default: the auth PIN)")
    issue.add_argument("--valid-from", type=dt.datetime.fromisoformat, help="demo: certificate notBefore")
    issue.add_argument("--valid-until", type=dt.datetime.fromisoformat, help="demo: certificate notAfter")

    unblock = _action(card_sub, "unblock", "unblock a PIN and set a new one (card at the counter)", _unblock)
    _card_in_reader(unblock)
    unblock.add_argument("--which", choices=["auth", "sign", "text"], default="auth")
    unblock.add_argument("--pin", help="the new PIN the resident chose (default: random)")

    lost = _action(card_sub, "lost", "report a card lost: revoke it", _lost)
    lost.add_argument("--card", required=True, help="card label")

    expire = _action(card_sub, "expire", "mark cards whose certificate has expired", _expire)
    expire.add_argument("--at", type=dt.datetime.fromisoformat, help="as of this time (default: now)")

    read = _action(card_sub, "read", "read name, address, birth date, sex from the card's text AP", _read)
    _card_in_reader(read)
    read.add_argument("--text-pin", required=True)

    move = _action(
        counter_sub, "move", "a resident moves to the other city (card routed there tomorrow)", _move
    )
    move.add_argument("--resident", type=int, required=True)
    move.add_argument("--to", required=True, help="the new city's code")
    move.add_argument("--date", type=dt.date.fromisoformat, help="day of the move (default: today in Japan)")
    move.add_argument("--town", help="town in the new city (default: its first)")
    move.add_argument("--banchi", default="一丁目1番1号")


def _action(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help: str, handler: Handler
) -> argparse.ArgumentParser:
    return city_action(actions, name, help, handler, city_help="the city code of this counter, e.g. 132292")


def _card_in_reader(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--card", help="stored card label (emulated reader)")
    parser.add_argument("--reader", choices=["emulated", "pcsc"], help="default: KOFU_READER")


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


@contextlib.contextmanager
def _service(settings: Settings, city: str) -> Iterator[Any]:
    from kofu.city.counter.service import CounterService

    with CounterService(settings, city) as service:
        yield service


@contextlib.contextmanager
def _reader(settings: Settings, service: Any, args: argparse.Namespace) -> Iterator[Any]:
    kind = args.reader or settings.reader
    if kind == "pcsc":
        from kofu.card.pcsc import PcscReader

        with PcscReader(settings.reader_name, wait=10.0) as reader:
            yield reader
    else:
        if not args.card:
            raise SystemExit("--card is needed with the emulated reader")
        with service.stored_card_reader(args.card) as reader:
            yield reader


def _errors() -> tuple[type[Exception], ...]:
    from kofu.card.errors import CardError
    from kofu.city.counter.errors import CounterError
    from kofu.city.registry.errors import RegistryError

    return (CardError, CounterError, RegistryError)


@refusing(_errors, words=False)
def _issue(settings: Settings, args: argparse.Namespace) -> int:
    with _service(settings, args.city) as service:
        issued = service.issue_card(
            args.resident,
            label=args.label,
            pin=args.pin,
            sign_pin=args.sign_pin,
            text_pin=args.text_pin,
            valid_from=_utc(args.valid_from),
            valid_until=_utc(args.valid_until),
        )
    print(f"issued card {issued.label} for resident {issued.resident_id} of {issued.city}")
    print(f"  auth PIN {issued.pin}   signing PIN {issued.sign_pin}   text PIN {issued.text_pin}")
    print(f"  valid until {issued.not_after:%Y-%m-%d}; route registered at the centre")
    return 0


@refusing(_errors, words=False)
def _unblock(settings: Settings, args: argparse.Namespace) -> int:
    with _service(settings, args.city) as service, _reader(settings, service, args) as reader:
        pin = service.unblock(reader, args.which, args.pin)
    print(f"{args.which} PIN unblocked; new PIN {pin}")
    return 0


@refusing(_errors, words=False)
def _lost(settings: Settings, args: argparse.Namespace) -> int:
    with _service(settings, args.city) as service:
        service.report_lost(args.card)
    print(f"card {args.card} reported lost: certificates revoked (the centre refuses it from now on)")
    return 0


def _expire(settings: Settings, args: argparse.Namespace) -> int:
    with _service(settings, args.city) as service:
        labels = service.expire(_utc(args.at))
    print(f"{len(labels)} card(s) expired" + (": " + ", ".join(labels) if labels else ""))
    return 0


@refusing(_errors, words=False)
def _read(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.card.office import OfficeDriver

    with _service(settings, args.city) as service, _reader(settings, service, args) as reader:
        reader.connect()
        attributes = OfficeDriver(reader).read_attributes(args.text_pin)
        reader.disconnect()
    print(f"name     {attributes.name}")
    print(f"address  {attributes.address}")
    print(f"born     {attributes.birth_date:%Y-%m-%d}")
    print(f"sex      {attributes.sex_ja}")
    return 0


@refusing(_errors, words=False)
def _move(settings: Settings, args: argparse.Namespace) -> int:
    from kofu import clock
    from kofu.city.counter.service import move

    day = args.date or clock.today()
    with _service(settings, args.city) as old, _service(settings, args.to) as new:
        new_id = move(old, new, args.resident, day, town=args.town, banchi=args.banchi)
    print(
        f"resident {args.resident} moved out of {args.city} on {day}; resident {new_id} of {args.to}; "
        f"card routed to {args.to} from {day + dt.timedelta(days=1)}"
    )
    return 0
