"""Alembic environment of the city registry (``script_location`` is set by ``registry.migrate``)."""
