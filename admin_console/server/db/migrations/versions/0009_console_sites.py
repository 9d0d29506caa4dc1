"""Sites: the rooms one console runs. Each PC belongs to one site, each staff member works
at the sites they are given (an admin at all), and a pairing code enrolls its PC into the
site it was made for; a site sets its own opening hours, printing and extra house rules
over the network's policy. The room the console ran before becomes site 1, with every PC.

Revision ID: c0009
Revises: c0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0009"
down_revision: str | None = "c0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the sites, make the first one from the console's setup, and put every PC and
    every staff member who is not an admin there."""
    sites = op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("address", sa.String(300), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
    )
    bind = op.get_bind()
    setup = bind.execute(sa.text("SELECT epn_name, address FROM console_setup")).first()
    name = (setup[0] if setup is not None else "") or "EPN"
    address = setup[1] if setup is not None else ""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    op.bulk_insert(
        sites, [{"id": 1, "name": name, "address": address, "created_at": now, "rules": {}}]
    )
    if bind.dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('sites', 'id'), 1)")
    with op.batch_alter_table("kiosks") as batch:
        batch.add_column(sa.Column("site_id", sa.Integer(), nullable=False, server_default="1"))
        batch.create_foreign_key("fk_kiosks_site", "sites", ["site_id"], ["id"])
        batch.create_index("ix_kiosks_site_id", ["site_id"])
    with op.batch_alter_table("pairing_codes") as batch:
        batch.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_pairing_codes_site", "sites", ["site_id"], ["id"])
    op.create_table(
        "staff_sites",
        sa.Column(
            "staff_id",
            sa.Integer(),
            sa.ForeignKey("staff.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "site_id",
            sa.Integer(),
            sa.ForeignKey("sites.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.execute(
        "INSERT INTO staff_sites (staff_id, site_id) SELECT id, 1 FROM staff WHERE role <> 'admin'"
    )


def downgrade() -> None:
    """Drop the sites (every PC back in the one room)."""
    op.drop_table("staff_sites")
    with op.batch_alter_table("pairing_codes") as batch:
        batch.drop_constraint("fk_pairing_codes_site", type_="foreignkey")
        batch.drop_column("site_id")
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_index("ix_kiosks_site_id")
        batch.drop_constraint("fk_kiosks_site", type_="foreignkey")
        batch.drop_column("site_id")
    op.drop_table("sites")
