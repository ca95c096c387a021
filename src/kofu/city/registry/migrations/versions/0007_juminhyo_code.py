"""住民票コード on every resident: residents already recorded get a synthetic valid code.

Revision ID: 0007_juminhyo_code
Revises: 0006_menu_refusals
Create Date: 2026-12-08

Existing rows are filled from the city's code and the resident's id
(``synthetic_juminhyo_code``: never random, distinct within the city), then the column becomes
NOT NULL with a unique index. A database without city settings fills from an empty city code.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kofu.city.registry.juminhyo_code import synthetic_juminhyo_code

revision = "0007_juminhyo_code"
down_revision = "0006_menu_refusals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("residents") as batch:
        batch.add_column(sa.Column("juminhyo_code", sa.String(11), nullable=True))
    conn = op.get_bind()
    city = conn.execute(sa.text("SELECT city_code FROM city_settings ORDER BY city_code")).scalar() or ""
    ids = conn.execute(sa.text("SELECT id FROM residents ORDER BY id")).scalars().all()
    if ids:
        conn.execute(
            sa.text("UPDATE residents SET juminhyo_code = :code WHERE id = :id"),
            [{"id": rid, "code": synthetic_juminhyo_code(city, rid)} for rid in ids],
        )
    with op.batch_alter_table("residents") as batch:
        batch.alter_column("juminhyo_code", existing_type=sa.String(11), nullable=False)
        batch.create_index(batch.f("ix_residents_juminhyo_code"), ["juminhyo_code"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("residents") as batch:
        batch.drop_index(batch.f("ix_residents_juminhyo_code"))
        batch.drop_column("juminhyo_code")
