"""The counter's card records join the chain; the issuance log (one row per sealed order).

Revision ID: 0004_issuance
Revises: 0003_standard_forms
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_issuance"
down_revision = "0003_standard_forms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "counter_card_records" not in sa.inspect(op.get_bind()).get_table_names():
        op.create_table(
            "counter_card_records",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column(
                "card_id",
                sa.Integer(),
                sa.ForeignKey("cards.id", name="fk_counter_card_records_card_id_cards"),
                nullable=False,
            ),
            sa.Column("cert_serial_hex", sa.String(64), nullable=False),
            sa.Column("sign_cert_serial_hex", sa.String(64), nullable=True),
            sa.Column("admin_key_hex", sa.String(64), nullable=False),
            sa.Column("auth_not_after", sa.DateTime(timezone=True), nullable=False),
            sa.Column("recorded_on", sa.Date(), nullable=False),
            sa.PrimaryKeyConstraint("id", name="pk_counter_card_records"),
        )
        op.create_index("ix_counter_card_records_card_id", "counter_card_records", ["card_id"], unique=True)
        op.create_index(
            "ix_counter_card_records_cert_serial_hex",
            "counter_card_records",
            ["cert_serial_hex"],
            unique=True,
        )
    op.create_table(
        "issuances",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("issue_number", sa.String(32), nullable=False),
        sa.Column("doc", sa.String(16), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("fee_total", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column(
            "holder_resident_id",
            sa.Integer(),
            sa.ForeignKey("residents.id", name="fk_issuances_holder_resident_id_residents"),
            nullable=True,
        ),
        sa.Column("named_resident_ids", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refusal", sa.String(64), nullable=True),
        sa.Column("envelope", sa.LargeBinary(), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_issuances"),
        sa.UniqueConstraint("issue_number", name="uq_issuances_issue_number"),
    )
    op.create_index("ix_issuances_order_id", "issuances", ["order_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_issuances_order_id", table_name="issuances")
    op.drop_table("issuances")
    op.drop_table("counter_card_records")
