"""The kiosk's web API is a door with a lock: its own Host and Origin, the page's token, small
JSON bodies, and nothing personal in any answer but the present visit's (in-process).

Same set-up as `test_kiosk_app` (a real emulated card, the UNIT-TEST FakeCentre); the attacker is
a request naming another host, carrying another origin, or lacking the page's token.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kofu.card.store import CardStore
from kofu.kiosk.guard import PageToken, ScreenGuard, own_hosts
from kofu.protocol.kiosk_center import DocumentOffer, Menu, OptionSpec
from kofu.protocol.kiosk_screen import MAX_BODY, TOKEN_HEADER
from tests.kiosk.test_kiosk_app import (
    LABEL,
    PIN,
    FakeCenter,
    ScreenClient,
    _client,
    assert_error,
    to_menu,
    to_payment,
)

URL = "http://127.0.0.1:8080"
EVIL = "http://evil.example"
KEY = "unit-test-maintenance-key-0123456789"
NAMES = ("山田 太郎", "山田 花子")  # household members' names as the menu's chooser shows them


class HouseholdCenter(FakeCenter):
    """UNIT-TEST FAKE: the 住民票 offer has a chooser of household members, named."""

    def menu(self, token: str, city_code: str, menu_key: bytes | None = None) -> Menu:
        members = OptionSpec(
            name="members",
            label_ja="対象者",
            label_en="Whom",
            choices=["t1", "t2"],
            choice_labels_ja=list(NAMES),
            choice_labels_en=["Taro Yamada", "Hanako Yamada"],
            multiple=True,
        )
        offer = DocumentOffer(
            doc="juminhyo",
            title_ja="住民票の写し",
            title_en="Residence",
            fee=200,
            max_copies=10,
            options=[members],
        )
        return Menu(city_code=city_code, city_name="西東京市", documents=[offer])


@pytest.fixture
def center() -> FakeCenter:
    return FakeCenter()


@pytest.fixture
def client(store: CardStore, center: FakeCenter) -> Iterator[ScreenClient]:
    with _client(store, center, maintenance_key=KEY) as c:
        yield c


def bare(client: TestClient, **headers: str) -> TestClient:
    """A client of the same app that sends only ``headers`` (no Origin unless given)."""
    return TestClient(client.app, base_url=URL, headers=headers)


def state(client: TestClient) -> dict[str, Any]:
    return client.get("/api/state").json()  # type: ignore[no-any-return]


# -- Host ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "host", ["evil.example:8080", "evil.example", "127.0.0.1:9999", "127.0.0.1.evil.example:8080"]
)
def test_a_foreign_host_is_refused(client: ScreenClient, host: str) -> None:
    """DNS rebinding: a name that resolves to the kiosk is still not the kiosk's name."""
    client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
    token = client.headers[TOKEN_HEADER]
    for response in (
        client.get("/api/state", headers={"host": host}),
        client.get("/api/device/cards", headers={"host": host}),
        client.get("/", headers={"host": host}),
        client.post("/api/cancel", headers={"host": host}),
    ):
        assert_error(response, "kiosk.host.refused", 403)
    # Nothing happened: the page was not served (its token stands), the visit goes on.
    assert client.headers[TOKEN_HEADER] == token
    assert state(client)["card"]["in_slot"] is True
    client.post("/api/cancel").raise_for_status()


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "[::1]"])
def test_the_kiosk_answers_to_its_loopback_names(client: ScreenClient, name: str) -> None:
    origin = f"http://{name}:8080"
    headers = {"host": f"{name}:8080", "origin": origin}
    assert client.get("/api/state", headers=headers).status_code == 200
    assert client.post("/api/touch", headers=headers).status_code == 200


