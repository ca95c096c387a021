"""Invariant 4: after the orders of this test session, nothing personal outside the city.

Marked ``after_chain``: it runs after every other test of the session that uses the running
chain (tests/e2e, tests/browser, tests/pcsc; see tests/conftest.py), then scans the centre's
database, the centre's and the gateways' logs and temp directories for every resident's name,
address, 本籍 and 筆頭者, every 本籍 and 筆頭者 applied for in a 利用登録 (as the 本籍地 city
recorded them, i.e. as the kiosk sent them), each as UTF-8 and as JSON writes it with
``ensure_ascii`` (``\\u5c71\\u53e3``, lower- and upper-case hex), and every card's certificate
serial; and the centre's operator console (its database, log and every page). The city's own database is scanned too, as a control that the scan finds what is there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kofu.center.models import Order
from kofu.chaos.privacy import Needles
from kofu.city.issuer import staff
from kofu.storage import make_engine, session_factory
from tests.consoles import CENTER_PAGES, pages
from tests.e2e.helpers import card_serials, files_under, registry

pytestmark = [pytest.mark.e2e, pytest.mark.after_chain]


def _escaped(text: str) -> str:
    """``text`` as ``json.dumps(text, ensure_ascii=True)`` writes it, without the quotes."""
    return json.dumps(text, ensure_ascii=True)[1:-1]


def _forms(what: str, text: str | None) -> dict[str, bytes]:
    """The ways ``text`` could be written to a file: UTF-8 and JSON-escaped (both hex cases)."""
    if not text:
        return {}
    forms = {what: text.encode()}
    escaped = _escaped(text)
    if escaped != text:
        forms[f"{what} (JSON-escaped)"] = escaped.encode()
        upper = re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), escaped)
        if upper != escaped:
            forms[f"{what} (JSON-escaped, upper hex)"] = upper.encode()
    return forms


def _applications(settings) -> dict[str, list[staff.RegistrationRow]]:  # type: ignore[no-untyped-def]
    """Every 利用登録 each city recorded as 本籍地, with 本籍 and 筆頭者 as the kiosk sent them."""
    return {city: staff.list_registrations(settings, city, everything=True) for city in settings.cities}


def _needles(settings, applications: dict[str, list[staff.RegistrationRow]]) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    needles: dict[str, bytes] = {}
    for city in settings.cities:
        for resident in registry(settings, city):
            rid = resident.id
            needles |= _forms(f"name of resident {city}/{rid}", resident.name)
            needles |= _forms(
                f"joined name of resident {city}/{rid}", resident.family_name + resident.given_name
            )
            needles |= _forms(f"address of resident {city}/{rid}", resident.household.address.full_text)
            needles |= _forms(f"本籍 of resident {city}/{rid}", resident.honseki)
            needles |= _forms(f"筆頭者 of resident {city}/{rid}", resident.hittosha)
            code = (
                resident.juminhyo_code
            )  # eleven bare digits: looked for as a value, not inside a longer number
            needles |= {
                f"住民票コード of resident {city}/{rid} ({q})": f"{q}{code}{q}".encode() for q in ('"', "'")
            }
            needles[f"住民票コード of resident {city}/{rid} (=)"] = f"={code}".encode()
            if resident.hittosha:  # as a resident types it at the kiosk, with an ASCII space
                needles |= _forms(
                    f"筆頭者 (typed) of resident {city}/{rid}", resident.hittosha.replace("\u3000", " ")
                )
        for serial in card_serials(settings, city):
            needles[f"serial {serial[:4]}… (hex)"] = serial.encode()
            needles[f"serial {serial[:4]}… (lower hex)"] = serial.lower().encode()
            needles[f"serial {serial[:4]}… (decimal)"] = str(int(serial, 16)).encode()
    for city, rows in applications.items():
        for row in rows:
            needles |= _forms(f"本籍 applied for in 利用登録 {city}/{row.id}", row.honseki)
            needles |= _forms(f"筆頭者 applied for in 利用登録 {city}/{row.id}", row.hittosha)
            needles |= _forms(f"applicant of 利用登録 {city}/{row.id}", row.applicant_name)
    return needles


def _scan(files: list[Path], needles: dict[str, bytes]) -> list[str]:
    wanted = Needles((needle, what) for what, needle in needles.items())
    return [f"{what} in {path.name}" for path in files for what in sorted(wanted.found(path.read_bytes()))]


def test_no_personal_data_at_center_or_gateways(request, chain, chain_settings, demo_cards, tmp_path):
    var = chain_settings.var_dir
    engine = make_engine(chain_settings.center_db_url())
    with session_factory(engine)() as session:
        printed = session.scalar(select(func.count()).where(Order.outcome == "printed"))
    engine.dispose()
    assert printed and printed >= 20, "the chain tests should have printed documents before this scan"

    applications = _applications(chain_settings)
    preapproved = [c for c in demo_cards if "honseki-registered" in c.traits]  # made by the demo setup
    if any(Path(item.path).name == "test_registration_chain.py" for item in request.session.items):
        applied = sum(len(rows) for rows in applications.values())
        assert applied > len(preapproved), "the 利用登録 tests should have applied at a kiosk"

    outside_city = [p for p in var.glob("center.db*")] + files_under(var / "center", var / "tmp" / "center")
    outside_city += [p for p in (var / "log").glob("center*.log")] + [
        p for p in (var / "log").glob("gateway-*.log")
    ]
    outside_city += [p for p in (var / "tmp").glob("gateway-*/**/*") if p.is_file()]
    assert any(p.name == "center.db" for p in outside_city)
    # The centre's operator console: its database, its log, and every page as an operator sees it.
    outside_city += [p for p in var.glob("console-center.db*")] + [
        p for p in (var / "log").glob("console-center*.log")
    ]
    console_pages = tmp_path / "console-center"
    console_pages.mkdir()
    for path, html in pages(chain_settings, "center", CENTER_PAGES).items():
        (console_pages / (path.strip("/") or "index")).with_suffix(".html").write_bytes(html)
    outside_city += sorted(console_pages.glob("*.html"))
    needles = _needles(chain_settings, applications)
    assert len(needles) > 100
    assert _scan(outside_city, needles) == []
    # Spans carry no personal data, whichever actor exported them (the city's included).
    spans = list((var / "telemetry" / "spans").glob("*.jsonl*"))
    assert {p.name.split(".")[0] for p in spans} >= {"center", "gateway-132292", "issuer-132292"}
    assert _scan(spans, needles) == []

    # Controls: the same scan finds the residents and the applications in the cities' own
    # registries, and finds a name and an address written as ensure_ascii JSON.
    for city in chain_settings.cities:
        found = {hit.rsplit(" in ", 1)[0] for hit in _scan(list(var.glob(f"city-{city}.db*")), needles)}
        assert any(what.startswith(f"name of resident {city}/") for what in found)
        for row in applications[city]:
            assert f"本籍 applied for in 利用登録 {city}/{row.id}" in found
            assert f"筆頭者 applied for in 利用登録 {city}/{row.id}" in found
    resident = next(r for r in registry(chain_settings, "132292") if any(ord(ch) > 127 for ch in r.name))
    record = {"name": resident.name, "address": resident.household.address.full_text}
    (tmp_path / "leak.json").write_text(json.dumps(record, ensure_ascii=True))
    leaked = _scan([tmp_path / "leak.json"], needles)
    assert f"name of resident 132292/{resident.id} (JSON-escaped) in leak.json" in leaked
    assert f"address of resident 132292/{resident.id} (JSON-escaped) in leak.json" in leaked
    assert f"name of resident 132292/{resident.id} in leak.json" not in leaked  # no UTF-8 in that file
