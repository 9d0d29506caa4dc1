"""No two open pairing codes share an id: two staff members (or two of the console's
processes) making a code at the same moment could both draw the same free id, and the
second PC was then refused at enrolment. A code is open while it holds its sealed secret;
the database now refuses a second such code with the same id.

Before the index, the secrets of expired codes are erased (as the console does anyway),
and of two open codes already sharing an id only the newer keeps its secret: the console
has only ever looked up the newer one.

Revision ID: c0010
Revises: c0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0010"
down_revision: str | None = "c0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "secret_sealed IS NOT NULL"


def upgrade() -> None:
    """Erase the secrets no code may use any more, then add the unique index."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    op.get_bind().execute(
        sa.text(
            "UPDATE pairing_codes SET secret_sealed = NULL "
            "WHERE secret_sealed IS NOT NULL AND expires_at <= :now"
        ),
        {"now": now},
    )
    op.execute(
        "UPDATE pairing_codes SET secret_sealed = NULL "
        "WHERE secret_sealed IS NOT NULL AND code_id IS NOT NULL AND id < ("
        "SELECT MAX(newer.id) FROM pairing_codes AS newer "
        "WHERE newer.code_id = pairing_codes.code_id AND newer.secret_sealed IS NOT NULL)"
    )
    op.create_index(
        "uq_pairing_codes_open_code_id",
        "pairing_codes",
        ["code_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("uq_pairing_codes_open_code_id", table_name="pairing_codes")
