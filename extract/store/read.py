"""Reading the store: documents, facts (filtered, or by id), the number accounting, check failures,
reviews and the audit log, as DataFrames. :class:`Reads` is mixed into :class:`~extract.store.Store`;
:func:`typed_facts` gives any frame of facts the contract's dtypes. The dashboard's columnar load is in
:mod:`extract.store.columnar`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, ColumnElement, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine

from ..model import FACT_COLUMNS
from ..normalize.periods import parse_canonical
from ..paths import cache_dir
from .columnar import read_facts
from .files import Files
from .schema import (
    UNEXPLAINED,
    check_failure_facts,
    check_failures,
    document_names,
    documents,
    fact_changes,
    facts,
    number_tallies,
    review_log,
    reviews,
    set_aside_numbers,
)
from .snapshot import Snapshots

#: See :meth:`Reads.data_version`.
DataVersion = tuple[int, int, str, int, int, int, int]

#: The parts of :data:`DataVersion`, asked in one statement (one round trip, built once).
VERSION_QUERY = select(
    *(
        select(agg).select_from(table).scalar_subquery()
        for agg, table in (
            (func.count(), documents),
            (func.max(documents.c.id), documents),
            (func.max(documents.c.ingested_at), documents),
            (func.max(review_log.c.id), review_log),
            (func.max(check_failures.c.id), check_failures),
            (func.max(fact_changes.c.seq), fact_changes),
            (func.max(facts.c.id), facts),
        )
    )
)


@dataclass
class StoredDocument:
    id: int
    name: str
    sha256: str
    status: str
    extractor_version: str


def ids_in(engine: Engine, ids: np.ndarray) -> ColumnElement[bool]:
    """``facts.id IN ids`` as the database answers it fastest: on PostgreSQL one array parameter
    (``id = ANY(:ids)``; 1,000 ids of a 10 M-fact store 16 → 6 ms, as SQLAlchemy's expanded IN list sends
    a parameter per id), elsewhere the IN list."""
    values = [int(i) for i in ids]
    if engine.dialect.name == "postgresql":
        return facts.c.id == any_(bindparam("ids", values, type_=ARRAY(BigInteger)))
    return facts.c.id.in_(values)


class Reads(Files):
    """The reading half of :class:`~extract.store.Store` (needs ``engine``)."""

    engine: Engine
    url: str

    def data_version(self) -> DataVersion:
        """(documents, highest document id, latest ingested_at, last decision, last check failure, last
        change to a stored fact, highest fact id): changes whenever a document is added or removed, a
        person decides on a fact (in any process: the review log only grows), a check run stores its
        failures or any fact is changed — a key for caches of what the store holds."""
        with self.engine.connect() as conn:
            n, top, latest, decided, checked, changed, fact_top = conn.execute(VERSION_QUERY).one()
        return (
            int(n or 0),
            int(top or 0),
            str(latest or ""),
            int(decided or 0),
            int(checked or 0),
            int(changed or 0),
            int(fact_top or 0),
        )

    def facts_columnar(self) -> pd.DataFrame:
        """Every stored fact without its provenance text (:data:`.columnar.HELD`), typed, categoricals in
        order of first appearance, rows in id order, read from the database (see :mod:`.columnar`)."""
        return read_facts(self.engine, self.url)

    def facts_frame(self) -> pd.DataFrame:
        """The same frame as :meth:`facts_columnar`, kept up to date from the store's log of changed facts
        and a snapshot on disk (:mod:`.snapshot`): the dashboard's load. Read-only: never modify it."""
        return self.snapshots.frame()

    @property
    def snapshots(self) -> Snapshots:
        """This store's :class:`~.snapshot.Snapshots` (one per Store object), kept under
        :func:`~extract.paths.cache_dir` (none when it cannot be made: each process then reads every fact once)."""
        got = self.__dict__.get("_snapshots")
        if got is None:
            got = self.__dict__.setdefault("_snapshots", Snapshots(self.engine, self.url, cache_dir()))
        return got

    def stored_versions(self, digests: Iterable[str]) -> dict[str, tuple[str, str, str]]:
        """(status, extractor version, name) of the stored documents among ``digests`` (sha256), by sha256."""
        want = list(dict.fromkeys(digests))
        found: dict[str, tuple[str, str, str]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(want), 500):
                q = select(
                    documents.c.sha256, documents.c.status, documents.c.extractor_version, documents.c.name
                ).where(documents.c.sha256.in_(want[start : start + 500]))
                for sha, status, version, name in conn.execute(q):
                    found[str(sha)] = (str(status), str(version), str(name))
        return found

    def find(self, sha256: str) -> StoredDocument | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.sha256 == sha256)).mappings().first()
        if row is None:
            return None
        return StoredDocument(row["id"], row["name"], row["sha256"], row["status"], row["extractor_version"])

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
        with self.engine.connect() as conn:
            return pd.read_sql(select(documents).order_by(documents.c.id), conn)

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

    def list_reviews(self) -> pd.DataFrame:
        with self.engine.connect() as conn:
            return pd.read_sql(select(reviews).order_by(reviews.c.id), conn)

    def audit_log(self) -> pd.DataFrame:
        with self.engine.connect() as conn:
            return pd.read_sql(select(review_log).order_by(review_log.c.id), conn)

    def numbers_to_review(self) -> pd.DataFrame:
        """Numbers the extractor could not explain (neither a fact nor set aside with a reason)."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                select(set_aside_numbers)
                .where(set_aside_numbers.c.reason == UNEXPLAINED)
                .order_by(set_aside_numbers.c.id),
                conn,
            )

    def check_failures(self) -> pd.DataFrame:
        """The stored failures with the ids of their facts (``fact_ids``, ;-separated)."""
        with self.engine.connect() as conn:
            df = pd.read_sql(select(check_failures).order_by(check_failures.c.id), conn)
            links = pd.read_sql(select(check_failure_facts), conn)
        ids = links.groupby("failure_id")["fact_id"].agg(lambda s: ";".join(map(str, s)))
        return df.assign(fact_ids=df["id"].map(ids).fillna(""))

    def count_facts(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(facts)).scalar() or 0)

    def read_through(self) -> int:
        """Read every stored fact once — its row with the text (a sequential scan), then the ids in order —
        so that the database's and the system's caches hold the store, as in a store in daily use; returns
        the number of facts. For benchmarks (``bench/dashboard.py --store-cache warm``): Zhibiao never
        needs it."""
        text = func.coalesce(func.length(facts.c.snippet), 0) + func.coalesce(
            func.length(facts.c.raw_value), 0
        )
        with self.engine.connect() as conn:
            conn.execute(select(func.sum(text))).scalar()
            return int(conn.execute(select(func.count(facts.c.id)).where(facts.c.id > 0)).scalar() or 0)

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

        names = [c for c in (columns or facts.c.keys()) if c != "id"]
        want = pd.unique(np.asarray(list(ids), dtype="int64"))
        cols = [facts.c.id, *(facts.c[c] for c in names)]
        if len(want) and (len(want) > 50_000 or int(want.max()) - int(want.min()) < 2 * len(want)):
            # most of a range of ids (the first rows of a table, a large export): one range scan
            queries = [select(*cols).where(facts.c.id.between(int(want.min()), int(want.max())))]
        else:
            queries = [
                select(*cols).where(ids_in(self.engine, want[start : start + 5_000]))
                for start in range(0, len(want), 5_000)
            ]
        rows: list = []
        with self.engine.connect() as conn:
            for q in queries:  # plain DB-API rows: these columns need no conversion, and this is 3× faster
                rows += conn.execute(q).cursor.fetchall()
        values = list(zip(*rows, strict=True)) if rows else [()] * (len(names) + 1)
        index = pd.Index(np.asarray(values[0], dtype="int64"), name="id")
        df = pd.DataFrame(
            {c: np.array(v, dtype=object) for c, v in zip(names, values[1:], strict=True)}, index=index
        )
        return df.reindex(want[np.isin(want, index.to_numpy())])

    def set_aside_numbers(self, document: str | None = None, reason: str | None = None) -> pd.DataFrame:
        """Stored numbers that are not facts: document, page, number, reason (``unexplained`` when none),
        text, source (text, table or furniture) and the box (x0, top, x1, bottom; empty when unknown), in document order."""
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


def typed_facts(df: pd.DataFrame) -> pd.DataFrame:
    """Contract dtypes: numbers as floats, page as int, period bounds as dates."""
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
    try:
        p = parse_canonical(text)
    except ValueError:
        p = None
    if p is None:
        return text
    return (p.start if side == "start" else p.end).isoformat()
