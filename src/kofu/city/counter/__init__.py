"""The city counter's card services (窓口): what city staff do with My Number Cards.

- :mod:`service` — :class:`~kofu.city.counter.service.CounterService`: issue a card for a
  resident, unblock a PIN and set a new one, report a card lost, mark expired cards, move a
  resident (and their card) to another city.
- :mod:`jpki` — the requests the city makes to the JPKI CA (J-LIS): certificates, revocation.
- :mod:`centre` — the city's mTLS link to the centre's route registry (issuer certificate).
- :mod:`models` — the city's card-issuance records (administration key, validity).
- :mod:`errors` — the error tree with stable codes.

The commands are ``kofu counter card issue|unblock|lost|expire|read`` and ``kofu counter move``.
"""