# -- Origin and fetch metadata -------------------------------------------------------------------------
@pytest.mark.parametrize("with_body", [False, True], ids=["body-less", "with-body"])
def test_a_cross_origin_post_is_refused_and_changes_nothing(
    client: ScreenClient, center: FakeCenter, with_body: bool
) -> None:
    to_menu(client)
    client.post("/api/document", json={"doc": "juminhyo"}).raise_for_status()
    evil = {"origin": EVIL}
    if with_body:
        attempts = [
            client.post("/api/copies", json={"copies": 3}, headers=evil),
            client.post("/api/cash", json={"amount": 1000}, headers=evil),
        ]
    else:
        attempts = [client.post("/api/order", headers=evil), client.post("/api/cancel", headers=evil)]
    for response in attempts:
        assert_error(response, "kiosk.origin.refused", 403)
    # The same with a foreign browser's own words for it, and without the header at all.
    assert_error(
        client.post("/api/order", headers={"origin": EVIL, "sec-fetch-site": "cross-site"}),
        "kiosk.origin.refused",
        403,
    )
    after = state(client)
    assert center.orders == 0 and after["phase"] == "menu" and after["document"] is None
    assert after["draft"]["copies"] == 1 and after["cash"]["inserted"] == 0
    # The kiosk's own page goes on as before.
    assert client.post("/api/order").json()["document"]["fee_total"] == 200
    client.post("/api/cancel").raise_for_status()


def test_a_post_needs_the_kiosk_origin_or_the_browsers_same_origin_mark(client: ScreenClient) -> None:
    token = client.headers[TOKEN_HEADER]
    no_origin = bare(client, **{TOKEN_HEADER: token})
    assert_error(no_origin.post("/api/touch"), "kiosk.origin.refused", 403)
    assert_error(
        no_origin.post("/api/touch", headers={"sec-fetch-site": "same-site"}), "kiosk.origin.refused"
    )
    assert_error(no_origin.post("/api/touch", headers={"sec-fetch-site": "none"}), "kiosk.origin.refused")
    assert_error(no_origin.post("/api/touch", headers={"origin": "null"}), "kiosk.origin.refused")
    assert no_origin.post("/api/touch", headers={"sec-fetch-site": "same-origin"}).status_code == 200
    # An opaque origin (a beacon under no-referrer) only with the browser's same-origin mark.
    same = {"origin": "null", "sec-fetch-site": "same-origin"}
    assert no_origin.post("/api/touch", headers=same).status_code == 200
    # The browser's word cannot make a foreign origin the kiosk's own.
    foreign = {"origin": EVIL, "sec-fetch-site": "same-origin"}
    assert_error(no_origin.post("/api/touch", headers=foreign), "kiosk.origin.refused")


def test_loading_the_page_from_another_site_ends_no_visit(client: ScreenClient) -> None:
    """An <img src=…> or a frame on another site would end the visit (a page load does): refused."""
    client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
    for site in ("cross-site", "same-site"):
        assert_error(client.get("/", headers={"sec-fetch-site": site}), "kiosk.origin.refused", 403)
        assert_error(client.get("/api/state", headers={"sec-fetch-site": site}), "kiosk.origin.refused")
    assert state(client)["card"]["in_slot"] is True
    # Typed into the kiosk's own browser (or reloaded by it): a new page, the visit ends.
    assert client.get("/", headers={"sec-fetch-site": "none"}).status_code == 200
    assert state(client)["card"]["in_slot"] is False


# -- the page's token -------------------------------------------------------------------------------------
def test_a_post_without_the_page_token_is_refused(client: ScreenClient) -> None:
    for token in ("", "not-the-token", client.headers[TOKEN_HEADER] + "x"):
        response = client.post("/api/card/place", json={"card": LABEL}, headers={TOKEN_HEADER: token})
        assert_error(response, "kiosk.token.refused", 403)
    assert_error(
        bare(client, origin=URL).post("/api/card/place", json={"card": LABEL}), "kiosk.token.refused"
    )
    assert state(client)["card"]["in_slot"] is False


