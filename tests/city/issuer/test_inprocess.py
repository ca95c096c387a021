"""The issuer's in-process order path (the bench's in-process limit) issues real orders."""

from __future__ import annotations

import pstats
from pathlib import Path

import pytest
from tests.city.issuer.issuer_pki import PKI

from kofu.city.issuer.inprocess import run_inprocess


def test_inprocess_orders_are_issued_and_measured(tmp_path: Path) -> None:
    profile = tmp_path / "issuer.prof"
    result = run_inprocess(PKI.paths, 2, profile=profile)
    assert result.orders == 2
    assert result.cpu_ms_per_order > 0 and result.wall_ms_per_order > 0
    assert result.orders_per_second > 0
    stats = pstats.Stats(str(profile))
    assert any(func[2] == "order" for func in stats.stats)  # type: ignore[attr-defined]


def test_inprocess_needs_an_order() -> None:
    with pytest.raises(ValueError):
        run_inprocess(PKI.paths, 0)
