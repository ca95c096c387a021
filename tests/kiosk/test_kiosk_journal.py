"""The kiosk's journal: written before money and prints, recovered after a crash, reports retried.

The centre here is a UNIT-TEST STAND-IN that records reports and can be made unreachable or
contradicting; the journal is a real SQLite file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kofu.kiosk.devices import SimulatedCashUnit
from kofu.kiosk.journal import Journal, JournaledCash, Reporter, recovered
from kofu.protocol.errors import Conflict, LinkFailed
from kofu.protocol.kiosk_center import Abandoned, OrderOutcome, OutcomeRecorded


class Center:
    """UNIT-TEST STAND-IN of the centre's report endpoints."""

    def __init__(self) -> None:
        self.down = False
        self.conflict: set[str] = set()
        self.got: list[tuple[str, str]] = []

    def outcome(self, order_id: str, outcome: OrderOutcome) -> OutcomeRecorded:
        if self.down:
            raise LinkFailed("link.unavailable")
        if order_id in self.conflict:
            raise Conflict("order.outcome.conflict")
        self.got.append((order_id, outcome.outcome))
        return OutcomeRecorded(order_id=order_id, status=outcome.outcome, fee_total=0)

    def abandoned(self, body: Abandoned) -> OutcomeRecorded:
        if self.down:
            raise LinkFailed("link.unavailable")
        self.got.append((body.idempotency_key, "abandoned"))
        return OutcomeRecorded(order_id="x", status="cancelled", fee_total=0)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "kiosk" / "K0001" / "journal.db")


def _cash(journal: Journal) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in journal.rows("cash"):
        totals[row["kind"]] = totals.get(row["kind"], 0) + row["amount"]
    return totals


def test_a_printed_order_keeps_the_fee_and_its_report_waits_for_the_centre(journal: Journal) -> None:
    center = Center()
    cash = JournaledCash(SimulatedCashUnit(), journal)
    journal.ordering("key-00001", "132292", "juminhyo", 1)
    journal.ordered("key-00001", "order-1", 200)
    cash.insert(1000)
    journal.printing("key-00001", cash.inserted())
    center.down = True
    journal.printed("key-00001", "order-1", 200, 800, 1)
    assert Reporter(journal, center).flush() == 2  # delivered and printed: both still pending
    center.down = False
    assert Reporter(journal, center).flush() == 0
    assert center.got == [("order-1", "delivered"), ("order-1", "printed")]
    assert _cash(journal) == {"inserted": 1000, "kept": 200, "change": 800}
    assert journal.escrow() == 0


@pytest.mark.parametrize("step", ["printed", "ended", "misissuance"])
def test_a_state_and_its_report_are_written_together_or_not_at_all(
    journal: Journal, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """A crash between recording what happened and queuing its report must not leave a printed
    order that is never reported (the sweep would then record it as failed for good)."""
    journal.ordering("key-00001", "132292", "juminhyo", 1)
    journal.ordered("key-00001", "order-1", 200)
    journal.printing("key-00001", 200)
    before = (journal.rows("orders"), journal.rows("cash"), journal.rows("reports"))

    def crash(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError("the process died here")

    monkeypatch.setattr("kofu.kiosk.journal.json.dumps", crash)  # the report's row fails to be made
    with pytest.raises(RuntimeError):
        if step == "printed":
            journal.printed("key-00001", "order-1", 200, 0, 1)
        elif step == "ended":
            journal.ended("key-00001", "order-1", "failed", 200)
        else:
            journal.misissuance("key-00001", "order-1", None)
    assert (journal.rows("orders"), journal.rows("cash"), journal.rows("reports")) == before
    monkeypatch.undo()
    journal.printed("key-00001", "order-1", 200, 0, 1)
    (row,) = journal.rows("orders")
    bodies = [r["body"] for r in journal.rows("reports")]
    assert row["state"] == "printed" and any('"printed"' in b for b in bodies)


@pytest.mark.parametrize(
    ("left", "expected"),
    [("ordering", "abandoned"), ("ordered", "cancelled"), ("printing", "failed")],
)
def test_a_crash_leaves_nothing_open_and_no_money_unaccounted(
    journal: Journal, left: str, expected: str
) -> None:
    """kill -9 at each step: after restart the order is closed with the truth and the money
    the cash unit held is given back (and written down)."""
    cash = JournaledCash(SimulatedCashUnit(), journal)
    journal.ordering("key-00002", "132292", "juminhyo", 1)
    if left in ("ordered", "printing"):
        journal.ordered("key-00002", "order-2", 200)
    cash.insert(500)
    cash.insert(500)
    if left == "printing":
        journal.printing("key-00002", cash.inserted())
    # …the process dies here; a new one opens the same journal:
    center = Center()
    returned: list[int] = []
    with recovered(Journal(journal.path), center, returned.append) as owner:
        assert owner
    assert returned == [1000]
    assert _cash(journal) == {"inserted": 1000, "refund": 1000}
    (order,) = journal.rows("orders")
    assert order["state"] in ("cancelled", "failed")
    told = {what for _key, what in center.got}
    assert expected in told
    assert journal.pending() == []


def test_money_inserted_with_no_order_is_given_back_after_a_crash(journal: Journal) -> None:
    JournaledCash(SimulatedCashUnit(), journal).insert(1000)  # then kill -9
    returned: list[int] = []
    with recovered(Journal(journal.path), Center(), returned.append):
        pass
    assert returned == [1000] and _cash(journal) == {"inserted": 1000, "refund": 1000}


def test_a_report_the_centre_contradicts_is_kept_as_refused_not_sent_forever(journal: Journal) -> None:
    center = Center()
    center.conflict.add("order-3")
    journal.ordering("key-00003", "132292", "juminhyo", 1)
    journal.ordered("key-00003", "order-3", 200)
    assert Reporter(journal, center).flush() == 0
    assert [r["state"] for r in journal.rows("reports")] == ["refused"]


def test_only_one_process_is_the_kiosk(journal: Journal) -> None:
    with recovered(journal, Center()) as first, recovered(Journal(journal.path), Center()) as second:
        assert first and not second
