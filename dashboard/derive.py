"""Chinese statistical conventions computed from stored facts — always marked as derived.

* 当月 from 1–N月 cumulative figures: N月 = (1–N月) − (1–(N−1)月), and 1月 = 1–1月 — flows only.
* 同比 / 环比 from stored values where the report did not state them — quantities only, never rates
  (:mod:`dashboard.rules`), never across a documented series break; months are matched by calendar
  month (February 2019 → February 2020 whatever the leap day).

Derived rows have ``method = "derived"`` and the flag ``derived``; their snippet says how they
were computed, and they keep the document and page of the figure they were computed from. A
stated figure always wins: nothing is derived where the report printed the number. Gaps stay
gaps (no interpolation): a value is derived only when both inputs exist.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import rules
from .fmt import period_label

SERIES = ["indicator", "region", "operator", "subject", "unit"]
DERIVED = "derived"


def _text(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = df.copy()
    for c in cols:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(str)
    return out


def _mark(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.assign(method=DERIVED, raw_value="", raw_unit="")
    rows["flags"] = DERIVED
    return rows


def monthly_from_ytd(df: pd.DataFrame) -> pd.DataFrame:
    """当月 values from January-based year-to-date values of the same series.

    >>> ytd = _example([("2020-01..2020-07", "2020-01-01", "2020-07-31", 700.0),
    ...                 ("2020-01..2020-08", "2020-01-01", "2020-08-31", 810.0)])
    >>> m = monthly_from_ytd(ytd)
    >>> m[["period", "period_type", "value", "method"]].values.tolist()
    [['2020-08', 'month', 110.0, 'derived']]
    >>> m["snippet"].iloc[0]
    '由 2020年1-8月 累计值减去 2020年1-7月 累计值推算'
    """
    y = _trusted(df[(df["period_type"] == "ytd") & (df["measure"] == "value")])
    y = y[(y["period_start"].dt.month == 1) & (y["period_start"].dt.day == 1)]
    if len(y):  # a stock's year-to-date figure is not a sum of months
        flows = {i for i in y["indicator"].astype(str).unique() if rules.indicator_kind(i) == "flow"}
        y = y[y["indicator"].astype(str).isin(flows)]
    if y.empty:
        return df.iloc[0:0]
    # computed on the frame's own (categorical) columns: only the rows derived are turned into text
    y = y.sort_values("id").drop_duplicates(SERIES + ["period"], keep="last")
    y = y.assign(_year=y["period_end"].dt.year, _n=y["period_end"].dt.month)
    prev = (
        y[SERIES + ["_year", "_n", "value", "period"]]
        .rename(columns={"value": "_prev", "period": "_prev_period"})
        .assign(_n=lambda d: d["_n"] + 1)
    )
    m = y.merge(prev, on=SERIES + ["_year", "_n"], how="left")
    first = m["_n"] == 1
    m = m[first | m["_prev"].notna()].copy()
    if m.empty:
        return df.iloc[0:0]
    m["value"] = m["value"] - m["_prev"].fillna(0.0).where(~first, 0.0)
    # a year-to-date total that shrinks means the two figures are not comparable: derive nothing
    m = m[m["value"] >= 0]
    if m.empty:
        return df.iloc[0:0]
    names: dict[tuple[int, int], str] = {}
    m = m.assign(
        _ytd=m["period"],
        period=[
            names.get(k) or names.setdefault(k, f"{k[0]:04d}-{k[1]:02d}")
            for k in zip(m["_year"], m["_n"], strict=True)
        ],
    )
    m = _without(m, df[(df["period_type"] == "month") & (df["measure"] == "value")])
    label = _labels()
    m["snippet"] = [
        f"由 {label(p)} 累计值减去 {label(q)} 累计值推算" if isinstance(q, str) else f"即 {label(p)} 累计值"
        for p, q in zip(m["_ytd"], m["_prev_period"], strict=True)
    ]
    m["period_type"] = "month"
    m["period_start"] = m["period_end"].dt.to_period("M").dt.start_time
    return _mark(_text(m, SERIES).drop(columns=["_year", "_n", "_prev", "_prev_period", "_ytd"]))


def growth(df: pd.DataFrame, measure: str = "yoy_pct") -> pd.DataFrame:
    """同比 (``yoy_pct``) or 环比 (``mom_pct``, months only) in % from the stored values.

    Rates and indices (units %, 点, pp, 部/百户 …) are skipped: their change is not a growth rate.
    Nothing is derived across a documented series break.

    >>> v = _example([("2019-08", "2019-08-01", "2019-08-31", 100.0), ("2020-07", "2020-07-01", "2020-07-31", 118.0),
    ...               ("2020-08", "2020-08-01", "2020-08-31", 120.0)], period_type="month")
    >>> growth(v, "yoy_pct")[["period", "value"]].values.tolist()
    [['2020-08', 20.0]]
    >>> [round(x, 2) for x in growth(v, "mom_pct")["value"]]
    [1.69]
    """
    units = df["unit"].astype(str)
    rate_units = {u for u in units.unique() if rules.is_rate(u)}
    v = _trusted(df[(df["measure"] == "value") & ~units.isin(rate_units)])
    if measure == "mom_pct":
        v = v[v["period_type"] == "month"]
    if v.empty:
        return df.iloc[0:0]
    # computed on the frame's own (categorical) columns: only the rows derived are turned into text
    v = v.sort_values("id").drop_duplicates(SERIES + ["period"], keep="last")
    if measure == "yoy_pct":
        end = v["period_end"] + pd.DateOffset(years=1)
        month_end = v["period_end"].dt.is_month_end
        # a period ending on a month's last day ends on that month's last day a year later (28 → 29 Feb)
        end = end.where(~month_end, end.dt.to_period("M").dt.end_time.dt.normalize())
        shift = {"period_start": v["period_start"] + pd.DateOffset(years=1), "period_end": end}
    else:
        shift = {
            "period_start": v["period_start"] + pd.DateOffset(months=1),
            "period_end": (v["period_end"] + pd.DateOffset(days=1))
            .dt.to_period("M")
            .dt.end_time.dt.normalize(),
        }
    # periods are matched by their calendar days (the time of day, if any, does not count)
    prev = (
        v[SERIES + ["period_type", "value", "period"]]
        .assign(_s=shift["period_start"].dt.normalize(), _e=shift["period_end"].dt.normalize())
        .rename(columns={"value": "_prev", "period": "_prev_period"})
    )
    cur = v.assign(_s=v["period_start"].dt.normalize(), _e=v["period_end"].dt.normalize())
    m = cur.merge(prev, on=SERIES + ["period_type", "_s", "_e"], how="inner")
    m = m[m["_prev"].notna() & (m["_prev"] != 0)].copy()
    broken = {b.indicator for b in rules.series_breaks()}
    maybe = m["indicator"].astype(str).isin(broken).to_numpy() if len(m) and broken else None
    if maybe is not None and maybe.any():  # only the series of an indicator with a documented break
        some = m[maybe]
        before = some["period_end"] - (
            pd.DateOffset(years=1) if measure == "yoy_pct" else pd.DateOffset(months=1)
        )
        crossing = np.zeros(len(m), dtype=bool)
        crossing[np.flatnonzero(maybe)] = [
            rules.break_between(str(i), str(r), b, e) is not None
            for i, r, b, e in zip(some["indicator"], some["region"], before, some["period_end"], strict=True)
        ]
        m = m[~crossing]
    if m.empty:
        return df.iloc[0:0]
    m["value"] = ((m["value"] / m["_prev"] - 1.0) * 100.0).round(2)
    m = _without(
        m, df[df["measure"] == measure], keys=["indicator", "region", "operator", "subject", "period"]
    )
    word = "同比" if measure == "yoy_pct" else "环比"
    label = _labels()
    m["snippet"] = [
        f"{word}：由 {label(p)} 与 {label(q)} 的数值计算"
        for p, q in zip(m["period"], m["_prev_period"], strict=True)
    ]
    m["measure"] = measure
    m["unit"] = "%"
    return _mark(
        _text(m, SERIES + ["period", "period_type"]).drop(columns=["_prev", "_prev_period", "_s", "_e"])
    )


def _labels():
    """period_label, formatting each distinct period once."""
    seen: dict[str, str] = {}

    def label(p: str) -> str:
        if p not in seen:
            seen[p] = period_label(p)
        return seen[p]

    return label


def _trusted(df: pd.DataFrame) -> pd.DataFrame:
    """Facts fit to compute with: not flagged as inconsistent or low-confidence."""
    flags = df["flags"].astype(str)
    return df[
        ~(flags.str.contains("inconsistent", regex=False) | flags.str.contains("low_confidence", regex=False))
    ]


def _without(derived: pd.DataFrame, stated: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """Drop derived rows for which the report states a figure (a stated figure always wins).

    Keys are compared as text (a categorical and a plain column with the same words match).
    """
    keys = keys or SERIES + ["period"]
    if derived.empty or stated.empty:
        return derived
    a, b = zip(*(_codes(derived[k], stated[k]) for k in keys), strict=True)
    left = pd.DataFrame(dict(enumerate(a)))
    have = pd.DataFrame(dict(enumerate(b))).drop_duplicates().assign(_stated=True)
    m = left.merge(have, on=list(range(len(keys))), how="left")
    return derived[m["_stated"].isna().to_numpy()]


def _codes(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for two columns' values as text: equal codes exactly where ``astype(str)`` is equal.

    >>> [x.tolist() for x in _codes(pd.Series(["a", "b"], dtype="category"), pd.Series(["b", "c", "b"]))]
    [[0, 1], [1, 2, 1]]
    """

    def factor(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
        if isinstance(s.dtype, pd.CategoricalDtype):
            return s.cat.codes.to_numpy(), pd.Index(s.cat.categories.astype(str), dtype=object)
        codes, uniques = pd.factorize(s.astype(str))
        return codes, pd.Index(uniques, dtype=object)

    ca, ua = factor(a)
    cb, ub = factor(b)
    words = pd.Index(ua.append(ub).unique(), dtype=object)
    missing = len(words)  # a missing value (-1 from either side) matches only missing values
    return (
        np.where(ca >= 0, words.get_indexer(ua)[ca], missing),
        np.where(cb >= 0, words.get_indexer(ub)[cb], missing),
    )


def _example(rows, period_type: str = "ytd") -> pd.DataFrame:
    """A tiny fact frame for the doctests."""
    return pd.DataFrame(
        [
            {
                "id": i,
                "document": "r.pdf",
                "page": 1,
                "method": "table",
                "indicator": "电信业务收入",
                "category": "收入",
                "region": "河南省",
                "region_code": "410000",
                "region_level": "province",
                "operator": "",
                "subject": "",
                "period": p,
                "period_type": period_type,
                "period_start": pd.Timestamp(s),
                "period_end": pd.Timestamp(e),
                "measure": "value",
                "value": v,
                "unit": "元",
                "raw_value": "",
                "raw_unit": "",
                "snippet": "",
                "flags": "",
            }
            for i, (p, s, e, v) in enumerate(rows)
        ]
    )
