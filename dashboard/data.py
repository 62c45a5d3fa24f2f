"""Shared data access for every page: the store, cached loads, filtering.

Caching: every load is keyed by :func:`data_version` — the number of documents,
the highest document id, the latest ``ingested_at``, the last review decision and the
last check failure — so adding or deleting a report, a decision taken in any process
(the 审核 page, ``zhibiao review``) or a check run invalidates it on the next rerun. The fact frame is held with
``st.cache_resource`` (one shared, read-only object: ``st.cache_data`` would
pickle-copy a million rows on every rerun), and so are the frames read at every rerun (the documents; 趋势's
derived rows) — shared, never modified by their readers; smaller results use ``st.cache_data``.

What is held (see :data:`extract.store.columnar.HELD`): every column pages filter, group and chart on, as
categoricals and numbers — about 70 bytes a fact. The provenance text (snippet, printed
value and unit) and the snippet's box are fetched by id for the rows a page shows, the
fact a user selects, and the rows exported (:func:`provenance`). The frame is the store's
(:meth:`Store.facts_frame`, extract/store/snapshot.py): read once, then kept up to date from the store's log
of changed facts and kept on disk, so a new process starts from the snapshot instead of reading every fact.

Pages filter with :func:`mask` / :func:`positions` and copy only the rows (and columns) they use. Filters
compare the categoricals' codes (:func:`isin`: one comparison per value, or a look-up table) instead of
hashing every row with ``Categorical.isin``. The shared frame has a :class:`FrameIndex` (computed once per
frame, lazily): the rows of each indicator and region, so a selection of a few indicators or regions
touches their rows only; :func:`indicator_rows` holds the rows of a choice of indicators per data version,
and :func:`select` narrows them by the other filters (or, when those keep a small part, copies just those
rows from the shared frame). What every page offers (:func:`options`: indicators,
regions, operators, months, the default indicator) is counted on the codes too (``np.bincount``, the first
row of each code), never by grouping millions of rows. The data version is asked once per script run
(:func:`run_version`).
"""

from __future__ import annotations

import csv
import gc
import os
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from extract.model import FACT_COLUMNS
from extract.paths import DATA_DIR
from extract.store import Store, resolve_url
from extract.store.columnar import PROVENANCE
from extract.store.read import DataVersion

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


def data_version(url: str | None = None) -> DataVersion:
    """(documents, highest id, latest ingested_at): changes whenever a document is added or removed."""
    return get_store(url or db_url()).data_version()


#: The version each script run asked for: id of the run context → (the context, weakly; the run's widget
#: cursors; url; version).
_RUN_VERSIONS: dict[int, tuple[weakref.ref, object, str, DataVersion]] = {}


def run_version(url: str | None = None) -> DataVersion:
    """:func:`data_version`, asked once per script run: every load and cache key of one rerun uses the
    same version (each call is a few queries of the store); outside a run, asked every time.
    :func:`clear_caches` forgets it (an import in this run is seen by what the run shows next)."""
    url = url or db_url()
    ctx = get_script_run_ctx(suppress_warning=True)
    run = getattr(ctx, "cursors", None)  # a new dict at the start of every run
    if ctx is None or run is None:
        return data_version(url)
    hit = _RUN_VERSIONS.get(id(ctx))
    if hit is not None and hit[0]() is ctx and hit[1] is run and hit[2] == url:
        return hit[3]
    version = data_version(url)
    key = id(ctx)
    _RUN_VERSIONS[key] = (weakref.ref(ctx, lambda _ref: _RUN_VERSIONS.pop(key, None)), run, url, version)
    return version


@st.cache_resource(show_spinner="正在读取数据…", max_entries=2)
def _facts(url: str, version: DataVersion) -> pd.DataFrame:
    # a shallow copy: the store keeps its frame (and refreshes it), the columns added here stay here
    df = get_store(url).facts_frame().copy(deep=False)
    df["period_end"] = df["period_end"].fillna(df["period_start"])
    codes, ends = pd.factorize(df["period_end"])  # format each distinct date once, not a million times
    months = pd.Series(ends.strftime("%Y-%m"), dtype=object).fillna("").tolist() + [""]  # last: no date
    cats = sorted(set(months[:-1] + ([""] if (codes < 0).any() else [])))
    where = {m: i for i, m in enumerate(cats)}
    month_codes = np.array([where.get(m, -1) for m in months], dtype="int64")
    df["month"] = pd.Categorical.from_codes(month_codes[codes], categories=cats, ordered=True)
    _register(df)
    _prime(df)
    _settle()
    return df


