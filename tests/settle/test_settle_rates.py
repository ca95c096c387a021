"""The split settings and the month (pure: no chain)."""

from __future__ import annotations

import pytest

from kofu.settle import rates
from kofu.settle.records import Month, SettleError


def test_default_split_is_115_of_200(tmp_path):
    r = rates.load(tmp_path / "absent.toml")
    assert r.per_copy("132292", "S0001", "juminhyo") == 115
    assert r.chain_of("S0001") == "S0001"


def test_city_chain_and_pair_settings_win_in_order(tmp_path):
    path = tmp_path / "settlement.toml"
    path.write_text(
        'commission = 115\n[stores]\nS0001 = "mart"\n'
        "[city.132292]\ncommission = 110\n"
        "[chain.mart]\ncommission = { default = 120, koseki = 150 }\n"
        '[split."132110/mart"]\ncommission = 100\n',
        encoding="utf-8",
    )
    r = rates.load(path)
    assert r.chain_of("S0001") == "mart"
    assert r.per_copy("132292", "other", "juminhyo") == 110
    assert r.per_copy("132292", "mart", "juminhyo") == 120
    assert r.per_copy("132292", "mart", "koseki") == 150
    assert r.per_copy("132110", "mart", "koseki") == 100
    assert r.per_copy("999999", "other", "inkan") == 115


@pytest.mark.parametrize(
    "text", ["commission = -1\n", "[city.1]\nfee = 3\n", "commission = 'x'\n", "= broken"]
)
def test_bad_settings_have_a_stable_code(tmp_path, text):
    path = tmp_path / "settlement.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettleError) as err:
        rates.load(path)
    assert err.value.code == "settle.rates.invalid"


def test_month_is_japan_time():
    month = Month.parse("2026-12")
    assert month.holds("2026-11-30T15:00:00+00:00")  # 1 Dec 00:00 in Japan
    assert not month.holds("2026-11-30T14:59:59+00:00")
    assert not month.holds("2026-12-31T15:00:00+00:00")  # 1 Jan 00:00 in Japan
    with pytest.raises(SettleError) as err:
        Month.parse("2026-13")
    assert err.value.code == "settle.month.invalid"


def test_a_store_not_listed_takes_its_chain_from_the_kiosk_directory(tmp_path):
    directory = tmp_path / "stores.toml"
    directory.write_text(
        '[kiosks.K0001]\nstore = "S0001"\nname = "コフマート 西東京田無店"\nchain = "kofu-mart"\n',
        encoding="utf-8",
    )
    r = rates.load(tmp_path / "absent.toml", directory)
    assert r.chain_of("S0001", "K0001") == "kofu-mart"
    assert r.chain_of("S0001", "K0002") == "kofu-mart"  # the store's chain, whichever kiosk sold
    assert r.chain_of("S0777", "K0001") == "kofu-mart"  # a store the directory does not name: its kiosk's
    assert r.chain_of("K0404", "K0404") == "K0404"  # a kiosk the directory does not name: its own
    path = tmp_path / "settlement.toml"
    path.write_text('[stores]\nS0001 = "mart"\n', encoding="utf-8")
    assert rates.load(path, directory).chain_of("S0001", "K0001") == "mart"  # [stores] wins


def test_a_bad_kiosk_directory_has_a_stable_code(tmp_path):
    directory = tmp_path / "stores.toml"
    directory.write_text("[kiosks.K0001]\nstore = 1\n", encoding="utf-8")
    with pytest.raises(SettleError) as caught:
        rates.load(None, directory)
    assert caught.value.code == "settle.stores.invalid" and "stores.toml" in str(caught.value)
