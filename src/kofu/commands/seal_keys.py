"""`kofu pki rotate-seal CITY`, `kofu pki revoke-seal CITY KID`, `kofu pki export-trust-list`.

These are actions of the `kofu pki` parser (made in `kofu.commands.demo`), added through
:func:`add_pki_actions`; this module registers no top-level command of its own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kofu.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Nothing at the top level: see :func:`add_pki_actions`."""


def add_pki_actions(pki_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the seal-key actions to `kofu pki`."""
    rotate = pki_sub.add_parser("rotate-seal", help="give a city a new seal key (old documents stay valid)")
    rotate.add_argument("city")
    rotate.set_defaults(handler=_rotate)
    revoke = pki_sub.add_parser("revoke-seal", help="revoke a city's seal certificate by kid")
    revoke.add_argument("city")
    revoke.add_argument("kid", help="16 hex digits (see `kofu pki seals`)")
    revoke.add_argument("--reason", default="keyCompromise")
    revoke.set_defaults(handler=_revoke)
    seals = pki_sub.add_parser("seals", help="list each city's seal certificates and revocations")
    seals.set_defaults(handler=_seals)
    export = pki_sub.add_parser("export-trust-list", help="write the signed trust list to a file")
    export.add_argument("out", type=Path)
    export.set_defaults(handler=_export)


def _names(settings: Settings) -> dict[str, str]:
    from kofu.city.registry.cities import CITIES

    return {code: CITIES[code].name if code in CITIES else code for code in settings.cities}


def _rotate(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.pki.errors import PkiError
    from kofu.pki.trust import rotate_seal

    try:
        old, new = rotate_seal(settings.pki, args.city)
    except PkiError as exc:
        print(f"cannot rotate: {exc}", file=sys.stderr)
        return 1
    print(f"{args.city}: new seal key {new}; {old} kept as past (documents it sealed stay valid)")
    return 0


def _revoke(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.pki.errors import PkiError
    from kofu.pki.trust import revoke_seal

    try:
        rotated = revoke_seal(settings.pki, args.city, args.kid, args.reason)
    except PkiError as exc:
        print(f"cannot revoke: {exc}", file=sys.stderr)
        return 1
    print(f"{args.city}: seal {args.kid.lower()} revoked; every document it sealed now reports revoked")
    if rotated:
        print(f"{args.city}: it was the current key, so the city now seals with {rotated}")
    return 0


def _seals(settings: Settings, _args: argparse.Namespace) -> int:
    from kofu.pki.trust import TrustPublisher

    trust = TrustPublisher(settings.pki, _names(settings)).trust_list()
    for entry in sorted(trust.seals.values(), key=lambda e: (e.city, not e.current, e.not_before)):
        state = "revoked" if trust.revocation(entry.kid) else ("current" if entry.current else "past")
        print(
            f"{entry.city}  {entry.kid}  {state:<8} {entry.not_before:%Y-%m-%d} – {entry.not_after:%Y-%m-%d}"
        )
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.pki.trust import TrustPublisher

    args.out.write_bytes(
        TrustPublisher(settings.pki, _names(settings), stores_file=settings.stores_file).signed()
    )
    print(f"signed trust list → {args.out}")
    return 0
