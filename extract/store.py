"""The fact store: SQLAlchemy Core over SQLite (default) or any SQL database.

One document is written in one transaction, so it is either fully present or
absent. Original files are kept content-addressed under ``files/`` beside the
SQLite database (or ``$ZHIBIAO_FILES_DIR``), so facts can be re-extracted and
shown against their page.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from .files import file_sha256  # noqa: F401 - re-exported for callers of the store
from .model import FACT_COLUMNS, Fact
from .paths import DATA_DIR, resolve_url

if TYPE_CHECKING:
    import pandas as pd

    from .accounting import NumberOutcome
    from .checks import Failure

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
    # Covering indexes for the dashboard: every descriptive column of a fact is read with two index-only
    # scans (one group per series, one per period and document) instead of a scan of the wide table, and
    # filtered look-ups by indicator, region, operator and measure use the first one's prefix.
    Index(
        "ix_facts_series",
        "indicator",
        "region",
        "operator",
        "measure",
        "subject",
        "unit",
        "category",
        "region_code",
        "region_level",
        "method",
        "flags",
    ),
    Index(
        "ix_facts_period_doc",
        "period_end",
        "period_start",
        "period",
        "period_type",
        "document_id",
        "document",
        "page",
    ),
)

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
#: Flags a review leaves on a fact: accepted as it is, or corrected by a person.
REVIEWED_FLAG = "reviewed"
CORRECTED_FLAG = "corrected"


@dataclass
class StoredDocument:
    id: int
    name: str
    sha256: str
    status: str
    extractor_version: str


#: how long one attempt to take the write lock waits before Store._write notes the wait and tries again
WRITE_LOCK_STEP_S = 1.0


class StoreBusy(RuntimeError):
    """Another process held the database's write lock for longer than the store waits."""


