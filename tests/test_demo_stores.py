"""The demo's kiosk directory: every demo and bench kiosk stands in a named store of a chain."""

from __future__ import annotations

from pathlib import Path

from kofu.config import Settings
from kofu.demo import DEMO_CHAINS, demo_stores, kiosk_ids
from kofu.pki.stores import load_stores, write_stores


def test_every_demo_kiosk_has_a_store_and_the_first_is_tanashi(tmp_path: Path) -> None:
    ids = kiosk_ids(Settings(var_dir=tmp_path), 64)
    path = tmp_path / "stores.toml"
    write_stores(path, demo_stores(ids))
    stores = load_stores(path)
    assert set(stores) == set(ids)
    first = stores[ids[0]]
    assert (first.name, first.chain, first.chain_label) == (
        "コフマート 西東京田無店",
        "kofu-mart",
        "コフマート",
    )
    assert {s.chain for s in stores.values()} == {chain for chain, _ in DEMO_CHAINS}
    by_store: dict[str, set[str]] = {}
    for s in stores.values():
        by_store.setdefault(s.store_id, set()).add(f"{s.name}/{s.chain}")
    assert all(len(named) == 1 for named in by_store.values())  # one store id, one name and chain
