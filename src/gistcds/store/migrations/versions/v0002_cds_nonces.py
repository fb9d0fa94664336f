"""CDS client nonces: the ``(iss, jti)`` pairs already used, shared by every worker.

Replay protection of CDS Hooks JWTs held in the database instead of each process, so that
``gistcds serve --workers N`` (or several hosts on one PostgreSQL) refuses a replayed token
whichever worker receives it. Rows are deleted once their token has expired.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cds_nonces",
        sa.Column("iss", sa.String(255), primary_key=True),
        sa.Column("jti", sa.String(255), primary_key=True),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_cds_nonces_expires", "cds_nonces", ["expires"])


def downgrade() -> None:
    op.drop_index("ix_cds_nonces_expires", table_name="cds_nonces")
    op.drop_table("cds_nonces")
