"""kofu: convenience-store certificate issuance, end to end.

Actors (each its own package, meeting only in `kofu.protocol`): the My Number Card
(`kofu.card`), the store kiosk (`kofu.kiosk`), the national centre (`kofu.center`), and per
city the transfer gateway (`kofu.city.gateway`) and the issuance server (`kofu.city.issuer`)
over the city's registry (`kofu.city.registry`). Documents are drawn by `kofu.documents`.
"""

__version__ = "0.1.0"
