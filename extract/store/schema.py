"""The schema: every table and column of the fact database, named here and nowhere else outside
this package, and the engine that opens it.

Tables: ``documents`` (one row per stored content, by sha256) and ``document_names`` (its other names);
``facts`` (the contract columns, the snippet's box); ``set_aside_numbers`` and ``number_tallies`` (the
number accounting); ``check_failures`` and ``check_failure_facts``; ``reviews`` (decisions anchored on
what a fact was read from) and ``review_log`` (the audit); ``originals`` and ``original_chunks`` (each
original file's bytes by sha256, in chunks of :data:`CHUNK_BYTES`). Flags the store itself sets on facts
are the constants below.

SQLite opens in WAL mode; a writer takes the write lock when its transaction begins (``BEGIN
IMMEDIATE``), waiting in short steps so that :class:`~extract.store.Store` can say that it waits.
The schema is created and upgraded by the migrations (:mod:`.migrate`, ``migrations/versions``): a
change here needs a new revision there.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
)
from sqlalchemy.engine import Connection, Engine

from ..model import FACT_COLUMNS

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(512), nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("pages", Integer, nullable=False, default=0),
    Column("size", Integer, nullable=False, default=0),
    Column("kind", String(16), nullable=False, default="pdf"),
    Column("title", Text, nullable=False, default=""),
    Column("ingested_at", String(32), nullable=False),
    Column("extractor_version", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # ok | failed
    Column("error", Text, nullable=False, default=""),
    Column("facts", Integer, nullable=False, default=0),
    Column("file_path", Text, nullable=False, default=""),
)

#: Other names under which the same content (same sha256) was ingested: stored once, findable by each.
document_names = Table(
    "document_names",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(512), nullable=False),
    Index("ix_document_names", "document_id", "name", unique=True),
)

_TEXT_COLS = [c for c in FACT_COLUMNS if c not in ("page", "value")]
facts = Table(
    "facts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("page", Integer, nullable=False),
    Column("value", Float, nullable=False),
    *[Column(c, Text, nullable=False, default="") for c in _TEXT_COLS],
    Column("x0", Float),
    Column("top", Float),
    Column("x1", Float),
    Column("bottom", Float),
    Index("ix_facts_indicator", "indicator"),
    Index("ix_facts_region", "region"),
    Index("ix_facts_document", "document_id"),
    Index("ix_facts_period", "period_start"),
    # the dashboard's covering indexes are defined beside their queries, in columnar.py
)

#: Every update or deletion of a stored fact, logged with a sequence number by triggers of the database
#: (revision 0004: no write path can forget it); a reader holding a copy of the facts taken at ``seq``
#: re-reads only the facts logged since, and those above the highest id it saw (:mod:`.snapshot`).
fact_changes = Table(
    "fact_changes",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("fact_id", Integer, nullable=False),
    sqlite_autoincrement=True,
)

#: The store's own settings; ``uuid``: its identity, made with the schema (a snapshot of one database is
#: never taken for another's at the same address).
store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


def renew_identity(conn: Connection) -> str:
    """Give the store a new identity (after its content was replaced wholesale); the new uuid."""
    new = uuid.uuid4().hex
    conn.execute(delete(store_meta).where(store_meta.c.key == "uuid"))
    conn.execute(store_meta.insert().values(key="uuid", value=new))
    return new


#: Numbers of a document that are not facts: set aside with a reason (date, target …), or ``unexplained``
#: (see extract/accounting.py). Written with the document's facts, in the same transaction.
UNEXPLAINED = "unexplained"
set_aside_numbers = Table(
    "set_aside_numbers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("document", Text, nullable=False, default=""),
    Column("page", Integer, nullable=False),
    Column("number", Text, nullable=False),  # as printed
    Column(
        "reason", String(64), nullable=False
    ),  # a reason of data/number_reasons.csv, a structural one, or unexplained
    Column("text", Text, nullable=False, default=""),  # the text around the number
    Column("source", String(16), nullable=False, default="text"),  # text | table | furniture
    Column("x0", Float),
    Column("top", Float),
    Column("x1", Float),
    Column("bottom", Float),
    Index("ix_set_aside_document", "document_id"),
    Index("ix_set_aside_reason", "reason"),
)
#: How many numbers each document prints, and how many are facts, set aside or unexplained.
number_tallies = Table(
    "number_tallies",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("numbers", Integer, nullable=False, default=0),
    Column("facts", Integer, nullable=False, default=0),
    Column("set_aside", Integer, nullable=False, default=0),
    Column("unexplained", Integer, nullable=False, default=0),
)


#: Failed consistency checks (extract/checks.py): one row per failure, its facts in check_failure_facts.
check_failures = Table(
    "check_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("check_name", String(32), nullable=False),
    Column("document", String(512), nullable=False, default=""),
    Column("expected", Text, nullable=False, default=""),
    Column("found", Text, nullable=False, default=""),
    Column("tolerance", String(64), nullable=False, default=""),
    Column("checked_at", String(32), nullable=False),
)
check_failure_facts = Table(
    "check_failure_facts",
    metadata,
    Column("failure_id", Integer, ForeignKey("check_failures.id", ondelete="CASCADE"), nullable=False),
    Column("fact_id", Integer, nullable=False),
    Index("ix_check_failure_facts_fact", "fact_id"),
)
CHECK_FLAG = "check_failed"

#: A person's decision on a fact, anchored on what the fact was read from (the document's content, the
#: page, the snippet, the number as printed and the measure) so that it is re-applied when the document
#: is extracted again (a new extractor version, ingest --force). ``status``: applied, or unanchored when
#: no fact of a new extraction matches the anchor (the decision goes back to the review queue).
reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False),
    Column("page", Integer, nullable=False),
    Column("snippet", Text, nullable=False),
    Column("raw_value", Text, nullable=False),
    Column("measure", String(16), nullable=False),
    Column("action", String(16), nullable=False),  # accept | reject | correct
    Column("changes", Text, nullable=False, default="{}"),  # JSON: field → new value (correct)
    Column("status", String(16), nullable=False, default="applied"),
    Column("who", String(128), nullable=False),
    Column("at", String(32), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Index("ix_reviews_sha256", "sha256"),
)
#: The user catalogue (extract/store/review.py): a printed indicator name a person mapped to a catalogue
#: indicator, or added as an indicator of its own (category, unit, kind), applied to every fact of that
#: printed name now and at each ingest.
user_indicators = Table(
    "user_indicators",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("printed", String(256), nullable=False, unique=True),
    Column("indicator", String(256), nullable=False),
    Column("category", String(32), nullable=False, default=""),
    Column("unit", String(32), nullable=False, default=""),
    Column("kind", String(16), nullable=False, default=""),
    Column("who", String(128), nullable=False),
    Column("at", String(32), nullable=False),
    Column("note", Text, nullable=False, default=""),
)
#: Facts a person made of numbers the extractor set aside, anchored on the document's content, the page,
#: the number as printed and the text around it; made again whenever the document is extracted again
#: (``status`` applied, or unanchored when the number is no longer set aside there).
made_facts = Table(
    "made_facts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False),
    Column("page", Integer, nullable=False),
    Column("number", Text, nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("fields", Text, nullable=False),  # JSON: the fact's columns
    Column("status", String(16), nullable=False, default="applied"),
    Column("who", String(128), nullable=False),
    Column("at", String(32), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Index("ix_made_facts_sha256", "sha256"),
)
#: Every decision, as taken: who, when, on what, the fact before and after, the note.
review_log = Table(
    "review_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("who", String(128), nullable=False),
    Column("action", String(16), nullable=False),
    Column("target", String(64), nullable=False),
    Column("before", Text, nullable=False, default=""),
    Column("after", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
)
#: The original files, content-addressed: one row per sha256 (its size, the suffix of the name it was
#: ingested under, how many chunks) and its bytes in ``original_chunks`` (``seq`` 0, 1, …), at most
#: CHUNK_BYTES each (SQLite BLOB, PostgreSQL bytea), so that a large PDF is neither one giant parameter
#: nor read whole when it is only streamed out.
CHUNK_BYTES = 4 * 1024 * 1024
originals = Table(
    "originals",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("suffix", String(16), nullable=False, default=""),
    Column("chunks", Integer, nullable=False),
)
original_chunks = Table(
    "original_chunks",
    metadata,
    Column("sha256", String(64), ForeignKey("originals.sha256", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

#: Flags a review leaves on a fact: accepted as it is, or corrected by a person.
REVIEWED_FLAG = "reviewed"
CORRECTED_FLAG = "corrected"


#: PostgreSQL: the advisory lock every write transaction holds (writers commit one after another, as on SQLite)
WRITE_LOCK_KEY = 0x7A6877726974  # "zhwrit"

#: how long one attempt to take the write lock waits before Store._write notes the wait and tries again
WRITE_LOCK_STEP_S = 1.0


def is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def make_engine(url: str, busy_timeout_s: float = 30.0) -> Engine:
    if url.startswith("sqlite"):
        path = url[len("sqlite:///") :]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            # a writer takes the write lock at once, waiting for it in short steps (Store._write retries
            # and says that it waits); other transactions wait up to the full busy timeout
            if conn.get_execution_options().get("zhibiao_write"):
                conn.exec_driver_sql(
                    f"PRAGMA busy_timeout={int(min(busy_timeout_s, WRITE_LOCK_STEP_S) * 1000)}"
                )
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
                conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)
