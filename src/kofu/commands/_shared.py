"""What several commands share: a documented subparser, the headless kiosk's link, a refusal.

A command that talks to the running chain as a kiosk (`issue`, `honseki`, `history mine`) opens
the same two things — the mTLS link to the centre and the kiosk's journal — and prints a refusal
the same way: its stable code, then the words the resident would read at the screen.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kofu.config import Settings
    from kofu.kiosk.center import CenterLink
    from kofu.kiosk.journal import Journal

EXIT_REFUSED = 3


def add_documented(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help: str,
    *,
    epilog: str | None = None,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """A subparser whose hand-written description or epilog keeps its line breaks."""
    return sub.add_parser(
        name,
        help=help,
        epilog=epilog,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


@contextlib.contextmanager
def kiosk_link(settings: Settings) -> Iterator[tuple[CenterLink, Journal]]:
    """This kiosk's link to the centre and its journal, both closed on the way out."""
    from kofu.kiosk.center import CenterLink
    from kofu.kiosk.journal import kiosk_journal
    from kofu.pki.tls import client_context

    context = client_context(settings.pki, "kiosk", settings.kiosk_id)
    center = CenterLink(settings.center_url, context, settings.kiosk_id)
    try:
        journal = kiosk_journal(settings.var_dir, settings.kiosk_id)
    except BaseException:
        center.close()
        raise
    try:
        yield center, journal
    finally:
        center.close()
        journal.close()


def kiosk_refused(exc: Exception) -> int:
    """A refusal at the kiosk, printed: its code (and PIN tries left), then the resident's words."""
    from kofu.protocol.codes import message_for

    code = getattr(exc, "code", "error")
    message = message_for(code)
    tries = getattr(exc, "tries_left", None)
    extra = f" (tries left: {tries})" if tries is not None else ""
    print(f"refused: {code}{extra}\n{message.ja}\n{message.en}", file=sys.stderr)
    return EXIT_REFUSED


def staff_refused(exc: Exception, *, words: bool = True) -> int:
    """A refusal to city staff, printed: its code and reason, then (for a shared code and with
    `words`) the words the resident is shown for it."""
    from kofu.protocol.codes import MESSAGES

    code = getattr(exc, "code", "error")
    print(f"refused: {code}: {exc}", file=sys.stderr)
    shared = MESSAGES.get(code) if words else None
    if shared is not None:
        print(f"  {shared.ja}\n  {shared.en}", file=sys.stderr)
    return EXIT_REFUSED


Handler = Callable[["Settings", argparse.Namespace], int]


def refusing(
    errors: Callable[[], tuple[type[Exception], ...]], *, words: bool = True
) -> Callable[[Handler], Handler]:
    """A staff command's handler whose refusals (`errors()`, imported only when it runs) are
    printed by `staff_refused` and end with `EXIT_REFUSED`."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def run(settings: Settings, args: argparse.Namespace) -> int:
            try:
                return handler(settings, args)
            except errors() as exc:
                return staff_refused(exc, words=words)

        return run

    return wrap


def city_action(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help: str,
    handler: Handler,
    *,
    city_help: str,
) -> argparse.ArgumentParser:
    """A staff command's action: its parser, with the required `--city CODE` and its handler."""
    parser = actions.add_parser(name, help=help)
    parser.add_argument("--city", required=True, help=city_help)
    parser.set_defaults(handler=handler)
    return parser
