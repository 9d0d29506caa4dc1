"""Pairing codes a PC can pair with without a fingerprint: the code's id, and its secret
sealed under the console's pairing key while the code is open (``epn_shared.pairing``).

Revision ID: c0005
Revises: c0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0005"
down_revision: str | None = "c0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the code's id and its sealed secret (codes made before have neither)."""
    with op.batch_alter_table("pairing_codes") as batch:
        batch.add_column(sa.Column("code_id", sa.String(2), nullable=True))
        batch.add_column(sa.Column("secret_sealed", sa.String(120), nullable=True))
        batch.create_index("ix_pairing_codes_code_id", ["code_id"])


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("pairing_codes") as batch:
        batch.drop_index("ix_pairing_codes_code_id")
        batch.drop_column("secret_sealed")
        batch.drop_column("code_id")
