"""`kofu bench`: concurrent headless kiosks against the running chain; prints the figures."""

from __future__ import annotations

import argparse

from kofu.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = sub.add_parser("bench", help="concurrent headless kiosks against the running chain")
    bench.add_argument("--kiosks", type=int, default=8)
    bench.add_argument("--seconds", type=float, default=10.0)
    bench.set_defaults(handler=_bench)


def _bench(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.bench import run_bench

    figures = run_bench(settings, args.kiosks, args.seconds)
    print(f"kofu bench: {args.kiosks} kiosks, {args.seconds:.0f} s")
    for key, value in figures.items():
        print(f"  {key:>16}: {value:,.1f}")
    return 0 if figures["orders"] > 0 else 1
