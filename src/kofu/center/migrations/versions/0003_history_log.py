"""The centre's history as an append-only Merkle log, and the signed tree heads it keeps.

Revision ID: 0003_history_log
Revises: 0002_outcomes
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_history_log"
down_revision = "0002_outcomes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("logged_status", sa.String(32), nullable=True))
    op.create_table(
        "history_log",
        sa.Column("leaf_index", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("order_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("finished_at", sa.String(40), nullable=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("city_code", sa.String(6), nullable=False),
        sa.Column("doc", sa.String(16), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("fee_total", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(64), nullable=True),
        sa.Column("amount_paid", sa.Integer(), nullable=False),
        sa.Column("copies_printed", sa.Integer(), nullable=False),
        sa.Column("leaf_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_history_log_order_id", "history_log", ["order_id"])
    op.create_table(
        "tree_heads",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("log_id", sa.String(64), nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("sth", sa.String(1024), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tree_heads_log_id", "tree_heads", ["log_id"])


def downgrade() -> None:
    op.drop_table("tree_heads")
    op.drop_table("history_log")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("logged_status")
