"""Errors of the city counter; each has a stable code staff see next to the message.

::

    CounterError              counter.error
    ├── ResidentNotEligible   counter.resident.not_active   no such active resident in this city
    ├── CardNotRegistered     counter.card.unknown          the card is not (or no longer) this city's
    └── RouteNotRegistered    counter.route.failed          the centre did not record the route
"""

from __future__ import annotations


class CounterError(Exception):
    """Base error of :mod:`kofu.city.counter`; messages never contain a PIN or card serial."""

    code = "counter.error"


class ResidentNotEligible(CounterError):
    """No active resident with that id in this city's registry."""

    code = "counter.resident.not_active"


class CardNotRegistered(CounterError):
    """The card is not an active card of this city (unknown, lost, expired or moved away)."""

    code = "counter.card.unknown"


class RouteNotRegistered(CounterError):
    """The centre refused or could not record the card's route."""

    code = "counter.route.failed"
