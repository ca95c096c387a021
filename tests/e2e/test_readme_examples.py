"""Every `kofu` command of the README's examples, run as printed against a running demo.

The test starts its own demo (its examples revoke a card, change settings, rotate a seal key)
with pcscd for the PC/SC example, takes every ``.venv/bin/kofu …`` line of the README's ``sh``
blocks in order, and runs it in one working directory, as a reader who copies them would. A
card label the README prints must be a card of the day's demo with the PIN printed next to it.
Values the README says to pick from the day's data (the 本籍 and 筆頭者 of a card whose register
is kept in the other city, a resident id, an application number) are taken from the running
demo the same way a reader would look them up.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kofu.config import Settings
from kofu.demo import DemoCard, setup
from kofu.up import Cluster, _settings_env
from tests.conftest import _free_base
from tests.e2e.helpers import registry

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
KOFU = ".venv/bin/kofu"
#: Under CI the README's timed runs (bench, chaos) are run short: the same command, fewer seconds.
#: tests/e2e/test_chaos.py and tests/test_bench.py check what those runs print.
SHORT_SECONDS = {"bench": "4", "chaos": "8"}
PLAIN = {"moved-out", "deceased", "dv-protected", "pending-change", "under-15", "long-address"}


def readme_commands(text: str) -> list[list[str]]:
    """The argv (after ``kofu``) of every ``.venv/bin/kofu`` line of the ``sh`` blocks, in order."""
    commands: list[list[str]] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == KOFU:
                commands.append(words[1:])
    return commands


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


def _replace(argv: list[str], name: str, value: str) -> None:
    argv[argv.index(name) + 1] = value


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, list[DemoCard]]]:
    base = _free_base()
    env = {
        "KOFU_VAR": str(tmp_path_factory.mktemp("readme-var")),
        "KOFU_PORT_BASE": str(base),
        "KOFU_KIOSK_PORT": str(base + 100),
        "KOFU_HOUSEHOLDS": "16",
    }
    settings = Settings.from_env(env)
    cards = setup(settings, bench_kiosks=8)
    with Cluster(settings, with_kiosk=False):
        yield settings, cards


class Reader:
    """A reader copying the README's commands, looking up what it says to look up."""

    def __init__(self, settings: Settings, cards: list[DemoCard], workdir: Path) -> None:
        self.settings, self.cards, self.workdir = settings, cards, workdir
        self.by_label = {c.card: c for c in cards}
        self.residents: dict[str, str] = {}
        self.applied: list[tuple[str, str]] = []  # (city, application number) not yet decided
        self.used_for_applications: set[str] = set()

    def run(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "KOFU_VAR": str(self.settings.var_dir), **_settings_env(self.settings)}
        return subprocess.run(
            [sys.executable, "-m", "kofu.cli", *argv],
            cwd=self.workdir,
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
        )

    def adapt(self, argv: list[str]) -> list[str]:
        argv = list(argv)
        if argv[:2] == ["honseki", "apply"]:
            self._applicant(argv)
        elif argv[:2] == ["city", "registrations"] and argv[2] in ("approve", "reject"):
            city = _option(argv, "--city")
            assert city is not None
            argv[argv.index("--city") + 2] = self._application(city)
        else:
            self._check_card(argv)
        if "--resident" in argv:
            _replace(argv, "--resident", self._resident(argv))
        if os.environ.get("CI") and argv[0] in SHORT_SECONDS and "--seconds" in argv:
            _replace(argv, "--seconds", SHORT_SECONDS[argv[0]])
        return argv

    def _check_card(self, argv: list[str]) -> None:
        label = _option(argv, "--card") or (argv[2] if argv[:2] == ["card", "insert"] else None)
        if label is None:
            return
        assert label in self.by_label, f"the README names {label}, which the day's demo does not have"
        pin = _option(argv, "--pin")
        if pin is not None and argv[:3] != ["counter", "card", "unblock"]:  # unblock sets a new PIN
            assert pin == self.by_label[label].pin, f"the README's PIN for {label} is not the demo's"

    def _applicant(self, argv: list[str]) -> None:
        """A card of the day whose register is kept in the README's 本籍地 city, with its 本籍 and
        筆頭者 as `kofu cards --trait honseki-elsewhere` and the resident's record show them."""
        city = _option(argv, "--city")
        for card in self.cards:
            if card.card in self.used_for_applications or PLAIN & set(card.traits):
                continue
            if "honseki-elsewhere" not in card.traits or "honseki-registered" in card.traits:
                continue
            holder = next(r for r in registry(self.settings, card.city) if r.id == card.resident_id)
            if holder.honseki_city_code == city and holder.honseki and holder.hittosha:
                self.used_for_applications.add(card.card)
                _replace(argv, "--card", card.card)
                _replace(argv, "--pin", card.pin)
                _replace(argv, "--honseki", holder.honseki)
                _replace(argv, "--hittosha", holder.hittosha)
                return
        raise AssertionError(f"no card of the day applies at {city}")

    def _application(self, city: str) -> str:
        """The application the README's `honseki apply` made, or a new one for a second decision."""
        for n, (applied_city, number) in enumerate(self.applied):
            if applied_city == city:
                del self.applied[n]
                return number
        done = self.run(
            self.adapt(
                [
                    "honseki",
                    "apply",
                    "--card",
                    "",
                    "--pin",
                    "",
                    "--city",
                    city,
                    "--honseki",
                    "",
                    "--hittosha",
                    "",
                ]
            )
        )
        assert done.returncode == 0, done.stderr
        return self._number(done.stdout)

    @staticmethod
    def _number(stdout: str) -> str:
        found = re.search(r"application #(\d+)", stdout)
        assert found, stdout
        return found[1]

    def _resident(self, argv: list[str]) -> str:
        """The README's resident id stands for a resident of the day: the holder of the city's last
        plain card (the same one for the same id)."""
        given = _option(argv, "--resident")
        city = _option(argv, "--city")
        assert given is not None and city is not None
        if given not in self.residents:
            plain = [
                c for c in self.cards if c.city == city and "adult" in c.traits and not PLAIN & set(c.traits)
            ]
            self.residents[given] = str(plain[-1 - len(self.residents)].resident_id)
        return self.residents[given]

    def record(self, argv: list[str], done: subprocess.CompletedProcess[str]) -> None:
        if argv[:2] == ["honseki", "apply"]:
            city = _option(argv, "--city")
            assert city is not None
            self.applied.append((city, self._number(done.stdout)))


@pytest.mark.timeout(900)  # some thirty commands, each a process of its own, one after another
def test_every_readme_command_works_as_printed(demo, pcscd, tmp_path):
    settings, cards = demo
    commands = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(commands) >= 20, "the README's examples were not found"
    reader = Reader(settings, cards, tmp_path)
    failed = []
    for printed in commands:
        argv = reader.adapt(printed)
        done = reader.run(argv)
        if done.returncode != 0:
            failed.append(
                f"kofu {shlex.join(printed)}\n  ran: kofu {shlex.join(argv)}\n  {done.stderr.strip()}"
            )
            continue
        reader.record(argv, done)
    assert failed == [], "README commands that fail:\n" + "\n".join(failed)
    assert (tmp_path / "juminhyo.pdf").read_bytes().startswith(b"%PDF")
