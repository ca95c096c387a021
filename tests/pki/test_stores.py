"""The kiosk directory: read from the centre's stores.toml, published signed in the trust list."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography import x509

from kofu.pki.ca import load_or_create_lgpki_ca
from kofu.pki.paths import PkiPaths
from kofu.pki.seal import ensure_seal
from kofu.pki.stores import (
    Store,
    StoreDirectoryError,
    load_stores,
    store_label,
    with_stores,
    write_stores,
)
from kofu.pki.trust import (
    TrustListError,
    TrustPublisher,
    build_trust_list,
    ensure_trust_signer,
    load_signer,
    load_trust_list,
    sign_trust_list,
    signer_cert_path,
)

CITIES = {"132292": "西東京市"}
TANASHI = Store("K0001", "S0001", "コフマート 西東京田無店", "kofu-mart", "コフマート")
HIBARI = Store("K9001", "S0002", "ひかりストア 西東京ひばりが丘店", "hikari")

DIRECTORY = """
[chains]
kofu-mart = "コフマート"

[kiosks.K0001]
store = "S0001"
name = "コフマート 西東京田無店"
chain = "kofu-mart"

[kiosks.K9001]
store = "S0002"
name = "ひかりストア 西東京ひばりが丘店"
chain = "hikari"
"""


@pytest.fixture
def paths(tmp_path: Path) -> PkiPaths:
    p = PkiPaths(tmp_path / "pki")
    load_or_create_lgpki_ca(p)
    for city in CITIES:
        ensure_seal(p, city)
    ensure_trust_signer(p)
    return p


def _anchor(paths: PkiPaths) -> x509.Certificate:
    return x509.load_pem_x509_certificate(signer_cert_path(paths).read_bytes())


def test_directory_is_read_by_kiosk_id(tmp_path: Path) -> None:
    path = tmp_path / "stores.toml"
    path.write_text(DIRECTORY, encoding="utf-8")
    stores = load_stores(path)
    assert stores == {"K0001": TANASHI, "K9001": HIBARI}
    assert stores["K9001"].chain_label == "hikari"  # no name given for the chain: its id


def test_no_directory_is_an_empty_one(tmp_path: Path) -> None:
    assert load_stores(tmp_path / "stores.toml") == {}
    assert load_stores(None) == {}


def test_written_directory_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "stores.toml"
    odd = Store("K0002", "S0003", 'まちかど "駅前" 店', "machikado", "まちかど\\マート")
    write_stores(path, [HIBARI, TANASHI, odd])
    assert load_stores(path) == {"K0001": TANASHI, "K9001": HIBARI, "K0002": odd}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[kiosks.K0001\nstore = 1", "not TOML"),
        ('[kiosks.K0001]\nstore = "S0001"\nchain = "kofu-mart"', "name must be a non-empty string"),
        ('[kiosks.K0001]\nstore = "S0001"\nname = ""\nchain = "c"', "name must be a non-empty string"),
        ('[kiosks.K0001]\nstore = 7\nname = "n"\nchain = "c"', "store must be a non-empty string"),
        ('[kiosks.K0001]\nstore = "S"\nname = "n"\nchain = "c"\nowner = "x"', "unknown key(s) owner"),
        ('[kiosks."K 1"]\nstore = "S"\nname = "n"\nchain = "c"', "'K 1' is not a kiosk id"),
        ('kiosks = "K0001"', "[kiosks.<kiosk id>] tables expected"),
        ("[chains]\nkofu-mart = 3", "[chains] maps chain ids to names"),
        ('[store.K0001]\nname = "n"', "unknown section(s) store"),
    ],
)
def test_a_bad_directory_is_refused_with_what_is_wrong(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "stores.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoreDirectoryError) as caught:
        load_stores(path)
    assert "stores.toml" in str(caught.value) and says in str(caught.value)


def test_trust_list_carries_the_directory_signed(paths: PkiPaths, tmp_path: Path) -> None:
    path = tmp_path / "stores.toml"
    write_stores(path, [TANASHI, HIBARI])
    trust = load_trust_list(TrustPublisher(paths, CITIES, stores_file=path).signed(), _anchor(paths))
    assert trust.store_of("K0001") == TANASHI and trust.store_of("K9001") == HIBARI
    assert trust.store_of("K0404") is None


def test_changing_a_store_name_breaks_the_signature(paths: PkiPaths, tmp_path: Path) -> None:
    path = tmp_path / "stores.toml"
    write_stores(path, [TANASHI])
    envelope = json.loads(TrustPublisher(paths, CITIES, stores_file=path).signed())
    payload = json.loads(base64.b64decode(envelope["payload"]))
    assert payload["stores"][0]["name"] == TANASHI.name
    payload["stores"][0]["name"] = "偽マート 田無店"
    envelope["payload"] = base64.b64encode(
        json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).decode()
    with pytest.raises(TrustListError, match="signature"):
        load_trust_list(json.dumps(envelope).encode(), _anchor(paths))


def test_a_list_signed_without_stores_verifies_and_names_none(paths: PkiPaths) -> None:
    payload = build_trust_list(paths, CITIES)
    assert "stores" not in payload  # exactly what a list from before the directory carried
    trust = load_trust_list(sign_trust_list(payload, *load_signer(paths)), _anchor(paths))
    assert trust.stores == {} and dict(trust.city_names) == CITIES
    assert store_label(trust.stores, "K0001") == ("店舗不明（K0001）", "")


def test_a_signed_list_with_a_malformed_store_is_refused(paths: PkiPaths) -> None:
    payload = build_trust_list(paths, CITIES, stores={"K0001": TANASHI})
    del payload["stores"][0]["name"]
    with pytest.raises(TrustListError, match="store entry is invalid"):
        load_trust_list(sign_trust_list(payload, *load_signer(paths)), _anchor(paths))


def test_publisher_follows_directory_edits_and_keeps_the_last_good_one(
    paths: PkiPaths, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "stores.toml"
    write_stores(path, [TANASHI])
    publisher = TrustPublisher(paths, CITIES, stores_file=path)
    assert set(publisher.trust_list().stores) == {"K0001"}
    write_stores(path, [TANASHI, HIBARI])
    assert set(publisher.trust_list().stores) == {"K0001", "K9001"}
    path.write_text("[kiosks.K0001\n", encoding="utf-8")  # a broken edit
    assert set(publisher.trust_list().stores) == {"K0001", "K9001"}
    assert "kiosk directory not reloaded" in caplog.text


def test_the_directory_the_centre_records_stores_from_follows_edits_and_the_published_list(
    paths: PkiPaths, tmp_path: Path
) -> None:
    path = tmp_path / "stores.toml"
    write_stores(path, [TANASHI])
    publisher = TrustPublisher(paths, CITIES, stores_file=path)
    assert publisher.directory() == {"K0001": TANASHI}
    write_stores(path, [TANASHI, HIBARI])
    assert publisher.directory() == {"K0001": TANASHI, "K9001": HIBARI}  # read before the list is signed
    assert publisher.trust_list().stores == publisher.directory()
    path.write_text("[kiosks.K0001\n", encoding="utf-8")  # a broken edit: the last good one stays
    assert set(publisher.directory()) == {"K0001", "K9001"}


def test_a_bad_directory_stops_the_publisher_at_start(paths: PkiPaths, tmp_path: Path) -> None:
    path = tmp_path / "stores.toml"
    path.write_text('[kiosks.K0001]\nstore = "S0001"\n', encoding="utf-8")
    with pytest.raises(StoreDirectoryError, match=r"\[kiosks.K0001\] name"):
        TrustPublisher(paths, CITIES, stores_file=path)


def test_entries_are_named_from_the_directory_or_a_placeholder() -> None:
    stores = {"K0001": TANASHI}
    entries = [
        {"date": "2026-11-29", "kiosk": "K0001", "store": "K0001"},
        {"date": "2026-11-28", "kiosk": "K0404", "store": "K0404"},
        {"date": "2026-11-27", "store": "K0001"},  # a city that sends only the kiosk id as store
    ]
    named = with_stores(entries, stores)
    assert [(e["store"], e["chain"], e["kiosk"]) for e in named] == [
        ("コフマート 西東京田無店", "コフマート", "K0001"),
        ("店舗不明（K0404）", "", "K0404"),
        ("コフマート 西東京田無店", "コフマート", "K0001"),
    ]
