"""Invariant 4: after the orders of this test session, nothing personal outside the city.

Runs after the other chain tests (file order), scanning the centre's database, the centre's and
the gateways' logs and temp directories for every resident's name and address and every card's
certificate serial. The city's own database is scanned too, as a control that the scan finds
what is there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from kofu.center.models import Order
from kofu.storage import make_engine, session_factory
from tests.e2e.helpers import card_serials, files_under, registry

pytestmark = pytest.mark.e2e


def _needles(settings) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    needles: dict[str, bytes] = {}
    for city in settings.cities:
        for resident in registry(settings, city):
            needles[f"name of resident {resident.id}"] = resident.name.encode()
            needles[f"joined name of resident {resident.id}"] = (
                resident.family_name + resident.given_name
            ).encode()
            needles[f"address of resident {resident.id}"] = resident.household.address.full_text.encode()
        for serial in card_serials(settings, city):
            needles[f"serial {serial[:4]}… (hex)"] = serial.encode()
            needles[f"serial {serial[:4]}… (lower hex)"] = serial.lower().encode()
            needles[f"serial {serial[:4]}… (decimal)"] = str(int(serial, 16)).encode()
    return needles


def _scan(files: list[Path], needles: dict[str, bytes]) -> list[str]:
    found = []
    for path in files:
        data = path.read_bytes()
        found.extend(f"{what} in {path.name}" for what, needle in needles.items() if needle in data)
    return found


def test_no_personal_data_at_centre_or_gateways(chain, chain_settings):
    var = chain_settings.var_dir
    engine = make_engine(chain_settings.center_db_url())
    with session_factory(engine)() as session:
        printed = session.scalar(select(func.count()).where(Order.outcome == "printed"))
    engine.dispose()
    assert printed and printed >= 20, "the chain tests should have printed documents before this scan"

    outside_city = [p for p in var.glob("center.db*")] + files_under(var / "center", var / "tmp" / "center")
    outside_city += [p for p in (var / "log").glob("center*.log")] + [
        p for p in (var / "log").glob("gateway-*.log")
    ]
    outside_city += [p for p in (var / "tmp").glob("gateway-*/**/*") if p.is_file()]
    assert any(p.name == "center.db" for p in outside_city)
    needles = _needles(chain_settings)
    assert len(needles) > 100
    assert _scan(outside_city, needles) == []

    # Control: the same scan does find the residents in the city's own registry.
    city_db = [p for p in var.glob("city-132292.db*")]
    assert _scan(city_db, needles)
