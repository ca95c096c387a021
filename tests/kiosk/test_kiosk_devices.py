"""The kiosk as an app, a visit and devices: devices chosen by the settings (a driver of one's own
replaces a simulated one and the screen does not notice), simulated devices that say so, the
flow's states as an enum, imports that go one way, and the app's OpenAPI built from nothing.
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path
from typing import Any

import pytest

from kofu.card.store import CardStore
from kofu.commands.actors import OPENAPI_ACTORS, openapi_app
from kofu.config import Settings
from kofu.kiosk.app import create_app
from kofu.kiosk.devices import Sheet, SimulatedCashUnit, SimulatedPrinter, say_simulated
from kofu.kiosk.equipment import build_devices
from kofu.kiosk.flow import KioskFlow
from kofu.kiosk.journal import Journal, kiosk_journal
from kofu.kiosk.slot import NoCards, PcscSlot, SimulatedSlot
from kofu.kiosk.speaker import PageSpeaker
from kofu.kiosk.visit import Visit
from kofu.protocol import kiosk_screen
from kofu.protocol.kiosk_screen import DeviceCard, Phase
from kofu.protocol.link import endpoints
from tests.kiosk.test_kiosk_app import LABEL, FakeCenter, FakeSeals, ScreenClient, to_payment

KIOSK = Path(__file__).resolve().parents[2] / "src" / "kofu" / "kiosk"
HERE = "tests.kiosk.test_kiosk_devices"


class DrawerPrinter:
    """UNIT-TEST driver: a 'real' printer of our own, named in the settings."""

    simulated = False
    driver = "unit-test drawer"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tray: list[Sheet] = []
        self.pages_printed = 0
        self.fail_next = False
        self.printed: list[tuple[str, int]] = []

    def print_document(self, pdf: bytes, copies: int, title: str) -> None:
        self.printed.append((title, copies))
        self.tray.append(Sheet("0" * 31 + "1", title, copies, pdf))
        self.pages_printed += copies

    def take_all(self) -> list[Sheet]:
        taken, self.tray = self.tray, []
        return taken


class CountingCash(SimulatedCashUnit):
    """UNIT-TEST driver: a cash unit of our own (it counts like the simulated one)."""

    simulated = False
    driver = "unit-test coins"


def make_cash(settings: Settings) -> CountingCash:
    return CountingCash()


class Panel:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def cards(self) -> list[DeviceCard]:
        return [DeviceCard(card=LABEL, name="テスト 太郎", city_name="西東京市")]


def _settings(store: CardStore, **kwargs: Any) -> Settings:
    return Settings(var_dir=store.directory.parent, **kwargs)


def test_by_default_every_device_is_simulated(store: CardStore) -> None:
    devices = build_devices(_settings(store), store)
    assert isinstance(devices.slot, SimulatedSlot) and isinstance(devices.slot.panel, NoCards)
    assert isinstance(devices.cash, SimulatedCashUnit) and isinstance(devices.printer, SimulatedPrinter)
    assert isinstance(devices.speaker, PageSpeaker)
    status = devices.status(card_in_slot=False)
    assert status.card_reader.simulated and status.cash_unit.simulated and status.printer.simulated
    assert status.speaker.simulated


def test_devices_named_in_the_settings_serve_a_whole_visit(store: CardStore) -> None:
    """A driver of one's own replaces the simulated one; the visit and the screen are the same."""
    settings = _settings(
        store,
        cash=f"{HERE}:make_cash",
        printer=f"{HERE}:DrawerPrinter",
        card_panel=f"{HERE}:Panel",
    )
    devices = build_devices(settings, store)
    assert isinstance(devices.cash, CountingCash) and isinstance(devices.printer, DrawerPrinter)
    center = FakeCenter()
    journal = kiosk_journal(settings.var_dir, settings.kiosk_id)
    visit = Visit(center, devices, FakeSeals(), journal=journal)  # type: ignore[arg-type]
    with ScreenClient(create_app(settings, visit, maintenance_key="k" * 20), settings) as client:
        assert client.get("/api/device/cards").json()["cards"][0]["name"] == "テスト 太郎"
        to_payment(client)
        client.post("/api/cash", json={"amount": 500}).raise_for_status()
        assert client.post("/api/pay").json()["change"] == 300
        status = client.get("/api/maintenance/status", headers={"authorization": "Bearer " + "k" * 20}).json()
    assert devices.printer.printed == [("住民票の写し", 1)]
    assert status["devices"]["printer"] == {
        **status["devices"]["printer"],
        "simulated": False,
        "driver": "unit-test drawer",
    }
    assert status["devices"]["cash_unit"]["driver"] == "unit-test coins"
    assert center.outcomes == [("fake-order-1", "delivered"), ("fake-order-1", "printed")]
    money = sorted((row["kind"], row["amount"]) for row in journal.rows("cash"))
    assert money == [("change", 300), ("inserted", 500), ("kept", 200)] and journal.escrow() == 0


