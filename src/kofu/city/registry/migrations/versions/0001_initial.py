"""Initial schema: the whole city registry (residents, 戸籍 and 附票, 印鑑, 課税, settings, 利用登録).

Households and residents refer to each other (世帯主); PostgreSQL needs the referenced table to
exist, so the households → residents key is added after both tables, while SQLite (which cannot
add a key to an existing table) gets it inline.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _head_key_inline() -> list[sa.ForeignKeyConstraint]:
    if not _sqlite():
        return []
    return [
        sa.ForeignKeyConstraint(["head_resident_id"], ["residents.id"], name="fk_households_head_resident")
    ]


def upgrade() -> None:
    op.create_table(
        "addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefecture", sa.String(length=8), nullable=False),
        sa.Column("city_name", sa.String(length=32), nullable=False),
        sa.Column("town", sa.String(length=32), nullable=False),
        sa.Column("chome_banchi", sa.String(length=64), nullable=False),
        sa.Column("building", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addresses")),
    )
    op.create_table(
        "city_settings",
        sa.Column("city_code", sa.String(length=6), nullable=False),
        sa.Column("city_name", sa.String(length=32), nullable=False),
        sa.Column("mayor_name", sa.String(length=32), nullable=False),
        sa.Column("prefecture", sa.String(length=8), nullable=False),
        sa.Column("copy_limit", sa.Integer(), nullable=False),
        sa.Column("kazei_fiscal_years", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("city_code", name=op.f("pk_city_settings")),
    )
    op.create_table(
        "issue_counters",
        sa.Column("city_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("city_code", "year", name=op.f("pk_issue_counters")),
    )
    op.create_table(
        "koseki_registers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("honseki", sa.String(length=128), nullable=False),
        sa.Column("hittosha", sa.String(length=64), nullable=False),
        sa.Column("hensei_on", sa.Date(), nullable=False),
        sa.Column("hensei_reason", sa.String(length=4), nullable=False),
        sa.Column("kaisei_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "hensei_reason IN ('婚姻', '分籍', '離婚', '出生')",
            name=op.f("ck_koseki_registers_hensei_reason"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_koseki_registers")),
        sa.UniqueConstraint("honseki", "hittosha", name="uq_koseki_registers_honseki_hittosha"),
    )
    op.create_table(
        "document_settings",
        sa.Column("city_code", sa.String(length=6), nullable=False),
        sa.Column("doc", sa.String(length=16), nullable=False),
        sa.Column("offered", sa.Boolean(), nullable=False),
        sa.Column("fee", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=False),
        sa.Column("weekdays_only", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "doc IN ('juminhyo', 'inkan', 'koseki', 'fuhyo', 'kazei')", name=op.f("ck_document_settings_doc")
        ),
        sa.ForeignKeyConstraint(
            ["city_code"],
            ["city_settings.city_code"],
            name=op.f("fk_document_settings_city_code_city_settings"),
        ),
        sa.PrimaryKeyConstraint("city_code", "doc", name=op.f("pk_document_settings")),
    )
    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_id", sa.Integer(), nullable=False),
        sa.Column("head_resident_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["address_id"], ["addresses.id"], name=op.f("fk_households_address_id_addresses")
        ),
        *_head_key_inline(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
    )
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_households_address_id"), ["address_id"], unique=False)

    op.create_table(
        "residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("family_name", sa.String(length=32), nullable=False),
        sa.Column("given_name", sa.String(length=32), nullable=False),
        sa.Column("family_kana", sa.String(length=64), nullable=False),
        sa.Column("given_kana", sa.String(length=64), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("zokugara", sa.String(length=16), nullable=False),
        sa.Column("became_resident_date", sa.Date(), nullable=False),
        sa.Column("became_resident_reason", sa.String(length=4), nullable=False),
        sa.Column("address_defined_date", sa.Date(), nullable=False),
        sa.Column("prior_address", sa.String(length=200), nullable=True),
        sa.Column("honseki", sa.String(length=128), nullable=True),
        sa.Column("honseki_city_code", sa.String(length=6), nullable=True),
        sa.Column("hittosha", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("dv_protected", sa.Boolean(), nullable=False),
        sa.Column("pending_change", sa.Boolean(), nullable=False),
        sa.Column("nationality", sa.String(length=32), nullable=True),
        sa.Column("residence_status", sa.String(length=32), nullable=True),
        sa.Column("stay_period", sa.String(length=16), nullable=True),
        sa.Column("stay_expires_on", sa.Date(), nullable=True),
        sa.Column("residence_card_number", sa.String(length=12), nullable=True),
        sa.Column("alias_name", sa.String(length=64), nullable=True),
        sa.Column("alias_kana", sa.String(length=64), nullable=True),
        sa.CheckConstraint("became_resident_reason IN ('転入', '出生')", name=op.f("ck_residents_reason")),
        sa.CheckConstraint("sex IN ('男', '女')", name=op.f("ck_residents_sex")),
        sa.CheckConstraint("status IN ('active', 'moved_out', 'deceased')", name=op.f("ck_residents_status")),
        sa.CheckConstraint(
            "(nationality IS NULL AND honseki IS NOT NULL AND hittosha IS NOT NULL AND residence_card_number IS NULL) OR (nationality IS NOT NULL AND honseki IS NULL AND hittosha IS NULL AND residence_card_number IS NOT NULL)",
            name=op.f("ck_residents_japanese_or_foreign"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_residents_household_id_households")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_residents")),
    )
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_residents_household_id"), ["household_id"], unique=False)
    if not _sqlite():
        op.create_foreign_key(
            "fk_households_head_resident", "households", "residents", ["head_resident_id"], ["id"]
        )

    op.create_table(
        "cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cert_serial_hex", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.CheckConstraint("status IN ('active', 'lost', 'expired')", name=op.f("ck_cards_status")),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_cards_resident_id_residents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
    )
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cards_cert_serial_hex"), ["cert_serial_hex"], unique=True)
        batch_op.create_index(batch_op.f("ix_cards_resident_id"), ["resident_id"], unique=False)

    op.create_table(
        "koseki_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("koseki_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("family_name", sa.String(length=32), nullable=False),
        sa.Column("given_name", sa.String(length=32), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_place", sa.String(length=64), nullable=False),
        sa.Column("father_name", sa.String(length=64), nullable=True),
        sa.Column("mother_name", sa.String(length=64), nullable=True),
        sa.Column("zokugara", sa.String(length=8), nullable=False),
        sa.Column("adoptive_father_name", sa.String(length=64), nullable=True),
        sa.Column("adoptive_mother_name", sa.String(length=64), nullable=True),
        sa.Column("adoptive_zokugara", sa.String(length=8), nullable=True),
        sa.Column("spouse_kind", sa.String(length=1), nullable=True),
        sa.Column("is_hittosha", sa.Boolean(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("removed_reason", sa.String(length=4), nullable=True),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "removed_reason IS NULL OR removed_reason IN ('婚姻', '死亡', '離婚', '分籍')",
            name=op.f("ck_koseki_members_removed_reason"),
        ),
        sa.CheckConstraint("sex IN ('男', '女')", name=op.f("ck_koseki_members_sex")),
        sa.CheckConstraint(
            "spouse_kind IS NULL OR spouse_kind IN ('夫', '妻')", name=op.f("ck_koseki_members_spouse_kind")
        ),
        sa.CheckConstraint(
            "(removed AND removed_on IS NOT NULL AND removed_reason IS NOT NULL) OR (NOT removed AND removed_on IS NULL AND removed_reason IS NULL)",
            name=op.f("ck_koseki_members_removal"),
        ),
        sa.ForeignKeyConstraint(
            ["koseki_id"], ["koseki_registers.id"], name=op.f("fk_koseki_members_koseki_id_koseki_registers")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_koseki_members_resident_id_residents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_koseki_members")),
        sa.UniqueConstraint("koseki_id", "position", name="uq_koseki_members_koseki_id_position"),
    )
    with op.batch_alter_table("koseki_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_koseki_members_koseki_id"), ["koseki_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_koseki_members_resident_id"), ["resident_id"], unique=False)

    op.create_table(
        "seal_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("registration_number", sa.String(length=16), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("abolished_on", sa.Date(), nullable=True),
        sa.Column("impression", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "(status = 'active' AND abolished_on IS NULL) OR (status = 'abolished' AND abolished_on IS NOT NULL)",
            name=op.f("ck_seal_registrations_abolished_on"),
        ),
        sa.CheckConstraint("status IN ('active', 'abolished')", name=op.f("ck_seal_registrations_status")),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_seal_registrations_resident_id_residents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seal_registrations")),
        sa.UniqueConstraint("registration_number", name=op.f("uq_seal_registrations_registration_number")),
    )
    with op.batch_alter_table("seal_registrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seal_registrations_resident_id"), ["resident_id"], unique=False)
        batch_op.create_index(
            "uq_seal_registrations_live",
            ["resident_id"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "tax_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("declared", sa.Boolean(), nullable=False),
        sa.Column("jan1_address", sa.String(length=200), nullable=False),
        sa.Column("total_income", sa.Integer(), nullable=False),
        sa.Column("total_deductions", sa.Integer(), nullable=False),
        sa.Column("dependants", sa.Integer(), nullable=False),
        sa.Column("taxable_income", sa.Integer(), nullable=False),
        sa.Column("city_income_levy", sa.Integer(), nullable=False),
        sa.Column("pref_income_levy", sa.Integer(), nullable=False),
        sa.Column("city_per_capita", sa.Integer(), nullable=False),
        sa.Column("pref_per_capita", sa.Integer(), nullable=False),
        sa.Column("non_taxable", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_tax_records_resident_id_residents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_records")),
        sa.UniqueConstraint("resident_id", "fiscal_year", name="uq_tax_records_resident_id_fiscal_year"),
    )
    with op.batch_alter_table("tax_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tax_records_resident_id"), ["resident_id"], unique=False)

    op.create_table(
        "fuhyo_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("koseki_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("defined_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["koseki_id"], ["koseki_registers.id"], name=op.f("fk_fuhyo_entries_koseki_id_koseki_registers")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["koseki_members.id"], name=op.f("fk_fuhyo_entries_member_id_koseki_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fuhyo_entries")),
        sa.UniqueConstraint("member_id", "position", name="uq_fuhyo_entries_member_id_position"),
    )
    with op.batch_alter_table("fuhyo_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fuhyo_entries_koseki_id"), ["koseki_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fuhyo_entries_member_id"), ["member_id"], unique=False)

    op.create_table(
        "honseki_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cert_serial_hex", sa.String(length=64), nullable=False),
        sa.Column("residence_city_code", sa.String(length=6), nullable=False),
        sa.Column("honseki", sa.String(length=128), nullable=False),
        sa.Column("hittosha", sa.String(length=64), nullable=False),
        sa.Column("applicant_name", sa.String(length=64), nullable=True),
        sa.Column("applicant_birth_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=128), nullable=True),
        sa.Column("koseki_member_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')", name=op.f("ck_honseki_registrations_status")
        ),
        sa.ForeignKeyConstraint(
            ["koseki_member_id"],
            ["koseki_members.id"],
            name=op.f("fk_honseki_registrations_koseki_member_id_koseki_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honseki_registrations")),
    )
    with op.batch_alter_table("honseki_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_honseki_registrations_cert_serial_hex"), ["cert_serial_hex"], unique=False
        )
        batch_op.create_index(
            "uq_honseki_registrations_live",
            ["cert_serial_hex"],
            unique=True,
            sqlite_where=sa.text("status <> 'rejected'"),
            postgresql_where=sa.text("status <> 'rejected'"),
        )

    op.create_table(
        "koseki_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("event_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=128), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("reporter", sa.String(length=64), nullable=True),
        sa.Column("counterpart_name", sa.String(length=64), nullable=True),
        sa.Column("previous_register", sa.String(length=200), nullable=True),
        sa.Column("new_register", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "kind IN ('出生', '婚姻', '離婚', '養子縁組', '認知', '死亡', '分籍')",
            name=op.f("ck_koseki_events_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["koseki_members.id"], name=op.f("fk_koseki_events_member_id_koseki_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_koseki_events")),
        sa.UniqueConstraint("member_id", "position", name="uq_koseki_events_member_id_position"),
    )
    with op.batch_alter_table("koseki_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_koseki_events_member_id"), ["member_id"], unique=False)

    op.create_table(
        "tax_deductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tax_record_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tax_record_id"], ["tax_records.id"], name=op.f("fk_tax_deductions_tax_record_id_tax_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_deductions")),
    )
    with op.batch_alter_table("tax_deductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tax_deductions_tax_record_id"), ["tax_record_id"], unique=False)

    op.create_table(
        "tax_incomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tax_record_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("revenue", sa.Integer(), nullable=False),
        sa.Column("income", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('給与', '事業', '不動産', '配当', '年金', '雑', '一時')",
            name=op.f("ck_tax_incomes_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["tax_record_id"], ["tax_records.id"], name=op.f("fk_tax_incomes_tax_record_id_tax_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_incomes")),
    )
    with op.batch_alter_table("tax_incomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tax_incomes_tax_record_id"), ["tax_record_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tax_incomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tax_incomes_tax_record_id"))

    op.drop_table("tax_incomes")
    with op.batch_alter_table("tax_deductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tax_deductions_tax_record_id"))

    op.drop_table("tax_deductions")
    with op.batch_alter_table("koseki_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_koseki_events_member_id"))

    op.drop_table("koseki_events")
    with op.batch_alter_table("honseki_registrations", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_honseki_registrations_live",
            sqlite_where=sa.text("status <> 'rejected'"),
            postgresql_where=sa.text("status <> 'rejected'"),
        )
        batch_op.drop_index(batch_op.f("ix_honseki_registrations_cert_serial_hex"))

    op.drop_table("honseki_registrations")
    with op.batch_alter_table("fuhyo_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fuhyo_entries_member_id"))
        batch_op.drop_index(batch_op.f("ix_fuhyo_entries_koseki_id"))

    op.drop_table("fuhyo_entries")
    with op.batch_alter_table("tax_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tax_records_resident_id"))

    op.drop_table("tax_records")
    with op.batch_alter_table("seal_registrations", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_seal_registrations_live",
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.drop_index(batch_op.f("ix_seal_registrations_resident_id"))

    op.drop_table("seal_registrations")
    with op.batch_alter_table("koseki_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_koseki_members_resident_id"))
        batch_op.drop_index(batch_op.f("ix_koseki_members_koseki_id"))

    op.drop_table("koseki_members")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cards_resident_id"))
        batch_op.drop_index(batch_op.f("ix_cards_cert_serial_hex"))

    op.drop_table("cards")
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_residents_household_id"))

    if not _sqlite():
        op.drop_constraint("fk_households_head_resident", "households", type_="foreignkey")
    op.drop_table("residents")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_households_address_id"))

    op.drop_table("households")
    op.drop_table("document_settings")
    op.drop_table("koseki_registers")
    op.drop_table("issue_counters")
    op.drop_table("city_settings")
    op.drop_table("addresses")
