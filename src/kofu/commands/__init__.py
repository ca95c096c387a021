"""Subcommands of `kofu`, one module per family.

Each module defines `register(sub)`, adding its subparsers with `set_defaults(handler=…)`;
a handler takes `(settings, args)` and returns the exit code. `kofu.cli` finds the modules
itself, so adding a family of commands touches no other file.
"""
