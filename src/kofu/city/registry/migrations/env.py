"""Alembic environment of a city's database (see :func:`kofu.migrations.run_environment`).

Every table of the city's database is in this chain: the registry's, the counter's and the
issuance log.
"""

from kofu.city.registry.models import Base
from kofu.migrations import run_environment

run_environment(Base.metadata)
