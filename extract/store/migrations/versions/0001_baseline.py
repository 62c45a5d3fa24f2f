"""Revision 1, the baseline: the schema of release 0.2 (the committed data/zhibiao.sqlite before schema
versions), frozen here as it was.

A database made before schema versions has no version table; upgrading it runs this revision, which
creates only what is missing — nothing for a store of 0.2 (so it is simply recognised as revision 1),
the covering indexes for an older one — and a fresh database gets every table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

#: the fact columns of 0.2 stored as text (``page`` and ``value`` are typed)
FACT_TEXT = (
    "document", "method", "indicator", "category", "region", "region_code", "region_level", "operator",
    "subject", "period", "period_type", "period_start", "period_end", "measure", "unit", "raw_value",
    "raw_unit", "snippet", "flags",
)  # fmt: skip
SERIES = (
    "indicator", "region", "operator", "measure", "subject", "unit", "category", "region_code",
    "region_level", "method", "flags",
)  # fmt: skip
PERIOD_DOC = ("period_end", "period_start", "period", "period_type", "document_id", "document", "page")


def _box() -> list[sa.Column]:
    return [sa.Column(c, sa.Float) for c in ("x0", "top", "x1", "bottom")]


def _text(name: str, type_: type[sa.types.TypeEngine] | sa.types.TypeEngine = sa.Text) -> sa.Column:
    """A text column that is never NULL (empty by default)."""
    return sa.Column(name, type_, nullable=False, default="")


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _document_id(primary_key: bool = False) -> sa.Column:
    fk = sa.ForeignKey("documents.id", ondelete="CASCADE")
    return sa.Column("document_id", sa.Integer, fk, nullable=False, primary_key=primary_key)


def baseline() -> sa.MetaData:
    """The tables and indexes of 0.2."""
    m = sa.MetaData()
    sa.Table(
        "documents", m, _id(),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("pages", sa.Integer, nullable=False, default=0),
        sa.Column("size", sa.Integer, nullable=False, default=0),
        sa.Column("kind", sa.String(16), nullable=False, default="pdf"),
        _text("title", sa.Text),
        sa.Column("ingested_at", sa.String(32), nullable=False),
        sa.Column("extractor_version", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _text("error", sa.Text),
        sa.Column("facts", sa.Integer, nullable=False, default=0),
        _text("file_path", sa.Text),
    )  # fmt: skip
    sa.Table(
        "document_names", m, _document_id(),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Index("ix_document_names", "document_id", "name", unique=True),
    )  # fmt: skip
    sa.Table(
        "facts", m, _id(), _document_id(),
        sa.Column("page", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        *[_text(c) for c in FACT_TEXT],
        *_box(),
        sa.Index("ix_facts_indicator", "indicator"),
        sa.Index("ix_facts_region", "region"),
        sa.Index("ix_facts_document", "document_id"),
        sa.Index("ix_facts_period", "period_start"),
        sa.Index("ix_facts_series", *SERIES),
        sa.Index("ix_facts_period_doc", *PERIOD_DOC),
    )  # fmt: skip
    sa.Table(
        "set_aside_numbers", m, _id(), _document_id(),
        _text("document", sa.Text),
        sa.Column("page", sa.Integer, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        _text("text", sa.Text),
        sa.Column("source", sa.String(16), nullable=False, default="text"),
        *_box(),
        sa.Index("ix_set_aside_document", "document_id"),
        sa.Index("ix_set_aside_reason", "reason"),
    )  # fmt: skip
    sa.Table(
        "number_tallies", m, _document_id(primary_key=True),
        *[sa.Column(c, sa.Integer, nullable=False, default=0) for c in ("numbers", "facts", "set_aside", "unexplained")],
    )  # fmt: skip
    sa.Table(
        "check_failures", m, _id(),
        sa.Column("check_name", sa.String(32), nullable=False),
        _text("document", sa.String(512)),
        _text("expected", sa.Text),
        _text("found", sa.Text),
        _text("tolerance", sa.String(64)),
        sa.Column("checked_at", sa.String(32), nullable=False),
    )  # fmt: skip
    sa.Table(
        "check_failure_facts", m,
        sa.Column("failure_id", sa.Integer, sa.ForeignKey("check_failures.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fact_id", sa.Integer, nullable=False),
        sa.Index("ix_check_failure_facts_fact", "fact_id"),
    )  # fmt: skip
    sa.Table(
        "reviews", m, _id(),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("page", sa.Integer, nullable=False),
        sa.Column("snippet", sa.Text, nullable=False),
        sa.Column("raw_value", sa.Text, nullable=False),
        sa.Column("measure", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changes", sa.Text, nullable=False, default="{}"),
        sa.Column("status", sa.String(16), nullable=False, default="applied"),
        sa.Column("who", sa.String(128), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        _text("note", sa.Text),
        sa.Index("ix_reviews_sha256", "sha256"),
    )  # fmt: skip
    sa.Table(
        "review_log", m, _id(),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("who", sa.String(128), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        _text("before", sa.Text),
        _text("after", sa.Text),
        _text("note", sa.Text),
    )  # fmt: skip
    return m


def upgrade() -> None:
    bind = op.get_bind()
    m = baseline()
    m.create_all(bind, checkfirst=True)
    for table in m.sorted_tables:
        for index in table.indexes:
            index.create(bind, checkfirst=True)


def downgrade() -> None:
    baseline().drop_all(op.get_bind())
