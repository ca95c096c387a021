"""The kiosk's touch-screen API in-process (FastAPI TestClient) against a FakeCentre.

The card is a real emulated card (JPKI applet, RSA key, PIN counter) in a temporary CardStore;
only the centre is faked, so these tests stay fast and need no network. The client is the
kiosk's own page (`ScreenClient`): its Host and Origin, and the token of the page it loaded.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient

from kofu.card.state import CardState
from kofu.card.store import CardStore
from kofu.config import Settings
from kofu.kiosk.app import create_app
from kofu.kiosk.equipment import Devices
from kofu.kiosk.journal import kiosk_journal
from kofu.kiosk.visit import IDLE_TIMEOUT, Visit
from kofu.protocol.codes import MESSAGES
from kofu.protocol.envelope import DocumentHeader, envelope_document, order_binding
from kofu.protocol.errors import Problem, Refused
from kofu.protocol.header import HeaderSigner
from kofu.protocol.kiosk_center import (
    Abandoned,
    CityChoice,
    DocumentOffer,
    Menu,
    OptionSpec,
    OrderOutcome,
    OrderRequest,
    OrderResult,
    OutcomeRecorded,
    SessionAuthenticated,
    SessionChallenge,
)
from kofu.protocol.kiosk_screen import TOKEN_HEADER, TOKEN_META, DeviceCard

LABEL = "UT-0001"
PIN = "4321"
CITY = "132292"
OTHER_CITY = "132110"
#: The cities of the UNIT-TEST trust list (code → name).
TRUST_LIST_CITIES = {CITY: "西東京市", OTHER_CITY: "小平市"}
FAKE_PDF = b"%PDF-1.4\n% kofu unit-test fake document, not a real certificate\n%%EOF\n"
ERROR_KEYS = {"code", "message_ja", "message_en", "tries_left"}
ASSETS = ("kiosk.js", "text.js", "speaker.js", "maintenance.js", "kiosk.css")


#: UNIT-TEST FAKE city seal key: signs the placeholder document's header.
FAKE_CITY_SIGNER = HeaderSigner(b"UT-SEAL!", ec.generate_private_key(ec.SECP256R1()))


class FakeCenter:
    """UNIT-TEST FAKE of `kofu.kiosk.centre.CentreLink`: no network, no TLS, no city, no registry.

    It checks the card's signature over its challenge like the centre does, offers one
    住民票 with the real option names, and seals a placeholder PDF for the ordering kiosk with
    the right order binding, so the kiosk's own checks run for real. `refuse_menu` /
    `refuse_order` make it answer with a refusal code instead.
    """

    def __init__(self, *, refuse_menu: str | None = None, refuse_order: str | None = None) -> None:
        self.refuse_menu = refuse_menu
        self.refuse_order = refuse_order
        self.outcomes: list[tuple[str, str]] = []
        self.orders = 0
        self._challenge = b""
        self._serial = ""

    def close(self) -> None:
        pass

    def open_session(self) -> SessionChallenge:
        self._challenge = os.urandom(32)
        expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=5)
        return SessionChallenge(session_id="fake-session", challenge=self._challenge, expires_at=expires)

    def authenticate(self, session_id: str, certificate: bytes, signature: bytes) -> SessionAuthenticated:
        cert = x509.load_der_x509_certificate(certificate)
        cert.public_key().verify(signature, self._challenge, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
        self._serial = format(cert.serial_number, "X")
        city = CityChoice(city_code=CITY, city_name="西東京市", kind="residence")
        return SessionAuthenticated(session_token="fake-token", cities=[city])

    def menu(self, token: str, city_code: str, menu_key: bytes | None = None) -> Menu:
        if self.refuse_menu:
            raise Refused(self.refuse_menu)
        household = OptionSpec(
            name="household",
            label_ja="対象者",
            label_en="Whose record",
            choices=["self", "all"],
            choice_labels_ja=["本人のみ", "世帯全員"],
            choice_labels_en=["Only me", "Whole household"],
        )
        offer = DocumentOffer(
            doc="juminhyo",
            title_ja="住民票の写し",
            title_en="Certificate of residence",
            fee=200,
            max_copies=10,
            options=[household],
        )
        return Menu(city_code=city_code, city_name="西東京市", documents=[offer])

    def order(self, token: str, order: OrderRequest) -> OrderResult:
        self.orders += 1
        order_id = f"fake-order-{self.orders}"
        if self.refuse_order:
            return OrderResult(order_id=order_id, status="refused", error=Problem(code=self.refuse_order))
        header = DocumentHeader(
            order_id=order_id,
            city_code=order.city_code,
            doc=order.doc,
            copies=order.copies,
            pages=1,
            issue_number="UT-1",
            binding=order_binding(order_id, self._serial, order.doc, order.copies),
            pdf_sha256=hashlib.sha256(FAKE_PDF).hexdigest(),
        )
        X25519PublicKey.from_public_bytes(order.kiosk_public_key)
        envelope = envelope_document(header, FAKE_PDF, order.kiosk_public_key, FAKE_CITY_SIGNER)
        return OrderResult(
            order_id=order_id, status="issued", envelope=envelope, fee_total=200 * order.copies, pages=1
        )

    def outcome(self, order_id: str, outcome: OrderOutcome) -> OutcomeRecorded:
        self.outcomes.append((order_id, outcome.outcome))
        return OutcomeRecorded(order_id=order_id, status=outcome.outcome, fee_total=outcome.amount)

    def abandoned(self, body: Abandoned) -> OutcomeRecorded:
        self.outcomes.append((body.idempotency_key, "abandoned"))
        return OutcomeRecorded(order_id="unknown", status="cancelled", fee_total=0)


class FakeSeals:
    """UNIT-TEST FAKE of `kofu.kiosk.seals.KioskSeals`: no trust list, no seal QR, no paper layers.

    The real seal check runs in tests/kiosk/test_seals* and through the whole chain (tests/e2e,
    tests/browser); here the placeholder PDF has no seal to check.
    """

    def trust_list(self, refresh: bool = False) -> Any:
        return SimpleNamespace(city_names=dict(TRUST_LIST_CITIES))

    def header_key(self, city: str, kid: bytes) -> ec.EllipticCurvePublicKey | None:
        return FAKE_CITY_SIGNER.key.public_key() if kid == FAKE_CITY_SIGNER.kid else None

    def check(self, pdf: bytes, *, city: str, doc: str, issue_number: str, binding: str, pages: int) -> str:
        return "UNIT-TEST-FAKE-SEAL"

    def sheets(self, pdf: bytes, city_name: str, seal_code: str) -> bytes:
        return pdf


def _self_signed(state: CardState) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kofu unit-test card")])
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(state.public_key())
        .serial_number(0x5EED1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650))
        .sign(state.private_key(), hashes.SHA256())
        .public_bytes(Encoding.DER)
    )


@pytest.fixture(scope="module")
def card_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One card (one RSA key generation) per module, copied into each test's store."""
    directory = tmp_path_factory.mktemp("card-template")
    store = CardStore(directory)
    state = CardState.generate(LABEL, PIN)
    store.save(state)
    der = _self_signed(state)
    store.install_certificate(LABEL, der, der)
    return directory / f"{LABEL}.json"


