"""Errors raised by the city registry.

Every error carries a stable ``code`` that callers (the issuer, the staff console) show; the
``city.registry.*`` ones are for staff only, and a mismatch on approval has the shared wire code
(with its words in ``kofu.protocol.codes``)::

    RegistryError                      city.registry.*
    ├── UnknownCity                    city.registry.unknown_city
    ├── UnknownResident                city.registry.unknown_resident
    ├── InvalidCertSerial              city.registry.invalid_cert_serial
    ├── IssueNumberExhausted           city.registry.issue_number_exhausted
    ├── SchemaPredatesMigrations       city.registry.schema_unversioned
    ├── SealRegistrationRefused        city.registry.seal_refused
    ├── UnknownRegistration            city.registry.unknown_registration
    ├── RegistrationNotPending         city.registry.registration_not_pending
    └── RegistrationMismatch           city.registration.mismatch
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


class SchemaPredatesMigrations(RegistryError):
    """The database has registry tables but no Alembic version (made before migrations)."""

    code = "city.registry.schema_unversioned"


class SealRegistrationRefused(RegistryError):
    """A seal cannot be registered: under 15, or the person already has a live registration."""

    code = "city.registry.seal_refused"


class UnknownRegistration(RegistryError):
    """No 利用登録 with that id (or none live for that card)."""

    code = "city.registry.unknown_registration"


class RegistrationNotPending(RegistryError):
    """The 利用登録 was already decided (approved or rejected)."""

    code = "city.registry.registration_not_pending"


class RegistrationMismatch(RegistryError):
    """No register with that 本籍 and 筆頭者 holds the applicant: it cannot be approved."""

    code = "city.registration.mismatch"
