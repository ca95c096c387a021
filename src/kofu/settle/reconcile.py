"""The month's statement and the differences between the three records, computed once.

The amounts come from the centre's history: every order it recorded as printed in the month
(Japan time), grouped by city, store chain and document type — documents, copies, fees
collected, the commission to J-LIS and the chain (`kofu.settle.rates`), the amount due to the
city. Each order is then compared across the kiosk's cash journal, the centre's history and the
city's issuance log, and every disagreement is a `Difference` of one of four kinds:

    charged_not_printed   the kiosk's cash unit kept a fee for the order, or still holds money in
                          escrow for it (a kiosk killed between payment and print and not back),
                          and the centre has no print
    printed_not_charged   the centre has it printed and the kiosk's journal kept no fee for it
                          (or less than the centre says was paid)
    sealed_not_reported   the city sealed a document for it and no kiosk ever reported the order
                          (the centre heard nothing after it was sealed, or closed it itself)
    reported_unknown_to_city
                          a kiosk reported the order and the city's issuance log has no row for it

The `Statement` holds every figure: CSV and PDF only print it, and its digest (SHA-256 of its
canonical JSON) is the same for the same records, so a rerun gives the same statement.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kofu.config import Settings
from kofu.settle import rates as rates_mod
from kofu.settle.records import Month, Records, read

DIFFERENCE_KINDS = (
    "charged_not_printed",
    "printed_not_charged",
    "sealed_not_reported",
    "reported_unknown_to_city",
)
DIFFERENCE_TITLES = {
    "charged_not_printed": "料金収受・未印刷",
    "printed_not_charged": "印刷済・料金未収受",
    "sealed_not_reported": "市区町村で封緘・端末報告なし",
    "reported_unknown_to_city": "端末報告あり・市区町村に記録なし",
}
DOC_ORDER = ("juminhyo", "inkan", "koseki", "fuhyo", "kazei")
#: Centre statuses a kiosk has reported (it opened the document, or got further).
_REPORTED = frozenset({"delivered", "paid", "printed"})
#: Centre statuses of an order sealed by the city that no kiosk has reported on.
_UNREPORTED = frozenset({"created", "forwarded", "sealed"})
_SWEPT = "center.swept"


@dataclass(frozen=True)
class Line:
    """One city, chain and document type of the month (``doc`` is ``total`` on a total line)."""

    city_code: str
    city_name: str
    chain: str
    doc: str
    documents: int
    copies: int
    fees: int
    commission_per_copy: int | None
    commission: int
    due_to_city: int


@dataclass(frozen=True)
class Difference:
    """One disagreement between the records about one order."""

    kind: str
    order_id: str
    kiosk_id: str
    city_code: str
    issue_number: str
    detail: str


@dataclass(frozen=True)
class Statement:
    """A month's settlement: its lines, a total line per city and chain, and its differences."""

    month: str
    lines: tuple[Line, ...]
    totals: tuple[Line, ...]
    differences: tuple[Difference, ...]
    orders_compared: int
    journals: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "lines": [asdict(x) for x in self.lines],
            "totals": [asdict(x) for x in self.totals],
            "differences": [asdict(x) for x in self.differences],
            "orders_compared": self.orders_compared,
            "journals": list(self.journals),
        }

    @property
    def digest(self) -> str:
        canonical = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def counts(self) -> dict[str, int]:
        return {kind: sum(1 for d in self.differences if d.kind == kind) for kind in DIFFERENCE_KINDS}


def settle(
    settings: Settings,
    month: str,
    *,
    rates_path: Path | None = None,
    kiosks: tuple[str, ...] = (),
    journal_dir: Path | None = None,
) -> Statement:
    """The statement of ``month`` (``YYYY-MM``) from the three records as they are now."""
    period = Month.parse(month)
    rates = rates_mod.load(
        rates_path if rates_path is not None else settings.var_dir / "settlement.toml", settings.stores_file
    )
    records = read(settings, period, kiosks=kiosks, journal_dir=journal_dir)
    lines = _lines(records, period, rates)
    return Statement(
        month=period.label,
        lines=lines,
        totals=_totals(lines),
        differences=_differences(records),
        orders_compared=len(set(records.kiosk) | set(records.center) | set(records.city)),
        journals=records.journals,
    )


