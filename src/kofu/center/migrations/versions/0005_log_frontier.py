"""Each head the centre signs keeps its log's frontier, so the next head is computed from the
entries appended since instead of the whole log (``kofu.history.log.publish``).

Revision ID: 0005_log_frontier
Revises: 0004_menu_refusals
Create Date: 2026-12-08

Heads kept before have none: the first head published after it is computed from the whole log.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_log_frontier"
down_revision = "0004_menu_refusals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tree_heads") as batch:
        batch.add_column(sa.Column("frontier", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tree_heads") as batch:
        batch.drop_column("frontier")
