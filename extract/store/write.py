"""Writing the store: one document with its facts and number accounting in one transaction (all or
nothing), its other names, deletion, the result of a check run, and review decisions with their audit.

Every write goes through :meth:`Writes._write`: a transaction that holds the write lock from its start
and, while another process writes, waits and retries the start up to ``lock_wait_s`` (saying once that
it waits), then raises :class:`StoreBusy`. Decisions are anchored on what a fact was read from (sha256,
page, snippet, printed number, measure) and re-applied when the same content is stored again; one whose
anchor matches no new fact is marked ``unanchored`` and goes back to the review queue.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Insert, delete, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from ..model import FACT_COLUMNS, Fact
from .files import forget_original
from .review import mapped_on_save, remake_on_save
from .schema import (
    CHECK_FLAG,
    CORRECTED_FLAG,
    REVIEWED_FLAG,
    UNEXPLAINED,
    WRITE_LOCK_KEY,
    check_failure_facts,
    check_failures,
    document_names,
    documents,
    facts,
    is_lock_error,
    number_tallies,
    review_log,
    reviews,
    set_aside_numbers,
)

if TYPE_CHECKING:
    from ..accounting import NumberOutcome
    from ..checks import Failure


class StoreBusy(RuntimeError):
    """Another process held the database's write lock for longer than the store waits."""


class Writes:
    """The writing half of :class:`~extract.store.Store` (needs ``engine``, ``lock_wait_s``, ``on_wait``)."""

    engine: Engine
    lock_wait_s: float
    on_wait: Callable[[str], None] | None

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
            rows = mapped_on_save(conn, rows)  # the user catalogue (extract/store/review.py)
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
            doc_id = _inserted_id(
                conn,
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
                ),
            )
            if rows:
                conn.execute(facts.insert(), [_fact_record(f, doc_id) for f in rows])
            if outcomes is not None:
                _write_numbers(conn, doc_id, name, outcomes)
            remake_on_save(conn, int(doc_id), sha256, name)  # facts people made of set-aside numbers
            _reapply_reviews(conn, int(doc_id), sha256)  # after them: a decision may be on a made fact
            for other in dict.fromkeys(kept_names):
                if other != name:
                    conn.execute(document_names.insert().values(document_id=doc_id, name=other))
        return int(doc_id)

    def delete_document(self, doc_id: int) -> bool:
        """Remove a document, its facts, its number accounting and its original, atomically."""
        with self._write() as conn:
            sha256 = conn.execute(select(documents.c.sha256).where(documents.c.id == doc_id)).scalar()
            if sha256 is not None:
                forget_original(conn, str(sha256))
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
            busy: OperationalError | None = None
            try:
                trans = conn.begin()
                if _serialised(conn):
                    break
                trans.rollback()
            except OperationalError as exc:
                if not is_lock_error(exc):
                    conn.close()
                    raise
                busy = exc
            conn.close()
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"the database is busy: another process held its write lock for more than "
                    f"{self.lock_wait_s:g} s"
                ) from busy
            if self.on_wait and not told:
                self.on_wait(
                    f"waiting for another process that is writing to the database (up to {self.lock_wait_s:g} s)"
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
                fid = _inserted_id(
                    conn,
                    check_failures.insert().values(
                        check_name=f.check,
                        document=f.document,
                        expected=f.expected,
                        found=f.found,
                        tolerance=f.tolerance,
                        checked_at=now,
                    ),
                )
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


def _serialised(conn: Connection) -> bool:
    """Whether this write transaction holds the store's write lock: SQLite took it when the transaction
    began; PostgreSQL writers take an advisory lock, so that they too commit one after another, in the
    order of the ids and change numbers they were given (a reader that has seen a change number has seen
    every earlier one: :mod:`.snapshot`)."""
    if conn.dialect.name != "postgresql":
        return True
    return bool(
        conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY}).scalar()
    )


def _inserted_id(conn: Connection, insert: Insert) -> int:
    """Run one INSERT and return the id it created."""
    key = conn.execute(insert).inserted_primary_key
    if key is None:  # pragma: no cover - every table written here has an integer primary key
        raise RuntimeError("the database did not return the new row's id")
    return int(key[0])


def _delete_numbers(conn: Connection, doc_id: int) -> None:
    conn.execute(delete(set_aside_numbers).where(set_aside_numbers.c.document_id == doc_id))
    conn.execute(delete(number_tallies).where(number_tallies.c.document_id == doc_id))


def _write_numbers(conn: Connection, doc_id: int, name: str, outcomes: list[NumberOutcome]) -> None:
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
