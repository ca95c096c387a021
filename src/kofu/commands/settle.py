"""`kofu settle --month YYYY-MM`: the month's settlement, reconciled three ways."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kofu.commands._shared import add_documented
from kofu.config import Settings

EPILOG = """For each city and each store chain: documents and copies by type, fees collected, the
commission to J-LIS and the chain, the amount due to the city — from the centre's history of
printed orders. Every order of the month is compared across each kiosk's cash journal, the
centre's history and the city's issuance log, and each difference is listed:
  charged_not_printed       the kiosk kept (or holds in escrow) money for an order never printed
  printed_not_charged       printed at the centre, no fee in the kiosk's cash journal
  sealed_not_reported       sealed by the city, never reported by a kiosk
  reported_unknown_to_city  reported by a kiosk, no row in the city's issuance log
The split is a setting: $KOFU_VAR/settlement.toml or --rates FILE (default ¥115 a copy to J-LIS
and the store; see kofu/settle/rates.py). Written to --out: settlement-YYYY-MM.csv,
differences-YYYY-MM.csv and settlement-YYYY-MM.pdf; the same records give the same files.

exit status: 0 no difference, 1 differences listed, 2 cannot settle (the code is printed)
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    settle = add_documented(
        sub,
        "settle",
        "the month's settlement per city and chain, reconciled three ways (CSV and PDF)",
        epilog=EPILOG,
    )
    settle.add_argument("--month", required=True, help="YYYY-MM (Japan time)")
    settle.add_argument("--out", type=Path, help="directory for the files (default: $KOFU_VAR/settlement)")
    settle.add_argument("--rates", type=Path, help="the split settings (TOML)")
    settle.add_argument("--kiosk", action="append", default=[], help="only this kiosk (repeatable)")
    settle.add_argument(
        "--journals", type=Path, help="where the kiosks' journals are (default: $KOFU_VAR/kiosk)"
    )
    settle.set_defaults(handler=_settle)


def _settle(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.settle import settle
    from kofu.settle.output import DOC_TITLES, differences_csv, lines_csv, statement_pdf
    from kofu.settle.records import SettleError

    try:
        statement = settle(
            settings, args.month, rates_path=args.rates, kiosks=tuple(args.kiosk), journal_dir=args.journals
        )
    except SettleError as exc:
        print(f"{exc.code}: {exc.message}", file=sys.stderr)
        return 2
    out: Path = args.out or settings.var_dir / "settlement"
    out.mkdir(parents=True, exist_ok=True)
    files = {
        f"settlement-{statement.month}.csv": lines_csv(statement).encode("utf-8"),
        f"differences-{statement.month}.csv": differences_csv(statement).encode("utf-8"),
        f"settlement-{statement.month}.pdf": statement_pdf(statement),
    }
    for name, data in files.items():
        (out / name).write_bytes(data)
    print(f"settlement {statement.month}: {statement.orders_compared} orders compared, "
          f"{len(statement.journals)} kiosk journals read")  # fmt: skip
    for total in statement.totals:
        print(
            f"  {total.city_code} {total.city_name}  chain {total.chain}: {total.documents} documents, "
            f"{total.copies} copies, fees ¥{total.fees:,}, commission ¥{total.commission:,}, "
            f"due to the city ¥{total.due_to_city:,}"
        )
        for line in statement.lines:
            if (line.city_code, line.chain) == (total.city_code, total.chain):
                print(f"      {DOC_TITLES.get(line.doc, line.doc)}: {line.documents} / {line.copies} copies, "
                      f"¥{line.fees:,}")  # fmt: skip
    counts = statement.counts()
    print("differences: " + ", ".join(f"{kind} {n}" for kind, n in counts.items()))
    for diff in statement.differences:
        print(f"  {diff.kind}  order {diff.order_id}  kiosk {diff.kiosk_id}  city {diff.city_code}  "
              f"no. {diff.issue_number or '-'}: {diff.detail}")  # fmt: skip
    print(f"digest {statement.digest}")
    for name in files:
        print(f"wrote {out / name}")
    return 1 if statement.differences else 0
