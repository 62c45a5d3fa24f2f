"""Shared data access for every page: the store, cached loads, filtering.

Caching: every load is keyed by :func:`data_version` — the number of documents,
the highest document id and the latest ``ingested_at`` — so adding or deleting a
report invalidates it on the next rerun. The fact frame is held with
``st.cache_resource`` (one shared, read-only object: ``st.cache_data`` would
pickle-copy a million rows on every rerun); smaller results use ``st.cache_data``.

What is held (see :data:`HELD`): every column pages filter, group and chart on, as
categoricals and numbers — about 70 bytes a fact. The provenance text (snippet, printed
value and unit) and the snippet's box are fetched by id for the rows a page shows, the
fact a user selects, and the rows exported (:func:`provenance`). On SQLite the frame is
read from the store's covering indexes (:func:`read_facts`): about 1 s for a million facts.

Pages filter with :func:`mask` and copy only the rows (and columns) they use.
"""

from __future__ import annotations

import csv
import gc
import itertools
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from extract.model import FACT_COLUMNS
from extract.paths import DATA_DIR
from extract.store import Store, documents, resolve_url

from . import selection

CATEGORY_ORDER = ("用户", "流量", "收入", "网站", "网络安全", "指数", "其他")
OPERATORS = ("中国移动", "中国联通", "中国电信", "中国广电")


def db_url() -> str:
    """The database the dashboard shows: ``$ZHIBIAO_DB_URL`` or data/zhibiao.sqlite."""
    return resolve_url(os.environ.get("ZHIBIAO_DB_URL") or None)


@st.cache_resource(show_spinner=False)
def get_store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    return get_store(db_url())


def data_version(url: str | None = None) -> tuple[int, int, str]:
    """(documents, highest id, latest ingested_at): changes whenever a document is added or removed."""
    s = get_store(url or db_url())
    with s.engine.connect() as conn:
        n, top, latest = conn.execute(
            select(func.count(), func.max(documents.c.id), func.max(documents.c.ingested_at))
        ).one()
    return int(n or 0), int(top or 0), str(latest or "")


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
_TEXT = tuple(
    c for c in HELD if c not in ("page", "value", "period_start", "period_end", "id", "document_id")
)


def read_facts(s: Store) -> pd.DataFrame:
    """Every stored fact without its provenance text (see :data:`HELD`), typed, categoricals in
    order of first appearance (by id), rows in id order.

    On SQLite the descriptive columns come from two index-only scans of the store's covering indexes,
    grouped so that each distinct combination is read once and only the fact ids of each group cross
    into Python (as one text per group); the values are one column of the table. Elsewhere the columns
    are read row by row.
    """
    if s.url.startswith("sqlite"):
        return _read_grouped(s)
    raw = s.engine.raw_connection()
    try:
        return _read_rows(raw)
    finally:
        raw.close()


def _read_grouped(s: Store) -> pd.DataFrame:
    if s.url.endswith(":memory:"):  # one connection only: read everything in one transaction
        series, (periods, values) = _query(
            s, lambda cur: (_groups(cur, SERIES_COLS), _periods_and_values(cur))
        )
        return _assemble(series, periods, values, np.sort(periods["ids"]))
    # the series groups are read on a second connection meanwhile (SQLite works without the GIL)
    got: dict[str, object] = {}

    def read_series() -> None:
        try:
            got["series"] = _query(s, lambda cur: _groups(cur, SERIES_COLS))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the reading thread
            got["error"] = exc

    worker = threading.Thread(target=read_series, name="zhibiao-read-series", daemon=True)
    worker.start()
    periods, values = _query(s, _periods_and_values)
    worker.join()
    if "error" in got:
        raise got["error"]  # type: ignore[misc]
    series = got["series"]
    ids = np.sort(periods["ids"])
    # facts are never changed in place, so the same ids mean the same facts: both reads saw one state
    if not np.array_equal(np.sort(series["ids"]), ids):  # a report was stored or deleted meanwhile
        series, (periods, values) = _query(
            s, lambda cur: (_groups(cur, SERIES_COLS), _periods_and_values(cur))
        )
        ids = np.sort(periods["ids"])
    return _assemble(series, periods, values, ids)


def _query(s: Store, read):  # noqa: ANN001, ANN202
    """``read(cursor)`` in one read transaction (one snapshot) on a connection of the store."""
    raw = s.engine.raw_connection()
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


