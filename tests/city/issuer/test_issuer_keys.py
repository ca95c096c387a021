"""The issuer's derived secrets come from its own TLS key: the same in every process of a city,
different between cities."""

from __future__ import annotations

from tests.city.issuer.issuer_pki import PKI

from kofu.city.issuer.keys import IssuerKeys


def test_every_process_of_a_city_derives_the_same_keys() -> None:
    one, two = IssuerKeys.load("132292", PKI.paths), IssuerKeys.load("132292", PKI.paths)
    assert one.token_key == two.token_key
    assert one.application_public_key == two.application_public_key
    assert one.token("1a2b3c4d", "h", 7) == two.token("1A2B3C4D", "h", 7)


def test_two_cities_derive_different_keys() -> None:
    one, two = IssuerKeys.load("132292", PKI.paths), IssuerKeys.load("132110", PKI.paths)
    assert one.token_key != two.token_key
    assert one.application_public_key != two.application_public_key


def test_a_token_names_one_person_of_one_kind() -> None:
    keys = IssuerKeys.load("132292", PKI.paths)
    tokens = {keys.token("1A2B3C4D", kind, ident) for kind in ("h", "k") for ident in (1, 2)}
    assert len(tokens) == 4
    assert all(len(token) == 16 for token in tokens)
