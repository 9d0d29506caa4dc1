"""Each staff member's name as the PCs greet them, their language, their own PIN for the
staff key at the PCs (an argon2id hash), the revision of the roster the PCs are sent, and
each PC's network card address (to wake it up).

Revision ID: c0008
Revises: c0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0008"
down_revision: str | None = "c0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the staff's name, language and PIN, the roster's revision and the PCs' address."""
    with op.batch_alter_table("staff") as batch:
        batch.add_column(
            sa.Column("display_name", sa.String(40), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("language", sa.String(2), nullable=False, server_default="fr"))
        batch.add_column(sa.Column("pin_hash", sa.String(200), nullable=True))
        batch.add_column(sa.Column("pin_set_at", sa.DateTime(), nullable=True))
    op.create_table(
        "console_staff_roster",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
    )
    with op.batch_alter_table("kiosks") as batch:
        batch.add_column(sa.Column("mac", sa.String(17), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("mac")
    op.drop_table("console_staff_roster")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("pin_set_at")
        batch.drop_column("pin_hash")
        batch.drop_column("language")
        batch.drop_column("display_name")
