"""Counter test fixtures: a var directory with the demo PKI and two empty city registries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from counter_fakes import FakeRoutes

from kofu.city.counter.service import CounterService
from kofu.config import Settings
from kofu.pki.init import init_pki


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    var: Path = tmp_path_factory.mktemp("counter-var")
    settings = Settings.from_env({"KOFU_VAR": str(var)})
    init_pki(settings.pki, cities=settings.cities, kiosks=[settings.kiosk_id])
    return settings


@pytest.fixture
def routes() -> FakeRoutes:
    return FakeRoutes()


@pytest.fixture
def nishitokyo(settings: Settings, routes: FakeRoutes) -> Iterator[CounterService]:
    with CounterService(settings, "132292", routes=routes) as service:
        yield service


@pytest.fixture
def kodaira(settings: Settings, routes: FakeRoutes) -> Iterator[CounterService]:
    with CounterService(settings, "132110", routes=routes) as service:
        yield service
