"""The systemd units a real deployment uses: every actor restarted on failure, sandboxed, and
started with a `kofu` command that exists."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

from kofu.cli import _parser

UNITS = sorted((Path(__file__).resolve().parents[1] / "deploy" / "systemd").glob("*.service"))
SANDBOX = ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "CapabilityBoundingSet")


def _service(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser["Service"]


def test_there_is_a_unit_for_every_actor() -> None:
    names = {u.name for u in UNITS}
    assert {
        "kofu-center.service",
        "kofu-verifier.service",
        "kofu-gateway@.service",
        "kofu-issuer@.service",
    } <= names
    assert "kofu-kiosk.service" in names


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_each_unit_restarts_on_failure_is_sandboxed_and_runs_a_real_command(unit: Path) -> None:
    service = _service(unit)
    assert service["Restart"] == "on-failure"
    for option in SANDBOX:
        assert option in service, f"{unit.name} lacks {option}"
    command = shlex.split(service["ExecStart"].replace("%i", "132292"))
    assert command[0].endswith("/kofu")
    _parser().parse_args(command[1:])  # the command and its options exist (exits on an unknown one)