def test_a_newer_page_makes_the_last_pages_token_worthless(client: ScreenClient) -> None:
    old = client.headers[TOKEN_HEADER]
    client.get("/").raise_for_status()
    assert client.headers[TOKEN_HEADER] != old
    assert_error(client.post("/api/touch", headers={TOKEN_HEADER: old}), "kiosk.token.refused", 403)
    assert client.post("/api/touch").status_code == 200


def test_before_any_page_was_served_no_token_works(store: CardStore, center: FakeCenter) -> None:
    client = _client(store, center)  # not entered: the page was never loaded
    response = client.post("/api/touch", headers={TOKEN_HEADER: "anything"})
    assert_error(response, "kiosk.token.refused", 403)


def test_maintenance_posts_carry_the_key_instead_of_the_page_token(client: ScreenClient) -> None:
    keyed = bare(client, origin=URL, authorization=f"Bearer {KEY}")
    assert keyed.post("/api/maintenance/action", json={"action": "paper.refill"}).status_code == 200
    assert_error(
        keyed.post("/api/maintenance/action", json={"action": "paper.refill"}, headers={"origin": EVIL}),
        "kiosk.origin.refused",
    )
    assert_error(
        bare(client, origin=URL).post("/api/maintenance/action", json={"action": "paper.refill"}),
        "kiosk.maintenance.denied",
        401,
    )


# -- bodies -------------------------------------------------------------------------------------------------
def test_an_oversized_body_is_refused_with_413(client: ScreenClient) -> None:
    options = {f"o{i}": "x" * 500 for i in range(40)}  # well-formed, and over the limit
    body = json.dumps({"options": options}).encode()
    assert len(body) > MAX_BODY
    json_type = {"content-type": "application/json"}
    assert_error(client.post("/api/options", content=body, headers=json_type), "kiosk.body.too_large", 413)
    assert_error(
        client.post("/api/pin", content=b" " * (MAX_BODY + 1), headers=json_type), "kiosk.body.too_large"
    )
    # Without a length given: counted as it arrives.
    chunks = (b"x" * 4096 for _ in range(8))
    assert_error(client.post("/api/pin", content=chunks, headers=json_type), "kiosk.body.too_large", 413)


def test_a_body_that_outgrows_the_limit_while_streaming_is_refused() -> None:
    """The guard alone, fed a chunked body with no Content-Length."""
    reached: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append((await receive())["body"])

    token = PageToken()
    guard = ScreenGuard(app, hosts=own_hosts("127.0.0.1", 8080), token=token, max_body=100)
    sent: list[dict[str, Any]] = []

    async def call(chunks: list[bytes]) -> int:
        messages = [
            {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
            for i, c in enumerate(chunks)
        ]
        headers = [
            (b"host", b"127.0.0.1:8080"),
            (b"origin", URL.encode()),
            (b"content-type", b"application/json"),
            (TOKEN_HEADER.lower().encode(), value.encode()),
        ]
        scope = {"type": "http", "method": "POST", "path": "/api/pin", "headers": headers}

        async def receive() -> dict[str, Any]:
            return messages.pop(0)

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        sent.clear()
        await guard(scope, receive, send)
        return int(sent[0]["status"]) if sent else 200

    value = token.issue()

    def run(chunks: list[bytes]) -> int:  # a loop of its own: a browser test may own this thread's
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, call(chunks)).result()

    assert run([b"x" * 60, b"x" * 60]) == 413 and reached == []
    assert run([b"x" * 40, b"x" * 40]) == 200 and reached == [b"x" * 80]


@pytest.mark.parametrize(
    "media", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]
)
def test_a_body_that_is_not_json_is_refused_with_415(client: ScreenClient, media: str | None) -> None:
    headers = {"content-type": media} if media else {}
    body = json.dumps({"card": LABEL}).encode()
    response = client.post("/api/card/place", content=body, headers=headers)
    assert_error(response, "kiosk.body.media_type", 415)
    assert state(client)["card"]["in_slot"] is False