class Store:
    """A connection to one fact database.

    Writes take the write lock when their transaction begins (SQLite ``BEGIN IMMEDIATE``), so a
    busy database is noticed before anything is written and the whole transaction is retried until
    ``lock_wait_s`` has passed (``on_wait`` is told once, to say so); then :class:`StoreBusy`.
    """

    def __init__(
        self, url: str | None = None, lock_wait_s: float = 120.0, on_wait: Callable[[str], None] | None = None
    ):
        self.url = resolve_url(url)
        self.lock_wait_s = lock_wait_s
        self.on_wait = on_wait
        self.engine: Engine = _engine(self.url, busy_timeout_s=min(30.0, max(0.1, lock_wait_s)))
        _create_schema(self.engine)
        _ensure_indexes(self.engine)
        self.files_dir = _files_dir(self.url)

    # -- writing -----------------------------------------------------------------
    def find(self, sha256: str) -> StoredDocument | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.sha256 == sha256)).mappings().first()
        if row is None:
            return None
        return StoredDocument(row["id"], row["name"], row["sha256"], row["status"], row["extractor_version"])

    def keep_file(self, source: str | Path, sha256: str) -> Path:
        """Copy the original into the content-addressed file store (idempotent); the path relative to it."""
        suffix = Path(source).suffix.lower()[:8]
        target = self.files_dir / sha256[:2] / f"{sha256}{suffix}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + f".tmp{os.getpid()}")
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        return target.relative_to(self.files_dir)

    def save_document(
        self,
        *,
        name: str,
        sha256: str,
        pages: int,
        size: int,
        kind: str,
        title: str,
        version: str,
        fact_rows: Iterable[Fact],
        file_path: str = "",
        status: str = "ok",
        error: str = "",
        numbers: Iterable[NumberOutcome] | None = None,
    ) -> int:
        """Replace whatever is stored for this sha256 with this document, its facts and the outcomes of its
        ``numbers`` (those that are not facts, and the tally), atomically."""
        rows = list(fact_rows)
        outcomes = None if numbers is None else list(numbers)
        with self._write() as conn:
            old = conn.execute(select(documents.c.id).where(documents.c.sha256 == sha256)).scalar()
            kept_names: list[str] = []
            if old is not None:
                kept_names = [
                    str(n)
                    for n in conn.execute(
                        select(document_names.c.name).where(document_names.c.document_id == old)
                    ).scalars()
                ]
                conn.execute(delete(document_names).where(document_names.c.document_id == old))
                conn.execute(delete(facts).where(facts.c.document_id == old))
                _delete_numbers(conn, old)
                conn.execute(delete(documents).where(documents.c.id == old))
            doc_id = conn.execute(
                documents.insert().values(
                    name=name,
                    sha256=sha256,
                    pages=pages,
                    size=size,
                    kind=kind,
                    title=title[:500],
                    ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    extractor_version=version,
                    status=status,
                    error=error,
                    facts=len(rows),
                    file_path=file_path,
                )
            ).inserted_primary_key[0]
            if rows:
                conn.execute(facts.insert(), [_fact_record(f, doc_id) for f in rows])
                _reapply_reviews(conn, int(doc_id), sha256)
            if outcomes is not None:
                _write_numbers(conn, doc_id, name, outcomes)
            for other in dict.fromkeys(kept_names):
                if other != name:
                    conn.execute(document_names.insert().values(document_id=doc_id, name=other))
        return int(doc_id)

    def delete_document(self, doc_id: int) -> bool:
        with self._write() as conn:
            conn.execute(delete(document_names).where(document_names.c.document_id == doc_id))
            conn.execute(delete(facts).where(facts.c.document_id == doc_id))
            _delete_numbers(conn, doc_id)
            n = conn.execute(delete(documents).where(documents.c.id == doc_id)).rowcount
        return bool(n)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction holding the write lock from its start; waits (and retries the start)
        while another process writes, up to ``lock_wait_s``."""
        deadline = time.monotonic() + self.lock_wait_s
        told = False
        while True:
            conn = self.engine.connect().execution_options(zhibiao_write=True)
            try:
                trans = conn.begin()
                break
            except OperationalError as exc:
                conn.close()
                if not _is_lock_error(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"the database is busy: another process held its write lock for more than "
                        f"{self.lock_wait_s:g} s"
                    ) from exc
                if self.on_wait and not told:
                    self.on_wait(
                        f"waiting for another process that is writing to the database "
                        f"(up to {self.lock_wait_s:g} s)"
                    )
                    told = True
                time.sleep(0.2)
        try:
            yield conn
            trans.commit()
        except BaseException:
            trans.rollback()
            raise
        finally:
            conn.close()

    def add_name(self, sha256: str, name: str) -> bool:
        """Record another name for stored content (same sha256); False when nothing is stored for it."""
        with self._write() as conn:
            doc = conn.execute(
                select(documents.c.id, documents.c.name).where(documents.c.sha256 == sha256)
            ).first()
            if doc is None:
                return False
            known = conn.execute(
                select(document_names.c.name).where(
                    document_names.c.document_id == doc.id, document_names.c.name == name
                )
            ).first()
            if name != doc.name and known is None:
                conn.execute(document_names.insert().values(document_id=doc.id, name=name))
        return True

    def names(self) -> dict[int, list[str]]:
        """Other names of stored documents, by document id."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(document_names.c.document_id, document_names.c.name).order_by(
                    document_names.c.document_id, document_names.c.name
                )
            ).all()
        out: dict[int, list[str]] = {}
        for doc_id, name in rows:
            out.setdefault(int(doc_id), []).append(str(name))
        return out

    # -- reading -----------------------------------------------------------------
    def documents(self) -> pd.DataFrame:
        import pandas as pd

        with self.engine.connect() as conn:
            df = pd.read_sql(select(documents).order_by(documents.c.id), conn)
        df["file_path"] = [str(self.original(p)) if p else "" for p in df["file_path"]]
        return df

    def original(self, file_path: str) -> Path:
        """The kept original of a document (stored relative to the file store)."""
        p = Path(file_path)
        return p if p.is_absolute() else self.files_dir / p

    def replace_check_failures(self, failures: Iterable[Failure]) -> int:
        """Store the result of a whole check run, atomically: the failures replace those of the last run,
        and the flag ``check_failed`` is on exactly the facts involved in one."""
        rows = list(failures)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write() as conn:
            flagged = [
                r[0]
                for r in conn.execute(
                    select(facts.c.id, facts.c.flags).where(facts.c.flags.like(f"%{CHECK_FLAG}%"))
                ).all()
            ]
            for fact_id, flags in conn.execute(
                select(facts.c.id, facts.c.flags).where(facts.c.id.in_(flagged))
            ).all():
                kept = ";".join(f for f in str(flags).split(";") if f and f != CHECK_FLAG)
                conn.execute(update(facts).where(facts.c.id == fact_id).values(flags=kept))
            conn.execute(delete(check_failure_facts))
            conn.execute(delete(check_failures))
            involved: set[int] = set()
            for f in rows:
                fid = conn.execute(
                    check_failures.insert().values(
                        check_name=f.check,
                        document=f.document,
                        expected=f.expected,
                        found=f.found,
                        tolerance=f.tolerance,
                        checked_at=now,
                    )
                ).inserted_primary_key[0]
                conn.execute(
                    check_failure_facts.insert(), [{"failure_id": fid, "fact_id": i} for i in f.fact_ids]
                )
                involved.update(f.fact_ids)
            for fact_id, flags in conn.execute(
                select(facts.c.id, facts.c.flags).where(facts.c.id.in_(sorted(involved)))
            ).all():
                parts = [x for x in str(flags).split(";") if x]
                conn.execute(
                    update(facts).where(facts.c.id == fact_id).values(flags=";".join([*parts, CHECK_FLAG]))
                )
        return len(rows)

    def fact_anchor(self, fact_id: int) -> dict[str, object] | None:
        """A stored fact with its document's sha256 (the anchor of a review), or None."""
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(facts, documents.c.sha256)
                    .join(documents, documents.c.id == facts.c.document_id)
                    .where(facts.c.id == fact_id)
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def review(self, fact_id: int, action: str, changes: dict[str, object], who: str, note: str = "") -> dict:
        """Record a decision on a fact and apply it now (accept: flag reviewed; reject: the fact is removed;
        correct: the fields changed and the flag corrected), with its audit entry, atomically. Returns the
        fact after the decision (empty for a rejection)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write() as conn:
            row = (
                conn.execute(
                    select(facts, documents.c.sha256)
                    .join(documents, documents.c.id == facts.c.document_id)
                    .where(facts.c.id == fact_id)
                )
                .mappings()
                .first()
            )
            if row is None:
                raise KeyError(f"no fact with id {fact_id}")
            before = {c: row[c] for c in (*FACT_COLUMNS, "id")}
            conn.execute(
                reviews.insert().values(
                    sha256=row["sha256"],
                    page=row["page"],
                    snippet=row["snippet"],
                    raw_value=row["raw_value"],
                    measure=row["measure"],
                    action=action,
                    changes=json.dumps(changes, ensure_ascii=False),
                    status="applied",
                    who=who,
                    at=now,
                    note=note,
                )
            )
            after = _apply_review(conn, dict(row), action, changes)
            conn.execute(
                review_log.insert().values(
                    at=now,
                    who=who,
                    action=action,
                    target=f"fact {fact_id}",
                    before=json.dumps(before, ensure_ascii=False, default=str),
                    after=json.dumps(after, ensure_ascii=False, default=str) if after else "",
                    note=note,
                )
            )
        return after

    def list_reviews(self) -> pd.DataFrame:
        import pandas as pd

        with self.engine.connect() as conn:
            return pd.read_sql(select(reviews).order_by(reviews.c.id), conn)

    def audit_log(self) -> pd.DataFrame:
        import pandas as pd

        with self.engine.connect() as conn:
            return pd.read_sql(select(review_log).order_by(review_log.c.id), conn)

    def numbers_to_review(self) -> pd.DataFrame:
        """Numbers the extractor could not explain (neither a fact nor set aside with a reason)."""
        import pandas as pd

        with self.engine.connect() as conn:
            return pd.read_sql(
                select(set_aside_numbers)
                .where(set_aside_numbers.c.reason == "unexplained")
                .order_by(set_aside_numbers.c.id),
                conn,
            )

    def check_failures(self) -> pd.DataFrame:
        """The stored failures with the ids of their facts (``fact_ids``, ;-separated)."""
        import pandas as pd

        with self.engine.connect() as conn:
            df = pd.read_sql(select(check_failures).order_by(check_failures.c.id), conn)
            links = pd.read_sql(select(check_failure_facts), conn)
        ids = links.groupby("failure_id")["fact_id"].agg(lambda s: ";".join(map(str, s)))
        return df.assign(fact_ids=df["id"].map(ids).fillna(""))

    def count_facts(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(facts)).scalar() or 0)

    def facts(
        self,
        indicator: str | list[str] | None = None,
        region: str | list[str] | None = None,
        operator: str | list[str] | None = None,
        start: str | None = None,
        end: str | None = None,
        document: str | None = None,
        with_location: bool = False,
    ) -> pd.DataFrame:
        """Stored facts as a DataFrame with the contract columns (filters optional)."""
        import pandas as pd

        cols = [facts.c[c] for c in FACT_COLUMNS]
        if with_location:
            cols += [facts.c.id, facts.c.document_id, facts.c.x0, facts.c.top, facts.c.x1, facts.c.bottom]
        q = select(*cols)
        for col, want in (("indicator", indicator), ("region", region), ("operator", operator)):
            if want is None:
                continue
            values = [want] if isinstance(want, str) else list(want)
            q = q.where(facts.c[col].in_(values))
        if document:
            q = q.where(facts.c.document == document)
        if start:
            q = q.where(facts.c.period_start >= _period_bound(start, "start"))
        if end:
            q = q.where(facts.c.period_end <= _period_bound(end, "end"))
        q = q.order_by(facts.c.id)
        with self.engine.connect() as conn:
            df = pd.read_sql(q, conn)
        return typed_facts(df)

    def facts_by_id(self, ids: Iterable[int], columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The stored columns ``columns`` (default: all of them) of the facts with these ids, indexed by id.

        Rows come in the order of ``ids``; ids that are not stored are left out. Values are as stored
        (no typing), so provenance text and boxes can be joined onto a frame read elsewhere.
        """
        import numpy as np
        import pandas as pd

        names = [c for c in (columns or facts.c.keys()) if c != "id"]
        want = pd.unique(np.asarray(list(ids), dtype="int64"))
        cols = [facts.c.id, *(facts.c[c] for c in names)]
        if len(want) and (len(want) > 50_000 or int(want.max()) - int(want.min()) < 2 * len(want)):
            # most of a range of ids (the first rows of a table, a large export): one range scan
            queries = [select(*cols).where(facts.c.id.between(int(want.min()), int(want.max())))]
        else:
            queries = [
                select(*cols).where(facts.c.id.in_([int(i) for i in want[start : start + 5_000]]))
                for start in range(0, len(want), 5_000)
            ]
        rows: list = []
        with self.engine.connect() as conn:
            for q in queries:  # plain DB-API rows: these columns need no conversion, and this is 3× faster
                rows += conn.execute(q).cursor.fetchall()
        values = list(zip(*rows, strict=True)) if rows else [()] * (len(names) + 1)
        df = pd.DataFrame(
            {c: pd.Series(v, dtype=object) for c, v in zip(["id", *names], values, strict=True)}
        )
        df = df.set_index(df["id"].astype("int64")).drop(columns="id")
        return df.reindex(want[np.isin(want, df.index.to_numpy())])

    def set_aside_numbers(self, document: str | None = None, reason: str | None = None) -> pd.DataFrame:
        """Stored numbers that are not facts: document, page, number, reason (``unexplained`` when none),
        text, source (text, table or furniture) and the box (x0, top, x1, bottom; empty when unknown), in document order."""
        import pandas as pd

        t = set_aside_numbers
        q = select(
            t.c.document_id,
            t.c.document,
            t.c.page,
            t.c.number,
            t.c.reason,
            t.c.text,
            t.c.source,
            t.c.x0,
            t.c.top,
            t.c.x1,
            t.c.bottom,
        )
        if document:
            q = q.where(t.c.document == document)
        if reason:
            q = q.where(t.c.reason == reason)
        with self.engine.connect() as conn:
            return pd.read_sql(q.order_by(t.c.id), conn)

    def number_tallies(self) -> pd.DataFrame:
        """Per stored document: how many numbers it prints, and how many are facts, set aside, unexplained."""
        import pandas as pd

        q = select(
            documents.c.id.label("document_id"),
            documents.c.name.label("document"),
            number_tallies.c.numbers,
            number_tallies.c.facts,
            number_tallies.c.set_aside,
            number_tallies.c.unexplained,
        )
        q = q.join_from(documents, number_tallies, documents.c.id == number_tallies.c.document_id)
        with self.engine.connect() as conn:
            return pd.read_sql(q.order_by(documents.c.id), conn)

    def find_text(self, text: str, column: str = "snippet") -> list[int]:
        """Ids of the facts whose ``column`` contains ``text`` (case-sensitive, like Python's ``in``)."""
        q = select(facts.c.id, facts.c[column]).where(facts.c[column].contains(text, autoescape=True))
        with self.engine.connect() as conn:
            return [int(i) for i, value in conn.execute(q) if text in (value or "")]


