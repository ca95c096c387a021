"""`kofu settle` on the real chain: a clean month has no difference; one fault of each kind,
made on the real parts, is listed exactly; a rerun writes the same files.

Each fault has a kiosk of its own (fresh ids, their own TLS identities; the faults are made by
`tests.e2e.settle_faults`), and the settlement is asked for those kiosks only, so what other tests do on the shared chain does not show here.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from unittest import mock

import pytest

from kofu import clock
from kofu.cli import main
from kofu.settle import settle
from tests.e2e import settle_faults as faults
from tests.e2e.helpers import order

pytestmark = pytest.mark.e2e


def _settle_cli(settings, month, kiosks, out):  # type: ignore[no-untyped-def]
    args = ["settle", "--month", month, "--out", str(out)]
    for kiosk in kiosks:
        args += ["--kiosk", kiosk]
    return _cli(settings, *args)


def test_settlement_lists_exactly_the_injected_differences(chain, chain_settings, own, tmp_path):
    settings = chain_settings
    card = own().card
    clean, dying, silent, amnesic, forgotten = faults.new_kiosks(settings, 5)
    month = clock.now().strftime("%Y-%m")

    first, _ = order(settings, card, kiosk_id=clean, copies=2)
    statement = settle(settings, month, kiosks=(clean,))
    assert statement.differences == ()
    (line,) = statement.lines
    assert (line.city_code, line.doc, line.documents, line.copies) == (card.city, "juminhyo", 1, 2)
    assert line.fees == first.fee_total
    assert line.commission == 2 * 115 and line.due_to_city == first.fee_total - 230

    faults.kill_between_payment_and_print(settings, dying, card, tmp_path)
    silent_order = faults.lose_the_report(settings, silent, card, tmp_path)
    amnesic_order, _ = order(settings, card, kiosk_id=amnesic)
    faults.lose_the_journal(settings, amnesic)
    forgotten_order, _ = order(settings, card, kiosk_id=forgotten)
    faults.lose_the_city_row(settings, card.city, forgotten_order.order_id)

    kiosks = [clean, dying, silent, amnesic, forgotten]
    done = _settle_cli(settings, month, kiosks, tmp_path / "out")
    print(done.stdout, done.stderr)
    assert done.returncode == 1, done.stderr
    statement = settle(settings, month, kiosks=tuple(kiosks))
    found = {(d.kind, d.kiosk_id) for d in statement.differences}
    assert found == {
        ("charged_not_printed", dying),
        ("sealed_not_reported", silent),
        ("printed_not_charged", amnesic),
        ("reported_unknown_to_city", forgotten),
    }
    by_kind = {d.kind: d for d in statement.differences}
    assert by_kind["sealed_not_reported"].order_id == silent_order
    assert by_kind["printed_not_charged"].order_id == amnesic_order.order_id
    assert by_kind["reported_unknown_to_city"].order_id == forgotten_order.order_id
    assert "escrow" in by_kind["charged_not_printed"].detail
    assert "differences: charged_not_printed 1, printed_not_charged 1, sealed_not_reported 1, " \
           "reported_unknown_to_city 1" in done.stdout  # fmt: skip
    # three printed orders are in the statement: the clean one, the amnesic and the forgotten kiosk's
    assert sum(t.documents for t in statement.totals) == 3

    again = _settle_cli(settings, month, kiosks, tmp_path / "again")
    for name in (f"settlement-{month}.csv", f"differences-{month}.csv", f"settlement-{month}.pdf"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    assert statement.digest in again.stdout
    pdf = (tmp_path / "out" / f"settlement-{month}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")

    # the same orders in the tamper-evident logs: the centre's and the city's verify, an order is proven
    for actor in ("center", card.city):
        published = _cli(settings, "history", "publish", "--actor", actor)
        assert published.returncode == 0, published.stderr
        verified = _cli(settings, "history", "verify", "--actor", actor)
        assert verified.returncode == 0 and "ok: the log is intact" in verified.stdout, verified.stdout
    proven = _cli(settings, "history", "prove", first.order_id)
    assert proven.returncode == 0 and proven.stdout.rstrip().endswith("ok"), proven.stdout + proven.stderr
    assert '"status":"printed"' in proven.stdout


def _cli(settings, *argv):  # type: ignore[no-untyped-def]
    """`kofu ARGV` in this process, against the chain's settings (as a subprocess would be)."""
    env = {"KOFU_VAR": str(settings.var_dir), "KOFU_PORT_BASE": str(settings.port_base),
           "KOFU_KIOSK_PORT": str(settings.kiosk_port)}  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return subprocess.CompletedProcess(["kofu", *argv], code, out.getvalue(), err.getvalue())
