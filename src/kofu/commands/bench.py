"""`kofu bench`: concurrent headless kiosks against the running chain; prints the figures.

Always prints orders, failures (with a line per code), orders/s and p50/p95/p99/max latency
(``n/a`` without orders), the CPU per visit of each actor and of the bench itself, each actor's
memory at the start and the end, and the in-process limit with the ratio to it; with
``--profile``, where each actor's profile was written. Exits 0 only when at least one order printed and none failed; 1
otherwise; 2 when it cannot start (unknown or unsuitable cards, no kiosk identity).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from kofu.clock import JST
from kofu.config import Settings


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text}")
    return value


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"an instant like 2026-11-30T23:59:50+09:00, not {text!r}") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=JST)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = sub.add_parser("bench", help="concurrent headless kiosks against the running chain")
    bench.add_argument("--kiosks", type=_positive_int, default=8, help="headless kiosks (K9001, …)")
    bench.add_argument("--seconds", type=_positive_float, default=10.0)
    bench.add_argument(
        "--cards",
        help="comma-separated demo card labels to order with (default: every adult card a 住民票 is "
        "issued for); each kiosk takes its own share, at least one card per kiosk",
    )
    bench.add_argument(
        "--processes",
        type=_positive_int,
        default=4,
        help="processes the kiosks are spread over (default 4: the bench is not its own limit)",
    )
    bench.add_argument(
        "--inprocess-orders",
        type=int,
        help="orders through the issuer's order path in this process after the run, without network "
        "(the in-process limit; default 20, 3 under CI; 0: not measured)",
    )
    bench.add_argument(
        "--start-at",
        type=_instant,
        help="an instant on this machine's clock (ISO 8601, e.g. 2026-11-30T23:59:50+09:00; Japan time "
        "without an offset): the kiosks load and make their warm-up visits first, then the run starts "
        "at that instant (at once if they are ready later), e.g. to order across midnight",
    )
    bench.add_argument(
        "--profile",
        action="store_true",
        help="sample every running actor with py-spy during the run; profiles go to var/profiles/",
    )
    bench.set_defaults(handler=_bench)


def _bench(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.bench import BenchError, run_bench

    labels = [c.strip() for c in args.cards.split(",") if c.strip()] if args.cards else None
    try:
        result = run_bench(
            settings,
            args.kiosks,
            args.seconds,
            cards=labels,
            processes=args.processes,
            inprocess_orders=args.inprocess_orders,
            profile=args.profile,
            start_at=args.start_at,
        )
    except BenchError as exc:
        print(f"kofu bench: {exc}", file=sys.stderr)
        return 2
    for line in result.lines():
        print(line)
    if result.ok:
        return 0
    if result.orders == 0:
        print("kofu bench: no order succeeded", file=sys.stderr)
    if result.failed:
        print(f"kofu bench: {result.failed} orders failed", file=sys.stderr)
    return 1
