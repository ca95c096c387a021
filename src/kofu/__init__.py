"""kofu: convenience-store certificate issuance, end to end.

Actors (each its own package and process, meeting only in `kofu.protocol`): the store kiosk
(`kofu.kiosk`), the national centre (`kofu.center`), the public verifier (`kofu.verifier`), and
per city the transfer gateway (`kofu.city.gateway`), the issuance server (`kofu.city.issuer`) and
the counter (`kofu.city.counter`) over the city's registry (`kofu.city.registry`). The My Number
Card (`kofu.card`), the documents (`kofu.documents`), the PKI, the network and the logs are shared
packages; the README's Architecture section draws the whole map.
"""

__version__ = "0.1.0"
