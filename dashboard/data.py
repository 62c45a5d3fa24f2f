"""Shared data access for every page: the store, cached loads, filtering.

Caching: every load is keyed by :func:`data_version` — the number of documents,
the highest document id, the latest ``ingested_at``, the last review decision and the
last check failure — so adding or deleting a report, a decision taken in any process
(the 审核 page, ``zhibiao review``) or a check run invalidates it on the next rerun. The fact frame is held with
``st.cache_resource`` (one shared, read-only object: ``st.cache_data`` would
pickle-copy a million rows on every rerun); smaller results use ``st.cache_data``.

What is held (see :data:`extract.store.columnar.HELD`): every column pages filter, group and chart on, as
categoricals and numbers — about 70 bytes a fact. The provenance text (snippet, printed
value and unit) and the snippet's box are fetched by id for the rows a page shows, the
fact a user selects, and the rows exported (:func:`provenance`). The frame is the store's
(:meth:`Store.facts_frame`, extract/store/snapshot.py): read once, then kept up to date from the store's log
of changed facts and kept on disk, so a new process starts from the snapshot instead of reading every fact.

Pages filter with :func:`mask` and copy only the rows (and columns) they use.
"""

from __future__ import annotations

import csv
import gc
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

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


@st.cache_resource(show_spinner="正在读取数据…", max_entries=2)
def _facts(url: str, version: DataVersion) -> pd.DataFrame:
    df = (
        get_store(url).facts_frame().copy(deep=False)
    )  # the store keeps its frame: columns added here stay here
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
    """All stored facts without provenance text (:data:`extract.store.columnar.HELD`, and ``month``:
    period_end as YYYY-MM).

    The frame is shared between sessions: never modify it in place.
    """
    url = db_url()
    return _facts(url, data_version(url))


@st.cache_data(show_spinner=False, max_entries=4)
def _fact_count(url: str, version: DataVersion) -> int:
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
def _snippet_ids(url: str, version: DataVersion, text: str) -> np.ndarray:
    if text == "":
        return _facts(url, version)["id"].to_numpy()
    return np.array(get_store(url).find_text(text), dtype="int64")


def snippet_ids(text: str) -> np.ndarray:
    """Ids of the facts whose snippet contains ``text`` (case-sensitive, searched in the store)."""
    url = db_url()
    return _snippet_ids(url, data_version(url), text)


@st.cache_data(show_spinner=False, max_entries=4)
def _documents(url: str, version: DataVersion) -> pd.DataFrame:
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
def _options(url: str, version: DataVersion) -> dict[str, Any]:
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


def options() -> dict[str, Any]:
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


def clear_caches() -> None:
    """Forget cached loads (after an import or delete the version key changes anyway)."""
    _facts.clear()
    _documents.clear()
    _options.clear()
    _fact_count.clear()
    _snippet_ids.clear()
