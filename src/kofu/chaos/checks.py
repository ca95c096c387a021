"""What a chaos run checks afterwards, from three independent records and the kiosks' own eyes.

* the kiosks' journals (what each cash unit took, kept and gave back; what each kiosk printed),
* the centre's history (each order's status, fee and money),
* each city's issuance log (every issue number it took, sealed, and how the order ended),
* what each kiosk worker saw on the paper (did it name the card holder?).

Every figure but the recovery times must be zero.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from kofu.center.models import Order
from kofu.center.outcomes import TERMINAL
from kofu.city.registry.models import Issuance
from kofu.config import Settings
from kofu.kiosk.journal import Journal
from kofu.storage import make_engine, session_factory


@dataclass
class Findings:
    """Counts of each kind of failure (each must be zero), with examples for the operator."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, example: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if len(self.examples.setdefault(kind, [])) < 5:
            self.examples[kind].append(example)

    @property
    def clean(self) -> bool:
        return not any(self.counts.values())


KINDS = (
    "wrong-person documents",
    "printed but not charged",
    "charged but not printed",
    "printed but recorded otherwise",
    "orders accepted and never answered",
    "rows left pending after recovery",
    "duplicate issue numbers",
    "personal data outside the city",
)


def check(settings: Settings, kiosks: list[str], results: list[Path], privacy_hits: list[str]) -> Findings:
    """Every check of the module docstring."""
    found = Findings({kind: 0 for kind in KINDS})
    lines = [
        json.loads(line)
        for path in results
        if path.exists()
        for line in path.read_text().splitlines()
        if line
    ]
    for line in lines:
        if line.get("wrong_person"):
            found.add("wrong-person documents", f"order {line.get('order_id')} at {line['kiosk']}")
    history = _history(settings)
    journals = {kiosk: Journal(settings.var_dir / "kiosk" / kiosk / "journal.db") for kiosk in kiosks}
    printed_by_kiosk: set[str] = set()
    for kiosk, journal in journals.items():
        kept = Counter[str]()
        for row in journal.rows("cash"):
            if row["kind"] == "kept" and row["order_id"]:
                kept[row["order_id"]] += row["amount"]
        for order in journal.rows("orders"):
            order_id = order["order_id"]
            if order["state"] == "printed":
                printed_by_kiosk.add(order_id)
                if kept[order_id] <= 0 and order["fee_total"] > 0:
                    found.add("printed but not charged", f"{kiosk} {order_id} (journal)")
                recorded = history.get(order_id)
                if recorded is None or recorded.status != "printed":
                    found.add(
                        "printed but recorded otherwise",
                        f"{kiosk} {order_id}: centre {recorded.status if recorded else 'none'}",
                    )
            elif order_id and kept[order_id] > 0:
                found.add("charged but not printed", f"{kiosk} {order_id} (journal {order['state']})")
        for report in journal.rows("reports"):
            if report["state"] == "pending":
                found.add("rows left pending after recovery", f"{kiosk} report {report['id']} unsent")
        journal.close()
    for order_id, entry in history.items():
        if entry.status == "printed" and entry.amount_paid <= 0 and entry.fee_total > 0:
            found.add("printed but not charged", f"{order_id} (centre)")
        if entry.status != "printed" and entry.amount_paid > 0:
            found.add("charged but not printed", f"{order_id} (centre {entry.status})")
        if entry.status == "printed" and entry.kiosk_id in journals and order_id not in printed_by_kiosk:
            found.add(
                "printed but recorded otherwise",
                f"{order_id}: printed at the centre, not in its kiosk's journal",
            )
        if entry.status in ("created", "forwarded"):
            found.add("orders accepted and never answered", f"{order_id} ({entry.status})")
        elif entry.status not in TERMINAL:
            found.add("rows left pending after recovery", f"{order_id} ({entry.status})")
    for city in settings.cities:
        numbers = Counter[str]()
        for issuance in _issuances(settings, city):
            numbers[issuance.issue_number] += 1
            # A number taken but never sealed (the issuer died rendering) is closed once the city
            # knows how the order ended; it is pending only while nobody has told it.
            if issuance.sealed_at is None and issuance.refusal is None and issuance.outcome is None:
                found.add(
                    "rows left pending after recovery", f"{city} issue {issuance.issue_number} never sealed"
                )
            elif issuance.outcome is None and issuance.refusal is None:
                found.add(
                    "rows left pending after recovery", f"{city} issue {issuance.issue_number} outcome untold"
                )
        for number, times in numbers.items():
            if times > 1:
                found.add("duplicate issue numbers", f"{city} {number} ×{times}")
    printed_numbers = {  # issue numbers are each city's own series
        (line.get("city"), line.get("issue_number"), line.get("order_id"))
        for line in lines
        if line.get("issue_number")
    }
    per_number = Counter((city, number) for city, number, _order in printed_numbers)
    for (city, number), times in per_number.items():
        if times > 1:
            found.add("duplicate issue numbers", f"{city} {number} printed for {times} orders")
    for hit in privacy_hits:
        found.add("personal data outside the city", hit)
    return found


def _history(settings: Settings) -> dict[str, Order]:
    engine = make_engine(settings.center_db_url())
    try:
        with session_factory(engine)() as session:
            rows = session.scalars(select(Order)).all()
            session.expunge_all()
            return {row.order_id: row for row in rows}
    finally:
        engine.dispose()


def _issuances(settings: Settings, city: str) -> list[Issuance]:
    engine = make_engine(settings.city_db_url(city))
    try:
        with session_factory(engine)() as session:
            rows = list(session.scalars(select(Issuance)).all())
            session.expunge_all()
            return rows
    finally:
        engine.dispose()
