"""Consistency checks: stored numbers judged against each other, so a doubt is visible.

Each check is a pure function from a fact frame (the contract columns plus ``id``) to a list of
:class:`Failure` records — which check, the facts involved, what was expected, what was found and
the tolerance — and :func:`run_checks` runs them all. Tolerances follow the printed precision: a
value printed as 53443 (万G) may be off by half a unit of its last digit, a rate printed with one
decimal by 0.05 — so rounding never fails a check. The thresholds are in :class:`CheckSettings`.

The checks:

* **parts_total** — the operators' figures add up to at most the all-operator figure of the same
  indicator, region and period (a partial list may add to less); the cities of a province to at most
  the province. Only additive quantities (not rates, not ratios).
* **shares_sum** — operators' shares of one market (same indicator, region, period) add up to at
  most 100 % (shares of subjects may overlap — a device with two risks — and are not summed).
* **stated_yoy** — a stated 同比 against the change between the stored value and the value a year
  earlier, when both are stored.
* **ytd_order** — a flow's 1–N月 totals do not decrease as N grows within a year.
* **restated** — the same fact stated twice (text and table of one report, or two reports) agrees.
* **range** — shares and 同比 of a share-like measure between 0 and 100; ranks between 1 and the
  number of regions at that level; rates (普及率) within a sane range.
* **magnitude** — a value 10³ or more away from the median of the same indicator and unit at the
  same region level (the classic 万 error is 10⁴).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .normalize.indicators import open_indicator

#: The flag of a value printed as a bound or an approximation (约, 超过, 近 …; set by the prose extractor).
APPROXIMATE = "approximate"


@dataclass(frozen=True)
class CheckSettings:
    """Tolerances and ranges of the checks, in one place."""

    #: relative slack on top of the printed precision (parts and totals, stated against derived)
    relative_slack: float = 0.002
    #: a stated 同比 may differ from the derived one by this many percentage points beyond rounding
    yoy_points: float = 0.3
    #: shares of one denominator may add up to this much over 100 (rounding of each part)
    share_sum_slack: float = 0.6
    #: a value this many powers of ten away from its indicator's median is implausible
    magnitude_decades: float = 3.0
    #: fewest values of an indicator (same unit and level) before its median is trusted
    magnitude_min_values: int = 5
    #: regions at each level, for the highest plausible rank
    regions_at_level: dict[str, int] = field(
        default_factory=lambda: {
            "province": 34,
            "city": 400,
            "county": 3000,
            "macro_region": 4,
            "national": 250,
            "world": 250,
            "foreign": 250,
        }
    )
    #: rates (units per hundred, %) above this are implausible
    max_rate: float = 400.0
    #: after an ingest the checks run by themselves up to this many stored facts (then: `zhibiao check`);
    #: about 1.5 s per 5,000 facts
    auto_max_facts: int = 100_000


SETTINGS = CheckSettings()
RATE_UNITS = ("%", "pp", "部/百户", "部/百人", "户/百人", "‰")


@dataclass(frozen=True)
class Failure:
    """One failed check: the facts involved (ids), what was expected and what was found."""

    check: str
    fact_ids: tuple[int, ...]
    expected: str
    found: str
    tolerance: str
    document: str = ""


def printed_step(raw_value: object) -> float:
    """Half a unit of the last printed digit, as a fraction of the value (the rounding of a printed number).

    >>> [round(printed_step(x), 6) for x in ("53443", "8.3", "0.25", "")]
    [9e-06, 0.006024, 0.02, 0.0]
    """
    text = str(raw_value or "").strip().lstrip("+-")
    if not text:
        return 0.0
    try:
        number = float(text)
    except ValueError:
        return 0.0
    if number == 0:
        return 0.0
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return 0.5 * 10 ** (-decimals) / abs(number)


def _steps(raw_values: pd.Series) -> pd.Series:
    """:func:`printed_step` of each printed value, as floats (``Series.map`` keeps an empty column of
    pandas' string dtype a string column, on which arithmetic fails)."""
    return pd.Series([printed_step(v) for v in raw_values], index=raw_values.index, dtype="float64")


def _additive(unit: str) -> bool:
    return unit not in RATE_UNITS and "/" not in unit and unit not in ("点", "位")


def _values(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["measure"] == "value"]


def _sum_against_total(
    parts: pd.DataFrame, totals: pd.DataFrame, keys: list[str], who: str, label: str, s: CheckSettings
) -> list[Failure]:
    """Parts (one row per part) summed per ``keys`` and compared with the total of the same keys."""
    if parts.empty or totals.empty:
        return []
    parts = parts.assign(_slack=parts["value"] * _steps(parts["raw_value"]))
    grouped = (
        parts.groupby(keys, sort=False)
        .agg(
            agg_sum=("value", "sum"),
            agg_n=(who, "nunique"),
            agg_slack=("_slack", "sum"),
            agg_ids=("id", tuple),
        )
        .reset_index()
    )
    grouped = grouped[grouped["agg_n"] >= 2]
    m = grouped.merge(totals.drop_duplicates(keys), on=keys)
    if m.empty:
        return []
    tol = m["value"] * (s.relative_slack + _steps(m["raw_value"])) + m["agg_slack"]
    out = []
    for r, t in zip(
        m[m["agg_sum"] > m["value"] + tol].itertuples(), tol[m["agg_sum"] > m["value"] + tol], strict=True
    ):
        out.append(
            Failure(
                "parts_total",
                (int(r.id), *map(int, r.agg_ids)),
                f"{label}之和 ≤ {r.region} {r.raw_value}{r.raw_unit}（{r.indicator} {r.period}）",
                f"{r.agg_sum:g} {r.unit}（{r.agg_n} 项之和）",
                f"±{t:g} {r.unit}",
                str(r.document),
            )
        )
    return out


def parts_total(df: pd.DataFrame, s: CheckSettings = SETTINGS) -> list[Failure]:
    """Operators against the all-operator total; cities against their province."""
    v = _values(df)
    v = v[v["unit"].map(_additive).astype(bool) & (v["subject"] == "")]
    keys = ["indicator", "region", "period", "unit"]
    ops = v[v["operator"] != ""].drop_duplicates([*keys, "operator"])
    out = _sum_against_total(ops, v[v["operator"] == ""], keys, "operator", "各运营商", s)
    # cities within their province: a city's code starts with its province's two digits
    whole = v[v["operator"] == ""]
    cities = whole[whole["region_level"] == "city"].drop_duplicates(["indicator", "period", "unit", "region"])
    prov = whole[whole["region_level"] == "province"]
    if len(cities) and len(prov):
        cities = cities.assign(_p=cities["region_code"].astype(str).str[:2])
        prov = prov.assign(_p=prov["region_code"].astype(str).str[:2])
        ckeys = ["indicator", "period", "unit", "_p"]
        out += _sum_against_total(cities.drop(columns=["region"]), prov, ckeys, "region_code", "各市", s)
    return out


def shares_sum(df: pd.DataFrame, s: CheckSettings = SETTINGS) -> list[Failure]:
    """Shares of one denominator add up to at most 100 %."""
    out: list[Failure] = []
    # operators partition a market; subjects may overlap (a device with two risks), so only operators
    sh = df[(df["measure"] == "share_pct") & (df["operator"] != "") & (df["subject"] == "")]
    for (ind, region, period, doc), g in sh.groupby(
        ["indicator", "region", "period", "document"], sort=False
    ):
        g = g.drop_duplicates(["operator", "subject"])
        if len(g) < 2:
            continue
        total = float(g["value"].sum())
        if total > 100 + s.share_sum_slack:
            out.append(
                Failure(
                    "shares_sum",
                    tuple(map(int, g["id"])),
                    "≤ 100%",
                    f"{total:g}%（{ind} {region} {period}，{len(g)} 项）",
                    f"+{s.share_sum_slack}%",
                    str(doc),
                )
            )
    return out


def stated_yoy(df: pd.DataFrame, s: CheckSettings = SETTINGS) -> list[Failure]:
    """A stated 同比 against the stored values a year apart."""
    out: list[Failure] = []
    keys = ["indicator", "region", "operator", "subject", "period_type"]
    v = _values(df)
    v = v[v["unit"].map(lambda u: u not in RATE_UNITS).astype(bool)]
    y = df[df["measure"] == "yoy_pct"]
    if v.empty or y.empty:
        return out
    cur = v.assign(_end=pd.to_datetime(v["period_end"]))
    prev = cur.assign(_end=cur["_end"] + pd.DateOffset(years=1))
    prev = prev.assign(
        _end=prev["_end"].where(
            ~cur["_end"].dt.is_month_end, prev["_end"].dt.to_period("M").dt.end_time.dt.normalize()
        )
    )
    pair = cur.merge(
        prev[[*keys, "_end", "value", "raw_value", "id"]], on=[*keys, "_end"], suffixes=("", "_prev")
    )
    pair = pair[pair["value_prev"] != 0].drop_duplicates([*keys, "period"])
    stated = y.drop_duplicates([*keys, "period", "value"])
    m = pair.merge(
        stated[[*keys, "period", "value", "raw_value", "id"]], on=[*keys, "period"], suffixes=("", "_yoy")
    )
    for r in m.itertuples():
        derived = (r.value / r.value_prev - 1) * 100
        tol = (
            s.yoy_points
            + 100 * (1 + abs(derived) / 100) * (printed_step(r.raw_value) + printed_step(r.raw_value_prev))
            + 100 * printed_step(r.raw_value_yoy) * abs(r.value_yoy) / 100
        )
        if abs(derived - r.value_yoy) > tol:
            out.append(
                Failure(
                    "stated_yoy",
                    (int(r.id_yoy), int(r.id), int(r.id_prev)),
                    f"同比 {derived:.1f}%（由 {r.raw_value} 与上年同期 {r.raw_value_prev} 计算）",
                    f"同比 {r.raw_value_yoy}%（{r.indicator} {r.region} {r.period}）",
                    f"±{tol:.2f} 个百分点",
                    str(r.document),
                )
            )
    return out


def ytd_order(df: pd.DataFrame, s: CheckSettings = SETTINGS) -> list[Failure]:
    """A flow's year-to-date totals (1–N月) do not decrease as N grows."""
    y = _values(df)
    y = y[(y["period_type"] == "ytd") & y["unit"].map(_additive).astype(bool)]
    if y.empty:
        return []
    keys = ["indicator", "region", "operator", "subject", "unit", "_year"]
    y = y.assign(_end=pd.to_datetime(y["period_end"]))
    y = y.assign(_year=y["_end"].dt.year).sort_values([*keys, "_end"]).drop_duplicates([*keys, "period"])
    prev = y.groupby(keys, sort=False)[["value", "raw_value", "id", "period"]].shift(1)
    y = y.assign(
        prev_value=prev["value"], prev_raw=prev["raw_value"], prev_id=prev["id"], prev_period=prev["period"]
    )
    y = y[y["prev_value"].notna()]
    tol = y["prev_value"] * (s.relative_slack + _steps(y["prev_raw"])) + y["value"] * _steps(y["raw_value"])
    bad = y[y["value"] + tol < y["prev_value"]]
    return [
        Failure(
            "ytd_order",
            (int(r.prev_id), int(r.id)),
            f"{r.period} ≥ {r.prev_period}（{r.prev_raw}）",
            f"{r.raw_value}{r.raw_unit}（{r.indicator} {r.region}）",
            f"±{t:g}",
            str(r.document),
        )
        for r, t in zip(bad.itertuples(), tol[bad.index], strict=True)
    ]


def restated(df: pd.DataFrame, s: CheckSettings = SETTINGS) -> list[Failure]:
    """The same fact stated twice agrees (within the rounding of both printings). A value flagged
    ``approximate`` (a bound such as 「均超过19GB」, or 约…) cannot contradict an exact statement of the same
    fact (「其中西藏高达23.4GB」), so only exact statements are compared."""
    out: list[Failure] = []
    keys = ["indicator", "region", "operator", "subject", "period", "measure", "unit"]
    exact = df[~df["flags"].astype(str).str.contains(APPROXIMATE, regex=False)]
    dup = exact[exact.duplicated(keys, keep=False)]
    for key, g in dup.groupby(keys, sort=False):
        if key[5] in ("rank", "rank_change"):
            continue
        vals = g["value"].astype(float)
        lo, hi = vals.min(), vals.max()
        if lo == hi:
            continue
        tol = max(abs(lo), abs(hi)) * (s.relative_slack + float(_steps(g["raw_value"]).max()) * 2)
        if hi - lo > tol:
            a, b = g.loc[vals.idxmin()], g.loc[vals.idxmax()]
            out.append(
                Failure(
                    "restated",
                    (int(a["id"]), int(b["id"])),
                    f"{a['raw_value']}{a['raw_unit']}（{a['document']} 第{a['page']}页）",
                    f"{b['raw_value']}{b['raw_unit']}（{b['document']} 第{b['page']}页）",
                    f"±{tol:g} {key[6]}",
                    str(b["document"]),
                )
            )
    return out


def value_range(df: pd.DataFrame, s: CheckSettings = SETTINGS) -> list[Failure]:
    """Shares within 0–100, ranks within 1 and the number of regions at that level, rates within reason."""
    out: list[Failure] = []
    share = df[(df["measure"] == "share_pct") & ((df["value"] < 0) | (df["value"] > 100 + s.share_sum_slack))]
    for r in share.itertuples():
        out.append(
            Failure(
                "range",
                (int(r.id),),
                "0–100%",
                f"{r.raw_value}%（{r.indicator} {r.region}）",
                "—",
                str(r.document),
            )
        )
    ranks = df[df["measure"] == "rank"]
    for r in ranks.itertuples():
        top = s.regions_at_level.get(str(r.region_level), 400)
        if not 1 <= r.value <= top:
            out.append(
                Failure(
                    "range",
                    (int(r.id),),
                    f"第1–{top}位",
                    f"第{r.raw_value}位（{r.indicator} {r.region}）",
                    "—",
                    str(r.document),
                )
            )
    rates = _values(df)
    rates = rates[
        rates["unit"].isin(("部/百户", "部/百人", "%"))
        & ((rates["value"] < 0) | (rates["value"] > s.max_rate))
    ]
    for r in rates.itertuples():
        out.append(
            Failure(
                "range",
                (int(r.id),),
                f"0–{s.max_rate:g}{r.unit}",
                f"{r.raw_value}{r.unit}（{r.indicator}）",
                "—",
                str(r.document),
            )
        )
    return out


def magnitude(df: pd.DataFrame, s: CheckSettings = SETTINGS) -> list[Failure]:
    """A value far (≥ 10³) from the median of its indicator, unit and region level: the 万 error."""
    out: list[Failure] = []
    v = _values(df)
    v = v[
        (v["value"] > 0)
        & v["unit"].map(_additive).astype(bool)
        & (v["operator"] == "")
        & (v["subject"] == "")
    ]
    for (ind, unit, level), g in v.groupby(["indicator", "unit", "region_level"], sort=False):
        if len(g) < s.magnitude_min_values or not open_indicator(str(ind)).catalogued:
            continue
        logs = g["value"].map(math.log10)
        median = float(logs.median())
        far = g[(logs - median).abs() >= s.magnitude_decades]
        for r in far.itertuples():
            out.append(
                Failure(
                    "magnitude",
                    (int(r.id),),
                    f"约 10^{median:.1f} {unit}（{ind} 的{level}中位数）",
                    f"{r.raw_value}{r.raw_unit}（{r.region} {r.period}）",
                    f"{s.magnitude_decades:g} 个数量级",
                    str(r.document),
                )
            )
    return out


#: Every check, in the order they run (a check is one function of this table).
CHECKS: dict[str, Callable[[pd.DataFrame, CheckSettings], list[Failure]]] = {
    "parts_total": parts_total,
    "shares_sum": shares_sum,
    "stated_yoy": stated_yoy,
    "ytd_order": ytd_order,
    "restated": restated,
    "range": value_range,
    "magnitude": magnitude,
}


def run_checks(df: pd.DataFrame, settings: CheckSettings = SETTINGS) -> list[Failure]:
    """Every check over the facts (contract columns plus ``id``)."""
    if df.empty:
        return []
    df = df.assign(
        raw_value=df["raw_value"].fillna("").astype(str),
        raw_unit=df["raw_unit"].fillna("").astype(str),
        subject=df["subject"].fillna("").astype(str),
        operator=df["operator"].fillna("").astype(str),
    )
    out: list[Failure] = []
    for check in CHECKS.values():
        out.extend(check(df, settings))
    return out