@pytest.fixture
def store(tmp_path: Path, card_template: Path) -> CardStore:
    cards = CardStore(tmp_path / "cards")
    shutil.copy(card_template, cards.directory / card_template.name)
    return cards


class StaticPanel:
    """UNIT-TEST card panel: the one test card, as the demo's panel would list it (no PIN)."""

    def __init__(self, cards: list[DeviceCard] | None = None) -> None:
        self.listed = cards if cards is not None else [DeviceCard(card=LABEL, name="", city_name="西東京市")]

    def cards(self) -> list[DeviceCard]:
        return list(self.listed)


def page_token(html: str) -> str:
    found = re.search(rf'<meta name="{TOKEN_META}" content="([^"]+)">', html)
    assert found, "the page carries no token"
    return found.group(1)


class ScreenClient(TestClient):
    """The kiosk's own page: its Host and Origin, and the token of the page it loaded last
    (loading the page on entering, and again on every ``GET /``, as a browser would)."""

    def __init__(self, app: Any, settings: Settings) -> None:
        super().__init__(app, base_url=settings.kiosk_url, headers={"origin": settings.kiosk_url})
        self.answers: list[Any] = []  # every response, in order (for tests that scan them)

    def __enter__(self) -> ScreenClient:
        super().__enter__()
        self.get("/").raise_for_status()
        return self

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        self.answers.append(response)
        if method.upper() == "GET" and response.request.url.path == "/" and response.status_code == 200:
            self.headers[TOKEN_HEADER] = page_token(response.text)
        return response


