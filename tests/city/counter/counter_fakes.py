"""FAKE stand-ins for the counter tests (each says it is one)."""

from __future__ import annotations

from datetime import date


class FakeRoutes:
    """A FAKE route registry (the real one is the centre's POST /v1/routes, tested in e2e)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, date | None]] = []

    def register(self, card_serial: str, residence_city: str, effective_from: date | None = None) -> str:
        self.calls.append((card_serial, residence_city, effective_from))
        return "scheduled" if effective_from else "registered"
