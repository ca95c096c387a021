"""利用登録 (本籍地 registration) at the touch screen: which cities, and what is sent.

When the resident wants 「本籍地の証明書」 and the card has no 本籍地 city yet, the screen offers the
application: the 本籍地 city (one of the cities of the centre's signed trust list, never one the
card already orders from), 本籍 and 筆頭者 as the resident types them. They travel sealed for that
city (`KioskFlow.apply_registration`); the city checks and approves them (about 5 business days).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from kofu.protocol.errors import Refused
from kofu.protocol.kiosk_screen import RegistrationCity, RegistrationDone

if TYPE_CHECKING:
    from kofu.kiosk.flow import KioskFlow


def registrable_cities(names: Mapping[str, str], taken: Collection[str]) -> list[RegistrationCity]:
    """Cities a 利用登録 can go to: those of the trust list (code → name) the card does not use."""
    return [
        RegistrationCity(city_code=code, city_name=name)
        for code, name in sorted(names.items())
        if code not in taken
    ]


def application(
    city_code: str, honseki: str, hittosha: str, cities: list[RegistrationCity]
) -> tuple[str, str]:
    """本籍 and 筆頭者 as sent (runs of spaces made one); refuses a city not offered or an empty field."""
    honseki, hittosha = " ".join(honseki.split()), " ".join(hittosha.split())
    if city_code not in {c.city_code for c in cities}:
        raise Refused("kiosk.city.unavailable")
    if not honseki or not hittosha:
        raise Refused("kiosk.registration.incomplete")
    return honseki, hittosha


def registration_cities(flow: KioskFlow) -> list[RegistrationCity]:
    """The cities of the signed trust list the card of ``flow`` does not order from."""
    names = flow.seals.trust_list().city_names
    return registrable_cities(names, {c.city_code for c in flow.cities})


def apply_registration(flow: KioskFlow, city_code: str, honseki: str, hittosha: str) -> RegistrationDone:
    """Send the application through ``flow``; the 本籍地 city's answer, named for the screen."""
    cities = registration_cities(flow)
    honseki, hittosha = application(city_code, honseki, hittosha, cities)
    result = flow.apply_registration(city_code, honseki, hittosha)
    names = {c.city_code: c.city_name for c in cities}
    return RegistrationDone(
        city_code=result.city_code,
        city_name=names.get(result.city_code, result.city_code),
        registration_id=result.registration_id,
        status=result.status,
    )
