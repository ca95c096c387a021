"""Fixtures shared by the end-to-end and browser tests: a real chain of processes.

`chain` starts the centre, two gateways, two issuers, the kiosk and the staff consoles as separate processes with
real TLS and SQLite files in a temporary var directory, on free loopback ports, once per test
session. Tests only read what the chain shares (the demo cards, each city's registry); a test
that changes a card or a resident takes its own from the ``own`` fixture (tests/residents.py).

The browser tests (tests/browser) and the PC/SC tests (tests/pcsc) use the same `chain`. A test
marked ``after_chain`` (the privacy scan, which looks at what every other test left in the
centre and the gateways) runs after every other test of the session, whatever the file order
or another plugin's reordering (``--ff``, ``--nf``).
"""

from __future__ import annotations

import functools
import os
import random
import socket
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest

from kofu import faketime
from kofu.config import Settings
from kofu.console.demo import demo_accounts
from kofu.demo import DemoCard, setup
from kofu.up import Cluster
from tests.pcsc_daemon import pcscd  # noqa: F401 - the one pcscd fixture of the session
from tests.residents import Owned, own_card

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
AFTER_CHAIN = "after_chain"


class _AfterChainLast:
    """Moves ``after_chain`` tests to the end, once every other reordering is done."""

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> Generator[None, None, None]:
        result = yield
        last = [item for item in items if item.get_closest_marker(AFTER_CHAIN)]
        if last:
            items[:] = [item for item in items if not item.get_closest_marker(AFTER_CHAIN)] + last
        return result


def pytest_configure(config: pytest.Config) -> None:
    faketime.tolerate_faketime()  # `faketime --exclude-monotonic … pytest`: see kofu/faketime.py
    config.addinivalue_line(
        "markers", f"{AFTER_CHAIN}: runs after every other test of the session (it checks what they left)"
    )
    # Registered here, after pytest's own plugins, so that its wrapper is the outermost one and
    # its reordering comes last.
    if not config.pluginmanager.has_plugin("kofu-after-chain"):
        config.pluginmanager.register(_AfterChainLast(), "kofu-after-chain")


def _free_base(count: int = 4) -> int:
    for _ in range(200):
        base = random.randrange(20000, 40000)
        ports = [*range(base, base + count), base + 9, base + 100]  # centre, gateways, public, kiosk
        ports += [base + 60, base + 61, base + 62]  # the staff consoles (kofu.console.ports)
        if all(_free(p) for p in ports):
            return base
    raise RuntimeError("no free port range")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.fixture(scope="session")
def chain_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = _free_base()
    var = tmp_path_factory.mktemp("var")
    env = {
        "KOFU_VAR": str(var),
        "KOFU_PORT_BASE": str(base),
        "KOFU_KIOSK_PORT": str(base + 100),
        "KOFU_HOUSEHOLDS": os.environ.get("KOFU_TEST_HOUSEHOLDS", "16"),
    }
    return Settings.from_env(env)


@pytest.fixture(scope="session")
def demo_cards(chain_settings: Settings) -> list[DemoCard]:
    return setup(chain_settings, bench_kiosks=4)


@pytest.fixture(scope="session")
def chain(chain_settings: Settings, demo_cards: list[DemoCard]) -> Iterator[Cluster]:
    demo_accounts(chain_settings)  # the consoles' demo staff, before the consoles open their databases
    with Cluster(chain_settings, with_consoles=True) as cluster:
        yield cluster


@pytest.fixture
def own(chain: Cluster, chain_settings: Settings) -> Callable[..., Owned]:
    """Makes cards of the test's own: ``own(city=…, traits=(…), household_size=…)`` seeds a fresh
    world into the running chain's registries and issues a card at the counter (see
    tests/residents.py)."""
    return functools.partial(own_card, chain_settings)