# -- the pagehide beacon --------------------------------------------------------------------------------------
def test_the_leave_beacon_carries_the_token_in_its_body(client: ScreenClient) -> None:
    client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
    token = client.headers[TOKEN_HEADER]
    text = {"content-type": "text/plain"}
    for response in (
        client.post("/api/leave"),  # the header alone does not do for a beacon
        client.post("/api/leave", content=b"not-the-token", headers=text),
        client.post("/api/leave", content=token.encode(), headers={**text, "origin": EVIL}),
    ):
        assert response.status_code == 403, response.text
    assert_error(
        client.post(
            "/api/leave", content=json.dumps(token).encode(), headers={"content-type": "application/json"}
        ),
        "kiosk.body.media_type",
        415,
    )
    assert state(client)["card"]["in_slot"] is True
    left = client.post("/api/leave", content=token.encode(), headers={**text, TOKEN_HEADER: ""})
    assert left.status_code == 200
    assert left.json()["state"]["ended"]["code"] == "kiosk.page.left"


# -- what the answers carry --------------------------------------------------------------------------------------
def _no_pin(value: Any, where: str = "") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            # (the voice guidance names its PIN step "pin": a phrase, not a PIN)
            assert key.lower() != "pin" or isinstance(item, dict), f"a pin field at {where}"
            _no_pin(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _no_pin(item, f"{where}[{i}]")
    else:
        assert value != PIN, f"the PIN at {where}"


def test_no_answer_of_a_visit_carries_a_pin(client: ScreenClient) -> None:
    client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
    client.get("/api/device/cards").raise_for_status()  # the device panel, during a visit
    client.get("/api/guidance").raise_for_status()
    client.post("/api/pin", json={"pin": "0000"})  # a wrong one first
    client.post("/api/pin", json={"pin": PIN}).raise_for_status()
    client.post("/api/card/remove").raise_for_status()
    client.post("/api/city", json={"kind": "residence"}).raise_for_status()
    client.get("/api/menu").raise_for_status()
    to_payment_rest = [
        client.post("/api/document", json={"doc": "juminhyo"}),
        client.get("/api/confirm"),
        client.post("/api/order"),
        client.post("/api/cash", json={"amount": 500}),
        client.get("/api/state"),
        client.post("/api/pay"),
        client.get("/api/tray"),
        client.get("/api/device/cards"),
    ]
    assert all(r.status_code == 200 for r in to_payment_rest)
    answers = [r for r in client.answers if r.headers.get("content-type", "").startswith("application/json")]
    assert len(answers) >= 14
    for response in answers:
        _no_pin(response.json(), str(response.request.url.path))
        assert PIN not in response.text


def test_the_state_shows_member_names_only_after_authentication_and_only_for_this_visit(
    store: CardStore,
) -> None:
    with _client(store, HouseholdCenter()) as client:

        def named() -> bool:
            text = client.get("/api/state").text
            return any(name in text for name in NAMES)

        client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
        before = state(client)
        assert before["cities"] == [] and before["menu"] is None and not named()
        client.post("/api/pin", json={"pin": PIN}).raise_for_status()
        client.post("/api/card/remove").raise_for_status()
        assert state(client)["menu"] is None and not named()
        client.post("/api/city", json={"kind": "residence"}).raise_for_status()
        assert named()  # the resident authenticated: their household is theirs to choose from
        client.post("/api/cancel").raise_for_status()
        after = state(client)
        assert after["cities"] == [] and after["menu"] is None and not named()
        client.post("/api/card/place", json={"card": LABEL}).raise_for_status()  # the next visit
        assert not named()
        client.post("/api/cancel").raise_for_status()


def test_the_whole_visit_still_works_through_the_door(client: ScreenClient, center: FakeCenter) -> None:
    to_payment(client)
    client.post("/api/cash", json={"amount": 500}).raise_for_status()
    assert client.post("/api/pay").json()["change"] == 300
    assert center.outcomes == [("fake-order-1", "delivered"), ("fake-order-1", "printed")]
