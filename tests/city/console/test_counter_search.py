"""The city console's counter search, in process (FastAPI's TestClient, a seeded SQLite registry):
a 住民票コード finds its resident, one with a wrong 検査数字 is told as such, short numbers are
registry ids, and staff see the code on the results and on the resident's page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kofu.city.console.app import create_app
from kofu.city.registry import Resident, create_schema, make_engine, seed_city, session_factory
from kofu.city.registry.juminhyo_code import is_juminhyo_code
from kofu.config import Settings
from kofu.console import store

CITY = "132292"
PORT = 8998
BASE = f"http://127.0.0.1:{PORT}"
SECRET = "counter search secret"


@pytest.fixture(scope="module")
def counter(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, list[Resident]]:
    settings = Settings(var_dir=tmp_path_factory.mktemp("city-console"))
    engine = make_engine(settings.city_db_url(CITY))
    create_schema(engine)
    with session_factory(engine).begin() as session:
        seed_city(session, CITY, seed=7, households=12)
    with session_factory(engine)() as session:
        residents = list(session.scalars(select(Resident).order_by(Resident.id)).all())
        session.expunge_all()
    engine.dispose()
    _engine, db = store.open_db(settings, CITY)
    store.add_account(db, "clerk", "clerk", SECRET)
    client = TestClient(create_app(settings, CITY, port=PORT), base_url=BASE, headers={"Origin": BASE})
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text)
    assert token is not None
    answer = client.post(
        "/signin", data={"csrf": token[1], "username": "clerk", "password": SECRET}, follow_redirects=False
    )
    assert answer.status_code == 303
    return client, residents


def _found(html: str) -> list[str]:
    """The residents a results page lists, by their console reference."""
    return re.findall(r'<a href="/counter/residents/([0-9]+-[0-9]+)">', html)


def test_a_juminhyo_code_finds_exactly_its_resident(counter: tuple[TestClient, list[Resident]]) -> None:
    client, residents = counter
    someone = residents[len(residents) // 2]
    assert is_juminhyo_code(someone.juminhyo_code)
    page = client.get("/counter", params={"q": someone.juminhyo_code})
    assert page.status_code == 200
    assert _found(page.text) == [f"{CITY}-{someone.id}"]
    assert someone.juminhyo_code in page.text
    typed = someone.juminhyo_code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert _found(client.get("/counter", params={"q": f" {typed} "}).text) == [f"{CITY}-{someone.id}"]


def test_a_wrong_check_digit_is_told_and_finds_nobody(counter: tuple[TestClient, list[Resident]]) -> None:
    client, residents = counter
    code = residents[0].juminhyo_code
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    page = client.get("/counter", params={"q": wrong})
    assert page.status_code == 400
    assert "住民票コードの検査数字が合いません" in page.text
    assert _found(page.text) == [] and 'id="results"' not in page.text
    assert 'name="q"' in page.text  # the search form stays, to type the number again
    client.get("/lang?to=en&back=/counter", follow_redirects=False)  # the console's English switch
    english = client.get("/counter", params={"q": wrong})
    client.get("/lang?to=ja&back=/counter", follow_redirects=False)
    assert english.status_code == 400 and "check digit does not match" in english.text


def test_short_numbers_are_still_registry_ids(counter: tuple[TestClient, list[Resident]]) -> None:
    client, residents = counter
    someone = residents[3]
    page = client.get("/counter", params={"q": str(someone.id)})
    assert _found(page.text) == [f"{CITY}-{someone.id}"]
    assert someone.juminhyo_code in page.text


def test_the_residents_page_shows_the_code(counter: tuple[TestClient, list[Resident]]) -> None:
    client, residents = counter
    someone = residents[-1]
    page = client.get(f"/counter/residents/{CITY}-{someone.id}")
    assert page.status_code == 200
    assert re.search(rf'id="juminhyo-code">{someone.juminhyo_code}<', page.text)