def test_a_pcsc_reader_is_chosen_by_the_settings(store: CardStore) -> None:
    devices = build_devices(_settings(store, reader="pcsc", reader_name="Virtual PCD 00 00"))
    assert isinstance(devices.slot, PcscSlot) and devices.pcsc is devices.slot
    assert devices.slot.state().kind == "pcsc"


def test_device_settings_are_checked(store: CardStore) -> None:
    with pytest.raises(SystemExit, match="KOFU_CASH"):
        Settings.from_env({"KOFU_CASH": "a coin box"})
    settings = Settings.from_env(
        {"KOFU_PRINTER": "no.such.module:Printer", "KOFU_CARD_PANEL": "kofu.demo:card_panel"}
    )
    assert settings.card_panel == "kofu.demo:card_panel" and settings.cash == "simulated"
    with pytest.raises(RuntimeError, match="KOFU_PRINTER"):
        build_devices(settings, store)


def test_a_kiosk_with_simulated_devices_says_so(store: CardStore, caplog: pytest.LogCaptureFixture) -> None:
    say_simulated.cache_clear()
    caplog.set_level(logging.WARNING, logger="kofu.kiosk")
    build_devices(_settings(store, printer=f"{HERE}:DrawerPrinter"), store)
    said = [r.getMessage() for r in caplog.records if "SIMULATED" in r.getMessage()]
    assert {m.split(":")[0] for m in said} == {"card slot", "cash unit", "speaker"}  # not our printer
    caplog.clear()
    build_devices(_settings(store), store)  # once per process and device
    SimulatedCashUnit()  # the headless `kofu issue` and `kofu bench` pay quietly
    assert [r.getMessage() for r in caplog.records] == [
        "printer: SIMULATED — " + SimulatedPrinter.driver + " — not a real device"
    ]


def test_the_flows_states_are_an_enum(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.db")
    flow = KioskFlow(FakeCenter(), SimulatedCashUnit(), SimulatedPrinter(), journal, FakeSeals())  # type: ignore[arg-type]
    assert flow.state is Phase.IDLE
    assert [p.value for p in Phase] == ["idle", "card", "authenticated", "menu", "ordered", "done"]


# -- the shape of the package ---------------------------------------------------------------------------
def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(KIOSK.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_kiosk_module_imports_the_demo_or_another_actor() -> None:
    """The kiosk meets the centre and the cities only in kofu.protocol; the demo wires itself in."""
    forbidden = ("kofu.demo", "kofu.up", "kofu.city", "kofu.center")
    found = [
        f"{_module(path)} imports {name}"
        for path in KIOSK.rglob("*.py")
        for name in _imports(path)
        if name.startswith(forbidden)
    ]
    assert found == []


def test_the_kiosk_modules_import_no_circle() -> None:
    modules = {_module(path): path for path in KIOSK.rglob("*.py")}
    graph = {
        name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()
    }
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in graph[name]:
            if state.get(target) == "open":
                pytest.fail("import circle: " + " → ".join([*trail[trail.index(target) :], target]))
            if target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [name])


def test_maintenance_uses_no_private_name_of_the_visit() -> None:
    tree = ast.parse((KIOSK / "maintenance.py").read_text(encoding="utf-8"))
    private = [
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute)
        and n.attr.startswith("_")
        and not (isinstance(n.value, ast.Name) and n.value.id == "self")  # its own, not another's
    ]
    assert private == []
    assert "kofu.kiosk.visit" not in _imports(KIOSK / "maintenance.py")


# -- OpenAPI ------------------------------------------------------------------------------------------------
def test_kofu_openapi_kiosk_describes_every_route_typed(tmp_path: Path) -> None:
    """Built with no visit, no devices, no centre: nothing is written, nothing is opened."""
    assert "kiosk" in OPENAPI_ACTORS
    settings = Settings(var_dir=tmp_path / "var")
    document = openapi_app("kiosk", settings).openapi()
    assert not (tmp_path / "var").exists()
    paths = document["paths"]
    for endpoint in endpoints(vars(kiosk_screen)):
        operation = paths[endpoint.path][endpoint.method.lower()]
        ok = operation["responses"]["200"]["content"]
        if endpoint.answer is not None:
            assert ok["application/json"]["schema"] == {
                "$ref": f"#/components/schemas/{endpoint.answer.__name__}"
            }
        else:
            assert endpoint.media_type in ok, endpoint.name
        error = operation["responses"]["403"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ScreenError"}, endpoint.name
    leave = paths[kiosk_screen.LEAVE.path]["post"]["requestBody"]["content"]
    assert list(leave) == ["text/plain"]
    assert "pin" not in document["components"]["schemas"]["DeviceCard"]["properties"]
