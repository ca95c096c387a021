"""The issuance log as an append-only Merkle log, and the signed tree heads the city keeps.

Revision ID: 0005_issuance_log
Revises: 0004_issuance
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_issuance_log"
down_revision = "0004_issuance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issuances") as batch:
        batch.add_column(sa.Column("logged_state", sa.String(32), nullable=True))
    op.create_table(
        "issuance_log",
        sa.Column("leaf_index", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("issue_number", sa.String(32), nullable=False),
        sa.Column("doc", sa.String(16), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("fee_total", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("holder_resident_id", sa.Integer(), nullable=True),
        sa.Column("named_resident_ids", sa.Text(), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("leaf_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("leaf_index", name="pk_issuance_log"),
    )
    op.create_index("ix_issuance_log_order_id", "issuance_log", ["order_id"])
    op.create_table(
        "tree_heads",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("log_id", sa.String(64), nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("sth", sa.String(1024), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tree_heads"),
    )
    op.create_index("ix_tree_heads_log_id", "tree_heads", ["log_id"])


def downgrade() -> None:
    op.drop_index("ix_tree_heads_log_id", table_name="tree_heads")
    op.drop_table("tree_heads")
    op.drop_index("ix_issuance_log_order_id", table_name="issuance_log")
    op.drop_table("issuance_log")
    with op.batch_alter_table("issuances") as batch:
        batch.drop_column("logged_state")