#: Count tables the pages ask for (:func:`cross_counts`): 地区's scope (indicators, regions and levels in
#: the operators chosen) and its default indicator (months per indicator in scope).
SCOPE_AXES = ("operator", "indicator", "region", "region_level")
COVERAGE_AXES = ("operator", "indicator", "region_level", "month")


def _prime(df: pd.DataFrame) -> None:
    """Count the tables of :data:`SCOPE_AXES`, :data:`COVERAGE_AXES` and :func:`month_counts` with the
    load (0.25 s at 10 M facts) rather than at whichever filter change first needs one."""
    ix = index_of(df)
    if ix is None:  # pragma: no cover - registered just before
        return
    ix.month_counts()
    for axes in (SCOPE_AXES, COVERAGE_AXES):
        ix.cross_counts(axes)


def _settle() -> None:
    """Take what is loaded now — the libraries, this frame — out of the garbage collector's view.

    A full collection walks every tracked object; with pandas, Plotly, SQLAlchemy and Streamlit loaded
    that is about 150,000 long-lived objects and 90 ms, and it struck every few reruns. Frozen objects
    are still freed when no longer referenced, but reference cycles among them would stay: so what the
    previous load froze is given back to the collector first — the frame of the previous data version,
    its store and index hold cycles, and were kept for good (10 M facts: ~0.5 GB more resident after
    each import).
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def facts() -> pd.DataFrame:
    """All stored facts without provenance text (:data:`extract.store.columnar.HELD`, and ``month``:
    period_end as YYYY-MM).

    The frame is shared between sessions: never modify it in place.
    """
    url = db_url()
    return _facts(url, run_version(url))


@st.cache_resource(show_spinner=False, max_entries=4)
def _indicator_rows(url: str, version: DataVersion, indicators: tuple[str, ...]) -> pd.DataFrame:
    df = _facts(url, version)
    ix = index_of(df)
    return (
        df.take(ix.rows("indicator", indicators)) if ix is not None else df[isin(df, "indicator", indicators)]
    )


def indicator_rows(indicators: tuple[str, ...]) -> pd.DataFrame:
    """The facts of ``indicators`` (rows of :func:`facts` in their order, shared: never modify in place),
    held per data version and choice of indicators, so that a filter change narrows these rows only."""
    url = db_url()
    return _indicator_rows(url, run_version(url), tuple(indicators))


#: :func:`select` copies the passing rows straight from the shared frame when they are at most this share
#: of the chosen indicators' rows (a few regions of them, say): copying the indicators' every row first
#: would cost more than the rows wanted (at 10 M facts two indicators are 550,000 rows, 150 ms to copy
#: from a freshly mapped snapshot).
DIRECT_SHARE = 0.25


def select(f: Filters, indicators: tuple[str, ...]) -> pd.DataFrame:
    """The facts of ``indicators`` that pass the other filters: ``facts()[mask(facts(), f')]`` for ``f``
    with ``indicators`` as its indicators (read-only).

    When the other filters keep a small part of the indicators' rows (:data:`DIRECT_SHARE`), those rows are
    copied from the shared frame by position; otherwise the indicators' rows held by :func:`indicator_rows`
    are narrowed, so that the next filter change on the same indicators copies nothing twice. Held per
    data version and choice (a page asks again for each measure it derives)."""
    url = db_url()
    return _select(url, run_version(url), replace(f, indicators=tuple(indicators)))


@st.cache_resource(show_spinner=False, max_entries=2)
def _select(url: str, version: DataVersion, f: Filters) -> pd.DataFrame:
    indicators = f.indicators
    df = _facts(url, version)
    ix = index_of(df)
    if ix is not None and indicators and _active(f, False, True, True, True):
        pos = _indexed_positions(df, ix, f, True, True, True, True)
        if len(pos) <= DIRECT_SHARE * ix.count("indicator", indicators):
            return df.take(pos)
    rows = _indicator_rows(url, version, indicators)
    keep = mask(rows, f, indicators=False)
    return rows if keep is None else rows[keep]


@st.cache_data(show_spinner=False, max_entries=4)
def _fact_count(url: str, version: DataVersion) -> int:
    return get_store(url).count_facts()


def fact_count() -> int:
    """How many facts are stored (without reading them)."""
    url = db_url()
    return _fact_count(url, run_version(url))


def provenance(df: pd.DataFrame, columns: tuple[str, ...] = PROVENANCE) -> pd.DataFrame:
    """``df`` (rows of :func:`facts`) with the provenance columns fetched from the store by id."""
    missing = [c for c in columns if c not in df.columns]
    if not missing or df.empty:
        return df.assign(**{c: pd.Series(dtype=object) for c in missing}) if missing else df
    got = store().facts_by_id(df["id"], missing).reindex(df["id"].to_numpy())
    added: dict[str, Any] = {}
    for c in missing:
        values = got[c].to_numpy()
        if c in ("x0", "top", "x1", "bottom"):
            added[c] = pd.to_numeric(values, errors="coerce").astype("float64")
        else:
            added[c] = pd.Series(values, index=df.index, dtype=object).fillna("").astype(str)
    return df.assign(**added)


def provenance_from(fetched: pd.DataFrame) -> selection.Provenance:
    """:func:`provenance` answered from rows whose provenance was fetched already (``fetched``, rows of
    :func:`facts` with its columns), so a page that shows the same facts twice asks the store once; rows
    not among them are fetched."""
    have = [c for c in PROVENANCE if c in fetched.columns]
    by_id = fetched.drop_duplicates("id").set_index("id")[have]

    def lookup(df: pd.DataFrame) -> pd.DataFrame:
        ids = df["id"].to_numpy()
        if len(have) < len(PROVENANCE) or not pd.Index(ids).isin(by_id.index).all():
            return provenance(df)
        got = by_id.loc[ids]
        return df.assign(**{c: got[c].to_numpy() for c in have if c not in df.columns})

    return lookup


@st.cache_data(show_spinner=False, max_entries=16)
def _snippet_ids(url: str, version: DataVersion, text: str) -> np.ndarray:
    if text == "":
        return _facts(url, version)["id"].to_numpy()
    return np.array(get_store(url).find_text(text), dtype="int64")


def snippet_ids(text: str) -> np.ndarray:
    """Ids of the facts whose snippet contains ``text`` (case-sensitive, searched in the store)."""
    url = db_url()
    return _snippet_ids(url, run_version(url), text)


@st.cache_resource(show_spinner=False, max_entries=4)
def _documents(url: str, version: DataVersion) -> pd.DataFrame:
    return get_store(url).documents()


def documents_frame() -> pd.DataFrame:
    url = db_url()
    return _documents(url, run_version(url))


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
def _options(url: str, version: DataVersion) -> dict[str, Any]:
    df = _facts(url, version)
    cat = catalogue()
    # on the categoricals' codes: which values occur, and the first row of each (as drop_duplicates keeps)
    ic, icats = codes(df, "indicator")
    rc, rcats = codes(df, "region")
    oc, ocats = codes(df, "operator")
    mc, mcats = codes(df, "month")
    missing = bool((ic < 0).any() or (mc < 0).any())
    if not missing:
        counts, periods = selection.coverage(ic, len(icats), mc, len(mcats))
        ind_seen = np.r_[counts > 0, False]
    else:
        ind_seen = _seen(ic, len(icats))
    inds = [str(icats[i]) for i in np.flatnonzero(ind_seen[:-1])]
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    first = df.take(_first_rows(ic, ind_seen))
    first_cat = first.set_index("indicator")["category"].to_dict()
    cat_of = {i: (first_cat.get(i) or cat.get(i, ("其他", ""))[0]) for i in inds}
    pos = {name: i for i, name in enumerate(cat)}
    inds.sort(key=lambda i: (order.get(cat_of[i], 99), pos.get(i, 999), i))
    level_order = {"national": 0, "macro_region": 1, "province": 2, "city": 3, "county": 4}
    regs = df.take(_first_rows(rc, _seen(rc, len(rcats))))
    regs = regs[["region", "region_code", "region_level"]]
    regs = regs.assign(o=regs["region_level"].astype(str).map(level_order).fillna(9)).sort_values(
        ["o", "region_code", "region"]
    )
    op_seen = _seen(oc, len(ocats))
    ops = {ocats[i] for i in np.flatnonzero(op_seen[:-1]).tolist()} | ({np.nan} if op_seen[-1] else set())
    months = sorted(m for m in (str(mcats[i]) for i in np.flatnonzero(_seen(mc, len(mcats))[:-1])) if m)
    if missing or not inds:
        default = selection.default_indicator(df[["indicator", "month"]], offered=inds)
    else:
        default = selection.most_covered(icats, counts, periods, inds)
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


def _seen(codes: np.ndarray, n: int) -> np.ndarray:
    """Which of ``n`` codes occur, and (the last slot) whether a missing value (-1) does."""
    seen = np.zeros(n + 1, dtype=bool)
    seen[codes] = True
    return seen


def _first_rows(codes: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Ascending positions of the first row of every code that occurs (``seen``: see :func:`_seen`; a
    missing value, -1, counts as one): the rows ``drop_duplicates`` keeps, found by scanning the codes in
    growing chunks until every code is met (the first month's reports usually hold them all).

    >>> _first_rows(np.array([2, 0, 2, -1, 0, 1]), np.array([True, True, True, True])).tolist()
    [0, 1, 3, 5]
    """
    want = int(seen.sum())
    found: dict[int, int] = {}
    start, step = 0, 1 << 16
    while len(found) < want and start < len(codes):
        values, first = np.unique(codes[start : start + step], return_index=True)
        for c, i in zip(values.tolist(), first.tolist(), strict=True):
            found.setdefault(c, start + i)
        start, step = start + step, step * 2
    return np.sort(np.fromiter(found.values(), dtype=np.int64, count=len(found)))


def options() -> dict[str, Any]:
    """What the filters can choose from: indicators (grouped by category), regions, operators, months."""
    url = db_url()
    return _options(url, run_version(url))


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
    (and columns) they use.

    Computed on the categoricals' codes (:func:`isin`); on the frame of :func:`facts` with indicators or
    regions chosen, only over the rows of those (:class:`FrameIndex`)."""
    dims = (indicators, regions, operators, period)
    if not _active(f, *dims):
        return None
    at = _indexed(df, f, dims)
    if at is None:
        return _full_mask(df, f, *dims)
    keep = np.zeros(len(df), dtype=bool)
    keep[at] = True
    return keep


def positions(
    df: pd.DataFrame,
    f: Filters,
    *,
    indicators: bool = True,
    regions: bool = True,
    operators: bool = True,
    period: bool = True,
) -> np.ndarray | None:
    """The rows of ``df`` that pass the filters as ascending row positions (``np.flatnonzero`` of
    :func:`mask`); None when no filter is active."""
    dims = (indicators, regions, operators, period)
    if not _active(f, *dims):
        return None
    at = _indexed(df, f, dims)
    return np.flatnonzero(_full_mask(df, f, *dims)) if at is None else at


def _indexed(df: pd.DataFrame, f: Filters, dims: tuple[bool, bool, bool, bool]) -> np.ndarray | None:
    """The passing rows' positions through the frame's :class:`FrameIndex` when indicators or regions are
    chosen (only their rows are looked at); None when the whole frame must be masked."""
    indicators, regions = dims[0], dims[1]
    ix = index_of(df)
    if ix is None or not ((indicators and f.indicators) or (regions and f.regions)):
        return None
    return _indexed_positions(df, ix, f, *dims)


def _active(f: Filters, indicators: bool, regions: bool, operators: bool, period: bool) -> bool:
    return bool(
        (indicators and f.indicators)
        or (regions and f.regions)
        or (operators and f.operators)
        or (period and (f.start or f.end))
    )


def _full_mask(
    df: pd.DataFrame, f: Filters, indicators: bool, regions: bool, operators: bool, period: bool
) -> np.ndarray:
    keep = np.ones(len(df), dtype=bool)
    if indicators and f.indicators:
        keep &= isin(df, "indicator", f.indicators)
    if regions and f.regions:
        keep &= isin(df, "region", f.regions)
    if operators and f.operators:
        keep &= isin(df, "operator", f.operators)
    if period and f.start:
        keep &= _month_bound(df, f.start, later=True)
    if period and f.end:
        keep &= _month_bound(df, f.end, later=False)
    return keep


def _indexed_positions(
    df: pd.DataFrame,
    ix: FrameIndex,
    f: Filters,
    indicators: bool,
    regions: bool,
    operators: bool,
    period: bool,
) -> np.ndarray:
    """:func:`positions` on an indexed frame: the rows of the chosen indicators (else regions) first,
    the other conditions only over those rows."""
    by_indicator = bool(indicators and f.indicators)
    pos = ix.rows("indicator", f.indicators) if by_indicator else ix.rows("region", f.regions)
    keep = np.ones(len(pos), dtype=bool)
    if by_indicator and regions and f.regions:
        keep &= ix.isin("region", f.regions, pos)
    if operators and f.operators:
        keep &= ix.isin("operator", f.operators, pos)
    if period and f.start:
        keep &= _month_bound(df, f.start, later=True, rows=pos)
    if period and f.end:
        keep &= _month_bound(df, f.end, later=False, rows=pos)
    return pos if keep.all() else pos[keep]


def isin_at(df: pd.DataFrame, column: str, values: Iterable[str], rows: np.ndarray) -> np.ndarray:
    """:func:`isin` for the rows at positions ``rows`` only (a categorical compared on those rows' codes).

    >>> d = pd.DataFrame({"m": pd.Categorical(["a", "b", "a"])})
    >>> isin_at(d, "m", ["a"], np.array([1, 2])).tolist()
    [False, True]
    """
    s = df[column]
    if not isinstance(s.dtype, pd.CategoricalDtype):
        return s.iloc[rows].isin(list(values)).to_numpy()
    codes_, cats = codes(df, column)
    return _codes_in(codes_[rows], cats, list(values))


def isin(df: pd.DataFrame, column: str, values: Iterable[object]) -> np.ndarray:
    """``df[column].isin(values).to_numpy()``: for a categorical column of text compared on its codes
    (one comparison per value, or a look-up table for many values; pandas' ``Categorical.isin`` hashes
    every row).

    >>> d = pd.DataFrame({"x": pd.Categorical(["a", "b", None, "c"])})
    >>> isin(d, "x", ["c", "a", "z"]).tolist(), isin(d, "x", []).tolist()
    ([True, False, False, True], [False, False, False, False])
    """
    s = df[column]
    values = list(values)
    texts = [v for v in values if isinstance(v, str)]
    if not isinstance(s.dtype, pd.CategoricalDtype) or len(texts) != len(values):
        return s.isin(values).to_numpy()
    return _codes_in(*codes(df, column), texts)


def _codes_in(codes: np.ndarray, categories: pd.Index, values: list[str]) -> np.ndarray:
    """Which codes stand for one of ``values`` (text); missing values (code -1) never do."""
    wanted = np.unique(categories.get_indexer(values)) if values else np.zeros(0, dtype="int64")
    wanted = wanted[wanted >= 0]
    if len(wanted) <= 8:
        keep = np.zeros(len(codes), dtype=bool)
        for w in wanted.tolist():
            keep |= codes == w
        return keep
    return selection.category_slots(categories, values)[codes]  # a look-up table (code -1: its last slot)


def month_span(f: Filters, months: pd.Index) -> slice | None:
    """The columns of a table with one column per month (``months``, in order) that lie in the filters'
    period — every month when none is chosen; None when a bound is not one of ``months``.

    >>> m = pd.Index(["2020-01", "2020-02", "2020-03"])
    >>> month_span(Filters(start="2020-02"), m), month_span(Filters(), m), month_span(Filters(end="1999-01"), m)
    (slice(1, 3, None), slice(0, 3, None), None)
    """
    if any(b and b not in months for b in (f.start, f.end)):
        return None
    first = int(months.get_loc(f.start)) if f.start else 0
    last = int(months.get_loc(f.end)) if f.end else len(months) - 1
    return slice(first, last + 1)


def _month_bound(df: pd.DataFrame, bound: str, *, later: bool, rows: np.ndarray | None = None) -> np.ndarray:
    """``df["month"] >= bound`` (``later``) or ``<= bound``, for the rows at ``rows`` (all rows for None):
    on an ordered categorical's codes, as pandas compares it (a missing month is never in range)."""
    month = df["month"]
    dtype = month.dtype
    if isinstance(dtype, pd.CategoricalDtype) and dtype.ordered and bound in dtype.categories:
        at = int(dtype.categories.get_loc(bound))
        month_codes = codes(df, "month")[0]
        month_codes = month_codes if rows is None else month_codes[rows]
        return month_codes >= at if later else (month_codes <= at) & (month_codes >= 0)
    part = month if rows is None else month.iloc[rows]
    return (part >= bound).to_numpy() if later else (part <= bound).to_numpy()


class FrameIndex:
    """Look-ups over one fact frame (the shared frame of :func:`facts`), computed once per frame and
    value, lazily: the rows of each indicator or region (ascending positions), so that a selection of a
    few indicators touches their rows only, not every fact. Holds the frame weakly: it lives as long as
    the frame is cached (see :func:`index_of`)."""

    def __init__(self, df: pd.DataFrame) -> None:
        self._frame = weakref.ref(df)
        self._rows: dict[tuple[str, int], np.ndarray] = {}
        self._codes: dict[str, tuple[np.ndarray, pd.Index]] = {}
        self._tables: dict[str, np.ndarray | None] = {}

    def codes(self, column: str) -> tuple[np.ndarray, pd.Index]:
        """The categorical column's codes and categories."""
        got = self._codes.get(column)
        if got is None:
            df = self._frame()
            if df is None:  # pragma: no cover - the index is dropped with its frame
                raise RuntimeError("the frame of this index is gone")
            s = df[column]
            got = self._codes[column] = _categorical_codes(s)
        return got

    def month_counts(self) -> np.ndarray | None:
        """Rows per indicator (codes) and month (codes, in month order), once per frame; None when a row
        has no indicator or month."""
        if "month_counts" not in self._tables:
            ic, icats = self.codes("indicator")
            mc, mcats = self.codes("month")
            table = None
            if len(ic) and ic.min() >= 0 and mc.min() >= 0:
                m = len(mcats)
                table = np.bincount(ic.astype(np.int64) * m + mc, minlength=len(icats) * m).reshape(-1, m)
            elif not len(ic):
                table = np.zeros((len(icats), len(mcats)), dtype=np.int64)
            self._tables["month_counts"] = table
        return self._tables["month_counts"]

    def cross_counts(self, columns: tuple[str, ...]) -> np.ndarray:
        """Rows per combination of the categorical ``columns``' codes, once per frame: an array with an axis
        per column, one slot per category and a last slot for a missing value (code -1)."""
        key = "cross:" + ",".join(columns)
        got = self._tables.get(key)
        if got is None:
            sizes = [len(self.codes(c)[1]) + 1 for c in columns]
            flat: np.ndarray | None = None  # the slot of each row, axis by axis (mixed radix)
            for column, size in zip(columns, sizes, strict=True):
                c = self.codes(column)[0]
                slot = np.where(c >= 0, c, size - 1).astype(np.int64)
                flat = slot if flat is None else flat * size + slot
            assert flat is not None
            got = self._tables[key] = np.bincount(flat, minlength=int(np.prod(sizes))).reshape(sizes)
        return got

    def rows(self, column: str, values: Iterable[str]) -> np.ndarray:
        """Ascending positions of the rows whose ``column`` is one of ``values``."""
        parts = self._parts(column, values)
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.concatenate(parts)) if len(parts) > 1 else parts[0]

    def count(self, column: str, values: Iterable[str]) -> int:
        """How many rows have ``column`` among ``values`` (the lengths of :meth:`rows`' parts)."""
        return sum(len(part) for part in self._parts(column, values))

    def _parts(self, column: str, values: Iterable[str]) -> list[np.ndarray]:
        """Per value of ``values`` among the categories (in code order), the ascending positions of its rows
        (computed once per value, shared)."""
        codes, cats = self.codes(column)
        parts = []
        for code in sorted({int(c) for c in cats.get_indexer(list(values)) if c >= 0}):
            got = self._rows.get((column, code))
            if got is None:
                dtype = np.int32 if len(codes) < 2**31 else np.int64
                got = self._rows[(column, code)] = np.flatnonzero(codes == code).astype(dtype)
                got.flags.writeable = False  # shared by every session
            parts.append(got)
        return parts

    def isin(self, column: str, values: Iterable[str], rows: np.ndarray) -> np.ndarray:
        """Which of the rows at ``rows`` have ``column`` among ``values``."""
        codes, cats = self.codes(column)
        return _codes_in(codes[rows], cats, list(values))


_INDEXES: dict[int, tuple[weakref.ref, FrameIndex]] = {}


def _register(df: pd.DataFrame) -> None:
    """Give ``df`` (a frame shared read-only by every session) its :class:`FrameIndex`."""
    key = id(df)
    _INDEXES[key] = (weakref.ref(df, lambda _ref: _INDEXES.pop(key, None)), FrameIndex(df))


def index_of(df: pd.DataFrame) -> FrameIndex | None:
    """The :class:`FrameIndex` of ``df`` when it is a frame of :func:`facts` itself (not a part or copy)."""
    hit = _INDEXES.get(id(df))
    return hit[1] if hit is not None and hit[0]() is df else None


def codes(df: pd.DataFrame, column: str) -> tuple[np.ndarray, pd.Index]:
    """A categorical column's codes and categories (held by the :class:`FrameIndex` of a frame of
    :func:`facts`)."""
    ix = index_of(df)
    if ix is not None:
        return ix.codes(column)
    s = df[column]
    return _categorical_codes(s)


def _categorical_codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """The codes (the categorical's own array, read-only: no Series built around it) and categories."""
    cat = s.array
    if not isinstance(cat, pd.Categorical):  # pragma: no cover - callers pass categoricals
        raise TypeError(f"{s.name} is not categorical")
    return cat.codes, cat.categories


def month_counts(df: pd.DataFrame) -> np.ndarray | None:
    """Facts per indicator and month (a table of codes: indicators × months in month order) of a frame of
    :func:`facts`, counted once per frame; None for any other frame, or when a fact has no indicator or
    month."""
    ix = index_of(df)
    return None if ix is None else ix.month_counts()


def cross_counts(df: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray | None:
    """Facts per combination of categorical ``columns`` of a frame of :func:`facts` (an axis per column: a
    slot per category, the last for a missing value), counted once per frame; None for any other frame."""
    ix = index_of(df)
    return None if ix is None else ix.cross_counts(columns)


def take(df: pd.DataFrame, pos: np.ndarray | None, columns: list[str] | None = None) -> pd.DataFrame:
    """The rows of ``df`` at the ascending positions ``pos`` (all of ``df`` for None), optionally only some
    columns: the same frame as ``df[mask]`` for the mask of those positions."""
    part = df if columns is None else df[columns]
    return part if pos is None else part.take(pos)


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


def has_rows(df: pd.DataFrame, f: Filters) -> bool:
    """Whether any row of ``df`` passes the filters."""
    if not _active(f, True, True, True, True):
        return len(df) > 0
    ix = index_of(df)
    if ix is not None and (f.indicators or f.regions):
        return len(_indexed_positions(df, ix, f, True, True, True, True)) > 0
    return bool(_full_mask(df, f, True, True, True, True).any())


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
    return run_version()[0] == 0


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


def clear_caches() -> None:
    """Forget cached loads (after an import or delete the version key changes anyway)."""
    _facts.clear()
    _documents.clear()
    _options.clear()
    _fact_count.clear()
    _snippet_ids.clear()
    _indicator_rows.clear()
    _select.clear()
    _RUN_VERSIONS.clear()
