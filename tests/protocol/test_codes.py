"""The stable codes in `kofu.protocol.codes` and the codes the source actually raises, both ways.

The source is read as text, the way `tests/kiosk/test_kiosk_safety.py` reads it for messages: a
code is *raised* when it is the first argument of one of the error classes, the ``code`` of an
error class, or a module constant holding a status code (e.g. the card certificate statuses).
"""

from __future__ import annotations

import re
from pathlib import Path

from kofu.kiosk.messages import KIOSK_MESSAGES, kiosk_message
from kofu.protocol.codes import FAMILIES, MESSAGES, family_of, message_for

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "kofu"
CODE = r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+"
ERROR_CLASSES = (
    "Refused",
    "ProtocolViolation",
    "AuthFailed",
    "LinkFailed",
    "KofuError",
    "TooLarge",
    "RateLimited",
    "FlowError",
    "Busy",
    "Conflict",
)
RAISED = re.compile(rf"\b(?:{'|'.join(ERROR_CLASSES)})\(\s*\"({CODE})\"")
PROBLEM = re.compile(rf"\bProblem\(\s*code=\"({CODE})\"")
CLASS_CODE = re.compile(rf"^    code = \"({CODE})\"$", re.M)
WIRE_PREFIXES = ("card", "session", "city", "document", "order", "link", "protocol", "route")
CONSTANT = re.compile(rf"^[A-Z_]+ = \"((?:{'|'.join(WIRE_PREFIXES)})(?:\.[a-z0-9_]+)+)\"$", re.M)
#: Codes of the city staff console (registry and counter errors): printed to staff with the
#: error text, never answered to a kiosk.
STAFF_PREFIXES = ("city.registry.", "counter.")
#: The touch screen's own codes: their words are in `kofu.kiosk.messages` (or the shared table).
KIOSK_PREFIX = "kiosk."


def raised_in_src() -> dict[str, set[str]]:
    """Every code the source raises, with the files that raise it."""
    found: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "protocol" / "codes.py" or path == SRC / "kiosk" / "messages.py":
            continue  # the tables of words raise nothing
        text = path.read_text()
        for pattern in (RAISED, PROBLEM, CLASS_CODE, CONSTANT):
            for code in pattern.findall(text):
                found.setdefault(code, set()).add(str(path.relative_to(SRC)))
    return found


def test_the_scan_finds_codes_of_every_kind() -> None:
    raised = raised_in_src()
    assert "city.resident.under_15" in raised  # Refused("…")
    assert "card.pin.wrong" in raised and "city.registry.unknown_city" in raised  # class attributes
    assert "card.certificate.revoked" in raised  # a module constant (kofu.pki.jpki)
    assert "link.timeout" in raised and "kiosk.flow" in raised
    assert "document.render_failed" in {c for c, files in raised.items() if "city/issuer/worker.py" in files}
    assert not {c for c in raised if c.endswith((".py", ".js", ".key", ".json", ".pem"))}


def test_every_code_raised_in_src_is_defined() -> None:
    undefined = {}
    for code, files in raised_in_src().items():
        if code.startswith(STAFF_PREFIXES) or code in MESSAGES or family_of(code) is not None:
            continue
        if code.startswith(KIOSK_PREFIX) and code in KIOSK_MESSAGES:
            continue
        undefined[code] = sorted(files)
    assert not undefined, f"codes raised without words in kofu.protocol.codes: {undefined}"


def test_every_defined_code_is_raised_somewhere() -> None:
    raised = set(raised_in_src())
    assert sorted(set(MESSAGES) - raised) == [], "codes.py defines codes nothing raises"
    # The screen's own codes also end a visit or answer a request (``_ended("kiosk.timeout")``,
    # ``error_response("kiosk.error")``): any literal in the kiosk's code or page counts.
    kiosk = [p for p in (SRC / "kiosk").rglob("*") if p.suffix in (".py", ".js") and p.name != "messages.py"]
    literals = {code for path in kiosk for code in re.findall(rf'"({CODE})"', path.read_text())}
    assert sorted(set(KIOSK_MESSAGES) - literals) == [], "kiosk words for codes nothing raises"
    assert all(code.startswith(KIOSK_PREFIX) for code in KIOSK_MESSAGES)  # the shared ones live in codes.py
    assert not set(KIOSK_MESSAGES) & set(MESSAGES)


def test_families_borrow_their_first_members_words() -> None:
    assert all(base in MESSAGES and base.startswith(prefix) for prefix, base in FAMILIES.items())
    assert message_for("link.timeout") == MESSAGES["link.unavailable"]
    assert message_for("protocol.envelope") == MESSAGES["protocol.invalid"]
    assert message_for("route.conflict") == MESSAGES["route.unknown"]
    assert kiosk_message("link.peer.rejected") == MESSAGES["link.unavailable"]
    assert message_for("order.timeout") == message_for("no.such.code")  # removed: nothing raised it
    assert message_for("city.member.not_in_household").en == "A chosen person is not in your household."


def test_the_readme_lists_only_defined_refusal_codes() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Who is refused", 1)[1].split("Each has a Japanese", 1)[0]
    listed: set[str] = set()
    for item in re.findall(r"`([a-z0-9_.|]+)`", section):
        stem, _dot, last = item.rpartition(".")
        listed |= {f"{stem}.{alternative}" for alternative in last.split("|")}
    assert {"card.certificate.expired", "city.member.not_in_household", "city.stopped"} <= listed
    assert sorted(listed - set(MESSAGES)) == []