def _client(
    store: CardStore,
    center: FakeCenter,
    *,
    idle_timeout: float = IDLE_TIMEOUT,
    watchdog_interval: float = 1.0,
    maintenance_key: str | None = None,
    panel: StaticPanel | None = None,
) -> ScreenClient:
    settings = Settings(var_dir=store.directory.parent)
    devices = Devices.simulated(store, panel or StaticPanel())
    journal = kiosk_journal(settings.var_dir, settings.kiosk_id)
    visit = Visit(center, devices, FakeSeals(), journal=journal, idle_timeout=idle_timeout)  # type: ignore[arg-type]
    app = create_app(settings, visit, maintenance_key=maintenance_key, watchdog_interval=watchdog_interval)
    return ScreenClient(app, settings)


def visit_of(client: TestClient) -> Visit:
    """The visit behind a client's app (for the few tests that arm a device fault)."""
    visit: Visit = client.app.state.visit  # type: ignore[attr-defined]
    return visit


@pytest.fixture
def center() -> FakeCenter:
    return FakeCenter()


@pytest.fixture
def client(store: CardStore, center: FakeCenter) -> Iterator[TestClient]:
    with _client(store, center) as c:
        yield c


def assert_error(response, code: str, status: int | None = None) -> dict:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["code"] == code, body
    assert body["message_ja"] and body["message_en"]
    assert response.headers["cache-control"] == "no-store"
    if status is not None:
        assert response.status_code == status
    return body


def to_menu(client: TestClient) -> None:
    assert client.post("/api/card/place", json={"card": LABEL}).json()["tries_left"] == 3
    assert client.post("/api/pin", json={"pin": PIN}).json()["cities"][0]["kind"] == "residence"
    client.post("/api/card/remove").raise_for_status()
    menu = client.post("/api/city", json={"kind": "residence"}).json()["menu"]
    assert menu["documents"][0]["doc"] == "juminhyo"


def to_payment(client: TestClient, copies: int = 1) -> None:
    to_menu(client)
    client.post("/api/document", json={"doc": "juminhyo"}).raise_for_status()
    client.post("/api/options", json={"options": {"household": "all"}}).raise_for_status()
    client.post("/api/copies", json={"copies": copies}).raise_for_status()
    confirm = client.get("/api/confirm").json()
    assert confirm["fee_total"] == 200 * copies
    assert confirm["options"][0]["value_ja"] == "世帯全員"
    document = client.post("/api/order").json()["document"]
    assert document["fee_total"] == 200 * copies


