"""`kofu issue --help` documents every option and choice the issuer's catalog can offer.

The help is written by hand in `kofu.commands.issue` (the kiosk-side command does not import the
issuer); this test holds it to the catalog: the options each document can have for a card whose
household has a foreign resident and whose register is kept here (so that every option shows).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest

from kofu.city.issuer import catalog
from kofu.city.issuer.subject import Subject, document_options
from kofu.commands.issue import DOCS
from kofu.protocol.kiosk_center import OptionSpec

#: Options whose choices are not fixed words: people (opaque tokens) and the city's tax years.
PLACEHOLDERS = {"members": "N", "member": "N", "fiscal_year": "YYYY"}


def _person(ident: int, *, foreign: bool = False) -> Any:
    return SimpleNamespace(id=ident, is_foreign=foreign, name=f"P{ident}", zokugara="", removed=False)


def catalog_options() -> dict[str, list[OptionSpec]]:
    """The options of each document for a card that sees every one of them."""
    holder, foreigner = _person(1), _person(2, foreign=True)
    register = SimpleNamespace(members=[_person(11), _person(12)])
    subject = Subject("0A1B", holder, register, register.members[0], [holder, foreigner])  # type: ignore[arg-type]
    setting = SimpleNamespace(kazei_fiscal_years=[2025, 2026])
    keys = SimpleNamespace(token=lambda serial, kind, ident: f"{kind}{ident}")
    return {
        doc: document_options(doc, subject, setting, keys, members=True).specs  # type: ignore[arg-type]
        for doc in catalog.OFFERS
    }


@pytest.fixture(scope="module")
def help_text() -> str:
    env = {**os.environ, "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-m", "kofu.cli", "issue", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=60,
    )
    return done.stdout


def documented(help_text: str) -> dict[str, dict[str, tuple[str, str]]]:
    """doc → option name → (value as written, the rest of its line) from the help's option table."""
    table = help_text.split("document options", 1)[1].split("\n\n", 1)[0]
    out: dict[str, dict[str, tuple[str, str]]] = {}
    doc = ""
    for line in table.splitlines()[1:]:
        if line[2:3].strip():
            doc = line[2:].split()[0]
            out[doc] = {}
        found = re.match(r"^ {2}(?:\w+)?\s+([a-z_]+)=(\S+)\s+(.*)$", line)
        if found:
            out[doc][found[1]] = (found[2], found[3])
    return out


def test_the_help_lists_the_catalogs_documents(help_text: str) -> None:
    assert list(documented(help_text)) == list(catalog.OFFERS) == DOCS
    assert "{" + ",".join(catalog.OFFERS) + "}" in help_text  # --doc's choices


def test_every_option_and_choice_of_the_catalog_is_in_the_help(help_text: str) -> None:
    table = documented(help_text)
    for doc, specs in catalog_options().items():
        assert list(table[doc]) == [s.name for s in specs], doc
        for spec in specs:
            value, words = table[doc][spec.name]
            if spec.enveloped_labels or spec.name == "fiscal_year":
                assert value.split(",")[0].removesuffix("[") == PLACEHOLDERS[spec.name], (doc, spec.name)
            else:
                assert value.split("|") == spec.choices, (doc, spec.name)  # in order: the default first
            assert ("," in value) == spec.multiple, (doc, spec.name)
            for name, wanted in spec.shown_when.items():
                assert f"with {name}={wanted}" in words, (doc, spec.name)


def test_no_option_the_catalog_defines_is_left_out_of_every_document() -> None:
    defined = [v for v in vars(catalog).values() if isinstance(v, OptionSpec)]
    defined += list(catalog.FOREIGN)
    offered = {(s.name, tuple(s.choices)) for specs in catalog_options().values() for s in specs}
    assert len(defined) >= 5
    assert not [s.name for s in defined if (s.name, tuple(s.choices)) not in offered]
