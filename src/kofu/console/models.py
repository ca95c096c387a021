"""A staff console's own tables: staff accounts, their sessions and the audit trail.

Each console (the centre's, each city's) has its own database (``kofu.console.store``), made by
its own Alembic chain (``kofu/console/migrations``). Passwords are argon2 hashes; a session is
known to the browser only by a signed cookie naming its random id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class StaffAccount(Base):
    """One member of staff: a login name, a role and an argon2 hash; locked after failures."""

    __tablename__ = "staff_accounts"
    __table_args__ = (CheckConstraint("role IN ('clerk', 'supervisor', 'auditor')", name="ck_staff_role"),)

    username: Mapped[str] = mapped_column(String(32), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, default=None
    )


class StaffSession(Base):
    """A signed-in browser: its random id (in a signed cookie) and the CSRF token of its forms."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("staff_accounts.username"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One thing a member of staff did (or tried): who, when, what, from where, and how it ended."""

    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    username: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(48))
    target: Mapped[str] = mapped_column(String(128), default="")
    detail: Mapped[str] = mapped_column(String(512), default="")
    remote: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(64), default="ok")
