"""Every stored fact without its provenance text, column by column: the dashboard's load.

What is read (:data:`HELD`): every column the dashboard filters, groups and charts on; the provenance
text (snippet, printed value and unit) and the snippet's box are fetched by id when needed
(:meth:`~extract.store.read.Reads.facts_by_id`).

On SQLite the descriptive columns come from two index-only scans of the covering indexes
``ix_facts_series`` and ``ix_facts_period_doc`` (see :mod:`.schema`), grouped so that each distinct
combination is read once and only the fact ids of each group cross into Python (as one text per
group); the values are one column of the table — about 1 s for a million facts. PostgreSQL is read
the same way (``string_agg`` for ``group_concat``; 968,916 facts: 12.5 s and 401 MiB on a loaded
machine, against 33 s and 2,155 MiB row by row). Other databases are read row by row through the
DB-API cursor.
"""

from __future__ import annotations

import itertools
import threading

import numpy as np
import pandas as pd
from sqlalchemy import Index
from sqlalchemy.engine import Engine

from ..model import FACT_COLUMNS
from .schema import facts

#: What the dashboard holds in memory for every fact: all it filters, groups and charts on. The
#: provenance text (snippet, printed value and unit) and the snippet's box on the page are not held:
#: :func:`provenance` fetches them by id for the rows a page shows or exports.
PROVENANCE = ("raw_value", "raw_unit", "snippet", "x0", "top", "x1", "bottom")
HELD = tuple(c for c in FACT_COLUMNS if c not in PROVENANCE) + ("id", "document_id")
#: Read together, one group per series (the columns of the store's covering index ix_facts_series) …
SERIES_COLS = (
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
)
#: … and one group per period and document (ix_facts_period_doc; ``page`` is read per fact).
PERIOD_COLS = ("period_end", "period_start", "period", "period_type", "document_id", "document")
#: The covering indexes of the two scans: every descriptive column of a fact is read with two index-only
#: scans (one group per series, one per period and document) instead of a scan of the wide table, and
#: filtered look-ups by indicator, region, operator and measure use the first one's prefix.
#: PostgreSQL's index entries do not hold the row id (SQLite's do): there it is included, so that both scans
#: stay index-only (revision 0004).
SERIES_INDEX = Index("ix_facts_series", *(facts.c[c] for c in SERIES_COLS), postgresql_include=["id"])
PERIOD_INDEX = Index(
    "ix_facts_period_doc", *(facts.c[c] for c in (*PERIOD_COLS, "page")), postgresql_include=["id"]
)
#: the dtype of the period columns in the frame
DATES = "datetime64[us]"
_TEXT = tuple(
    c for c in HELD if c not in ("page", "value", "period_start", "period_end", "id", "document_id")
)


def read_facts(engine: Engine, url: str) -> pd.DataFrame:
    """Every stored fact without its provenance text (see :data:`HELD`), typed, categoricals in
    order of first appearance (by id), rows in id order.

    On SQLite the descriptive columns come from two index-only scans of the store's covering indexes,
    grouped so that each distinct combination is read once and only the fact ids of each group cross
    into Python (as one text per group); the values are one column of the table. PostgreSQL likewise;
    other databases row by row.
    """
    if url.startswith(("sqlite", "postgresql")):
        return _read_grouped(engine, url)
    raw = engine.raw_connection()
    try:
        return _read_rows(raw)
    finally:
        raw.close()


def _read_grouped(engine: Engine, url: str) -> pd.DataFrame:
    if url.endswith(":memory:"):  # one connection only: read everything in one transaction
        series, (periods, values) = query(
            engine, lambda cur: (_groups(cur, SERIES_COLS), _periods_and_values(cur))
        )
        return _assemble(series, periods, values, np.sort(periods["ids"]))
    # the series groups are read on a second connection meanwhile (SQLite works without the GIL)
    got: dict[str, dict] = {}
    failed: list[BaseException] = []

    def read_series() -> None:
        try:
            got["series"] = query(engine, lambda cur: _groups(cur, SERIES_COLS))
        except BaseException as exc:  # re-raised in the reading thread
            failed.append(exc)

    worker = threading.Thread(target=read_series, name="zhibiao-read-series", daemon=True)
    worker.start()
    periods, values = query(engine, _periods_and_values)
    worker.join()
    if failed:
        raise failed[0]
    series = got["series"]
    ids = np.sort(periods["ids"])
    # facts are never changed in place, so the same ids mean the same facts: both reads saw one state
    if not np.array_equal(np.sort(series["ids"]), ids):  # a report was stored or deleted meanwhile
        series, (periods, values) = query(
            engine, lambda cur: (_groups(cur, SERIES_COLS), _periods_and_values(cur))
        )
        ids = np.sort(periods["ids"])
    return _assemble(series, periods, values, ids)


