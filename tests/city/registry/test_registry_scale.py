"""Seeding 10,000 residents: prints how long it takes (no timed assertion; CI machines vary)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from registry_testdata import AS_OF, NISHITOKYO
from sqlalchemy import func, select

from kofu.city.registry import (
    KosekiEvent,
    KosekiRegister,
    Resident,
    SealRegistration,
    TaxRecord,
    create_schema,
    make_engine,
    seed_city,
    session_factory,
    sqlite_url,
)


@pytest.mark.timeout(240)
def test_ten_thousand_residents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    engine = make_engine(sqlite_url(tmp_path / "big.db"))
    create_schema(engine)
    db = session_factory(engine)
    started = time.perf_counter()
    with db.begin() as session:
        people = seed_city(session, NISHITOKYO, seed=2016, households=3600, as_of=AS_OF)
    elapsed = time.perf_counter() - started
    with db() as session:
        counts = {
            m.__name__: session.scalar(select(func.count()).select_from(m))
            for m in (Resident, KosekiRegister, KosekiEvent, SealRegistration, TaxRecord)
        }
    engine.dispose()
    assert len(people) >= 10_000 and counts["Resident"] == len(people)
    with capsys.disabled():
        print(
            f"\nseed_city: {len(people)} residents in {elapsed:.1f} s (SQLite, both cities planned) {counts}"
        )
