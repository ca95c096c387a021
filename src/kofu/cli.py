"""The `kofu` command: run the actors, set up the demo, order documents, measure.

Subcommands live in `kofu.commands.*` (each module registers its own; `_name` modules are
shared by several).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import kofu.commands
from kofu import faketime
from kofu.config import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kofu", description="Convenience-store certificate issuance, end to end."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(kofu.commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue  # a helper of several commands, not a command of its own
        module = importlib.import_module(f"kofu.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        faketime.reexec_with_monotonic_real([sys.executable, "-m", "kofu.cli", *sys.argv[1:]])
    faketime.tolerate_faketime()
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        return int(args.handler(settings, args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
