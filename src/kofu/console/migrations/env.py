"""Alembic environment of a staff console's database (see :func:`kofu.migrations.run_environment`)."""

from kofu.console.models import Base
from kofu.migrations import run_environment

run_environment(Base.metadata)