def _doc_rank(doc: str) -> tuple[int, str]:
    return (DOC_ORDER.index(doc) if doc in DOC_ORDER else len(DOC_ORDER), doc)


def _lines(records: Records, month: Month, rates: rates_mod.Rates) -> tuple[Line, ...]:
    groups: dict[tuple[str, str, str], list[int]] = {}
    for order in records.center.values():
        if order.status != "printed" or not month.holds(order.finished_at):
            continue
        key = (order.city_code, rates.chain_of(order.store_id, order.kiosk_id), order.doc)
        documents, copies, fees = groups.setdefault(key, [0, 0, 0])
        groups[key] = [
            documents + 1,
            copies + (order.copies_printed or order.copies),
            fees + order.amount_paid,
        ]
    out = []
    for (city, chain, doc), (documents, copies, fees) in sorted(
        groups.items(), key=lambda item: (item[0][0], item[0][1], _doc_rank(item[0][2]))
    ):
        per_copy = rates.per_copy(city, chain, doc)
        commission = per_copy * copies
        out.append(
            Line(
                city_code=city,
                city_name=records.city_names.get(city, city),
                chain=chain,
                doc=doc,
                documents=documents,
                copies=copies,
                fees=fees,
                commission_per_copy=per_copy,
                commission=commission,
                due_to_city=fees - commission,
            )
        )
    return tuple(out)


def _totals(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    totals: dict[tuple[str, str], Line] = {}
    for line in lines:
        key = (line.city_code, line.chain)
        seen = totals.get(key)
        totals[key] = Line(
            city_code=line.city_code,
            city_name=line.city_name,
            chain=line.chain,
            doc="total",
            documents=line.documents + (seen.documents if seen else 0),
            copies=line.copies + (seen.copies if seen else 0),
            fees=line.fees + (seen.fees if seen else 0),
            commission_per_copy=None,
            commission=line.commission + (seen.commission if seen else 0),
            due_to_city=line.due_to_city + (seen.due_to_city if seen else 0),
        )
    return tuple(totals[key] for key in sorted(totals))


def _differences(records: Records) -> tuple[Difference, ...]:
    found: list[Difference] = []
    for order_id in sorted(set(records.kiosk) | set(records.center) | set(records.city)):
        kiosk, center, city = (
            records.kiosk.get(order_id),
            records.center.get(order_id),
            records.city.get(order_id),
        )
        kiosk_id = (kiosk.kiosk_id if kiosk else None) or (center.kiosk_id if center else None)
        kiosk_id = kiosk_id or (city.kiosk_id if city else "")
        city_code = (center.city_code if center else None) or (city.city_code if city else None)
        city_code = city_code or (kiosk.city_code if kiosk else "")
        number = city.issue_number if city else ""

        def add(kind: str, detail: str) -> None:
            found.append(Difference(kind, order_id, kiosk_id, city_code, number, detail))  # noqa: B023

        printed = center is not None and center.status == "printed"
        centre_says = f"centre: {center.status}" if center else "centre: no record"
        if kiosk is not None and kiosk.kept + kiosk.escrow > 0 and not printed:
            held = f"¥{kiosk.kept} kept" if kiosk.kept else f"¥{kiosk.escrow} held in escrow"
            add("charged_not_printed", f"kiosk {kiosk.state}, {held}; {centre_says}")
        if printed and center is not None and (kiosk is None or kiosk.kept < center.amount_paid):
            kept = f"kiosk kept ¥{kiosk.kept}" if kiosk else "no kiosk journal has the order"
            add("printed_not_charged", f"centre: printed, ¥{center.amount_paid} paid; {kept}")
        unreported = center is None or center.status in _UNREPORTED or center.outcome == _SWEPT
        if city is not None and city.sealed and kiosk is None and unreported:
            state = f"{center.status} ({center.outcome})" if center and center.outcome else centre_says
            add("sealed_not_reported", f"city sealed {city.issue_number}; {state}")
        if city is None:
            by_kiosk = kiosk is not None and kiosk.state != "refused"
            by_centre = center is not None and center.status in _REPORTED
            if by_kiosk or by_centre:
                add("reported_unknown_to_city", f"kiosk {kiosk.state if kiosk else '—'}; {centre_says}")
    rank = {kind: i for i, kind in enumerate(DIFFERENCE_KINDS)}
    return tuple(sorted(found, key=lambda d: (rank[d.kind], d.order_id)))
