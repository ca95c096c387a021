"""`kofu history`: the tamper-evident logs — publish a signed head, verify a log, prove an entry."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kofu.commands._shared import add_documented, kiosk_link, kiosk_refused
from kofu.config import Settings

EPILOG = """The centre's history and each city's issuance log are append-only Merkle logs (RFC 9162).
--actor center (default) or a city code chooses the log; each reads its owner's database.
  publish   append what ended since the last head, sign the log's head with the owner's key
            (the centre's trust-list key, the city's seal key) and keep it (the centre also does
            it at every sweep)
  verify    check every row against its stored leaf hash, the index column for gaps and
            repeats, every kept head against the rows (edited, deleted, reordered rows are named;
            two heads that are not consistent are a fork); --heads OLD NEW also checks a
            consistency proof between two saved heads (JSON files from `heads` or `publish`)
  prove     the inclusion proof of an order's entry (its latest) in the newest head
  heads     every kept head, one JSON line each
  mine      本人通知: with a card and its PIN, every document issued in the holder's name (or
            naming them) in the last 12 months — date, type, store, city — read from each city's
            issuance log through the same sealed path as a document (nothing kept on the way);
            the store is named from the centre's signed trust list (店舗不明 if not listed)
exit status: 0 ok, 1 the log or a proof does not verify, 2 cannot check (the code is printed)
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = add_documented(sub, "history", "the tamper-evident logs: publish, verify, prove", epilog=EPILOG)
    actions = history.add_subparsers(dest="action", required=True)
    for name, handler, text in (
        ("publish", _publish, "append and sign the log's head now"),
        ("verify", _verify, "check a log end to end"),
        ("heads", _heads, "print the kept heads"),
        ("prove", _prove, "inclusion proof of an order's entry"),
    ):
        action = add_documented(actions, name, text, epilog=EPILOG)
        action.add_argument("--actor", default="center", help="center, or a city code")
        action.add_argument("--json", action="store_true", help="print JSON")
        action.set_defaults(handler=handler)
        if name == "verify":
            action.add_argument(
                "--kept-by",
                help="also check the heads of this log that the other side kept (center or a city)",
            )
            action.add_argument("--heads", nargs=2, type=Path, metavar=("OLD", "NEW"), help="two saved heads")
        if name == "prove":
            action.add_argument("order_id")
    mine = actions.add_parser("mine", help="本人通知: what was issued in the card holder's name")
    mine.add_argument("--card", required=True, help="demo card label, e.g. NT-0001 (see `kofu cards`)")
    mine.add_argument("--pin", required=True, help="the card's 4-digit PIN")
    mine.add_argument("--json", action="store_true", help="print JSON")
    mine.set_defaults(handler=_mine)


class _Log:
    """The chosen log: its database, table and keys."""

    def __init__(self, settings: Settings, actor: str) -> None:
        from kofu.storage import make_engine, session_factory

        self.settings, self.actor = settings, actor
        if actor == "center":
            from kofu.center import history as center

            self.table = center.TABLE
            url = settings.center_db_url()
        elif actor in settings.cities:
            from kofu.city.issuer import history as city

            self.table = city.table(actor)
            url = settings.city_db_url(actor)
        else:
            raise _Cannot(
                "history.actor.unknown", f"--actor is center or one of {', '.join(settings.cities)}"
            )
        self.engine = make_engine(url)
        self.db = session_factory(self.engine)

    def public_keys(self) -> Any:
        """The owner's public keys by key id, the current one first (a city's rotated seals too)."""
        from kofu.center import history as center
        from kofu.city.issuer import history as city

        try:
            if self.actor == "center":
                found = center.public_keys(self.settings.pki)
            else:
                found = city.public_keys(self.settings.pki, self.actor)
        except Exception as exc:
            raise _Cannot(
                "history.key.missing", f"the {self.actor} key cannot be read ({type(exc).__name__})"
            ) from exc
        if not found:
            raise _Cannot("history.key.missing", f"no key of {self.actor} is known")
        return found

    def publish(self) -> Any:
        from kofu.center import history as center
        from kofu.city.issuer import history as city

        if self.actor == "center":
            return center.publish(self.db, self.settings.pki)
        return city.publish(self.db, self.settings.pki, self.actor)


