"""A blocked PIN stays blocked when the centre and the kiosk are restarted, and only the city
unblocks it: the processes of the running chain are stopped and started again in the middle.

Card: the test's own (the ``own`` fixture: a fresh resident of 132292, card issued at the
counter); the other card, which only orders, is a demo card of 132110.

A restart of the card process is tests/pcsc/test_pcsc_chain.py; that a kiosk cannot reset the
PIN itself (no administration key) is tests/e2e/test_card_life.py.
"""

from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kofu.card.store import CardStore
from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.documents.text import extract_text
from kofu.protocol.kiosk_screen import TOKEN_HEADER, TOKEN_META
from kofu.up import Cluster
from tests.e2e.helpers import eligible, registry
from tests.e2e.rules_helpers import kofu

pytestmark = pytest.mark.e2e

CITY = "132292"
RESTARTED = ("center", "kiosk")


def _issue(settings: Settings, card: DemoCard, pin: str, out: Path) -> tuple[int, str]:
    """`kofu issue` of a 住民票 through the chain: exit status and its `issued`/`refused` line."""
    done = kofu(
        settings,
        *("issue", "--reader", "emulated", "--card", card.card, "--pin", pin),
        *("--doc", "juminhyo", "--out", str(out)),
    )
    lines = (done.stdout + done.stderr).splitlines()  # stderr also names the emulated reader
    return done.returncode, next(
        (x for x in lines if x.startswith(("issued ", "refused: "))), "\n".join(lines)
    )


def _serving(chain: Cluster, name: str) -> bool:
    if chain.procs[name].poll() is not None:
        return False
    for port in chain.ports(name):
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((chain.settings.host, port)) != 0:
                return False
    return True


@contextlib.contextmanager
def _kept_up(chain: Cluster, names: tuple[str, ...]) -> Iterator[None]:
    """Whatever happens in the body, each actor in ``names`` is serving again afterwards."""
    try:
        yield
    finally:
        for name in names:
            if not _serving(chain, name):
                chain.restart(name)


@contextlib.contextmanager
def _kiosk(settings: Settings) -> Iterator[httpx.Client]:
    """The kiosk web process's API, as its page uses it (its Origin, the token of the page it
    loaded); the visit is ended afterwards."""
    with httpx.Client(
        base_url=settings.kiosk_url, timeout=60.0, headers={"origin": settings.kiosk_url}
    ) as client:
        page = client.get("/")
        token = re.search(rf'<meta name="{TOKEN_META}" content="([^"]+)">', page.text)
        assert page.status_code == 200 and token, page.text
        client.headers[TOKEN_HEADER] = token.group(1)
        try:
            yield client
        finally:
            with contextlib.suppress(httpx.HTTPError):
                client.post("/api/cancel")


def _error(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def _kiosk_order(client: httpx.Client, card: DemoCard) -> bytes:
    """A whole 住民票 visit at the kiosk screen; the printed sheet's PDF."""
    assert client.post("/api/card/place", json={"card": card.card}).json()["tries_left"] == 3
    pin = client.post("/api/pin", json={"pin": card.pin})
    assert pin.status_code == 200, pin.text
    assert pin.json()["cities"][0]["kind"] == "residence"
    client.post("/api/card/remove").raise_for_status()
    client.post("/api/city", json={"kind": "residence"}).raise_for_status()
    client.post("/api/document", json={"doc": "juminhyo"}).raise_for_status()
    client.post("/api/copies", json={"copies": 1}).raise_for_status()
    assert client.get("/api/confirm").json()["fee_total"] == 200
    ordered = client.post("/api/order")
    assert ordered.status_code == 200, ordered.text
    client.post("/api/cash", json={"amount": 1000}).raise_for_status()
    paid = client.post("/api/pay")
    assert paid.status_code == 200, paid.text
    assert paid.json()["change"] == 800
    (sheet,) = client.get("/api/tray").json()["sheets"]
    pdf = client.get(f"/api/tray/{sheet['id']}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert client.post("/api/tray/take").json()["taken"] == 1
    assert client.post("/api/cash/take").json()["taken"] == 800
    return pdf.content


def _name(settings: Settings, card: DemoCard) -> str:
    name: str = next(r.name for r in registry(settings, card.city) if r.id == card.resident_id)
    return name


def test_blocked_stays_blocked_across_restarts_of_center_and_kiosk_until_the_city_unblocks(
    chain: Cluster, chain_settings: Settings, demo_cards: list[DemoCard], own: Any, tmp_path: Path
) -> None:
    settings = chain_settings
    card = own(city=CITY).card
    other = eligible(demo_cards, "132110")[0]  # a demo card: it only orders
    assert other.card != card.card
    wrong = "0000" if card.pin != "0000" else "1111"
    new_pin = next(p for p in ("8642", "7531") if p != card.pin)
    out = tmp_path / "juminhyo.pdf"
    store = CardStore(settings.cards_dir)
    assert store.load(card.card).auth_tries_left == 3

    assert [_issue(settings, card, wrong, out) for _ in range(3)] == [
        (3, "refused: card.pin.wrong (tries left: 2)"),
        (3, "refused: card.pin.wrong (tries left: 1)"),
        (3, "refused: card.pin.blocked"),
    ]
    assert store.load(card.card).auth_tries_left == 0

    with _kept_up(chain, RESTARTED):
        before = {name: chain.procs[name] for name in RESTARTED}
        for name in RESTARTED:
            chain.restart(name)
        for name, old in before.items():
            assert old.poll() is not None, f"the old {name} process is still running"
            assert chain.procs[name].pid != old.pid and _serving(chain, name)

        # Through the restarted centre: the right PIN does not help.
        assert _issue(settings, card, card.pin, out) == (3, "refused: card.pin.blocked")
        # The restarted kiosk screen: refused as soon as the card is laid on the reader, so no
        # PIN ever reaches it.
        with _kiosk(settings) as client:
            assert _error(client.post("/api/card/place", json={"card": card.card})) == (
                422,
                "card.pin.blocked",
            )
            assert _error(client.post("/api/pin", json={"pin": card.pin})) == (409, "kiosk.flow")
            client.post("/api/card/remove").raise_for_status()
            assert client.get("/api/state").json()["card"]["in_slot"] is False
        assert store.load(card.card).auth_tries_left == 0

        # The city that issued it unblocks it at the counter, with the PIN the resident chose.
        unblocked = kofu(
            settings, "counter", "card", "unblock", "--city", CITY, "--card", card.card, "--pin", new_pin
        )
        assert unblocked.returncode == 0, unblocked.stderr
        assert unblocked.stdout.strip() == f"auth PIN unblocked; new PIN {new_pin}"
        code, line = _issue(settings, card, new_pin, out)
        assert code == 0 and line.startswith("issued juminhyo"), line
        assert _name(settings, card) in extract_text(out.read_bytes())
        assert store.load(card.card).auth_tries_left == 3

        # The restarted chain does its ordinary work: another card's whole visit at the kiosk
        # screen, through the other city's gateway and issuer.
        with _kiosk(settings) as client:
            pdf = _kiosk_order(client, other)
        assert _name(settings, other) in extract_text(pdf)
