"""Items of the standard forms: 届出日 and 異動前住所, カタカナ併記名, 氏名の振り仮名 of the register,
and the tax certificate's 森林環境税, dependant breakdown and 本人該当区分.

Every new column is nullable or has a server default, so existing rows stay valid; SQLite and
PostgreSQL both add such columns in place.

Revision ID: 0003_standard_forms
Revises: 0002_year_end_closure
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_standard_forms"
down_revision = "0002_year_end_closure"
branch_labels = None
depends_on = None

_TAX_COUNTS = (
    "dependants_spouse",
    "dependants_general",
    "dependants_specific",
    "dependants_elderly",
    "dependants_under16",
    "forest_env_tax",
)
_TAX_FLAGS = ("widow", "single_parent", "disabled")


def upgrade() -> None:
    op.add_column("residents", sa.Column("notified_on", sa.Date(), nullable=True))
    op.add_column("residents", sa.Column("previous_address", sa.String(length=200), nullable=True))
    op.add_column("residents", sa.Column("katakana_name", sa.String(length=64), nullable=True))
    op.add_column("koseki_registers", sa.Column("family_kana", sa.String(length=64), nullable=True))
    op.add_column("koseki_registers", sa.Column("kana_recorded_on", sa.Date(), nullable=True))
    op.add_column("koseki_members", sa.Column("given_kana", sa.String(length=64), nullable=True))
    for name in _TAX_COUNTS:
        op.add_column("tax_records", sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    for name in _TAX_FLAGS:
        op.add_column("tax_records", sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("tax_records") as batch:
        for name in (*_TAX_FLAGS, *_TAX_COUNTS):
            batch.drop_column(name)
    with op.batch_alter_table("koseki_members") as batch:
        batch.drop_column("given_kana")
    with op.batch_alter_table("koseki_registers") as batch:
        batch.drop_column("kana_recorded_on")
        batch.drop_column("family_kana")
    with op.batch_alter_table("residents") as batch:
        batch.drop_column("katakana_name")
        batch.drop_column("previous_address")
        batch.drop_column("notified_on")