class _Cannot(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _run(settings: Settings, args: argparse.Namespace, body: Any) -> int:
    from sqlalchemy.exc import OperationalError

    try:
        target = _Log(settings, args.actor)
        try:
            return int(body(target, args))
        finally:
            target.engine.dispose()
    except _Cannot as exc:
        print(f"{exc.code}: {exc.message}", file=sys.stderr)
        return 2
    except OperationalError:
        print(
            f"history.db.unreadable: the {args.actor} database has no log (run `kofu db upgrade`)",
            file=sys.stderr,
        )
        return 2


def _publish(settings: Settings, args: argparse.Namespace) -> int:
    def body(target: _Log, args: argparse.Namespace) -> int:
        sth = target.publish()
        if args.json:
            print(sth.to_json())
        else:
            head = sth.head
            print(f"{head.log_id}: signed head at size {head.tree_size}, root {head.root_hash.hex()}, "
                  f"{head.timestamp.isoformat(timespec='seconds')}, key {sth.key_id}")  # fmt: skip
        return 0

    return _run(settings, args, body)


def _heads(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.history import log

    def body(target: _Log, args: argparse.Namespace) -> int:
        with target.db() as session:
            for sth in log.heads(session, target.table.heads, target.table.log_id):
                print(sth.to_json())
        return 0

    return _run(settings, args, body)


def _verify(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.history import log
    from kofu.ledger import InvalidHead, SignedTreeHead

    def body(target: _Log, args: argparse.Namespace) -> int:
        keys = target.public_keys()
        given: list[SignedTreeHead] = []
        for path in args.heads or ():
            try:
                given.append(SignedTreeHead.from_json(path.read_text(encoding="utf-8")))
            except (OSError, InvalidHead) as exc:
                raise _Cannot("history.head.unreadable", f"{path.name}: {exc}") from exc
        if getattr(args, "kept_by", None):
            other = _Log(settings, args.kept_by)
            try:
                with other.db() as session:
                    given += log.heads(session, other.table.heads, target.table.log_id)
            finally:
                other.engine.dispose()
        with target.db() as session:
            verdict = log.verify(session, target.table, keys, given)
            problems = list(verdict.messages)
            proof = None
            if args.heads:
                proof, reason = log.consistent(session, target.table, given[0], given[1], keys)
                if reason is not None:
                    problems.append(f"fork: {reason}")
        if args.json:
            out = verdict.as_dict()
            out["problems"] = problems
            if proof is not None:
                out["consistency"] = proof.as_dict()
            print(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            print(f"{verdict.log_id}: {verdict.rows} rows, tree size {verdict.tree_size}, "
                  f"root {verdict.root_hash.hex()}, {verdict.heads_checked} signed heads checked, "
                  f"proven up to {verdict.proven_size}")  # fmt: skip
            if args.heads and proof is not None:
                print(f"consistency proof {proof.old_size} → {proof.new_size}: {len(proof.path)} hashes")
            for problem in problems:
                print(f"  {problem}")
            print("ok: the log is intact" if not problems else f"NOT OK: {len(problems)} problem(s)")
        return 0 if not problems else 1

    return _run(settings, args, body)


def _prove(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from kofu.history import log
    from kofu.ledger import InvalidHead, InvalidProof, check_proof

    def body(target: _Log, args: argparse.Namespace) -> int:
        entry_class = target.table.entry
        with target.db() as session:
            found = list(
                session.scalars(
                    select(entry_class)
                    .where(entry_class.order_id == args.order_id)
                    .order_by(entry_class.leaf_index)
                )
            )
            if not found:
                raise _Cannot(
                    "history.order.unknown",
                    "no entry of this order in the log (not ended, or not published yet)",
                )
            kept = log.heads(session, target.table.heads, target.table.log_id)
            entry = found[-1]
            covering = [h for h in kept if h.head.tree_size > entry.leaf_index]
            if not covering:
                raise _Cannot(
                    "history.head.missing", "no signed head covers the entry yet (`kofu history publish`)"
                )
            sth = covering[-1]
            proof = log.inclusion(session, target.table, entry.leaf_index, sth)
            leaf = log.leaf_of(target.table, entry)
        try:
            keys = target.public_keys()
            check_proof(proof, sth, keys.get(sth.key_id, next(iter(keys.values()))), leaf=leaf)
            verdict = "ok"
        except (InvalidHead, InvalidProof) as exc:
            verdict = f"NOT OK: {exc}"
        if args.json:
            print(json.dumps({"entry": json.loads(leaf), "leaf_index": entry.leaf_index, "proof": proof.as_dict(),
                              "head": sth.as_dict(), "verified": verdict == "ok"}, ensure_ascii=False, indent=2))  # fmt: skip
        else:
            print(
                f"order {args.order_id}: entry {entry.leaf_index} of {target.table.log_id} ({len(found)} entries)"
            )
            print(f"  leaf  {leaf.decode('utf-8')}")
            print(f"  head  size {sth.head.tree_size}, root {sth.head.root_hash.hex()}, key {sth.key_id}")
            print(f"  path  {len(proof.path)} hashes")
            for node in proof.path:
                print(f"        {node.hex()}")
            print(f"  {verdict}")
        return 0 if verdict == "ok" else 1

    return _run(settings, args, body)


def _mine(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.card.errors import CardError
    from kofu.card.store import CardStore
    from kofu.kiosk.headless import notices_once
    from kofu.kiosk.seals import KioskSeals
    from kofu.pki.stores import with_stores
    from kofu.protocol.errors import KofuError, LinkFailed

    try:
        with kiosk_link(settings) as (center, journal):
            entries = notices_once(
                center, CardStore(settings.cards_dir), args.card, args.pin, journal=journal
            )
            try:  # each entry's store, from the signed trust list (a placeholder without it)
                stores = KioskSeals.for_center(center).trust_list().stores
            except LinkFailed:
                stores = {}
            entries = with_stores(entries, stores)
    except (KofuError, CardError) as exc:
        return kiosk_refused(exc)
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return 0
    print("\n".join(mine_lines(entries)))
    return 0


def mine_lines(entries: list[dict[str, str]]) -> list[str]:
    """`kofu history mine` as text: one line per entry, its store named (and its chain)."""
    lines = [f"交付履歴（過去12か月）: {len(entries)} 件"]
    for e in entries:
        who = "本人" if e.get("as") == "holder" else "世帯員として記載"
        store = f"{e['store']}（{e['chain']}）" if e.get("chain") else e["store"]
        lines.append(f"  {e['date']}  {e['title']}  店舗 {store}  {e['city']}  ({who})")
    return lines
