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

import math

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
    v = _growth_values(df, measure)
    if v.empty:
        return df.iloc[0:0]
    # periods are matched by their calendar days (the time of day, if any, does not count)
    after_start, after_end = _next_bounds(v, measure)
    prev = (
        v[SERIES + ["period_type", "value", "period"]]
        .assign(_s=after_start, _e=after_end)
        .rename(columns={"value": "_prev", "period": "_prev_period"})
    )
    cur = v.assign(_s=v["period_start"].dt.normalize(), _e=v["period_end"].dt.normalize())
    m = cur.merge(prev, on=SERIES + ["period_type", "_s", "_e"], how="inner")
    m = m[m["_prev"].notna() & (m["_prev"] != 0)].copy()
    if len(m):
        m = m[~_across_break(m, measure)]
    if m.empty:
        return df.iloc[0:0]
    m["value"] = ((m["value"] / m["_prev"] - 1.0) * 100.0).round(2)
    m = _without(m, df[df["measure"] == measure], keys=GROWTH_KEYS)
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


#: What a computed 同比/环比 and a stated one have in common when the stated one wins (:func:`_without`).
GROWTH_KEYS = ["indicator", "region", "operator", "subject", "period"]


def can_grow(df: pd.DataFrame, measure: str = "yoy_pct") -> bool:
    """Whether :func:`growth` derives any row from ``df`` — its pairs of periods found on integer keys
    (:func:`_period_keys`), without building the rows (a few ms instead of tens: the 口径 switch asks it
    of every measure no report states).

    >>> v = _example([("2020-07", "2020-07-01", "2020-07-31", 118.0), ("2020-08", "2020-08-01", "2020-08-31", 120.0)],
    ...              period_type="month")
    >>> can_grow(v, "mom_pct"), can_grow(v, "yoy_pct"), can_grow(v.assign(unit="%"), "mom_pct")
    (True, False, False)
    """
    v = _growth_values(df, measure)
    if v.empty:
        return False
    series = v.groupby(SERIES + ["period_type"], observed=True, sort=False, dropna=False).ngroup().to_numpy()
    after_start, after_end = _next_bounds(v, measure)
    usable = (v["value"].notna() & (v["value"] != 0)).to_numpy()  # a previous value to divide by
    before = _period_keys(series[usable], after_start[usable], after_end[usable])
    now = _period_keys(series, v["period_start"].dt.normalize(), v["period_end"].dt.normalize())
    m = v[np.isin(now, before)]
    if len(m):
        m = m[~_across_break(m, measure)]
    return not m.empty and not _without(m, df[df["measure"] == measure], keys=GROWTH_KEYS).empty


