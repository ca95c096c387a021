"""Refusals told at the menu, by day, document and code, once per card session.

Revision ID: 0006_menu_refusals
Revises: 0005_issuance_log
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_menu_refusals"
down_revision = "0005_issuance_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "menu_refusals",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("doc", sa.String(16), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("session_key", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_menu_refusals"),
        sa.UniqueConstraint("session_key", "doc", "code", name="uq_menu_refusals_once"),
    )
    op.create_index("ix_menu_refusals_day", "menu_refusals", ["day"])


def downgrade() -> None:
    op.drop_index("ix_menu_refusals_day", table_name="menu_refusals")
    op.drop_table("menu_refusals")