def _delete_numbers(conn, doc_id: int) -> None:  # noqa: ANN001
    conn.execute(delete(set_aside_numbers).where(set_aside_numbers.c.document_id == doc_id))
    conn.execute(delete(number_tallies).where(number_tallies.c.document_id == doc_id))


def _write_numbers(conn, doc_id: int, name: str, outcomes: list[NumberOutcome]) -> None:  # noqa: ANN001
    """The numbers that are not facts, and the document's tally (inside the caller's transaction)."""
    records: list[dict[str, object]] = []
    n_facts = 0
    for o in outcomes:
        if o.fact is not None:
            n_facts += 1
            continue
        rec: dict[str, object] = {
            "document_id": doc_id,
            "document": name,
            "page": o.page,
            "number": o.number,
            "reason": o.reason or UNEXPLAINED,
            "text": o.context,
            "source": o.source,
            "x0": None,
            "top": None,
            "x1": None,
            "bottom": None,
        }
        if o.bbox:
            rec["x0"], rec["top"], rec["x1"], rec["bottom"] = o.bbox
        records.append(rec)
    if records:
        conn.execute(set_aside_numbers.insert(), records)
    unexplained = sum(r["reason"] == UNEXPLAINED for r in records)
    conn.execute(
        number_tallies.insert().values(
            document_id=doc_id,
            numbers=len(outcomes),
            facts=n_facts,
            set_aside=len(records) - unexplained,
            unexplained=unexplained,
        )
    )