def _periods_and_values(cur) -> tuple[dict, np.ndarray]:  # noqa: ANN001
    periods = _groups(cur, PERIOD_COLS, also="ifnull(page, 0)")
    cur.execute("SELECT value FROM facts ORDER BY id")  # exact doubles: not through text
    values = np.fromiter(itertools.chain.from_iterable(cur), dtype="float64", count=len(periods["ids"]))
    return periods, values


def _assemble(series: dict, periods: dict, values: np.ndarray, ids: np.ndarray) -> pd.DataFrame:
    """The frame from the two groupings (codes per fact) and the values in id order."""
    n = len(ids)
    position = _positions(ids)
    out: dict[str, object] = {}
    for g in (series, periods):
        g["pos"] = position(g["ids"])
        row_group = np.empty(n, dtype="int64")
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
        out[name] = dates.to_numpy()[periods["row_group"]]
    return pd.DataFrame(out)[list(HELD)]


def _positions(ids: np.ndarray):
    """A function mapping fact ids to their row in ``ids`` (sorted): a lookup table when ids are dense enough."""
    top = int(ids[-1]) if len(ids) else 0
    if top > 50 * len(ids) + 1000:
        return lambda some: np.searchsorted(ids, some)
    lut = np.zeros(top + 1, dtype="int64")
    lut[ids] = np.arange(len(ids), dtype="int64")
    return lambda some: lut[some]


