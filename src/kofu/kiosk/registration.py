"""利用登録 (本籍地 registration) at the touch screen: which cities, and sending the application.

When the resident wants 「本籍地の証明書」 and the card has no 本籍地 city yet, the screen offers the
application: the 本籍地 city (one of the cities this kiosk's centre serves, never the residence),
本籍 and 筆頭者 as the resident types them. They travel sealed for that city
(`KioskFlow.apply_registration`); the city checks and approves them (about 5 business days).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kofu.protocol.errors import Refused

if TYPE_CHECKING:
    from kofu.kiosk.screen import KioskScreen


def registration_cities(screen: KioskScreen) -> dict[str, Any]:
    """Cities a 利用登録 can go to: those served here, but not where the resident lives."""
    if screen.slot is not None:
        raise Refused("kiosk.card.take")
    if screen.flow.state not in ("authenticated", "menu"):
        raise Refused("kiosk.flow")
    taken = {c.city_code for c in screen.flow.cities}
    return {
        "cities": [
            {"city_code": code, "city_name": name}
            for code, name in screen.cities.items()
            if code not in taken
        ]
    }


def apply_registration(screen: KioskScreen, city_code: str, honseki: str, hittosha: str) -> dict[str, Any]:
    """Send the application (本籍 and 筆頭者 travel sealed for the 本籍地 city)."""
    cities = {c["city_code"] for c in registration_cities(screen)["cities"]}
    honseki, hittosha = " ".join(honseki.split()), " ".join(hittosha.split())
    if city_code not in cities:
        raise Refused("kiosk.city.unavailable")
    if not honseki or not hittosha:
        raise Refused("kiosk.registration.incomplete")
    result = screen.flow.apply_registration(city_code, honseki, hittosha)
    return {
        "registration": {
            "city_code": result.city_code,
            "city_name": screen.cities.get(result.city_code, result.city_code),
            "registration_id": result.registration_id,
            "status": result.status,
        }
    }
