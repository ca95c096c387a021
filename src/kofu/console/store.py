"""Where a staff console keeps its state, and the accounts, sessions and audit trail in it.

A console is named by its *scope*: ``center`` for the centre's operator console, a city code
for that city's console. Its database is ``var/console-<scope>.db`` (or ``KOFU_CONSOLE_DB_<scope>``,
any SQLAlchemy URL), migrated by the ``CONSOLE`` chain at every start and by ``kofu db upgrade
console``. Its cookie-signing key is ``var/console/<scope>.key`` (0600, made on first start).

Accounts: ``add_account`` (argon2id hash; a name may be added once), ``sign_in`` (a wrong
password counts a failure; ``MAX_FAILURES`` in a row lock the account for ``LOCK_FOR``; a locked
account is refused even with the right password), sessions (``open_session`` /
``session_for`` / ``close_session``, idle for ``SESSION_IDLE`` ends one) and ``audit``.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from kofu import clock
from kofu.config import Settings
from kofu.console.models import AuditEntry, StaffAccount, StaffSession
from kofu.console.roles import ROLES
from kofu.migrations import Chain
from kofu.storage import make_engine, session_factory

CONSOLE = Chain(
    "console", Path(__file__).with_name("migrations"), marker_table="staff_accounts", lock_key=0x6B6F6663 + 7
)

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)
USERNAME = re.compile(r"[a-z][a-z0-9_.-]{1,31}")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
#: argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): a guess costs the same
#: memory on an attacker's machine, and a sign-in stays quick on a busy console host.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
#: A hash nobody's password matches: an unknown name costs the same time as a wrong password.
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


class StaffError(Exception):
    """A staff account operation refused: a stable code and a message for the operator."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def db_url(settings: Settings, scope: str) -> str:
    env = os.environ.get(f"KOFU_CONSOLE_DB_{scope}")
    return env or f"sqlite:///{settings.var_dir / f'console-{scope}.db'}"


def open_db(settings: Settings, scope: str) -> tuple[Engine, sessionmaker[Session]]:
    """The console's database, migrated to the newest revision."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(db_url(settings, scope))
    CONSOLE.upgrade(engine)
    return engine, session_factory(engine)


def signing_key(settings: Settings, scope: str) -> bytes:
    """The console's cookie-signing key (made on first use, readable by its owner only)."""
    path = settings.var_dir / "console" / f"{scope}.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def check_password_rules(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise StaffError("staff.password.weak", f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")


def add_account(db: sessionmaker[Session], username: str, role: str, password: str) -> None:
    """Create a staff account (the name once; the role one of ROLES)."""
    if not USERNAME.fullmatch(username):
        raise StaffError(
            "staff.name.invalid", "a login name is 2-32 of a-z, 0-9, _ . - starting with a letter"
        )
    if role not in ROLES:
        raise StaffError("staff.role.invalid", f"the role is one of {', '.join(ROLES)}")
    check_password_rules(password)
    with db.begin() as session:
        if session.get(StaffAccount, username) is not None:
            raise StaffError("staff.name.taken", f"an account {username!r} exists already")
        session.add(
            StaffAccount(
                username=username,
                role=role,
                password_hash=_HASHER.hash(password),
                created_at=clock.now_utc(),
                failed_attempts=0,
            )
        )


def set_password(db: sessionmaker[Session], username: str, password: str) -> None:
    """A new password for an existing account (and its lock lifted)."""
    check_password_rules(password)
    with db.begin() as session:
        account = session.get(StaffAccount, username)
        if account is None:
            raise StaffError("staff.name.unknown", f"no account {username!r}")
        account.password_hash = _HASHER.hash(password)
        account.failed_attempts = 0
        account.locked_until = None


@dataclass(frozen=True)
class Staff:
    """Who is signed in."""

    username: str
    role: str
    session_id: str
    csrf: str


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite drops the zone
        from datetime import UTC

        return value.replace(tzinfo=UTC)
    return value


def sign_in(db: sessionmaker[Session], username: str, password: str) -> Staff:
    """Check a password; a new session on success. Raises StaffError ``staff.signin.failed``
    (wrong name or password, the same for both) or ``staff.signin.locked``. A failure is
    counted (committed) before it is raised."""
    now = clock.now_utc()
    refusal: str | None = None
    with db.begin() as session:
        account = session.get(StaffAccount, username) if USERNAME.fullmatch(username) else None
        if account is None:
            _verify(_DUMMY, password)
            refusal = "staff.signin.failed"
        elif (locked := _aware(account.locked_until)) is not None and locked > now:
            refusal = "staff.signin.locked"
        elif not _verify(account.password_hash, password):
            account.failed_attempts += 1
            refusal = "staff.signin.failed"
            if account.failed_attempts >= MAX_FAILURES:
                account.locked_until = now + LOCK_FOR
                account.failed_attempts = 0
                refusal = "staff.signin.locked"
        else:
            account.failed_attempts = 0
            account.locked_until = None
            row = StaffSession(
                id=secrets.token_urlsafe(32),
                username=username,
                csrf=secrets.token_urlsafe(32),
                created_at=now,
                last_seen=now,
            )
            session.add(row)
            staff = Staff(username, account.role, row.id, row.csrf)
    if refusal is not None:
        words = (
            "this account is locked after repeated failures"
            if refusal.endswith("locked")
            else "wrong name or password"
        )
        raise StaffError(refusal, words)
    return staff


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return False


def session_for(db: sessionmaker[Session], session_id: str) -> Staff | None:
    """The staff member of a live session (None: unknown, idle too long, or the account gone)."""
    now = clock.now_utc()
    with db.begin() as session:
        row = session.get(StaffSession, session_id)
        if row is None:
            return None
        last = _aware(row.last_seen)
        assert last is not None
        account = session.get(StaffAccount, row.username)
        if account is None or now - last > SESSION_IDLE:
            session.delete(row)
            return None
        row.last_seen = now
        return Staff(account.username, account.role, row.id, row.csrf)


def close_session(db: sessionmaker[Session], session_id: str) -> None:
    with db.begin() as session:
        row = session.get(StaffSession, session_id)
        if row is not None:
            session.delete(row)


def audit(
    db: sessionmaker[Session],
    username: str,
    action: str,
    *,
    target: str = "",
    detail: str = "",
    remote: str = "",
    outcome: str = "ok",
) -> None:
    """Record one staff action."""
    with db.begin() as session:
        session.add(
            AuditEntry(
                at=clock.now_utc(),
                username=username[:32],
                action=action[:48],
                target=target[:128],
                detail=detail[:512],
                remote=remote[:64],
                outcome=outcome[:64],
            )
        )


def audit_trail(db: sessionmaker[Session], limit: int = 200) -> list[AuditEntry]:
    """The latest audit entries, newest first."""
    with db() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all())
        session.expunge_all()
        return rows


def accounts(db: sessionmaker[Session]) -> list[StaffAccount]:
    with db() as session:
        rows = list(session.scalars(select(StaffAccount).order_by(StaffAccount.username)).all())
        session.expunge_all()
        return rows
