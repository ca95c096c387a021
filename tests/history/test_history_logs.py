"""The centre's history and a city's issuance log as tamper-evident logs, on real SQLite databases
made by the migrations: `kofu history verify` names each row deleted, reordered or edited in the
database directly, detects a fork, and the heads outlive the process that signed them."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from kofu.center import history as center
from kofu.center.migrate import upgrade as upgrade_center
from kofu.center.models import Order
from kofu.city.issuer import history as city
from kofu.city.registry import create_schema, sqlite_url
from kofu.city.registry.models import Issuance
from kofu.cli import main
from kofu.history import log
from kofu.ledger.merkle import hash_leaf
from kofu.pki.paths import PkiPaths
from kofu.pki.seal import ensure_seal
from kofu.pki.trust import ensure_trust_signer, rotate_seal
from kofu.storage import make_engine, session_factory

ROOT = Path(__file__).resolve().parents[2]
CITY = "132292"
T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def var(tmp_path, monkeypatch):
    monkeypatch.setenv("KOFU_VAR", str(tmp_path))
    ensure_trust_signer(PkiPaths(tmp_path / "pki"))
    ensure_seal(PkiPaths(tmp_path / "pki"), CITY)
    return tmp_path


def _center(var: Path, orders: int):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{var / 'center.db'}"
    upgrade_center(url)
    db = session_factory(make_engine(url))
    _add_orders(db, 0, orders)
    return db


def _add_orders(db, start: int, count: int) -> None:  # type: ignore[no-untyped-def]
    with db.begin() as session:
        for n in range(start, start + count):
            at = T0 + timedelta(minutes=n)
            session.add(
                Order(order_id=f"o{n:04d}", idempotency_key=f"k{n}", created_at=at, finished_at=at,
                      updated_at=at, kiosk_id="K0001", store_id="S0001", city_code=CITY, doc="juminhyo",
                      copies=1, fee_total=200, status="printed", outcome="printed", amount_paid=200,
                      copies_printed=1)
            )  # fmt: skip


def _verify(*extra: str) -> tuple[int, str]:
    return _cli("history", "verify", *extra)


def _cli(*argv: str) -> tuple[int, str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_a_clean_log_verifies_and_each_tampering_is_named(var):
    db = _center(var, 12)
    assert _cli("history", "publish")[0] == 0
    code, out = _verify()
    assert code == 0 and "ok: the log is intact" in out and "12 rows" in out

    with db.begin() as session:  # edit: a fee taken off one order after the fact
        session.execute(text("UPDATE history_log SET amount_paid = 0 WHERE leaf_index = 4"))
    code, out = _verify()
    assert code == 1 and "row 4 edited" in out
    with db.begin() as session:
        session.execute(text("UPDATE history_log SET amount_paid = 200 WHERE leaf_index = 4"))

    with db.begin() as session:  # reorder: two entries exchange places
        session.execute(text("UPDATE history_log SET leaf_index = -1 WHERE leaf_index = 6"))
        session.execute(text("UPDATE history_log SET leaf_index = 6 WHERE leaf_index = 7"))
        session.execute(text("UPDATE history_log SET leaf_index = 7 WHERE leaf_index = -1"))
    code, out = _verify()
    assert code == 1 and "rows 6 and 7 reordered" in out
    with db.begin() as session:
        session.execute(text("UPDATE history_log SET leaf_index = -1 WHERE leaf_index = 6"))
        session.execute(text("UPDATE history_log SET leaf_index = 6 WHERE leaf_index = 7"))
        session.execute(text("UPDATE history_log SET leaf_index = 7 WHERE leaf_index = -1"))
    assert _verify()[0] == 0

    with db.begin() as session:  # delete: one entry gone
        session.execute(text("DELETE FROM history_log WHERE leaf_index = 9"))
    code, out = _verify()
    assert code == 1 and "row 9 deleted" in out


def test_a_late_end_is_appended_and_an_order_is_proven(var):
    db = _center(var, 5)
    center.publish(db, PkiPaths(var / "pki"))
    with db.begin() as session:  # swept as failed, then the kiosk's print report arrived
        session.get(Order, "o0002").status = "failed"
    center.publish(db, PkiPaths(var / "pki"))
    code, out = _cli("history", "prove", "o0002")
    assert code == 0, out
    assert (
        "entry 5 of center (2 entries)" in out and '"status":"failed"' in out and out.rstrip().endswith("ok")
    )
    assert _cli("history", "prove", "nope")[0] == 2
    assert not {"name", "address", "card_ref", "card_serial", "resident_id"} & set(center.FIELDS)


def test_a_forked_log_is_detected(var, tmp_path):
    db = _center(var, 6)
    old = center.publish(db, PkiPaths(var / "pki"))
    (tmp_path / "old.json").write_text(old.to_json())
    # the owner rewrites entry 2 and re-hashes it (so no row looks edited), appends, signs again
    with db.begin() as session:
        session.execute(text("UPDATE history_log SET fee_total = 10, amount_paid = 10 WHERE leaf_index = 2"))
    with db.begin() as session:
        (row,) = [e for e in log.entries(session, center.TABLE) if e.leaf_index == 2]
        row.leaf_hash = hash_leaf(log.leaf_of(center.TABLE, row)).hex()
    _add_orders(db, 6, 3)
    # its own publishing goes on from the frontier kept with the last head: that head still
    # follows from the old one, and the rewritten row shows against both
    kept = center.publish(db, PkiPaths(var / "pki"))
    assert kept.head.tree_size == 9
    code, out = _verify()
    assert code == 1 and "rewritten before 6" in out and "not consistent" not in out
    with db.begin() as session:  # so the owner drops the frontiers too, and signs the rewritten log
        session.execute(text("UPDATE tree_heads SET frontier = NULL"))
    new = center.publish(db, PkiPaths(var / "pki"))
    assert new.head.tree_size == 9 and new.head.root_hash != kept.head.root_hash
    (tmp_path / "new.json").write_text(new.to_json())
    code, out = _verify("--heads", str(tmp_path / "old.json"), str(tmp_path / "new.json"))
    assert code == 1
    assert "fork: heads at 6 and 9 are not consistent" in out
    code, out = _verify()  # the two heads the centre kept tell it as well
    assert code == 1 and "fork: heads at 6 and 9 are not consistent" in out


def test_heads_survive_a_restart(var):
    db = _center(var, 3)
    first = center.publish(db, PkiPaths(var / "pki"))
    db.kw["bind"].dispose()
    env = {"KOFU_VAR": str(var), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "kofu.cli", "history", "heads"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert first.to_json() in done.stdout.splitlines()
    done = subprocess.run([sys.executable, "-m", "kofu.cli", "history", "verify"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0 and "1 signed heads checked" in done.stdout, done.stdout


def test_a_city_log_names_an_edited_row(var):
    engine = make_engine(sqlite_url(var / f"city-{CITY}.db"))
    create_schema(engine)
    db = session_factory(engine)
    with db.begin() as session:
        for n in range(4):
            session.add(
                Issuance(order_id=f"o{n}", issue_number=f"2026-{n:06d}", doc="juminhyo", copies=1,
                         fee_total=200, kiosk_id="K0001", holder_resident_id=None, named_resident_ids="[]",
                         started_at=T0, sealed_at=T0)
            )  # fmt: skip
    city.publish(db, PkiPaths(var / "pki"), CITY)
    with db.begin() as session:
        session.get(Issuance, 2).outcome = "printed"
    head = city.publish(db, PkiPaths(var / "pki"), CITY)
    assert head.head.tree_size == 5  # four sealed, one of them printed
    assert _verify("--actor", CITY)[0] == 0
    with db.begin() as session:
        session.execute(text("UPDATE issuance_log SET issue_number = '2026-999999' WHERE leaf_index = 1"))
    code, out = _verify("--actor", CITY)
    assert code == 1 and "row 1 edited" in out
    engine.dispose()


def test_a_city_log_verifies_across_a_seal_rotation(var):
    engine = make_engine(sqlite_url(var / f"city-{CITY}.db"))
    create_schema(engine)
    db = session_factory(engine)
    with db.begin() as session:
        session.add(Issuance(order_id="o1", issue_number="2026-000001", doc="inkan", copies=1, fee_total=200,
                             kiosk_id="K0001", named_resident_ids="[]", started_at=T0, sealed_at=T0))  # fmt: skip
    before = city.publish(db, PkiPaths(var / "pki"), CITY)
    rotate_seal(PkiPaths(var / "pki"), CITY)
    after = city.publish(db, PkiPaths(var / "pki"), CITY)
    assert before.key_id != after.key_id
    code, out = _verify("--actor", CITY)
    assert code == 0 and "2 signed heads checked" in out, out
    with db.begin() as session:
        session.execute(text("UPDATE issuance_log SET doc = 'koseki' WHERE leaf_index = 0"))
    code, out = _verify("--actor", CITY)
    assert code == 1 and "row 0 edited" in out
    engine.dispose()


def test_the_heads_a_city_kept_catch_a_centre_that_rewrote_its_log_and_heads(var):
    db = _center(var, 5)
    sth = center.publish(db, PkiPaths(var / "pki"))
    engine = make_engine(sqlite_url(var / f"city-{CITY}.db"))
    create_schema(engine)
    with session_factory(engine).begin() as session:  # handed over at a sweep (`heads`)
        log.keep(session, city.table(CITY).heads, sth)
    engine.dispose()
    with db.begin() as session:  # the centre drops its heads and rewrites an entry, re-hashed
        session.execute(text("DELETE FROM tree_heads"))
        session.execute(text("UPDATE history_log SET fee_total = 1 WHERE leaf_index = 3"))
    with db.begin() as session:
        (row,) = [e for e in log.entries(session, center.TABLE) if e.leaf_index == 3]
        row.leaf_hash = hash_leaf(log.leaf_of(center.TABLE, row)).hex()
    assert _verify()[0] == 0  # on its own word alone, nothing shows
    code, out = _verify("--kept-by", CITY)
    assert code == 1 and "head at size 5 does not match the log" in out
