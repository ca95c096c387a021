"""Each head the city signs keeps its log's frontier, so the next head is computed from the
entries appended since instead of the whole log (``kofu.history.log.publish``).

Revision ID: 0008_log_frontier
Revises: 0007_juminhyo_code
Create Date: 2026-12-08

Heads kept before have none: the first head published after it is computed from the whole log.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_log_frontier"
down_revision = "0007_juminhyo_code"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tree_heads") as batch:
        batch.add_column(sa.Column("frontier", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tree_heads") as batch:
        batch.drop_column("frontier")
