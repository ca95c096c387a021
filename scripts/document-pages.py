"""Render one page of each document type for the README: docs/documents/<type>.png.

    .venv/bin/python scripts/document-pages.py [OUT_DIR]

Everything happens in this process and in a temporary directory: a demo PKI, both demo cities
seeded with synthetic residents, a card for each chosen resident, and one order per document
type through the city's issuer (rules, mapping, rendering, seal, envelope for the kiosk), opened
with the kiosk's key. Page 1 of each sealed document, as the kiosk receives it (before it lays
the 地紋 and the back under it for printing), is rasterized in-process with pypdfium2 at 100 dpi.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.issuer.service import IssuerService
from kofu.city.registry import create_schema, make_engine, seed_city, session_factory, sqlite_url
from kofu.city.registry.models import KosekiRegister, Resident, TaxRecord
from kofu.city.registry.seed import SeededPerson, register_card
from kofu.pki.init import init_pki
from kofu.pki.paths import PkiPaths
from kofu.protocol.center_gateway import OrderCall
from kofu.protocol.envelope import open_document
from kofu.protocol.kiosk_center import OrderRequest

CITY, OTHER = "132292", "132110"
SEED, HOUSEHOLDS = 2026, 40
DPI = 100
JST = ZoneInfo("Asia/Tokyo")

Db = sessionmaker[Session]
Picker = Callable[[Session, list[SeededPerson]], SeededPerson]
REFUSED = {"moved-out", "deceased", "dv-protected", "pending-change", "under-15"}


def _ok(person: SeededPerson) -> bool:
    return not REFUSED & set(person.traits) and person.age >= 18


def _household_of_four(session: Session, people: list[SeededPerson]) -> SeededPerson:
    """A head of four, one of whom never moved within the city and one who did."""
    for head in (p for p in people if "household-head" in p.traits and _ok(p) and "honseki-here" in p.traits):
        members = session.scalars(select(Resident).where(Resident.household_id == head.household_id)).all()
        moved = {m.address_defined_date != m.became_resident_date for m in members}
        if len(members) == 4 and moved == {True, False}:
            return head
    return next(p for p in people if "household-head" in p.traits and _ok(p))


def _sealed_japanese(_session: Session, people: list[SeededPerson]) -> SeededPerson:
    return next(p for p in people if "inkan-registered" in p.traits and "honseki-here" in p.traits and _ok(p))


def _register_with_history(session: Session, people: list[SeededPerson]) -> SeededPerson:
    """A member of a register of three to five people, one of whom left it."""
    by_id = {p.resident_id: p for p in people}
    for register in session.scalars(select(KosekiRegister)):
        members = register.members
        if 3 <= len(members) <= 5 and any(m.removed for m in members):
            holder = next((m for m in members if m.resident_id in by_id and not m.removed), None)
            if holder is not None and _ok(by_id[holder.resident_id]):
                return by_id[holder.resident_id]
    return next(p for p in people if "honseki-here" in p.traits and _ok(p))


def _taxed_with_dependants(session: Session, people: list[SeededPerson]) -> SeededPerson:
    by_id = {p.resident_id: p for p in people}
    year = max(r.fiscal_year for r in session.scalars(select(TaxRecord)))
    records = session.scalars(
        select(TaxRecord).where(
            TaxRecord.fiscal_year == year, TaxRecord.declared, TaxRecord.non_taxable.is_(False)
        )
    ).all()
    best = max(
        (r for r in records if r.resident_id in by_id and _ok(by_id[r.resident_id])),
        key=lambda r: (r.dependants_spouse + r.dependants_general + r.dependants_under16, len(r.incomes)),
    )
    return by_id[best.resident_id]


#: Each document: who orders it, and the options chosen at the kiosk.
ORDERS: dict[str, tuple[Picker, dict[str, str]]] = {
    "juminhyo": (_household_of_four, {"household": "all", "setainushi": "on", "honseki": "on"}),
    "inkan": (_sealed_japanese, {}),
    "koseki": (_register_with_history, {"scope": "zenbu"}),
    "fuhyo": (_register_with_history, {"honseki": "on"}),
    "kazei": (_taxed_with_dependants, {}),
}


def _serial(person: SeededPerson) -> str:
    return f"{person.resident_id:X}D0C5"


def _order(service: IssuerService, person: SeededPerson, doc: str, options: dict[str, str]) -> bytes:
    key = X25519PrivateKey.generate()
    if doc == "kazei":
        options = {"fiscal_year": str(max(service_years(service)))}
    order = OrderRequest(
        city_code=CITY,
        doc=doc,  # type: ignore[arg-type]
        options=options,
        copies=1,
        kiosk_public_key=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        idempotency_key=f"readme-{doc}",
    )
    call = OrderCall(
        request_id=f"r-{doc}",
        city_code=CITY,
        card_serial=_serial(person),
        kiosk_id="README",
        order_id=f"readme-{doc}",
        order=order,
    )
    answer = service.handle(call)
    if answer.order is None or answer.order.status != "issued":
        raise SystemExit(f"{doc}: not issued: {answer}")
    return open_document(answer.order.envelope, key, call.order_id).pdf  # type: ignore[arg-type]


def service_years(service: IssuerService) -> list[int]:
    from kofu.city.registry.models import CitySetting

    with service.db() as session:
        setting = session.get(CitySetting, CITY)
        assert setting is not None
        return list(setting.kazei_fiscal_years or [])


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    today = dt.datetime.now(JST).date()
    with tempfile.TemporaryDirectory(prefix="kofu-readme-") as tmp:
        root = Path(tmp)
        pki = PkiPaths(root / "pki")
        init_pki(pki, cities=[CITY, OTHER], kiosks=[])
        dbs: dict[str, Db] = {}
        people: list[SeededPerson] = []
        for code in (CITY, OTHER):
            engine = make_engine(sqlite_url(root / f"{code}.db"))
            create_schema(engine)
            dbs[code] = session_factory(engine)
            with dbs[code].begin() as session:
                seeded = seed_city(session, code, seed=SEED, households=HOUSEHOLDS, as_of=today)
            if code == CITY:
                people = seeded
        db = dbs[CITY]
        noon = dt.datetime.combine(today, dt.time(12), tzinfo=JST)  # within any city's hours
        service = IssuerService(CITY, db, pki=pki, now=lambda: noon)
        carded: set[int] = set()
        for doc, (pick, options) in ORDERS.items():
            with db.begin() as session:
                person = pick(session, people)
                if person.resident_id not in carded:  # the same person may order twice
                    register_card(
                        session, person.resident_id, _serial(person), f"README-{person.resident_id}"
                    )
                    carded.add(person.resident_id)
            pdf = _order(service, person, doc, options)
            page = pypdfium2.PdfDocument(pdf)[0]
            image = page.render(scale=DPI / 72).to_pil().convert("RGB")
            path = out / f"{doc}.png"
            image.save(path, optimize=True)
            print(f"wrote {path} ({image.width}x{image.height})")


if __name__ == "__main__":
    main(
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parent.parent / "docs" / "documents"
    )