def _ensure_indexes(engine: Engine) -> None:
    """Create the indexes a newer version added to an existing database (once; a no-op afterwards)."""
    for index in facts.indexes:
        try:
            index.create(engine, checkfirst=True)
        except OperationalError as exc:  # pragma: no cover - another process created it meanwhile
            if "already exists" not in str(exc).lower():
                raise


def typed_facts(df: pd.DataFrame) -> pd.DataFrame:
    """Contract dtypes: numbers as floats, page as int, period bounds as dates."""
    import pandas as pd

    df = df.copy()
    for c in FACT_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    df["page"] = pd.to_numeric(df["page"], errors="coerce").fillna(0).astype("int64")
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    for c in ("period_start", "period_end"):
        df[c] = pd.to_datetime(df[c], errors="coerce")
    text = [c for c in FACT_COLUMNS if c not in ("page", "value", "period_start", "period_end")]
    df[text] = df[text].fillna("").astype(str)
    extra = [c for c in df.columns if c not in FACT_COLUMNS]
    return df[list(FACT_COLUMNS) + extra]


def _period_bound(text: str, side: str) -> str:
    """An ISO date bound from a period text ('2020-08', '2020', '2021Q1', or a date).

    >>> _period_bound("2020-08", "start"), _period_bound("2020-08", "end"), _period_bound("2021Q1", "end")
    ('2020-08-01', '2020-08-31', '2021-03-31')
    """
    from .normalize.periods import parse_canonical

    try:
        p = parse_canonical(text)
    except ValueError:
        p = None
    if p is None:
        return text
    return (p.start if side == "start" else p.end).isoformat()


