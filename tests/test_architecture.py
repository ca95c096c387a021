"""The shape of the code: actors meet only through ``kofu.protocol``; production code knows no tests.

Read from the source (``ast`` and ``tokenize``, nothing imported or run):

- every ``import`` anywhere in a module (at the top, inside a function, under ``TYPE_CHECKING``);
- an actor package (its own process in a deployment) imports no other actor's package, and the
  shared packages import no actor; only the wiring that starts processes (``kofu up``, ``kofu
  seed`` and the demo, the CLI commands) may reach into several actors;
- the card, the documents and the Merkle logs are used only by the actors that own them;
- no module imports another into a cycle (imports for type checking only do not run, so do
  not count there);
- no production module names a test or the demo in its code (its names and string literals;
  docstrings and comments are prose and not read), except the wiring and those listed in
  ``MENTIONS_ALLOWED``, each with its reason.

A new top-level package counts as shared: it may import no actor. A package that is an actor or
wiring is added to ``ACTORS`` or ``WIRING`` here, with its reason.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
KOFU = SRC / "kofu"

#: The actors: each runs as its own process (or, for the registry, is one city's database,
#: owned by that city), and they meet only through the models of ``kofu.protocol``.
ACTORS = frozenset(
    {
        "kofu.kiosk",
        "kofu.center",
        "kofu.verifier",
        "kofu.city.gateway",
        "kofu.city.issuer",
        "kofu.city.registry",
        "kofu.city.counter",
        "kofu.city.console",
    }
)

#: Actor-to-actor imports that are not a link: the reason each one is not a network boundary.
ACTOR_EDGES_ALLOWED = {
    ("kofu.city.issuer", "kofu.city.registry"): "the issuer reads its own city's registry database "
    "live, inside the city's non-public segment (DESIGN: Actors and zones)",
    ("kofu.city.counter", "kofu.city.registry"): "the city counter records the cards it issues in "
    "its own city's registry database, inside the city's segment",
    ("kofu.city.console", "kofu.city.registry"): "the city's staff console reads and changes its own "
    "city's registry (settings, 利用登録, residents) inside the city's segment",
    ("kofu.city.console", "kofu.city.issuer"): "the city's staff console applies the same rules and "
    "settings as `kofu city settings` and `kofu city registrations`, inside the city's segment",
    ("kofu.city.console", "kofu.city.counter"): "the city's staff console does the counter's card "
    "actions, as `kofu counter` does, inside the city's segment",
}

#: Modules that start or drive several actors, so may import them; nothing else may import these.
WIRING = {
    "kofu.up": "`kofu up`: supervises every actor of the demo chain",
    "kofu.run": "starts one actor in this process (`kofu center|gateway|issuer|kiosk|verifier`)",
    "kofu.demo": "`kofu seed` and `kofu up`: makes the demo's PKI, cities, residents and cards",
    "kofu.cli": "the `kofu` command: dispatches to kofu.commands",
    "kofu.commands": "the CLI commands, one per actor or task (`kofu city …`, `kofu counter …`)",
    "kofu.bench": "`kofu bench`: drives many kiosks against a running demo chain",
    "kofu.chaos": "`kofu chaos`: runs its own demo chain and kills its processes",
    "kofu.settle": "`kofu settle`: the monthly statement reads every kiosk's journal, the centre's "
    "history and each city's issuance log, as J-LIS's back office does once a month",
    "kofu.console.demo": "`kofu up`: one console account per role for the demo, printed with their passwords",
}

#: Shared packages that only some actors may use (DESIGN: Actors and zones, Documents, Records).
#: Shared packages not named here (protocol, pki, net, storage, clock, config, ...) serve every actor.
RESTRICTED = {
    "kofu.card": (
        {"kofu.kiosk", "kofu.city.counter", "kofu.city.console"},
        "only the kiosk reads a card and only the city counter writes one (also from the city's "
        "console, which does the counter's card actions)",
    ),
    "kofu.documents": (
        {"kofu.city.issuer", "kofu.kiosk", "kofu.verifier"},
        "the centre and the gateway relay documents they cannot read",
    ),
    "kofu.ledger": (
        {"kofu.center", "kofu.city.issuer"},
        "the append-only logs are the centre's history and each city's issuance log",
    ),
}

#: Production modules whose code may name the demo or tests, besides WIRING, with the reason.
MENTIONS_ALLOWED = {
    "kofu.config": "the default settings are the demo's (cities, kiosk id), each overridden by the "
    "environment",
    "kofu.pki.ca": "the CAs `kofu pki init` makes are named demo CAs, so that nothing they sign "
    "passes for a real JPKI or LGPKI certificate",
    "kofu.city.registry.seed": "`kofu seed`: the synthetic residents of the demo cities",
    "kofu.city.registry.check": "`kofu seed check`: checks what the seed makes",
    "kofu.city.registry.places": "the real town histories the seed draws from, marked by demo city",
}

_NAME = re.compile(r"(?i)(?:^|_)(?:demo|tests?|testing|pytest|unittest|time_machine)(?:_|$)")
_CAMEL = re.compile(r"Demo|Test(?=[A-Z]|$)")
_TEXT = re.compile(r"(?i)\b(?:demo|tests?|testing|pytest|unit[ _-]?tests?)\b")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the kofu module (or package) it imports
    line: int
    typing_only: bool = False  # under ``if TYPE_CHECKING:``, never run


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(KOFU.rglob("*.py")):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> list[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names
            ]
        else:
            continue
        found += [
            Import(module, t, node.lineno, id(node) in typing_only)
            for t in targets
            if t == "kofu" or t.startswith("kofu.")
        ]
    return found


IMPORTS = [imp for module, path in MODULES.items() for imp in _imports(module, path)]


def _owner(module: str, owners: object) -> str | None:
    """The entry of ``owners`` (a collection of package names) that ``module`` belongs to."""
    for name in owners:  # type: ignore[attr-defined]
        if module == name or module.startswith(name + "."):
            return str(name)
    return None


def _where(imp: Import) -> str:
    return f"{MODULES[imp.module].relative_to(SRC.parent)}:{imp.line} imports {imp.target}"


def test_the_module_walk_sees_every_package() -> None:
    # a guard on the walk itself: it reads every listed package and sees the imports it must see
    listed = [
        *ACTORS,
        *WIRING,
        *RESTRICTED,
        *MENTIONS_ALLOWED,
        *(m for edge in ACTOR_EDGES_ALLOWED for m in edge),
    ]
    for name in listed:
        assert name in MODULES, f"{name} is listed here but is not a module of src/kofu"
    seen = {(imp.module, imp.target) for imp in IMPORTS}
    assert ("kofu.city.gateway.app", "kofu.protocol.center_gateway") in seen  # from ... import names
    assert ("kofu.card.applet", "kofu.card.apdu") in seen  # a multi-line from-import
    assert any(
        module == "kofu.commands.actors" and target == "kofu.demo" for module, target in seen
    )  # in a function


def test_actors_meet_only_through_protocol() -> None:
    wrong = []
    for imp in IMPORTS:
        source, target = _owner(imp.module, ACTORS), _owner(imp.target, ACTORS)
        if target is None or source == target or _owner(imp.module, WIRING):
            continue
        if source is None:
            wrong.append(f"{_where(imp)}: a shared package may import no actor")
        elif (source, target) not in ACTOR_EDGES_ALLOWED:
            wrong.append(f"{_where(imp)}: actors meet only through kofu.protocol")
    assert not wrong, "\n".join(wrong)


def test_nothing_but_wiring_imports_the_wiring() -> None:
    wrong = [
        f"{_where(imp)}: only the wiring (kofu up, seed, the CLI) may use it"
        for imp in IMPORTS
        if _owner(imp.target, WIRING) and not _owner(imp.module, WIRING)
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", sorted(RESTRICTED))
def test_restricted_packages_serve_only_their_actors(package: str) -> None:
    users, reason = RESTRICTED[package]
    wrong = [
        f"{_where(imp)}: {reason}"
        for imp in IMPORTS
        if _owner(imp.target, [package])
        and (actor := _owner(imp.module, ACTORS)) is not None
        and actor not in users
    ]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for imp in IMPORTS:
        if imp.target in MODULES and imp.target != imp.module and not imp.typing_only:
            graph[imp.module].add(imp.target)
    cycles: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    assert not cycles, "\n".join(" <-> ".join(cycle) for cycle in cycles)


def _mentions(path: Path, root: Path = SRC.parent) -> list[str]:
    source = path.read_text(encoding="utf-8")
    docstrings = {
        (node.value.lineno, node.value.col_offset)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME and (_NAME.search(token.string) or _CAMEL.search(token.string)):
            found.append(f"{path.relative_to(root)}:{token.start[0]} names {token.string}")
        elif token.type == tokenize.STRING and token.start not in docstrings and _TEXT.search(token.string):
            found.append(f"{path.relative_to(root)}:{token.start[0]} says {token.string[:60]}")
    return found


def test_no_production_module_mentions_tests_or_the_demo() -> None:
    wrong = [
        mention
        for module, path in MODULES.items()
        if not _owner(module, WIRING) and not _owner(module, MENTIONS_ALLOWED)
        for mention in _mentions(path)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_mention_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    # the check itself: code names and strings count, docstrings and comments do not
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A docstring may say demo and tests."""\n'
        "# so may a comment: unit tests\n"
        "from kofu.demo import DemoCard\n"
        "if app.state.unit_test_peer:\n"
        '    key = "kofu-unit-test-only"\n'
        "latest = contest = 1\n"
    )
    found = _mentions(sample, tmp_path)
    assert [line.split(" ", 1)[1] for line in found] == [
        "names demo",
        "names DemoCard",
        "names unit_test_peer",
        'says "kofu-unit-test-only"',
    ]
