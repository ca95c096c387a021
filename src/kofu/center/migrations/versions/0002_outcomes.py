"""Outcomes that only move forward, one order per card session, stops with their reasons.

Revision ID: 0002_outcomes
Revises: 0001_initial
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_outcomes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

# The history rows of the first revision, in the states of this one.
_STATES = (
    ("pending", None, "forwarded"),
    ("issued", None, "sealed"),
    ("closed", "printed", "printed"),
    ("closed", "cancelled", "cancelled"),
    ("closed", "failed", "failed"),
    ("closed", "misissuance_prevented", "failed"),
)


def upgrade() -> None:
    with op.batch_alter_table("challenges") as batch:
        batch.add_column(sa.Column("order_id", sa.String(32), nullable=True))
    with op.batch_alter_table("cities") as batch:
        batch.add_column(sa.Column("stopped_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("amount_paid", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("copies_printed", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("city_told", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index("ix_orders_status", ["status"])
    orders = sa.table(
        "orders",
        sa.column("status", sa.String),
        sa.column("outcome", sa.String),
        sa.column("amount_paid", sa.Integer),
        sa.column("fee_total", sa.Integer),
        sa.column("copies_printed", sa.Integer),
        sa.column("copies", sa.Integer),
    )
    for old, outcome, new in _STATES:
        match = orders.c.status == old
        if outcome is not None:
            match = match & (orders.c.outcome == outcome)
        values: dict[str, object] = {"status": new}
        if new == "printed":
            values |= {"amount_paid": orders.c.fee_total, "copies_printed": orders.c.copies}
        op.execute(orders.update().where(match).values(**values))
    op.create_table(
        "city_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("city_code", sa.String(6), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(256), nullable=False),
        sa.Column("order_id", sa.String(32), nullable=True),
    )
    op.create_index("ix_city_events_city_code", "city_events", ["city_code"])


def downgrade() -> None:
    op.drop_table("city_events")
    with op.batch_alter_table("orders") as batch:
        batch.drop_index("ix_orders_status")
        for column in ("city_told", "copies_printed", "amount_paid", "updated_at"):
            batch.drop_column(column)
    with op.batch_alter_table("cities") as batch:
        batch.drop_column("stopped_at")
        batch.drop_column("stopped_by")
    with op.batch_alter_table("challenges") as batch:
        batch.drop_column("order_id")
