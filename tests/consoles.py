"""The staff consoles of the running chain, as a member of staff's browser or a script reaches them.

``password(settings, scope, role)`` is the demo account's password (``kofu.console.demo``; the
chain fixture makes them before the consoles start). ``pages(settings, scope, paths)`` signs in
with a plain HTTP client (the console's own Origin, its sign-in form's token) and returns each
page's HTML — the privacy scan reads the centre console's pages this way.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from kofu.config import Settings
from kofu.console.demo import demo_accounts
from kofu.console.ports import console_url

CENTER_PAGES = ("/", "/kiosks", "/traffic", "/pki", "/audit")


def password(settings: Settings, scope: str, role: str) -> str:
    """The demo account's password (as ``kofu up`` prints it), made by the chain fixture."""
    path = settings.var_dir / "console" / "demo-accounts.json"
    if not path.exists():
        demo_accounts(settings)
    return str(json.loads(path.read_text())[f"{scope}/{role}"])


def signed_in(settings: Settings, scope: str, role: str) -> httpx.Client:
    base = console_url(settings, scope)
    client = httpx.Client(base_url=base, headers={"Origin": base}, timeout=30.0)
    form = client.get("/signin")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/signin", data={"csrf": token[1], "username": role, "password": password(settings, scope, role)}
    )
    assert answer.status_code == 303, answer.text
    return client


def pages(
    settings: Settings, scope: str, paths: tuple[str, ...], role: str = "supervisor"
) -> dict[str, bytes]:
    client = signed_in(settings, scope, role)
    try:
        found = {}
        for path in paths:
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
            found[path] = answer.content
        return found
    finally:
        client.close()


def sign_in(page: Any, settings: Settings, scope: str, user: str, secret: str | None = None) -> str:
    """Signs ``page`` (Playwright) in to a console with its sign-in form; returns the console's URL."""
    base = console_url(settings, scope)
    page.goto(base + "/signin")
    page.get_by_label(re.compile("ユーザー名")).fill(user)
    page.get_by_label(re.compile("パスワード")).fill(
        secret if secret is not None else password(settings, scope, user)
    )
    with page.expect_navigation():
        page.get_by_role("button", name="サインイン").click()
    return base
