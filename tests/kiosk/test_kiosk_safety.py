"""The kiosk's safety rules in-process: page reloads, the tray rule, maintenance, supplies, words.

Same set-up as `test_kiosk_app` (a real emulated card, the UNIT-TEST FakeCentre).
"""

from __future__ import annotations

import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kofu.card.store import CardStore
from kofu.kiosk.maintenance import KEY_FILE, MaintenanceGate, load_or_create_key
from kofu.kiosk.messages import kiosk_message
from kofu.kiosk.speaker import GUIDANCE
from kofu.protocol.codes import message_for
from kofu.protocol.kiosk_screen import TOKEN_HEADER
from tests.kiosk.test_kiosk_app import (
    LABEL,
    PIN,
    FakeCenter,
    _client,
    assert_error,
    to_menu,
    to_payment,
    visit_of,
)

KEY = "unit-test-maintenance-key-0123456789"
SRC = Path(__file__).resolve().parents[2] / "src" / "kofu"


def make_client(store: CardStore, center: FakeCenter, **kwargs: float) -> TestClient:
    return _client(store, center, maintenance_key=KEY, **kwargs)


@pytest.fixture
def center() -> FakeCenter:
    return FakeCenter()


@pytest.fixture
def client(store: CardStore, center: FakeCenter) -> Iterator[TestClient]:
    with make_client(store, center) as c:
        yield c


AUTH = {"authorization": f"Bearer {KEY}"}


def paid_and_left(client: TestClient) -> None:
    """A resident pays and prints, then leaves the documents and the change behind."""
    to_payment(client)
    client.post("/api/cash", json={"amount": 500}).raise_for_status()
    client.post("/api/pay").raise_for_status()
    assert len(client.get("/api/tray").json()["sheets"]) == 1


# -- reloading or closing the page -------------------------------------------------------------------
@pytest.mark.parametrize("how", ["reload", "beacon"])
def test_page_reload_or_close_mid_payment_refunds(client: TestClient, center: FakeCenter, how: str) -> None:
    to_payment(client)
    client.post("/api/cash", json={"amount": 500}).raise_for_status()
    if how == "reload":
        assert client.get("/").status_code == 200
    else:  # what the page's pagehide beacon sends: its token as the text/plain body, no header
        token = client.headers[TOKEN_HEADER]
        beacon = {"content-type": "text/plain", TOKEN_HEADER: ""}
        client.post("/api/leave", content=token.encode(), headers=beacon).raise_for_status()
    state = client.get("/api/state").json()
    assert state["phase"] == "idle" and state["document"] is None and state["menu"] is None
    assert state["cash"] == {**state["cash"], "inserted": 0, "returned": 500}
    assert state["ended"]["code"] == "kiosk.page.left" and state["ended"]["refund"] == 500
    assert center.outcomes == [("fake-order-1", "delivered"), ("fake-order-1", "cancelled")]


def test_reload_with_nothing_open_changes_nothing(client: TestClient) -> None:
    client.get("/").raise_for_status()
    assert client.get("/api/state").json()["ended"] is None


# -- the tray rule -------------------------------------------------------------------------------------
def test_documents_left_in_the_tray_are_retained_when_the_next_card_comes(client: TestClient) -> None:
    paid_and_left(client)
    client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
    state = client.get("/api/state").json()
    assert state["tray"] == [] and state["cash"]["returned"] == 0
    status = client.get("/api/maintenance/status", headers=AUTH).json()
    assert status["retained"] == {"documents": 1, "copies": 1}
    assert status["devices"]["cash_unit"]["retained_cash"] == 300


def test_documents_left_are_retained_on_reload_and_cannot_be_opened(client: TestClient) -> None:
    paid_and_left(client)
    (sheet,) = client.get("/api/tray").json()["sheets"]
    client.get("/").raise_for_status()
    assert client.get("/api/tray").json()["sheets"] == []
    assert_error(client.get(f"/api/tray/{sheet['id']}"), "kiosk.tray.empty", 404)
    assert client.get("/api/state").json()["ended"]["code"] == "kiosk.page.left"


def test_documents_left_are_retained_after_the_idle_timeout(store: CardStore, center: FakeCenter) -> None:
    with make_client(store, center, idle_timeout=0.3, watchdog_interval=0.05) as client:
        paid_and_left(client)
        deadline = time.monotonic() + 5
        while client.get("/api/state").json()["tray"] and time.monotonic() < deadline:
            time.sleep(0.05)
        state = client.get("/api/state").json()
        assert state["tray"] == [] and state["cash"]["returned"] == 0
        assert state["ended"]["code"] == "kiosk.timeout.left_behind"
        status = client.get("/api/maintenance/status", headers=AUTH).json()
        assert status["retained"]["documents"] == 1
        destroyed = client.post("/api/maintenance/action", headers=AUTH, json={"action": "retained.destroy"})
        assert destroyed.json()["retained"] == {"documents": 0, "copies": 0}


def test_touch_keeps_the_visit_alive(store: CardStore, center: FakeCenter) -> None:
    with make_client(store, center, idle_timeout=0.6, watchdog_interval=0.05) as client:
        client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
        for _ in range(6):
            time.sleep(0.2)
            client.post("/api/touch").raise_for_status()
        state = client.get("/api/state").json()
        assert state["card"]["in_slot"] is True and 0 < state["idle_left"] <= 0.6
        client.post("/api/cancel").raise_for_status()


