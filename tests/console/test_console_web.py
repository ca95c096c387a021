"""The consoles' shared frame, in process (FastAPI's TestClient; a real SQLite database, no fakes):
accounts and lock-out, sessions and CSRF, the door (Host, Origin, form size and type), roles,
the audit trail, and refusals as pages rather than 500s."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.testclient import TestClient

from kofu import clock
from kofu.config import Settings
from kofu.console import store
from kofu.console.web import create_console

PORT = 8999
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture
def console(tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = Settings(var_dir=tmp_path)
    engine, db = store.open_db(settings, "center")
    store.add_account(db, "alice", "supervisor", "correct horse battery")
    store.add_account(db, "bob", "clerk", "another good secret")
    app, frame = create_console(
        scope="center", title=("t", "t"), db=db, key=b"k" * 32, host="127.0.0.1", port=PORT
    )

    @app.post("/change", response_class=HTMLResponse)
    async def change(request: Request) -> Response:
        staff = await frame.require(request, "supervisor")
        form = await frame.form(request, staff)
        await frame.audit(request, staff, "change", detail=form.get("what", ""))
        return frame.render(request, "error.html", staff, notice="changed")

    yield TestClient(app, base_url=BASE, headers={"Origin": BASE}), db
    engine.dispose()


def _sign_in(client: TestClient, user: str, password: str) -> int:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text)
    assert token is not None
    answer = client.post(
        "/signin", data={"csrf": token[1], "username": user, "password": password}, follow_redirects=False
    )
    return answer.status_code


def _csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/audit").text)
    assert found is not None
    return found[1]


def test_password_rules_and_names(console) -> None:  # type: ignore[no-untyped-def]
    _client, db = console
    with pytest.raises(store.StaffError, match="characters"):
        store.add_account(db, "carol", "clerk", "short")
    with pytest.raises(store.StaffError) as taken:
        store.add_account(db, "alice", "clerk", "long enough password")
    assert taken.value.code == "staff.name.taken"
    with pytest.raises(store.StaffError) as role:
        store.add_account(db, "dave", "admin", "long enough password")
    assert role.value.code == "staff.role.invalid"
    (hashed,) = [a.password_hash for a in store.accounts(db) if a.username == "alice"]
    assert hashed.startswith("$argon2id$") and "correct horse" not in hashed


def test_lock_out_after_repeated_failures_then_unlocked_later(console) -> None:  # type: ignore[no-untyped-def]
    client, db = console
    with time_machine.travel(clock.now_utc(), tick=False) as traveller:
        for _ in range(store.MAX_FAILURES - 1):
            assert _sign_in(client, "bob", "wrong password!") == 401
        assert _sign_in(client, "bob", "wrong password!") == 401  # the last one locks
        with pytest.raises(store.StaffError) as locked:
            store.sign_in(db, "bob", "another good secret")
        assert locked.value.code == "staff.signin.locked"
        traveller.shift(store.LOCK_FOR.total_seconds() + 1)
        assert _sign_in(client, "bob", "another good secret") == 303
    outcomes = [(e.username, e.outcome) for e in store.audit_trail(db)]
    assert outcomes.count(("bob", "staff.signin.failed")) == store.MAX_FAILURES - 1
    assert ("bob", "staff.signin.locked") in outcomes and ("bob", "ok") in outcomes


def test_csrf_roles_and_audit(console) -> None:  # type: ignore[no-untyped-def]
    client, db = console
    assert (
        client.post("/change", data={"what": "x"}, follow_redirects=False).status_code == 303
    )  # not signed in
    assert _sign_in(client, "alice", "correct horse battery") == 303
    missing = client.post("/change", data={"what": "x"})
    assert missing.status_code == 403 and "console.csrf" in missing.text
    wrong = client.post("/change", data={"what": "x", "csrf": "forged"})
    assert wrong.status_code == 403
    token = _csrf(client)
    assert client.post("/change", data={"what": "the thing", "csrf": token}).status_code == 200
    too_long = client.post("/change", data={"what": "x" * 600, "csrf": token})
    assert too_long.status_code == 400 and "console.field.too_long" in too_long.text
    entry = store.audit_trail(db)[0]
    assert (entry.username, entry.action, entry.outcome) == (
        "alice",
        "refused",
        "console.field.too_long",
    ) or (entry.action == "change")
    assert any(e.action == "change" and e.detail == "the thing" and e.remote for e in store.audit_trail(db))
    # a clerk may not
    client.cookies.clear()
    assert _sign_in(client, "bob", "another good secret") == 303
    refused = client.post("/change", data={"what": "x", "csrf": token})
    assert refused.status_code == 403 and "console.role.refused" in refused.text


def test_the_door(console) -> None:  # type: ignore[no-untyped-def]
    client, _db = console
    foreign_host = client.get("/signin", headers={"Host": "evil.example"})
    assert foreign_host.status_code == 403 and "console.host.refused" in foreign_host.text
    cross = client.post("/signin", data={"username": "a"}, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403 and "console.origin.refused" in cross.text
    no_origin = TestClient(client.app, base_url=BASE).post("/signin", data={"username": "a"})
    assert no_origin.status_code == 403
    json_body = client.post("/signin", json={"username": "a"})
    assert json_body.status_code == 415 and "console.form.media_type" in json_body.text
    big = client.post("/signin", data={"username": "a" * 20_000})
    assert big.status_code == 413 and "console.form.too_large" in big.text
    put = client.put("/signin")
    assert put.status_code == 405
    unknown = client.get("/no/such/page")
    assert unknown.status_code == 404 and "console.not_found" in unknown.text


def test_english_switch_and_headers(console) -> None:  # type: ignore[no-untyped-def]
    client, _db = console
    page = client.get("/signin")
    assert 'lang="ja"' in page.text and "サインイン" in page.text
    assert (
        page.headers["cache-control"] == "no-store"
        and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    )
    switched = client.get("/lang?to=en&back=//evil.example", follow_redirects=False)
    assert switched.headers["location"] == "/"  # never elsewhere
    english = client.get("/signin")
    assert 'lang="en"' in english.text and "Sign in" in english.text


def test_the_explainer_is_behind_the_sign_in(tmp_path: Path) -> None:
    from fastapi import FastAPI

    from kofu.console.explain import mount_explainer

    settings = Settings(var_dir=tmp_path)
    engine, db = store.open_db(settings, "center")
    store.add_account(db, "carol", "auditor", "a third good secret")
    app, frame = create_console(
        scope="center", title=("t", "t"), db=db, key=b"k" * 32, host="127.0.0.1", port=PORT
    )
    assert isinstance(app, FastAPI)
    mount_explainer(app, frame, settings, view="center")
    client = TestClient(app, base_url=BASE, headers={"Origin": BASE})
    try:
        for path, params in (("/explain/how", {}), ("/explain/", {}), ("/explain/order", {"id": "x" * 500})):
            refused = client.get(path, params=params, follow_redirects=False)
            assert (refused.status_code, refused.headers.get("location")) == (303, "/signin"), path
        assert _sign_in(client, "carol", "a third good secret") in (302, 303)
        how = client.get("/explain/how")
        assert how.status_code == 200 and "しくみ" in how.text
        unknown = client.get("/explain/order", params={"id": "0" * 32})
        assert unknown.status_code in (400, 404) and "<html" in unknown.text.lower()
    finally:
        engine.dispose()
