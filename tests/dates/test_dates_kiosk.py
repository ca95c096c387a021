"""The kiosk's clock at each instant: Japan's day and time, from the kiosk's own clock.

In-process through the kiosk's API, and on the page itself: the kiosk app is served from this
test process (so time-machine moves its clock) to Debian's chromium, whose own clock is left
alone — the page must show the kiosk's day, not the browser's.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from kofu.card.store import CardStore
from kofu.clock import JST
from kofu.config import Settings
from kofu.kiosk.app import create_app
from kofu.kiosk.clockface import clock_face
from kofu.kiosk.equipment import Devices
from kofu.kiosk.journal import kiosk_journal
from kofu.kiosk.visit import Visit
from tests.dates.instants import Instant
from tests.kiosk.test_kiosk_app import FakeCenter, FakeSeals, ScreenClient, StaticPanel

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _expected(at: Instant) -> dict[str, str]:
    day, hhmm = at.day, f"{at.moment.astimezone(JST):%H:%M}"
    month_en = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[
        day.month - 1
    ]
    return {
        "date": day.isoformat(),
        "ja": f"{day.month}月{day.day}日({WEEKDAYS_JA[day.weekday()]}) {hhmm}",
        "en": f"{WEEKDAYS_EN[day.weekday()]} {day.day} {month_en} {hhmm}",
    }


def _kiosk_app(var: Path, port: int = 8080) -> Any:
    settings = Settings(var_dir=var, kiosk_port=port)
    devices = Devices.simulated(CardStore(var / "cards"), StaticPanel())
    journal = kiosk_journal(settings.var_dir, settings.kiosk_id)
    visit = Visit(FakeCenter(), devices, FakeSeals(), journal=journal)  # type: ignore[arg-type]
    return create_app(settings, visit, maintenance_key="k" * 20)


def test_the_clock_face_is_japans_day_and_time(at: Instant) -> None:
    assert clock_face() == _expected(at)


def test_the_kiosk_state_carries_its_clock(at: Instant, tmp_path: Path) -> None:
    with ScreenClient(_kiosk_app(tmp_path), Settings(var_dir=tmp_path)) as client:
        assert client.get("/api/state").json()["clock"] == _expected(at)


class BrowserThread:
    """Playwright on a thread of its own: its sync API refuses to run where an asyncio loop is
    already running (the browser tests of the same session leave theirs running)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-browser")

    def run(self, work: Callable[..., Any], *args: Any) -> Any:
        return self._pool.submit(work, *args).result(timeout=120)

    def close(self) -> None:
        self._pool.shutdown()


def _open_page(url: str, started: Callable[[], bool]) -> tuple[Any, Any, Any]:
    from playwright.sync_api import sync_playwright

    # The browser keeps the real clock even when this run is under faketime (its driver and
    # chromium are started without libfaketime): only the kiosk's clock counts.
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k == "LD_PRELOAD" or k.startswith("FAKETIME")}
    try:
        playwright = sync_playwright().start()
    finally:
        os.environ.update(saved)
    env = {k: v for k, v in os.environ.items() if k not in saved}
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
    page = browser.new_page()
    while not started():
        page.wait_for_timeout(50)
    page.goto(url)
    return playwright, browser, page


def _close_page(playwright: Any, browser: Any) -> None:
    browser.close()
    playwright.stop()


@pytest.fixture(scope="package")
def kiosk_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BrowserThread, Any]]:
    """The kiosk page in chromium, served by this process (whose clock the tests move)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            _kiosk_app(tmp_path_factory.mktemp("kiosk"), port),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    browser_thread = BrowserThread()
    try:
        playwright, browser, page = browser_thread.run(
            _open_page, f"http://127.0.0.1:{port}/", lambda: server.started
        )
        try:
            yield browser_thread, page
        finally:
            browser_thread.run(_close_page, playwright, browser)
    finally:
        browser_thread.close()
        server.should_exit = True
        thread.join(10)


def _clock_texts(page: Any, expected: dict[str, str]) -> None:
    from playwright.sync_api import expect

    page.reload()  # the page reads the kiosk's state (and clock) as it loads, then every second
    expect(page.locator("#clock")).to_have_text(expected["ja"], timeout=5000)
    page.locator("#lang").click()
    try:
        expect(page.locator("#clock")).to_have_text(expected["en"], timeout=5000)
    finally:
        page.locator("#lang").click()


def test_the_page_shows_the_kiosks_day_not_the_browsers(
    at: Instant, kiosk_page: tuple[BrowserThread, Any]
) -> None:
    browser_thread, page = kiosk_page
    browser_thread.run(_clock_texts, page, _expected(at))
