"""`kofu chaos`: the bench while random actors are killed with SIGKILL; every invariant checked.

    kofu chaos --seconds 60 --kill issuer,gateway,center,kiosk [--kiosks 4] [--interval 3]

It runs on its own demo and cluster (``var/chaos-run``, free ports) and prints what it found:
wrong-person documents, printed-but-not-charged, charged-but-not-printed, printed-but-recorded-
otherwise, orders never answered, rows left pending, duplicate issue numbers, personal data
outside the cities — each must be zero — and how long each actor took to serve again. Exit 0
only when all are zero.
"""

from __future__ import annotations

import argparse

from kofu.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chaos = sub.add_parser("chaos", help="bench while killing random actors; check every invariant")
    chaos.add_argument("--seconds", type=float, default=60.0)
    chaos.add_argument("--kill", default="issuer,gateway,center,kiosk", help="kinds to kill, comma-separated")
    chaos.add_argument("--kiosks", type=int, default=4)
    chaos.add_argument("--interval", type=float, default=3.0, help="seconds between two kills")
    chaos.add_argument("--seed", type=int, help="the random choices of actors to kill")
    chaos.set_defaults(handler=_chaos)


def _chaos(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.chaos.run import run

    kinds = tuple(k.strip() for k in args.kill.split(",") if k.strip())
    print(f"kofu chaos: {args.seconds:.0f} s, {args.kiosks} kiosks, killing {', '.join(kinds) or 'nothing'} "
          f"every {args.interval:.1f} s", flush=True)  # fmt: skip
    report = run(
        settings, seconds=args.seconds, kill=kinds, kiosks=args.kiosks, interval=args.interval, seed=args.seed
    )
    for line in report.lines():
        print(line)
    print("clean: every invariant held" if report.findings.clean else "NOT CLEAN: see above")
    return 0 if report.findings.clean else 1