def _growth_values(df: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The values 同比 (``yoy_pct``) or 环比 (``mom_pct``: months only) is computed from: trusted, not rates,
    the latest stored of each series and period."""
    units = df["unit"].astype(str)
    rate_units = {u for u in units.unique() if rules.is_rate(u)}
    v = _trusted(df[(df["measure"] == "value") & ~units.isin(rate_units)])
    if measure == "mom_pct":
        v = v[v["period_type"] == "month"]
    # computed on the frame's own (categorical) columns: only the rows derived are turned into text
    return v.sort_values("id").drop_duplicates(SERIES + ["period"], keep="last") if len(v) else v


def _next_bounds(v: pd.DataFrame, measure: str) -> tuple[pd.Series, pd.Series]:
    """The first and last day of the period each value is the previous one of: the same period a year
    later (同比; a period ending on a month's last day ends on that month's last day a year later, 28 → 29
    Feb) or the next month (环比)."""
    if measure == "yoy_pct":
        end = v["period_end"] + pd.DateOffset(years=1)
        month_end = v["period_end"].dt.is_month_end
        end = end.where(~month_end, end.dt.to_period("M").dt.end_time.dt.normalize())
        start = v["period_start"] + pd.DateOffset(years=1)
    else:
        start = v["period_start"] + pd.DateOffset(months=1)
        end = (v["period_end"] + pd.DateOffset(days=1)).dt.to_period("M").dt.end_time
    return start.dt.normalize(), end.dt.normalize()


def _across_break(m: pd.DataFrame, measure: str) -> np.ndarray:
    """Which computed rows (each with its indicator, region and period end) compare a period with one
    before a documented series break."""
    crossing = np.zeros(len(m), dtype=bool)
    broken = {b.indicator for b in rules.series_breaks()}
    maybe = m["indicator"].astype(str).isin(broken).to_numpy() if broken else crossing
    if maybe.any():  # only the series of an indicator with a documented break
        some = m[maybe]
        before = some["period_end"] - (
            pd.DateOffset(years=1) if measure == "yoy_pct" else pd.DateOffset(months=1)
        )
        crossing[np.flatnonzero(maybe)] = [
            rules.break_between(str(i), str(r), b, e) is not None
            for i, r, b, e in zip(some["indicator"], some["region"], before, some["period_end"], strict=True)
        ]
    return crossing


#: the day numbers of :func:`_period_keys` lie in ±2**20 days (±2,870 years) of 1970; NaT is below them
_DAYS = 1 << 20


def _period_keys(series: np.ndarray, first: pd.Series, last: pd.Series) -> np.ndarray:
    """One integer per (series number, first day, last day): equal exactly where all three are (a missing
    day equal to a missing day, as when merging).

    >>> d = pd.to_datetime(pd.Series(["2020-01-01", "2020-01-31", None]))
    >>> k = _period_keys(np.array([0, 0, 1]), d, d)
    >>> len(set(k.tolist())), bool(k[0] == _period_keys(np.array([0]), d[:1], d[:1])[0])
    (3, True)
    """

    def days(d: pd.Series) -> np.ndarray:
        n = d.to_numpy("datetime64[D]").astype(np.int64)
        return np.where(d.isna().to_numpy(), 0, np.clip(n, 1 - _DAYS, _DAYS - 1) + _DAYS)

    return _radix((series.astype(np.int64), days(first), days(last)), [1, 2 * _DAYS, 2 * _DAYS])


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
    sizes = [int(max(x.max(), y.max())) + 1 for x, y in zip(a, b, strict=True)]
    if math.prod(sizes) < RADIX_LIMIT:  # each key one integer (mixed radix): a look-up instead of a merge
        return derived[~np.isin(_radix(a, sizes), _radix(b, sizes))]
    left = pd.DataFrame(dict(enumerate(a)))
    have = pd.DataFrame(dict(enumerate(b))).drop_duplicates().assign(_stated=True)
    m = left.merge(have, on=list(range(len(keys))), how="left")
    return derived[m["_stated"].isna().to_numpy()]


#: :func:`_without` turns keys into one integer while their combinations fit in an int64, else merges
RADIX_LIMIT = 2**62


def _radix(codes: tuple[np.ndarray, ...], sizes: list[int]) -> np.ndarray:
    """One integer per row from its codes (each below its size; the first size is never used)."""
    out = np.zeros(len(codes[0]), dtype=np.int64)
    for c, size in zip(codes, sizes, strict=True):
        out = out * size + c
    return out


def _codes(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for two columns' values as text: equal codes exactly where ``astype(str)`` is equal.

    >>> [x.tolist() for x in _codes(pd.Series(["a", "b"], dtype="category"), pd.Series(["b", "c", "b"]))]
    [[0, 1], [1, 2, 1]]
    """

    if isinstance(a.dtype, pd.CategoricalDtype) and a.dtype == b.dtype and _words(a.cat.categories):
        # two parts of one frame: the same categories (distinct words), so the codes compare as they are
        n = len(a.cat.categories)
        ca, cb = a.cat.codes.to_numpy(), b.cat.codes.to_numpy()
        return np.where(ca >= 0, ca, n), np.where(cb >= 0, cb, n)

    def factor(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
        if isinstance(s.dtype, pd.CategoricalDtype):
            return s.cat.codes.to_numpy(), pd.Index(s.cat.categories.astype(str), dtype=object)
        codes, uniques = pd.factorize(s.astype(str))
        return codes, pd.Index(uniques, dtype=object)

    ca, ua = factor(a)
    cb, ub = factor(b)
    words = pd.Index(ua.append(ub).unique(), dtype=object)
    missing = len(words)  # a missing value (-1 from either side) matches only missing values
    # each side's codes looked up in its words' places, code -1 (the last slot) in ``missing``
    return (
        np.append(words.get_indexer(ua), missing)[ca],
        np.append(words.get_indexer(ub), missing)[cb],
    )


def _words(categories: pd.Index) -> bool:
    """Whether every category is a str (distinct categories are then distinct as text)."""
    return all(isinstance(c, str) for c in categories)


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
