"""`kofu history mine` as text: each entry names the store it was issued at, and its chain."""

from __future__ import annotations

from kofu.commands.history import mine_lines
from kofu.pki.stores import Store, with_stores

TANASHI = Store("K0001", "S0001", "コフマート 西東京田無店", "kofu-mart", "コフマート")


def test_each_line_names_the_store_or_a_placeholder() -> None:
    from_city = [
        {"date": "2026-11-29", "title": "住民票の写し", "kiosk": "K0001", "store": "K0001",
         "city": "西東京市", "as": "holder"},
        {"date": "2026-11-02", "title": "印鑑登録証明書", "kiosk": "K0404", "store": "K0404",
         "city": "西東京市", "as": "named"},
    ]  # fmt: skip
    assert mine_lines(with_stores(from_city, {"K0001": TANASHI})) == [
        "交付履歴（過去12か月）: 2 件",
        "  2026-11-29  住民票の写し  店舗 コフマート 西東京田無店（コフマート）  西東京市  (本人)",
        "  2026-11-02  印鑑登録証明書  店舗 店舗不明（K0404）  西東京市  (世帯員として記載)",
    ]
