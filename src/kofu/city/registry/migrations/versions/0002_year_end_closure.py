"""Year-end closure per document: 29 Dec–3 Jan closed unless a city (or the demo) says otherwise.

Revision ID: 0002_year_end_closure
Revises: 0001_initial
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_year_end_closure"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_settings") as batch:
        batch.add_column(sa.Column("year_end_closed", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("document_settings") as batch:
        batch.drop_column("year_end_closed")
