"""Shared data access for every page: the store, cached loads, filtering.

Caching: every load is keyed by :func:`data_version` — the number of documents,
the highest document id and the latest ``ingested_at`` — so adding or deleting a
report invalidates it on the next rerun. The full fact frame is held with
``st.cache_resource`` (one shared, read-only object: ``st.cache_data`` would
pickle-copy a million rows on every rerun); smaller results use ``st.cache_data``.
"""

from __future__ import annotations

import csv
import os
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


#: Text columns held as categoricals: fast filters, and selecting rows copies small integer codes
#: instead of a million strings (snippets repeat too: one table row or sentence gives several facts).
CATEGORICAL = ("document", "method", "indicator", "category", "region", "region_code", "region_level", "operator",
               "subject", "period", "period_type", "measure", "unit", "raw_unit", "flags", "raw_value", "snippet")
_NUMERIC = ("id", "document_id", "page", "value", "x0", "top", "x1", "bottom")


def read_facts(s: Store) -> pd.DataFrame:
    """Every stored fact, typed, read straight through the DB-API cursor (about 2× faster than
    ``Store.facts`` on a million rows; same columns plus the snippet box and ids)."""
    cols = list(_NUMERIC) + [c for c in FACT_COLUMNS if c not in _NUMERIC]
    sql = "SELECT " + ", ".join(f'"{c}"' for c in cols) + " FROM facts ORDER BY id"
    raw = s.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(sql)
        rows = cur.fetchall()
        cur.close()
    finally:
        raw.close()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(cols)
    del rows
    out: dict[str, object] = {}
    for name, values in zip(cols, columns, strict=True):
        if name in ("id", "document_id", "page"):
            out[name] = np.array([v or 0 for v in values], dtype="int64")
        elif name in _NUMERIC:
            out[name] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        elif name in ("period_start", "period_end"):
            cat = _categorical(values)
            dates = pd.to_datetime(pd.Series(cat.categories, dtype="object"), errors="coerce", format="ISO8601")
            out[name] = dates.to_numpy().take(cat.codes)
        else:
            out[name] = _categorical(values)
    df = pd.DataFrame(out)
    return df[list(FACT_COLUMNS) + ["id", "document_id", "x0", "top", "x1", "bottom"]]


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
    months = df["period_end"].dt.strftime("%Y-%m").fillna("")
    df["month"] = pd.Categorical(months, categories=sorted(months.unique()), ordered=True)
    return df


def facts() -> pd.DataFrame:
    """All stored facts (contract columns + id, document_id, box, ``month`` = period_end as YYYY-MM).

    The frame is shared between sessions: never modify it in place.
    """
    url = db_url()
    return _facts(url, data_version(url))


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
        return pd.DataFrame(columns=["name", "code", "level", "parent", "parent_code", "lon", "lat", "short_name"])
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
    regs = regs.assign(o=regs["region_level"].astype(str).map(level_order).fillna(9)).sort_values(["o", "region_code", "region"])
    ops = set(df["operator"].unique())
    months = sorted(m for m in df["month"].unique() if m)
    # the default indicator: the one with the most periods, then the most facts
    periods = df.groupby("indicator")["month"].nunique()
    default = max(inds, key=lambda i: (int(periods.get(i, 0)), int(counts.get(i, 0)))) if inds else ""
    return {
        "indicators": inds,
        "category": cat_of,
        "regions": list(regs["region"]),
        "region_level": dict(zip(regs["region"], regs["region_level"], strict=True)),
        "operators": [o for o in ("", *OPERATORS) if o in ops] + sorted(o for o in ops if o not in OPERATORS and o),
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


def apply(df: pd.DataFrame, f: Filters, *, indicators: bool = True, regions: bool = True,
          operators: bool = True, period: bool = True) -> pd.DataFrame:
    """The rows of ``df`` that pass the filters (each dimension can be switched off).

    Without any active filter ``df`` itself is returned (no copy): treat the result as read-only.
    """
    active = ((indicators and f.indicators) or (regions and f.regions) or (operators and f.operators)
              or (period and (f.start or f.end)))
    if not active:
        return df
    mask = pd.Series(True, index=df.index)
    if indicators and f.indicators:
        mask &= df["indicator"].isin(f.indicators)
    if regions and f.regions:
        mask &= df["region"].isin(f.regions)
    if operators and f.operators:
        mask &= df["operator"].isin(f.operators)
    if period and f.start:
        mask &= df["month"] >= f.start
    if period and f.end:
        mask &= df["month"] <= f.end
    return df[mask]


def is_empty() -> bool:
    return data_version()[0] == 0


def contract(df: pd.DataFrame) -> pd.DataFrame:
    """Only the contract columns, in order, text as text (for downloads: the exporter neutralises
    spreadsheet formulas in text columns, so categoricals are turned back into strings)."""
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
