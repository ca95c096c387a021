"""The centre's tables as they were before migrations: challenges, routes, cities, orders.

Revision ID: 0001_initial
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "challenges",
        sa.Column("session_id", sa.String(32), primary_key=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("challenge", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "routes",
        sa.Column("card_ref", sa.String(64), primary_key=True),
        sa.Column("residence_city", sa.String(6), nullable=False),
        sa.Column("honseki_city", sa.String(6), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "route_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("card_ref", sa.String(64), nullable=False),
        sa.Column("residence_city", sa.String(6), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_route_changes_card_ref", "route_changes", ["card_ref"])
    op.create_table(
        "cities",
        sa.Column("code", sa.String(6), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("stopped", sa.Boolean(), nullable=False),
        sa.Column("stop_reason", sa.String(64), nullable=True),
    )
    op.create_table(
        "orders",
        sa.Column("order_id", sa.String(32), primary_key=True),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("city_code", sa.String(6), nullable=False),
        sa.Column("doc", sa.String(16), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("fee_total", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(64), nullable=True),
        sa.UniqueConstraint("kiosk_id", "idempotency_key"),
    )


def downgrade() -> None:
    for table in ("orders", "cities", "route_changes", "routes", "challenges"):
        op.drop_table(table)