def _groups(cur, cols: tuple[str, ...], also: str = "") -> dict:  # noqa: ANN001
    """One row per distinct combination of ``cols`` with its fact ids (and the ``also`` expression per id)."""
    names = ", ".join(f'"{c}"' for c in cols)
    extra = f", group_concat({also})" if also else ""
    cur.execute(f"SELECT {names}, count(*), group_concat(id){extra} FROM facts GROUP BY {names}")
    rows = cur.fetchall()
    k = len(cols)
    columns = list(zip(*rows, strict=True)) if rows else [()] * (k + 2 + bool(also))
    table = dict(zip(cols, columns[:k], strict=True))
    counts = np.array(columns[k], dtype="int64")
    ids = _ints(columns[k + 1], int(counts.sum()))
    group = np.repeat(np.arange(len(rows), dtype="int64"), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype("int64") if len(rows) else counts
    first = np.minimum.reduceat(ids, starts) if len(rows) else counts  # each group's first fact
    out = {"cols": cols, "table": table, "ids": ids, "group": group, "first": first}
    if also:
        out["also"] = _ints(columns[k + 2], len(ids))
    return out


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
    codes = np.fromiter((index[t] for t in text), dtype="int64", count=len(text))
    return pd.Categorical.from_codes(codes[row_group], categories=pd.Index(cats, dtype=object))


def _read_rows(raw) -> pd.DataFrame:  # noqa: ANN001
    """The portable way: the held columns row by row through the DB-API cursor, ordered by id."""
    cols = ["id", "document_id", "page", "value"] + [
        c for c in HELD if c not in ("id", "document_id", "page", "value")
    ]
    cur = raw.cursor()
    try:
        cur.execute("SELECT " + ", ".join(f'"{c}"' for c in cols) + " FROM facts ORDER BY id")
        rows = cur.fetchall()
    finally:
        cur.close()
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
            out[name] = dates.to_numpy().take(cat.codes)
        else:
            out[name] = _categorical(values)
    return pd.DataFrame(out)[list(HELD)]


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


@st.cache_resource(show_spinner="正在读取数据…", max_entries=2)
def _facts(url: str, version: tuple[int, int, str]) -> pd.DataFrame:
    df = read_facts(get_store(url))
    df["period_end"] = df["period_end"].fillna(df["period_start"])
    codes, ends = pd.factorize(df["period_end"])  # format each distinct date once, not a million times
    months = pd.Series(ends.strftime("%Y-%m"), dtype=object).fillna("").tolist() + [""]  # last: no date
    cats = sorted(set(months[:-1] + ([""] if (codes < 0).any() else [])))
    where = {m: i for i, m in enumerate(cats)}
    month_codes = np.array([where.get(m, -1) for m in months], dtype="int64")
    df["month"] = pd.Categorical.from_codes(month_codes[codes], categories=cats, ordered=True)
    _settle()
    return df


def _settle() -> None:
    """Take what is loaded now — the libraries, this frame — out of the garbage collector's view.

    A full collection walks every tracked object; with pandas, Plotly, SQLAlchemy and Streamlit loaded
    that is about 150,000 long-lived objects and 90 ms, and it struck every few reruns. Frozen objects
    are still freed when no longer referenced; only reference cycles among them would stay.
    """
    gc.collect()
    gc.freeze()


def facts() -> pd.DataFrame:
    """All stored facts without provenance text (:data:`HELD` + ``month`` = period_end as YYYY-MM).

    The frame is shared between sessions: never modify it in place.
    """
    url = db_url()
    return _facts(url, data_version(url))


@st.cache_data(show_spinner=False, max_entries=4)
def _fact_count(url: str, version: tuple[int, int, str]) -> int:
    return get_store(url).count_facts()


def fact_count() -> int:
    """How many facts are stored (without reading them)."""
    url = db_url()
    return _fact_count(url, data_version(url))


def provenance(df: pd.DataFrame, columns: tuple[str, ...] = PROVENANCE) -> pd.DataFrame:
    """``df`` (rows of :func:`facts`) with the provenance columns fetched from the store by id."""
    missing = [c for c in columns if c not in df.columns]
    if not missing or df.empty:
        return df.assign(**{c: pd.Series(dtype=object) for c in missing}) if missing else df
    got = store().facts_by_id(df["id"], missing).reindex(df["id"].to_numpy())
    out = df.copy()
    for c in missing:
        values = got[c].to_numpy()
        if c in ("x0", "top", "x1", "bottom"):
            out[c] = pd.to_numeric(pd.Series(values, index=df.index), errors="coerce").astype("float64")
        else:
            out[c] = pd.Series(values, index=df.index, dtype=object).fillna("").astype(str)
    return out


@st.cache_data(show_spinner=False, max_entries=16)
def _snippet_ids(url: str, version: tuple[int, int, str], text: str) -> np.ndarray:
    if text == "":
        return _facts(url, version)["id"].to_numpy()
    return np.array(get_store(url).find_text(text), dtype="int64")


def snippet_ids(text: str) -> np.ndarray:
    """Ids of the facts whose snippet contains ``text`` (case-sensitive, searched in the store)."""
    url = db_url()
    return _snippet_ids(url, data_version(url), text)


@st.cache_data(show_spinner=False, max_entries=4)
def _documents(url: str, version: tuple[int, int, str]) -> pd.DataFrame:
    return get_store(url).documents()


def documents_frame() -> pd.DataFrame:
    url = db_url()
    return _documents(url, data_version(url))


@lru_cache(maxsize=1)
def catalogue() -> dict[str, tuple[str, str]]:
    """indicator → (category, unit) from data/indicators.csv, in catalogue order."""
    path = DATA_DIR / "indicators.csv"
    out: dict[str, tuple[str, str]] = {}
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                out[row["indicator"]] = (row.get("category", "其他"), row.get("unit", ""))
    return out


@lru_cache(maxsize=1)
def region_table() -> pd.DataFrame:
    """data/regions.csv (name, code, level, parent, …), empty if absent."""
    path = DATA_DIR / "regions.csv"
    if not path.exists():
        return pd.DataFrame(
            columns=["name", "code", "level", "parent", "parent_code", "lon", "lat", "short_name"]
        )
    return pd.read_csv(path, dtype=str).fillna("")


@st.cache_data(show_spinner=False, max_entries=8)
def _options(url: str, version: tuple[int, int, str]) -> dict[str, list]:
    df = _facts(url, version)
    cat = catalogue()
    counts = df.groupby("indicator", sort=False).size()
    inds = list(counts.index)
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    first_cat = df.drop_duplicates("indicator").set_index("indicator")["category"].to_dict()
    cat_of = {i: (first_cat.get(i) or cat.get(i, ("其他", ""))[0]) for i in inds}
    pos = {name: i for i, name in enumerate(cat)}
    inds.sort(key=lambda i: (order.get(cat_of[i], 99), pos.get(i, 999), i))
    level_order = {"national": 0, "macro_region": 1, "province": 2, "city": 3, "county": 4}
    regs = df.drop_duplicates("region")[["region", "region_code", "region_level"]]
    regs = regs.assign(o=regs["region_level"].astype(str).map(level_order).fillna(9)).sort_values(
        ["o", "region_code", "region"]
    )
    ops = set(df["operator"].unique())
    months = sorted(m for m in df["month"].unique() if m)
    default = selection.default_indicator(df[["indicator", "month"]], offered=inds)
    return {
        "indicators": inds,
        "category": cat_of,
        "regions": list(regs["region"]),
        "region_level": dict(zip(regs["region"], regs["region_level"], strict=True)),
        "operators": [o for o in ("", *OPERATORS) if o in ops]
        + sorted(o for o in ops if o not in OPERATORS and o),
        "months": months,
        "default_indicator": default,
    }


def options() -> dict[str, list]:
    """What the filters can choose from: indicators (grouped by category), regions, operators, months."""
    url = db_url()
    return _options(url, data_version(url))


@dataclass(frozen=True)
class Filters:
    """The sidebar's choice; empty tuples mean no restriction."""

    indicators: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    start: str = ""  # YYYY-MM, compared with a fact's period_end
    end: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def describe(self) -> list[tuple[str, str]]:
        """The filters as (名称, 值) rows, for the Excel export."""
        return [
            ("指标", "、".join(self.indicators) or "全部"),
            ("地区", "、".join(self.regions) or "全部"),
            ("运营商", "、".join(o or "全部运营商" for o in self.operators) or "全部"),
            ("起始期", self.start or "最早"),
            ("截止期", self.end or "最新"),
        ]


def mask(
    df: pd.DataFrame,
    f: Filters,
    *,
    indicators: bool = True,
    regions: bool = True,
    operators: bool = True,
    period: bool = True,
) -> np.ndarray | None:
    """Which rows of ``df`` pass the filters (each dimension can be switched off), as a boolean array;
    None when no filter is active. Pages combine it with their own conditions and copy only the rows
    (and columns) they use."""
    active = (
        (indicators and f.indicators)
        or (regions and f.regions)
        or (operators and f.operators)
        or (period and (f.start or f.end))
    )
    if not active:
        return None
    keep = np.ones(len(df), dtype=bool)
    if indicators and f.indicators:
        keep &= df["indicator"].isin(f.indicators).to_numpy()
    if regions and f.regions:
        keep &= df["region"].isin(f.regions).to_numpy()
    if operators and f.operators:
        keep &= df["operator"].isin(f.operators).to_numpy()
    if period and f.start:
        keep &= (df["month"] >= f.start).to_numpy()
    if period and f.end:
        keep &= (df["month"] <= f.end).to_numpy()
    return keep


def apply(
    df: pd.DataFrame,
    f: Filters,
    *,
    indicators: bool = True,
    regions: bool = True,
    operators: bool = True,
    period: bool = True,
) -> pd.DataFrame:
    """The rows of ``df`` that pass the filters (each dimension can be switched off).

    Without any active filter ``df`` itself is returned (no copy): treat the result as read-only.
    """
    keep = mask(df, f, indicators=indicators, regions=regions, operators=operators, period=period)
    return df if keep is None else df[keep]


def both(*masks: np.ndarray | pd.Series | None) -> np.ndarray | None:
    """The rows every given mask keeps (None = all rows; None when all are None)."""
    out = None
    for m in masks:
        if m is not None:
            m = m.to_numpy() if isinstance(m, pd.Series) else m
            out = m if out is None else out & m
    return out


def rows(df: pd.DataFrame, keep: np.ndarray | None, columns: list[str] | None = None) -> pd.DataFrame:
    """``df[keep]`` (all of ``df`` for None), optionally only some columns."""
    part = df if columns is None else df[columns]
    return part if keep is None else part[keep]


def is_empty() -> bool:
    return data_version()[0] == 0


def contract(df: pd.DataFrame) -> pd.DataFrame:
    """Only the contract columns, in order, text as text (for downloads: the exporter neutralises
    spreadsheet formulas in text columns, so categoricals are turned back into strings).

    Rows of :func:`facts` get their provenance text from the store first.
    """
    if "id" in df.columns:
        df = provenance(df, tuple(c for c in FACT_COLUMNS if c in PROVENANCE))
    out = df[list(FACT_COLUMNS)].copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(str)
    return out


def stored_file(path: str) -> Path | None:
    """The stored original of a document, if it is still on disk."""
    if not path:
        return None
    p = Path(path)
    return p if p.is_file() else None


def clear_caches() -> None:
    """Forget cached loads (after an import or delete the version key changes anyway)."""
    _facts.clear()
    _documents.clear()
    _options.clear()
    _fact_count.clear()
    _snippet_ids.clear()
