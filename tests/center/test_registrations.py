"""The centre's side of 利用登録: the 本籍地 route a city sets after approval."""

from __future__ import annotations

import pytest

from kofu.center import routing
from kofu.center.registrations import HonsekiRoute, set_honseki_route
from kofu.protocol.errors import Refused

SERIAL = "0A1B2C3D"


def test_honseki_route_adds_the_city_to_the_card_choices(db) -> None:  # type: ignore[no-untyped-def]
    for code, name in (("132292", "西東京市"), ("132110", "小平市")):
        routing.ensure_city(db, code, name)
    routing.register_route(db, SERIAL, "132292")
    assert [kind for _city, kind in routing.cities_for(db, SERIAL)] == ["residence"]
    set_honseki_route(db, HonsekiRoute(card_serial=SERIAL, honseki_city="132110"))
    cities = routing.cities_for(db, SERIAL)
    assert [(c.code, kind) for c, kind in cities] == [("132292", "residence"), ("132110", "honseki")]


def test_honseki_route_needs_a_known_card_and_city(db) -> None:  # type: ignore[no-untyped-def]
    routing.ensure_city(db, "132110", "小平市")
    with pytest.raises(Refused) as unknown_card:
        set_honseki_route(db, HonsekiRoute(card_serial=SERIAL, honseki_city="132110"))
    assert unknown_card.value.code == "route.unknown"
    routing.register_route(db, SERIAL, "132110")
    with pytest.raises(Refused) as unknown_city:
        set_honseki_route(db, HonsekiRoute(card_serial=SERIAL, honseki_city="999999"))
    assert unknown_city.value.code == "city.unknown"