def _apply_review(conn: Connection, row: dict, action: str, changes: dict[str, object]) -> dict:
    """Apply one decision to the fact ``row`` (a mapping of its stored columns); the fact after it."""
    fact_id = row["id"]
    flags = [f for f in str(row.get("flags") or "").split(";") if f]
    if action == "reject":
        conn.execute(delete(facts).where(facts.c.id == fact_id))
        return {}
    values: dict[str, object] = {}
    if action == "correct":
        values.update({k: v for k, v in changes.items() if k in facts.c})
        flags = [f for f in flags if f != REVIEWED_FLAG] + (
            [CORRECTED_FLAG] if CORRECTED_FLAG not in flags else []
        )
    elif REVIEWED_FLAG not in flags:
        flags.append(REVIEWED_FLAG)
    values["flags"] = ";".join(flags)
    conn.execute(update(facts).where(facts.c.id == fact_id).values(**values))
    return {**{c: row[c] for c in (*FACT_COLUMNS, "id") if c in row}, **values}


def _reapply_reviews(conn: Connection, doc_id: int, sha256: str) -> None:
    """Re-apply the decisions made on an earlier extraction of this content to the new facts, by anchor
    (page, snippet, printed number, measure); a decision whose anchor matches no fact is marked
    unanchored (it goes back to the review queue), never silently dropped."""
    pending = (
        conn.execute(select(reviews).where(reviews.c.sha256 == sha256).order_by(reviews.c.id))
        .mappings()
        .all()
    )
    if not pending:
        return
    rows = [dict(r) for r in conn.execute(select(facts).where(facts.c.document_id == doc_id)).mappings()]
    for rv in pending:
        match = next(
            (
                r
                for r in rows
                if r["page"] == rv["page"]
                and r["snippet"] == rv["snippet"]
                and r["raw_value"] == rv["raw_value"]
                and r["measure"] == rv["measure"]
            ),
            None,
        )
        if match is None:
            conn.execute(update(reviews).where(reviews.c.id == rv["id"]).values(status="unanchored"))
            continue
        after = _apply_review(conn, match, rv["action"], json.loads(rv["changes"] or "{}"))
        if after:
            match.update(after)
        else:
            rows.remove(match)
        conn.execute(update(reviews).where(reviews.c.id == rv["id"]).values(status="applied"))


def _fact_record(f: Fact, doc_id: int) -> dict[str, object]:
    """One row for the facts table; every record has the same keys (an executemany takes its columns
    from the first record: a fact without a box among facts with one must still bind x0 … bottom)."""
    rec = f.row()
    rec["document_id"] = doc_id
    rec["x0"], rec["top"], rec["x1"], rec["bottom"] = f.bbox if f.bbox else (None, None, None, None)
    return rec


def _files_dir(url: str) -> Path:
    env = os.environ.get("ZHIBIAO_FILES_DIR")
    if env:
        return Path(env)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url[len("sqlite:///") :]).parent / "files"
    return DATA_DIR / "files"


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _create_schema(engine: Engine) -> None:
    """Create what is missing; several processes opening a fresh database at once all succeed (a
    table created by another process between the check and the CREATE is simply there)."""
    for attempt in range(20):
        try:
            metadata.create_all(engine)
            return
        except OperationalError as exc:
            if "already exists" not in str(exc).lower() and not _is_lock_error(exc) or attempt == 19:
                raise
            time.sleep(0.05 * (attempt + 1))


def _engine(url: str, busy_timeout_s: float = 30.0) -> Engine:
    if url.startswith("sqlite"):
        path = url[len("sqlite:///") :]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
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
