"""`kofu card insert|remove|readers|status`: put an emulated card into pcscd's virtual reader.

`kofu card insert NAME` connects the stored card NAME to Debian's vsmartcard-vpcd driver inside
pcscd, so every PC/SC program (the kiosk with KOFU_READER=pcsc, `kofu issue --reader pcsc`,
`pcsc_scan`) sees a card in the reader "Virtual PCD 00 00" exactly as if it were a real one.
It runs until `kofu card remove` (or Ctrl-C); the card file stays locked meanwhile, and every PIN
counter change is written at once, as on a real card.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from kofu.config import Settings

VPCD_BASE_PORT = 35963


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    card = sub.add_parser("card", help="emulated cards in a PC/SC reader (pcscd + vsmartcard-vpcd)")
    card_sub = card.add_subparsers(dest="card_command", required=True, metavar="ACTION")
    insert = card_sub.add_parser("insert", help="insert a stored card into pcscd's virtual reader")
    insert.add_argument("name", help="card label, e.g. NT-0001 (see `kofu cards`)")
    insert.add_argument("--port", type=int, help="vpcd port (default KOFU_VPCD_PORT or 35963)")
    insert.add_argument("--detach", action="store_true", help="run in the background; return once inserted")
    insert.set_defaults(handler=_insert)
    remove = card_sub.add_parser("remove", help="take the inserted card out of the virtual reader")
    remove.add_argument("--port", type=int, help="vpcd port (default KOFU_VPCD_PORT or 35963)")
    remove.set_defaults(handler=_remove)
    card_sub.add_parser("readers", help="list PC/SC readers and whether a card is in each").set_defaults(
        handler=_readers
    )
    status = card_sub.add_parser("status", help="a stored card's PIN counters and certificate validity")
    status.add_argument("name")
    status.set_defaults(handler=_status)


def pidfile(settings: Settings, port: int) -> Path:
    """Where a running `kofu card insert` records itself."""
    return settings.var_dir / "run" / f"card-vpcd-{port}.json"


def reader_for_port(port: int) -> str:
    """The PC/SC name of the vpcd slot listening on ``port`` (35963 → "Virtual PCD 00 00")."""
    return f"Virtual PCD 00 {port - VPCD_BASE_PORT:02d}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_pidfile(path: Path) -> dict[str, object] | None:
    try:
        data: dict[str, object] = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    return data


def _raise_interrupt(*_args: object) -> None:
    raise KeyboardInterrupt


def _insert(settings: Settings, args: argparse.Namespace) -> int:
    port = args.port or settings.vpcd_port
    if args.detach:
        return _insert_detached(settings, args.name, port)
    from kofu.card.errors import CardError
    from kofu.card.store import CardStore
    from kofu.card.vpcd import VpcdCard

    path = pidfile(settings, port)
    running = _read_pidfile(path)
    if running and _alive(int(running["pid"])):  # type: ignore[call-overload]
        print(f"card {running['card']} is already inserted (pid {running['pid']}); `kofu card remove` first")
        return 1
    signal.signal(signal.SIGTERM, _raise_interrupt)
    store = CardStore(settings.cards_dir)
    try:
        with store.open(args.name) as stored:
            card = VpcdCard(stored.applet, port=port)
            card.insert()
            server = threading.Thread(target=card.serve, name="vpcd", daemon=True)
            server.start()
            try:
                seen = _confirm_present(reader_for_port(port))
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps({"pid": os.getpid(), "card": args.name, "port": port}))
                note = "" if seen else " (pcscd has not reported it yet)"
                print(
                    f"inserted {args.name} into '{reader_for_port(port)}'{note}; "
                    "`kofu card remove` takes it out",
                    flush=True,
                )
                while server.is_alive():
                    server.join(0.5)
                print("vpcd closed the connection (pcscd stopped?): card out", file=sys.stderr)
                return 1
            except KeyboardInterrupt:
                return 0
            finally:
                card.remove()
                with contextlib.suppress(FileNotFoundError):
                    if (_read_pidfile(path) or {}).get("pid") == os.getpid():
                        path.unlink()
    except CardError as exc:
        print(f"cannot insert {args.name}: {exc.code}: {exc}", file=sys.stderr)
        return 1


def _confirm_present(reader_name: str, timeout: float = 5.0) -> bool:
    """Wait until pcscd reports the card in the reader (best effort: False if it cannot tell)."""
    from kofu.card.errors import CardError
    from kofu.card.pcsc import PcscReader

    try:
        with PcscReader(reader_name) as reader:
            return reader.wait_for_card(timeout)
    except CardError:
        return False


def _insert_detached(settings: Settings, name: str, port: int) -> int:
    log_dir = settings.log_dir
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"card-vpcd-{port}.log", "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kofu.cli", "card", "insert", name, "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "KOFU_VAR": str(settings.var_dir)},
        )
    path = pidfile(settings, port)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        running = _read_pidfile(path)
        if running and running.get("pid") == proc.pid:
            print(
                f"inserted {name} into '{reader_for_port(port)}' (pid {proc.pid}); `kofu card remove` takes it out"
            )
            return 0
        if proc.poll() is not None:
            print(f"kofu card insert failed; see {log_dir / f'card-vpcd-{port}.log'}", file=sys.stderr)
            return 1
        time.sleep(0.1)
    proc.terminate()
    print("timed out waiting for the card to be inserted", file=sys.stderr)
    return 1


def _remove(settings: Settings, args: argparse.Namespace) -> int:
    port = args.port or settings.vpcd_port
    path = pidfile(settings, port)
    running = _read_pidfile(path)
    if running is None:
        print("no card is inserted")
        return 1
    pid = int(running["pid"])  # type: ignore[call-overload]
    if not _alive(pid):
        path.unlink(missing_ok=True)
        print(f"card {running['card']} was no longer inserted (stale record removed)")
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        print(f"pid {pid} did not stop", file=sys.stderr)
        return 1
    path.unlink(missing_ok=True)
    print(f"removed {running['card']} from '{reader_for_port(port)}'")
    return 0


def _readers(_settings: Settings, _args: argparse.Namespace) -> int:
    from kofu.card.errors import CardError
    from kofu.card.pcsc import PcscReader, list_readers

    try:
        names = list_readers()
    except CardError as exc:
        print(f"{exc.code}: {exc}", file=sys.stderr)
        return 1
    if not names:
        print("no PC/SC readers")
    for name in names:
        with PcscReader(name) as reader:
            print(f"{name}: {'card present' if reader.card_present() else 'empty'}")
    return 0


def _status(settings: Settings, args: argparse.Namespace) -> int:
    from cryptography import x509

    from kofu.card.errors import CardError
    from kofu.card.store import CardStore

    try:
        state = CardStore(settings.cards_dir).load(args.name)
    except (CardError, ValueError) as exc:
        print(f"{exc}", file=sys.stderr)
        return 1

    def pin(value: str, tries: int, most: int) -> str:
        return "not set" if not value else ("BLOCKED" if tries == 0 else f"{tries}/{most} tries left")

    print(f"card {state.label}")
    print(f"  auth PIN (JPKI 0018):  {pin(state.auth_pin, state.auth_tries_left, 3)}")
    print(f"  signing PIN (001B):    {pin(state.sign_pin, state.sign_tries_left, 5)}")
    print(f"  text AP PIN (0011):    {pin(state.text_pin, state.text_tries_left, 3)}")
    if state.auth_cert_der:
        cert = x509.load_der_x509_certificate(state.auth_cert_der)
        print(
            f"  auth certificate:      valid {cert.not_valid_before_utc:%Y-%m-%d} … {cert.not_valid_after_utc:%Y-%m-%d}"
        )
    else:
        print("  auth certificate:      none")
    print(f"  signing certificate:   {'present' if state.sign_cert_der else 'none'}")
    print(f"  administration key:    {'present' if state.admin_key else 'none (cannot be unblocked)'}")
    return 0
