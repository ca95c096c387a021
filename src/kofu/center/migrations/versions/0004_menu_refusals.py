"""Menus the centre refused for a city before asking it (a stopped city), once per card session.

Revision ID: 0004_menu_refusals
Revises: 0003_history_log
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_menu_refusals"
down_revision = "0003_history_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "menu_refusals",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("city_code", sa.String(6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("session_id", "city_code", "code", name="uq_menu_refusals_once"),
    )
    op.create_index("ix_menu_refusals_city_code", "menu_refusals", ["city_code"])


def downgrade() -> None:
    op.drop_index("ix_menu_refusals_city_code", table_name="menu_refusals")
    op.drop_table("menu_refusals")
