"""Settings read from the environment: every KOFU_ variable the processes are started with."""

from __future__ import annotations

from pathlib import Path

from kofu.config import Settings
from kofu.up import _settings_env


def test_the_centres_sweep_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"KOFU_VAR": str(tmp_path), "KOFU_SWEEP_AFTER": "10", "KOFU_SWEEP_INTERVAL": "2"}
    )
    assert (settings.sweep_after, settings.sweep_interval) == (10, 2)
    assert Settings.from_env({"KOFU_VAR": str(tmp_path)}).sweep_after == 600


def test_what_kofu_up_passes_to_an_actor_is_what_the_actor_reads(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "KOFU_VAR": str(tmp_path),
            "KOFU_SWEEP_AFTER": "7",
            "KOFU_SWEEP_INTERVAL": "3",
            "KOFU_HOUSEHOLDS": "5",
        }
    )
    again = Settings.from_env({"KOFU_VAR": str(tmp_path), **_settings_env(settings)})
    for field in ("sweep_after", "sweep_interval", "households", "port_base", "kiosk_port"):
        assert getattr(again, field) == getattr(settings, field), field