# -- maintenance ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer wrong-key-wrong-key-wrong"}, {"authorization": f"Basic {KEY}"}],
)
def test_maintenance_refuses_wrong_credentials(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/api/maintenance/status", headers=headers)
    assert_error(response, "kiosk.maintenance.denied", 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    action = client.post("/api/maintenance/action", headers=headers, json={"action": "cashbox.empty"})
    assert_error(action, "kiosk.maintenance.denied", 401)


def test_maintenance_shows_counters_never_a_document_or_a_resident(client: TestClient) -> None:
    paid_and_left(client)
    client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
    raw = client.get("/api/maintenance/status", headers=AUTH).text
    status = client.get("/api/maintenance/status", headers=AUTH).json()
    assert status["devices"]["cash_unit"]["box_total"] == 200
    assert status["devices"]["printer"]["paper"] == 499 and status["devices"]["card_reader"]["card_present"]
    for secret in (LABEL, PIN, "住民票", "%PDF", "pdf", "西東京市", "fake-order"):
        assert secret not in raw
    page = client.get("/maintenance")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert KEY not in page.text


def test_maintenance_actions(client: TestClient, center: FakeCenter) -> None:
    def act(action: str, value: float | None = None) -> dict:  # type: ignore[type-arg]
        response = client.post(
            "/api/maintenance/action", headers=AUTH, json={"action": action, "value": value}
        )
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    assert act("idle_timeout", 45)["idle_timeout"] == 45
    assert client.get("/api/state").json()["idle_timeout"] == 45
    assert_error(
        client.post("/api/maintenance/action", headers=AUTH, json={"action": "idle_timeout", "value": 0}),
        "kiosk.invalid",
    )
    assert_error(
        client.post("/api/maintenance/action", headers=AUTH, json={"action": "rm -rf"}), "kiosk.invalid"
    )
    # The test switch: the next print fails, and the resident gets every yen back.
    assert act("printer.fail_next")["devices"]["printer"]["status"] == "jam_armed"
    to_payment(client)
    client.post("/api/cash", json={"amount": 1000}).raise_for_status()
    assert_error(client.post("/api/pay"), "kiosk.print.failed")
    assert client.get("/api/state").json()["cash"]["returned"] == 1000
    assert center.outcomes[-1][1] == "failed"
    status = act("cashbox.empty")
    assert status["devices"]["cash_unit"]["box_total"] == 0
    assert status["devices"]["printer"]["status"] == "ok"


def test_out_of_paper_refuses_before_any_money(client: TestClient, center: FakeCenter) -> None:
    visit_of(client).devices.supplies.paper = 0
    to_menu(client)
    client.post("/api/document", json={"doc": "juminhyo"}).raise_for_status()
    assert_error(client.post("/api/order"), "kiosk.printer.paper_out")
    assert center.orders == 0  # refused before the city was even asked
    assert_error(client.post("/api/cash", json={"amount": 100}), "kiosk.payment.not_now")
    client.post("/api/maintenance/action", headers=AUTH, json={"action": "paper.refill"}).raise_for_status()
    client.post("/api/cancel").raise_for_status()
    to_payment(client)


def test_maintenance_key_is_created_once_and_private(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "kiosk")
    assert len(key) >= 20 and load_or_create_key(tmp_path / "kiosk") == key
    mode = (tmp_path / "kiosk" / KEY_FILE).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    gate = MaintenanceGate(key)
    assert gate.allows(f"Bearer {key}") and not gate.allows(f"Bearer {key}x") and not gate.allows(None)


# -- words for the resident -----------------------------------------------------------------------------
def _codes_raised_in_src() -> set[str]:
    pattern = re.compile(r"(?:Refused|ProtocolViolation|AuthFailed|LinkFailed|KofuError)\(\s*\"([a-z_.]+)\"")
    codes = {m for path in SRC.rglob("*.py") for m in pattern.findall(path.read_text())}
    card_errors = (SRC / "card" / "errors.py").read_text()
    return codes | set(re.findall(r'code = "([a-z_.]+)"', card_errors))


def test_every_code_that_can_reach_the_screen_has_its_own_words() -> None:
    fallback = message_for("no.such.code")
    codes = _codes_raised_in_src()
    assert {"city.resident.moved_out", "card.pin.blocked", "kiosk.print.failed"} <= codes
    missing = sorted(c for c in codes if kiosk_message(c) == fallback)
    assert missing == [], f"no resident-facing words for {missing}"
    for code in codes:
        message = kiosk_message(code)
        assert message.ja and message.en and message.ja != message.en


def test_every_screen_has_spoken_guidance_in_both_languages() -> None:
    script = (SRC / "kiosk" / "static" / "kiosk.js").read_text()
    screens = set(re.findall(r"^    (\w+)\(\) \{$", script, flags=re.M))
    assert {"start", "pin", "payment", "done"} <= screens
    assert screens - {"error"} <= set(GUIDANCE)  # the error screen speaks the error's own message
    for key in ("remove", "takeDocs", "takeChange", "pinWrong", "idle"):
        assert GUIDANCE[key].ja and GUIDANCE[key].en
