"""How each fee is split: a commission per copy to J-LIS and the store chain, the rest to the city.

The default is the demo's: of a ¥200 document, ¥115 to J-LIS and the store, ¥85 to the city
(a commission of ¥115 per copy, whatever the fee; a ¥10 campaign leaves the city owing). A
settings file (TOML, ``$KOFU_VAR/settlement.toml`` unless ``--rates`` names another) changes it
per city, per chain or per city and chain, and names the chain of each store:

    commission = 115            # yen per copy, everywhere unless said otherwise

    [stores]                    # store id → chain (a store not listed is its own chain)
    S0001 = "kofu-mart"

    [city.132292]
    commission = 110

    [chain.kofu-mart]
    commission = 120

    [split."132292/kofu-mart"]  # one city with one chain: wins over both
    commission = 100

A document type may have its own figure anywhere a ``commission`` is given, as a table:
``commission = { default = 115, koseki = 150 }``.

Each order is settled under the store the centre recorded for it (its kiosk's store, from the
kiosk directory, when the order was placed). A store that ``[stores]`` does not list takes its
chain in the centre's kiosk directory (``$KOFU_VAR/stores.toml``, :mod:`kofu.pki.stores`, the one
the trust list publishes); a store the directory does not name either takes the chain of the
order's kiosk there, else it is its own chain (a kiosk the directory did not list is recorded
as its own store, under its kiosk id).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kofu.pki.stores import StoreDirectoryError, load_stores
from kofu.settle.records import SettleError

#: Of ¥200: ¥115 to J-LIS and the store, ¥85 to the city (one city's published split).
DEFAULT_COMMISSION = 115


@dataclass(frozen=True)
class Rates:
    """The commission per copy for each city, chain and document type; each store's chain."""

    commission: Mapping[str, int] = field(default_factory=lambda: {"default": DEFAULT_COMMISSION})
    cities: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    chains: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    splits: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    stores: Mapping[str, str] = field(default_factory=dict)
    store_chains: Mapping[str, str] = field(default_factory=dict)  # the kiosk directory's, by store
    kiosk_chains: Mapping[str, str] = field(default_factory=dict)  # the kiosk directory's, by kiosk

    def chain_of(self, store_id: str, kiosk_id: str = "") -> str:
        """The chain of an order's store: ``[stores]``, else the store's in the kiosk directory,
        else its kiosk's there, else the store is its own chain."""
        return (
            self.stores.get(store_id)
            or self.store_chains.get(store_id)
            or self.kiosk_chains.get(kiosk_id)
            or store_id
        )

    def per_copy(self, city: str, chain: str, doc: str) -> int:
        """The commission for one copy of ``doc`` sold by ``chain`` for ``city``."""
        for table in (self.splits.get(f"{city}/{chain}"), self.chains.get(chain), self.cities.get(city)):
            if table is not None:
                found = table.get(doc, table.get("default"))
                if found is not None:
                    return found
        return self.commission.get(doc, self.commission.get("default", DEFAULT_COMMISSION))


def load(path: Path | None, directory: Path | None = None) -> Rates:
    """The rates of the settings file ``path`` (the defaults when there is none), each kiosk's
    chain from the kiosk directory file ``directory`` (none when there is no file)."""
    try:
        listed = load_stores(directory)
    except StoreDirectoryError as exc:
        raise SettleError("settle.stores.invalid", str(exc)) from exc
    kiosk_chains = {kiosk: store.chain for kiosk, store in listed.items()}
    store_chains: dict[str, str] = {}
    for kiosk in sorted(listed):  # a store's kiosks name one chain; if not, the first kiosk's
        store_chains.setdefault(listed[kiosk].store_id, listed[kiosk].chain)
    if path is None or not path.exists():
        return Rates(store_chains=store_chains, kiosk_chains=kiosk_chains)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettleError("settle.rates.invalid", f"{path.name}: {exc}") from exc
    stores = data.get("stores", {})
    if not isinstance(stores, dict) or not all(isinstance(v, str) for v in stores.values()):
        raise SettleError("settle.rates.invalid", f"{path.name}: [stores] maps store ids to chain names")
    return Rates(
        commission=_commission(data.get("commission", DEFAULT_COMMISSION), "commission", default=True),
        cities=_section(data, "city"),
        chains=_section(data, "chain"),
        splits=_section(data, "split"),
        stores=dict(stores),
        store_chains=store_chains,
        kiosk_chains=kiosk_chains,
    )


def _section(data: Mapping[str, Any], name: str) -> dict[str, dict[str, int]]:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise SettleError("settle.rates.invalid", f"[{name}] must be a table")
    out = {}
    for key, table in section.items():
        if not isinstance(table, dict) or "commission" not in table:
            raise SettleError("settle.rates.invalid", f"[{name}.{key}] needs a commission")
        out[str(key)] = _commission(table["commission"], f"{name}.{key}.commission")
    return out


def _commission(value: Any, where: str, *, default: bool = False) -> dict[str, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = {"default": value}
    if not isinstance(value, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values()
    ):
        raise SettleError("settle.rates.invalid", f"{where} is a number of yen (≥ 0) or a table of them")
    if default and "default" not in value:
        value = {**value, "default": DEFAULT_COMMISSION}
    return dict(value)
