"""The names of the signed logs whose tree heads the centre and each city keep of each other.

A signed tree head (``kofu.ledger``) names its log: the centre's history is ``center``, a city's
issuance log ``city:CODE``. Both ends of the head exchange (the centre's sweep, the city's
issuer) sign and check heads under these names.
"""

from __future__ import annotations

CENTER_LOG_ID = "center"


def city_log_id(city: str) -> str:
    return f"city:{city}"
