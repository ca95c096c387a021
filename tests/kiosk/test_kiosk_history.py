"""交付履歴の確認 in-process: each entry names the store it was issued at, from the trust list.

The city's answer (sealed for the kiosk's notice key, as the issuer seals it) records only the
kiosk's id; the kiosk names the store and its chain from the kiosk directory of the signed trust
list, and shows a placeholder for a kiosk the list does not name, or when there is no list.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from kofu.card.store import CardStore
from kofu.config import Settings
from kofu.kiosk.app import create_app
from kofu.kiosk.equipment import Devices
from kofu.kiosk.journal import kiosk_journal
from kofu.kiosk.visit import Visit
from kofu.pki.stores import Store
from kofu.protocol.envelope import envelope_notices
from kofu.protocol.errors import LinkFailed
from kofu.protocol.kiosk_center import Notices
from tests.kiosk.test_kiosk_app import (
    CITY,
    LABEL,
    PIN,
    TRUST_LIST_CITIES,
    FakeCenter,
    FakeSeals,
    ScreenClient,
    StaticPanel,
)

TANASHI = Store("K0001", "S0001", "コフマート 西東京田無店", "kofu-mart", "コフマート")


def _entry(date: str, kiosk: str, *, named: bool = False) -> dict[str, str]:
    """One entry as the city's issuer puts it in its sealed answer."""
    return {"date": date, "doc": "juminhyo", "title": "住民票の写し", "title_en": "Certificate of residence",
            "kiosk": kiosk, "store": kiosk, "city": "西東京市", "city_code": CITY,
            "as": "named" if named else "holder", "printed": "yes"}  # fmt: skip


class NoticeCenter(FakeCenter):
    """UNIT-TEST FAKE centre that also answers 本人通知 with ``entries`` sealed for the kiosk."""

    def __init__(self, entries: list[dict[str, str]]) -> None:
        super().__init__()
        self.entries = entries

    def notices(self, token: str, city_code: str, notice_key: bytes) -> Notices:
        envelope = envelope_notices(self.entries, notice_key, city_code, self._serial)
        return Notices(city_code=city_code, envelope=envelope)


class DirectorySeals(FakeSeals):
    """UNIT-TEST FAKE seals whose trust list carries a kiosk directory (None: no list at all)."""

    def __init__(self, stores: Mapping[str, Store] | None) -> None:
        self.stores = stores

    def trust_list(self, refresh: bool = False) -> Any:
        if self.stores is None:
            raise LinkFailed("link.unavailable", "trust list unavailable")
        return SimpleNamespace(city_names=dict(TRUST_LIST_CITIES), stores=self.stores)


def _history(store: CardStore, entries: list[dict[str, str]], stores: Mapping[str, Store] | None) -> Any:
    settings = Settings(var_dir=store.directory.parent)
    devices = Devices.simulated(store, StaticPanel())
    journal = kiosk_journal(settings.var_dir, settings.kiosk_id)
    visit = Visit(NoticeCenter(entries), devices, DirectorySeals(stores), journal=journal)  # type: ignore[arg-type]
    with ScreenClient(create_app(settings, visit), settings) as client:
        client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
        client.post("/api/pin", json={"pin": PIN}).raise_for_status()
        client.post("/api/card/remove").raise_for_status()
        response = client.get("/api/history")
        response.raise_for_status()
        return response.json()["entries"]


def test_history_names_the_store_and_chain(store: CardStore) -> None:
    entries = [_entry("2026-11-29", "K0001"), _entry("2026-10-02", "K0001", named=True)]
    shown = _history(store, entries, {"K0001": TANASHI})
    assert [(e["date"], e["store"], e["chain"], e["kiosk_id"], e["named"]) for e in shown] == [
        ("2026-11-29", "コフマート 西東京田無店", "コフマート", "K0001", False),
        ("2026-10-02", "コフマート 西東京田無店", "コフマート", "K0001", True),
    ]
    assert shown[0]["title_ja"] == "住民票の写し" and shown[0]["city"] == "西東京市"


def test_a_kiosk_the_list_does_not_name_shows_a_placeholder(store: CardStore) -> None:
    entries = [_entry("2026-11-29", "K0001"), _entry("2026-11-28", "K7777")]
    shown = _history(store, entries, {"K0001": TANASHI})
    assert [(e["store"], e["chain"]) for e in shown] == [
        ("コフマート 西東京田無店", "コフマート"),
        ("店舗不明（K7777）", ""),
    ]


def test_a_list_without_stores_or_no_list_shows_placeholders(store: CardStore) -> None:
    entries = [_entry("2026-11-29", "K0001")]
    assert [e["store"] for e in _history(store, entries, {})] == ["店舗不明（K0001）"]
    assert [e["store"] for e in _history(store, entries, None)] == ["店舗不明（K0001）"]


def test_a_city_that_sends_only_the_kiosk_id_as_store_is_named_too(store: CardStore) -> None:
    older = {k: v for k, v in _entry("2026-11-29", "K0001").items() if k != "kiosk"}
    shown = _history(store, [older], {"K0001": TANASHI})
    assert (shown[0]["store"], shown[0]["kiosk_id"]) == ("コフマート 西東京田無店", "K0001")
