"""Alembic environment of the centre's database (see :func:`kofu.migrations.run_environment`)."""

from kofu.center.models import Base
from kofu.migrations import run_environment

run_environment(Base.metadata)
