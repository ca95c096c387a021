"""Errors raised by the city registry.

Every error carries a stable ``code`` that callers (the issuer, the kiosk) map to a message::

    RegistryError                      city.registry.*
    ├── UnknownCity                    city.registry.unknown_city
    ├── UnknownResident                city.registry.unknown_resident
    ├── InvalidCertSerial              city.registry.invalid_cert_serial
    └── IssueNumberExhausted           city.registry.issue_number_exhausted
"""

from __future__ import annotations


class RegistryError(Exception):
    """Base class of every registry failure; ``code`` is stable, the message is for humans."""

    code = "city.registry.error"


class UnknownCity(RegistryError):
    """The city code is not one of the demo cities this registry knows."""

    code = "city.registry.unknown_city"


class UnknownResident(RegistryError):
    """No resident has the given id."""

    code = "city.registry.unknown_resident"


class InvalidCertSerial(RegistryError):
    """A certificate serial that is not a non-empty hexadecimal string."""

    code = "city.registry.invalid_cert_serial"


class IssueNumberExhausted(RegistryError):
    """The yearly issue-number counter of a city ran past its printable range."""

    code = "city.registry.issue_number_exhausted"