# -- the page ------------------------------------------------------------------------------------
def test_page_and_assets_are_local_and_not_cached(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assets = [f"/static/{name}" for name in ASSETS]
    for path in assets:
        asset = client.get(path)
        assert asset.status_code == 200 and asset.headers["cache-control"] == "no-store"
    text = page.text + client.get("/maintenance").text + "".join(client.get(path).text for path in assets)
    assert "http://" not in text and "https://" not in text  # no CDN, nothing external
    for storage in ("localStorage", "sessionStorage", "document.cookie", "indexedDB"):
        assert storage not in text


def test_device_cards_are_marked_simulated_and_carry_no_pin(client: TestClient) -> None:
    body = client.get("/api/device/cards").json()
    assert body["simulated"] is True and body["reader"]["kind"] == "simulated"
    assert body["cards"] == [{"card": LABEL, "name": "", "city_name": "西東京市"}]


def test_outside_demo_mode_the_device_panel_lists_no_card(store: CardStore, center: FakeCenter) -> None:
    with _client(store, center, panel=StaticPanel([])) as client:
        assert client.get("/api/device/cards").json()["cards"] == []


# -- errors ----------------------------------------------------------------------------------------
def test_step_out_of_order_answers_error_json(client: TestClient) -> None:
    assert_error(client.post("/api/pin", json={"pin": PIN}), "kiosk.flow", 409)
    assert_error(client.post("/api/order"), "kiosk.document.none", 422)
    assert_error(client.post("/api/card/remove"), "kiosk.card.none", 422)


def test_invalid_body_and_unknown_path_answer_error_json(client: TestClient) -> None:
    assert_error(client.post("/api/pin", json={"pin": 1234, "x": 1}), "kiosk.invalid", 400)
    json_header = {"content-type": "application/json"}
    assert_error(client.post("/api/pin", content=b"not json", headers=json_header), "kiosk.invalid", 400)
    assert_error(client.post("/api/pin", content=b"not json"), "kiosk.body.media_type", 415)
    assert_error(client.get("/api/nothing-here"), "kiosk.not_found", 404)
    assert_error(client.get("/api/tray/../../etc/passwd"), "kiosk.not_found", 404)
    assert_error(client.get("/api/tray/" + "0" * 32), "kiosk.tray.empty", 404)


def test_unknown_card_is_refused(client: TestClient) -> None:
    assert_error(client.post("/api/card/place", json={"card": "NO-SUCH-CARD"}), "card.not_found")
    assert_error(client.post("/api/card/place", json={"card": "../etc"}), "card.not_found")


def test_wrong_pin_shows_tries_left_then_blocks(client: TestClient, store: CardStore) -> None:
    client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
    assert_error(client.post("/api/pin", json={"pin": "12a4"}), "card.pin.format")
    first = assert_error(client.post("/api/pin", json={"pin": "0000"}), "card.pin.wrong", 422)
    assert first["tries_left"] == 2
    assert first["message_ja"] == MESSAGES["card.pin.wrong"].ja
    assert assert_error(client.post("/api/pin", json={"pin": "0000"}), "card.pin.wrong")["tries_left"] == 1
    blocked = assert_error(client.post("/api/pin", json={"pin": "0000"}), "card.pin.blocked")
    assert blocked["message_en"] == MESSAGES["card.pin.blocked"].en
    client.post("/api/cancel").raise_for_status()
    assert store.load(LABEL).auth_tries_left == 0
    # Laid on the reader again, a blocked card is refused at once.
    assert_error(client.post("/api/card/place", json={"card": LABEL}), "card.pin.blocked")


def test_refusal_at_menu_answers_the_code_message(store: CardStore) -> None:
    with _client(store, FakeCenter(refuse_menu="city.resident.moved_out")) as client:
        client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
        client.post("/api/pin", json={"pin": PIN}).raise_for_status()
        client.post("/api/card/remove").raise_for_status()
        body = assert_error(
            client.post("/api/city", json={"kind": "residence"}), "city.resident.moved_out", 422
        )
        assert body["message_ja"] == MESSAGES["city.resident.moved_out"].ja
        client.post("/api/cancel").raise_for_status()
        assert client.get("/api/state").json()["tray"] == []


def test_refusal_at_order_takes_no_money(store: CardStore) -> None:
    center = FakeCenter(refuse_order="city.resident.pending_change")
    with _client(store, center) as client:
        to_menu(client)
        client.post("/api/document", json={"doc": "juminhyo"}).raise_for_status()
        assert_error(client.post("/api/order"), "city.resident.pending_change")
        assert_error(client.post("/api/cash", json={"amount": 100}), "kiosk.payment.not_now")


def test_card_must_be_taken_before_choosing(client: TestClient) -> None:
    client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
    client.post("/api/pin", json={"pin": PIN}).raise_for_status()
    assert_error(client.post("/api/city", json={"kind": "residence"}), "kiosk.card.take")
    assert_error(client.post("/api/city", json={"kind": "elsewhere"}), "kiosk.invalid", 400)


def test_taking_the_card_before_the_pin_ends_the_visit(client: TestClient, store: CardStore) -> None:
    visit = client.post("/api/card/place", json={"card": LABEL}).json()["visit"]
    state = client.post("/api/card/remove").json()["state"]
    assert state["phase"] == "idle" and not state["card"]["in_slot"]
    assert state["ended"]["visit"] == visit and state["ended"]["code"] == "card.removed"
    with store.open(LABEL, wait=0):  # the kiosk let go of the card
        pass


def test_money_only_in_accepted_denominations_and_at_payment(client: TestClient) -> None:
    assert_error(client.post("/api/cash", json={"amount": 100}), "kiosk.payment.not_now")
    assert_error(client.post("/api/cash", json={"amount": 3}), "kiosk.payment.denomination")


# -- a whole visit ---------------------------------------------------------------------------------
def test_order_pay_print_take(client: TestClient, center: FakeCenter) -> None:
    to_payment(client, copies=2)
    assert_error(client.post("/api/pay"), "kiosk.payment.insufficient")
    assert client.post("/api/cash", json={"amount": 100}).json()["inserted"] == 100
    client.post("/api/cash", json={"amount": 500}).raise_for_status()
    paid = client.post("/api/pay").json()
    assert paid["change"] == 200
    state = paid["state"]
    assert state["phase"] == "idle" and state["document"] is None and state["menu"] is None
    assert state["cash"] == {"inserted": 0, "returned": 200, "denominations": state["cash"]["denominations"]}
    assert center.outcomes == [("fake-order-1", "delivered"), ("fake-order-1", "printed")]
    (sheet,) = client.get("/api/tray").json()["sheets"]
    assert sheet["copies"] == 2 and sheet["title"] == "住民票の写し"
    pdf = client.get(f"/api/tray/{sheet['id']}")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "no-store"
    assert pdf.content == FAKE_PDF
    assert client.post("/api/tray/take").json()["taken"] == 1
    assert client.get("/api/tray").json()["sheets"] == []
    assert client.post("/api/cash/take").json()["taken"] == 200


def test_options_and_copies_are_checked(client: TestClient) -> None:
    to_menu(client)
    assert_error(client.post("/api/document", json={"doc": "koseki"}), "city.document.not_offered")
    client.post("/api/document", json={"doc": "juminhyo"}).raise_for_status()
    assert_error(client.post("/api/options", json={"options": {"household": "neighbours"}}), "order.invalid")
    assert_error(client.post("/api/options", json={"options": {"mynumber": "on"}}), "order.invalid")
    assert_error(client.post("/api/copies", json={"copies": 0}), "order.copies.invalid")
    assert_error(client.post("/api/copies", json={"copies": 11}), "order.copies.invalid")


def test_print_failure_returns_the_money(client: TestClient, center: FakeCenter) -> None:
    to_payment(client)
    client.post("/api/cash", json={"amount": 1000}).raise_for_status()
    visit_of(client).devices.printer.fail_next = True
    assert_error(client.post("/api/pay"), "kiosk.print.failed")
    state = client.get("/api/state").json()
    assert state["cash"]["returned"] == 1000 and state["tray"] == [] and state["phase"] == "idle"
    assert center.outcomes == [("fake-order-1", "delivered"), ("fake-order-1", "failed")]


def test_cancel_refunds_and_releases_the_card(
    client: TestClient, center: FakeCenter, store: CardStore
) -> None:
    to_payment(client)
    client.post("/api/cash", json={"amount": 100}).raise_for_status()
    client.post("/api/cash", json={"amount": 50}).raise_for_status()
    cancelled = client.post("/api/cancel").json()
    assert cancelled["refund"] == 150
    state = cancelled["state"]
    assert state["phase"] == "idle" and state["document"] is None and state["cash"]["inserted"] == 0
    assert state["cash"]["returned"] == 150 and state["tray"] == []
    assert center.outcomes == [("fake-order-1", "delivered"), ("fake-order-1", "cancelled")]
    with store.open(LABEL, wait=0):
        pass


def test_cancel_with_the_card_on_the_reader_releases_it(client: TestClient, store: CardStore) -> None:
    client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
    assert client.get("/api/state").json()["card"]["in_slot"] is True
    state = client.post("/api/cancel").json()["state"]
    assert (state["card"]["in_slot"], state["card"]["label"]) == (False, None)
    assert state["card"]["reader"]["kind"] == "simulated"
    with store.open(LABEL, wait=0):
        pass


# -- inactivity --------------------------------------------------------------------------------------
def test_inactivity_cancels_the_visit(store: CardStore, center: FakeCenter) -> None:
    with _client(store, center, idle_timeout=0.3, watchdog_interval=0.05) as client:
        to_payment(client)
        client.post("/api/cash", json={"amount": 500}).raise_for_status()
        deadline = time.monotonic() + 5
        state = client.get("/api/state").json()
        while state["phase"] != "idle" and time.monotonic() < deadline:
            time.sleep(0.05)  # /api/state itself does not count as activity
            state = client.get("/api/state").json()
        assert state["phase"] == "idle"
        assert state["ended"]["code"] == "kiosk.timeout" and state["ended"]["message_ja"]
        assert state["document"] is None and state["menu"] is None and state["cities"] == []
        assert state["cash"]["inserted"] == 0 and state["ended"]["refund"] == 500
        outputs = visit_of(client).devices.outputs
        assert outputs.returned + outputs.retained_cash == 500  # in the change tray, or kept if unclaimed
        assert center.outcomes == [("fake-order-1", "delivered"), ("fake-order-1", "cancelled")]


def test_inactivity_releases_a_card_left_on_the_reader(store: CardStore, center: FakeCenter) -> None:
    with _client(store, center, idle_timeout=0.2, watchdog_interval=0.05) as client:
        client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with store.open(LABEL, wait=0):
                    break
            except Exception:
                time.sleep(0.05)
        else:
            pytest.fail("the card stayed locked after the timeout")
        state = client.get("/api/state").json()
        assert state["card"]["in_slot"] is False and state["ended"]["code"] == "kiosk.timeout"


def test_no_pin_or_card_label_in_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="kofu")
    client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
    client.post("/api/pin", json={"pin": "9876"})
    client.post("/api/pin", json={"pin": PIN}).raise_for_status()
    client.post("/api/cancel").raise_for_status()
    assert "9876" not in caplog.text and PIN not in caplog.text