def query(engine: Engine, read):
    """``read(cursor)`` in one read transaction (one snapshot) on a connection of the store."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        try:
            cur.execute("BEGIN")
            try:
                return read(cur)
            finally:
                cur.execute("ROLLBACK")
        finally:
            cur.close()
    finally:
        raw.close()


def _periods_and_values(cur) -> tuple[dict, np.ndarray]:
    periods = _groups(cur, PERIOD_COLS, also="coalesce(page, 0)")
    return periods, _values(cur, len(periods["ids"]))


def _values(cur, n: int) -> np.ndarray:
    """Every fact's value in id order, as exact doubles (not through text), streamed: on PostgreSQL through
    a server-side cursor (a client-side one would first hold every row as a Python tuple: ~80 bytes a fact)."""
    sql = "SELECT value FROM facts ORDER BY id"
    if _is_sqlite(cur):
        cur.execute(sql)
        return np.fromiter(itertools.chain.from_iterable(cur), dtype="float64", count=n)
    named = cur.connection.cursor(name="zhibiao_values")
    try:
        named.itersize = 200_000
        named.execute(sql)
        return np.fromiter(itertools.chain.from_iterable(named), dtype="float64", count=n)
    finally:
        named.close()


def _assemble(series: dict, periods: dict, values: np.ndarray, ids: np.ndarray) -> pd.DataFrame:
    """The frame from the two groupings (codes per fact) and the values in id order."""
    n = len(ids)
    position = _positions(ids)
    out: dict[str, object] = {}
    for g in (series, periods):
        g["pos"] = position(g["ids"])
        row_group = np.empty(n, dtype=index_type(len(g["first"])))
        row_group[g["pos"]] = g["group"]
        g["row_group"] = row_group
        for name in g["cols"]:
            if name in _TEXT:
                out[name] = _expand(g["table"][name], g["first"], row_group)
    out["id"] = ids
    doc_ids = np.array([v or 0 for v in periods["table"]["document_id"]], dtype="int64")
    out["document_id"] = doc_ids[periods["row_group"]]
    page = np.empty(n, dtype="int64")
    page[periods["pos"]] = periods["also"]
    out["page"] = page
    out["value"] = values
    for name in ("period_start", "period_end"):
        text = pd.Series(["" if v is None else str(v) for v in periods["table"][name]], dtype=object)
        dates = pd.to_datetime(text, errors="coerce", format="ISO8601")
        out[name] = dates.to_numpy().astype(DATES)[periods["row_group"]]
    return pd.DataFrame({name: out[name] for name in HELD}, copy=False)


def index_type(n: int) -> type[np.signedinteger]:
    """The smallest integer dtype that numbers ``n`` things: the per-fact arrays of the read are ten
    million long at team scale, so their width is most of its peak memory."""
    return np.int8 if n < 2**7 else np.int16 if n < 2**15 else np.int32 if n < 2**31 else np.int64


def _positions(ids: np.ndarray):
    """A function mapping fact ids to their row in ``ids`` (sorted): a lookup table when ids are dense enough."""
    top = int(ids[-1]) if len(ids) else 0
    if top > 50 * len(ids) + 1000:
        return lambda some: np.searchsorted(ids, some)
    kind = index_type(len(ids))
    lut = np.zeros(top + 1, dtype=kind)
    lut[ids] = np.arange(len(ids), dtype=kind)
    return lambda some: lut[some]


def _groups(cur, cols: tuple[str, ...], also: str = "") -> dict:
    """One row per distinct combination of ``cols`` with its fact ids (and the ``also`` expression per id)."""
    names = ", ".join(f'"{c}"' for c in cols)
    extra = f", {_concat(cur, also)}" if also else ""
    cur.execute(f"SELECT {names}, count(*), {_concat(cur, 'id')}{extra} FROM facts GROUP BY {names}")
    rows = cur.fetchall()
    k = len(cols)
    columns = list(zip(*rows, strict=True)) if rows else [()] * (k + 2 + bool(also))
    table = dict(zip(cols, columns[:k], strict=True))
    counts = np.array(columns[k], dtype="int64")
    ids = _ints(columns[k + 1], int(counts.sum()))
    group = np.repeat(np.arange(len(rows), dtype=index_type(len(rows))), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype("int64") if len(rows) else counts
    first = np.minimum.reduceat(ids, starts) if len(rows) else counts  # each group's first fact
    out = {"cols": cols, "table": table, "ids": ids, "group": group, "first": first}
    if also:
        out["also"] = _ints(columns[k + 2], len(ids))
    return out


def _concat(cur, expr: str) -> str:
    """A group's values of ``expr`` as one comma-separated text: SQLite's group_concat, else (PostgreSQL)
    string_agg in id order, so that the ids and the ``also`` values of a group pair up."""
    if _is_sqlite(cur):
        return f"group_concat({expr})"
    return f"string_agg(({expr})::text, ',' ORDER BY id)"


def _ints(texts: tuple[str, ...], n: int) -> np.ndarray:
    """Comma-separated integers (group_concat output) as one array."""
    if not n:
        return np.zeros(0, dtype="int64")
    out = np.fromstring(",".join(texts), sep=",", dtype="int64")
    if len(out) != n:  # pragma: no cover
        raise RuntimeError("could not parse the fact ids")
    return out


def _expand(values: tuple, first: np.ndarray, row_group: np.ndarray) -> pd.Categorical:
    """Per-fact categorical from per-group values (NULL read as ''); categories in order of first appearance.

    >>> list(_expand(("b", None, "a"), np.array([5, 1, 3]), np.array([1, 0, 2, 0])))
    ['', 'b', 'a', 'b']
    >>> list(_expand(("b", None, "a"), np.array([5, 1, 3]), np.array([1, 0, 2, 0])).categories)
    ['', 'a', 'b']
    """
    text = ["" if v is None else str(v) for v in values]
    seen: dict[str, int] = {}
    for t, f in zip(text, first.tolist(), strict=True):
        if f < seen.get(t, f + 1):
            seen[t] = f
    cats = sorted(seen, key=seen.__getitem__)
    index = {c: i for i, c in enumerate(cats)}
    codes = np.fromiter((index[t] for t in text), dtype=index_type(len(cats)), count=len(text))
    return pd.Categorical.from_codes(codes[row_group], categories=pd.Index(cats, dtype=object))


def _read_rows(raw) -> pd.DataFrame:
    """The portable way: the held columns row by row through the DB-API cursor, ordered by id."""
    cur = raw.cursor()
    try:
        return read_rows(cur)
    finally:
        cur.close()


def read_rows(cur, where: str = "", params: tuple = ()) -> pd.DataFrame:
    """The held columns of the facts matching ``where`` (SQL over the fact table's columns, ``?`` for each
    of ``params``), row by row, ordered by id, typed as :func:`read_facts` types them."""
    cols = ["id", "document_id", "page", "value"] + [
        c for c in HELD if c not in ("id", "document_id", "page", "value")
    ]
    sql = "SELECT " + ", ".join(f'"{c}"' for c in cols) + " FROM facts"
    if where:
        sql += " WHERE " + where
    cur.execute(paramstyle(cur, sql + " ORDER BY id"), params)
    rows = cur.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(cols)
    del rows
    out: dict[str, object] = {}
    for name, values in zip(cols, columns, strict=True):
        if name in ("id", "document_id", "page"):
            out[name] = np.array([v or 0 for v in values], dtype="int64")
        elif name == "value":
            out[name] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        elif name in ("period_start", "period_end"):
            cat = _categorical(values)
            dates = pd.to_datetime(
                pd.Series(cat.categories, dtype="object"), errors="coerce", format="ISO8601"
            )
            out[name] = dates.to_numpy().astype(DATES).take(cat.codes)
        else:
            out[name] = _categorical(values)
    return pd.DataFrame(out)[list(HELD)]


def _is_sqlite(cur) -> bool:
    return type(cur).__module__.startswith("sqlite3")


def paramstyle(cur, sql: str) -> str:
    """``sql`` written with ``?`` placeholders, in the driver's style (psycopg's is ``%s``)."""
    return sql if _is_sqlite(cur) else sql.replace("?", "%s")


def _categorical(values: tuple) -> pd.Categorical:
    """A categorical from raw DB values, NULL read as ''.

    >>> list(_categorical(("a", None, "a", "b")))
    ['a', '', 'a', 'b']
    """
    codes, uniques = pd.factorize(np.array(values, dtype=object), use_na_sentinel=True)
    uniques = [str(u) for u in uniques]
    if (codes < 0).any():
        if "" not in uniques:
            uniques.append("")
        codes = np.where(codes < 0, uniques.index(""), codes)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))
