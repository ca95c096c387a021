"""The demo's staff accounts: one per role on every console, with passwords made here and
printed by ``kofu up`` (kept in ``var/console/demo-accounts.json``, 0600, so a restart prints
the same ones). Only the demo does this; elsewhere accounts come from ``kofu … staff add``.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass

from kofu.config import Settings
from kofu.console import store
from kofu.console.models import StaffAccount
from kofu.console.roles import ROLES


@dataclass(frozen=True)
class DemoAccount:
    scope: str
    username: str
    role: str
    password: str


def demo_accounts(settings: Settings) -> list[DemoAccount]:
    """Make (once) and return the demo accounts of the centre's and every city's console."""
    path = settings.var_dir / "console" / "demo-accounts.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    found = []
    for scope in ("center", *settings.cities):
        engine, db = store.open_db(settings, scope)
        try:
            for role in ROLES:
                key = f"{scope}/{role}"
                with db() as session:
                    exists = session.get(StaffAccount, role) is not None
                if key not in known or not exists:
                    known[key] = secrets.token_urlsafe(12)
                    if exists:
                        store.set_password(db, role, known[key])
                    else:
                        store.add_account(db, role, role, known[key])
                found.append(DemoAccount(scope, role, role, known[key]))
        finally:
            engine.dispose()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(known, f, indent=1)
    return found
