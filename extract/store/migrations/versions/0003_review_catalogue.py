"""Revision 3: what a reviewer adds besides decisions on facts (issue 15, extract/store/review.py):
``user_indicators`` (the user catalogue: a printed indicator name mapped to a catalogue indicator or added
as one of its own) and ``made_facts`` (facts a person made of set-aside numbers, with their anchor).
Both start empty; nothing else changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_review_catalogue"
down_revision = "0002_originals"
branch_labels = None
depends_on = None


def _who_when_note() -> list[sa.Column]:
    return [
        sa.Column("who", sa.String(128), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False, default=""),
    ]


def upgrade() -> None:
    op.create_table(
        "user_indicators",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("printed", sa.String(256), nullable=False, unique=True),
        sa.Column("indicator", sa.String(256), nullable=False),
        sa.Column("category", sa.String(32), nullable=False, default=""),
        sa.Column("unit", sa.String(32), nullable=False, default=""),
        sa.Column("kind", sa.String(16), nullable=False, default=""),
        *_who_when_note(),
    )
    op.create_table(
        "made_facts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("page", sa.Integer, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False, default=""),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, default="applied"),
        *_who_when_note(),
    )
    op.create_index("ix_made_facts_sha256", "made_facts", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_made_facts_sha256", "made_facts")
    op.drop_table("made_facts")
    op.drop_table("user_indicators")
