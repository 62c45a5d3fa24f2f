"""What every page selects before it draws: pure functions from fact frames to the rows shown.

* :func:`dedupe` — one row per fact: a figure stated by several reports (or by the text and a table
  of one report) is drawn once, and its ``sources`` list every report and page that states it.
* :func:`latest_row` — the latest value of an indicator for a region (the 概览 card, the 运营商 cards).
* :func:`default_indicator` — the indicator a one-indicator view shows when none is chosen (on the
  categoricals' codes, :func:`best_covered`: a count per indicator and a table of indicator × month).
* :func:`year_change` — 同比 derived for one figure by the rules of :mod:`dashboard.rules`.
* :func:`shown` — a number as the report printed it, with its qualifier (超过3亿户).
* :func:`source_text` — the sources of a row as one line (报告 第N页；报告2 第M页).

No Streamlit here: each function takes frames (and choices) and returns frames or values, so the
pages' logic is tested with plain pytest on small hand-made frames (tests/test_dashboard_select.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import rules
from .fmt import SCALE_ONLY, fmt_printed, fmt_value, unit_label

#: What makes a fact one fact: the same series, period and measure.
FACT_KEYS = ["indicator", "region", "operator", "subject", "period", "measure"]

Provenance = Callable[[pd.DataFrame], pd.DataFrame]


def dedupe(df: pd.DataFrame) -> pd.DataFrame:
    """One row per fact (:data:`FACT_KEYS`): the latest stored (highest id) wins. Where other rows state the
    same value, ``sources`` holds every (document, page) stating it, the kept row's first; elsewhere it is
    None (the row's own document and page are its only source — see :func:`source_text`).

    >>> d = pd.DataFrame({"indicator": "a", "region": "r", "operator": "", "subject": "", "period": "2020",
    ...                   "measure": "value", "id": [1, 2, 3], "value": [5.0, 5.0, 6.0],
    ...                   "document": ["x.pdf", "y.pdf", "z.pdf"], "page": [3, 1, 2]})
    >>> one = dedupe(d.iloc[:2])
    >>> one["id"].tolist(), one["sources"].tolist()
    ([2], [(('y.pdf', 1), ('x.pdf', 3))])
    >>> dedupe(d)["sources"].tolist()  # a different value is another statement, not a source of this one
    [None]
    """
    if df.empty:
        return df.assign(sources=pd.Series(dtype=object))
    # rows of the shared frame are in id order already: sorting them again is a copy for nothing
    d = df if df["id"].is_monotonic_increasing else df.sort_values("id", kind="stable")
    # one pass over the keys finds the facts stated more than once; which of them is last is asked of
    # those rows only (usually a few)
    group = d.groupby(FACT_KEYS, observed=True, sort=False, dropna=False).ngroup().to_numpy()
    dup = np.bincount(group)[group] > 1
    last = np.ones(len(d), dtype=bool)
    if dup.any():
        last[dup] = ~d[dup].duplicated(FACT_KEYS, keep="last").to_numpy()
    kept = d[last].assign(sources=pd.Series([None] * int(last.sum()), index=d.index[last], dtype=object))
    if not dup.any():
        return kept
    # only the facts stated more than once: the others keep sources = None
    mine = _text_keys(d[dup & last][FACT_KEYS + ["value", "document", "page"]])
    extra = _text_keys(d[dup & ~last][FACT_KEYS + ["value", "document", "page"]]).merge(
        mine[FACT_KEYS + ["value"]].rename(columns={"value": "_kept"}), on=FACT_KEYS, how="left"
    )
    same = np.isclose(extra["value"].to_numpy(float), extra["_kept"].to_numpy(float), rtol=1e-9, atol=0.0)
    extra = extra[same]
    more: dict[tuple, list[tuple[str, int]]] = {}
    for key, doc, page in zip(
        extra[FACT_KEYS].itertuples(index=False, name=None), extra["document"], extra["page"], strict=True
    ):
        more.setdefault(key, []).append((str(doc), int(page)))
    if more:
        keys = mine[FACT_KEYS].itertuples(index=False, name=None)
        both = [
            tuple(dict.fromkeys(((doc, int(p)), *reversed(more[k])))) if k in more else None
            for k, doc, p in zip(keys, mine["document"], mine["page"], strict=True)
        ]
        kept.loc[d.index[dup & last], "sources"] = pd.Series(both, index=d.index[dup & last], dtype=object)
    return kept


def _text_keys(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in FACT_KEYS:
        out[c] = out[c].astype(str)
    return out


def source_texts(df: pd.DataFrame) -> list[str]:
    """:func:`source_text` for every row of ``df`` (its ``sources`` when it has them, ``document``, ``page``),
    each distinct combination formatted once.

    >>> source_texts(pd.DataFrame({"document": ["a.pdf", "a.pdf"], "page": [2, 2],
    ...                            "sources": [None, (("a.pdf", 2), ("b.pdf", 1))]}))
    ['a.pdf 第2页', 'a.pdf 第2页；b.pdf 第1页']
    """
    n = len(df)
    docs = df["document"].to_numpy(dtype=object).tolist()  # whole columns at once, not value by value
    pages = df["page"].tolist()
    sources = df["sources"].tolist() if "sources" in df else [None] * n
    made: dict[tuple[object, object, object], str] = {}
    out = []
    for s, d, p in zip(sources, docs, pages, strict=True):
        key = (tuple(s) if isinstance(s, tuple | list) and len(s) else None, d, p)
        text = made.get(key)
        if text is None:
            text = made[key] = source_text(key[0], str(d), int(p))
        out.append(text)
    return out


def source_text(sources: object, document: str = "", page: int = 0) -> str:
    """The sources of one row as a line: 报告 第N页；报告2 第M页 (pages of one report together).

    >>> source_text((("a.pdf", 3), ("b.pdf", 1), ("a.pdf", 5)))
    'a.pdf 第3、5页；b.pdf 第1页'
    >>> source_text(None, "a.pdf", 2)
    'a.pdf 第2页'
    """
    pairs = list(sources) if isinstance(sources, tuple | list) and len(sources) else [(document, page)]
    pages: dict[str, list[int]] = {}
    for doc, p in pairs:
        pages.setdefault(str(doc), [])
        if int(p) not in pages[str(doc)]:
            pages[str(doc)].append(int(p))
    return "；".join(f"{doc} 第{'、'.join(str(p) for p in ps)}页" for doc, ps in pages.items())


def latest_row(g: pd.DataFrame, kind: str) -> pd.Series:
    """The latest value among one indicator's rows for one region: the latest period end; on a tie,
    a flow's year-to-date total (the report's headline) and a stock's month. The one place every page
    asks for "the latest value of an indicator for a region".

    >>> g = pd.DataFrame({"period": ["2016", "2020-08"], "period_type": ["year", "month"],
    ...                   "period_end": pd.to_datetime(["2016-12-31", "2020-08-31"])})
    >>> latest_row(g, "stock")["period"]
    '2020-08'
    """
    preferred = "ytd" if kind == "flow" else "month"
    end = g["period_end"].to_numpy()
    if end.dtype.kind != "M":
        order = g.assign(_pref=(g["period_type"].astype(str) == preferred).astype(int))
        return order.sort_values(["period_end", "_pref"], kind="stable").iloc[-1]
    # the last row of a stable sort on (period_end, preferred), a missing end (NaT) last, as pandas sorts
    ends = end.view("int64")
    ends = np.where(np.isnat(end), np.iinfo("int64").max, ends)
    types = g["period_type"]
    if isinstance(types.dtype, pd.CategoricalDtype):  # compared on the codes (no text column built)
        pref = types.cat.codes.to_numpy() == types.cat.categories.get_indexer([preferred])[0]
        pref &= types.cat.codes.to_numpy() >= 0
    else:
        pref = (types.astype(str) == preferred).to_numpy()
    return g.iloc[int(np.lexsort((np.arange(len(g)), pref, ends))[-1])]


def default_indicator(
    df: pd.DataFrame, chosen: tuple[str, ...] = (), offered: list[str] | None = None
) -> str:
    """The indicator a one-indicator view shows: the first chosen one that is offered, else the one with
    the most periods (then the most facts) among ``df`` (rows with ``indicator`` and ``month``).

    >>> d = pd.DataFrame({"indicator": ["a", "b", "b", "a"], "month": ["2020-01", "2020-01", "2020-02", "2020-01"]})
    >>> default_indicator(d), default_indicator(d, ("a",)), default_indicator(d, ("c",), ["a", "b"])
    ('b', 'a', 'b')
    """
    for i in chosen:
        if offered is None or i in offered:
            return i
    fast = _best_covered(df, offered)
    if fast is not None:
        return fast
    if offered is not None:
        df = df[df["indicator"].isin(offered)]
    if df.empty:
        return offered[0] if offered else ""
    periods = df.groupby("indicator", observed=True)["month"].nunique()
    counts = df.groupby("indicator", observed=True).size()
    candidates = [i for i in offered if i in periods.index] if offered is not None else list(periods.index)
    return str(max(candidates, key=lambda i: (int(periods[i]), int(counts[i]))))


def _best_covered(df: pd.DataFrame, offered: list[str] | None) -> str | None:
    """:func:`default_indicator`'s choice computed on the categoricals' codes; None when ``indicator`` and
    ``month`` are not both categoricals (then pandas decides)."""
    ind, month = df["indicator"], df["month"]
    if not (isinstance(ind.dtype, pd.CategoricalDtype) and isinstance(month.dtype, pd.CategoricalDtype)):
        return None
    return best_covered(
        ind.cat.codes.to_numpy(),
        ind.cat.categories,
        month.cat.codes.to_numpy(),
        len(month.cat.categories),
        offered,
    )


def best_covered(
    ind_codes: np.ndarray,
    categories: pd.Index,
    month_codes: np.ndarray,
    months: int,
    offered: list[str] | None = None,
) -> str | None:
    """:func:`default_indicator` (nothing chosen) for rows given as the codes of their indicator (of
    ``categories``) and month (of ``months`` categories): a count per indicator and a table of indicator ×
    month seen, instead of grouping rows. None when a code is missing (-1): then pandas decides.

    >>> best_covered(np.array([0, 1, 1, 0]), pd.Index(["a", "b"]), np.array([0, 0, 1, 0]), 2)
    'b'
    """
    ic, mc = ind_codes, month_codes
    if offered is not None:
        keep = category_slots(categories, offered)[ic]
        ic, mc = ic[keep], mc[keep]
    if not len(ic):
        return offered[0] if offered else ""
    if (ic < 0).any() or (mc < 0).any():
        return None
    counts, periods = coverage(ic, len(categories), mc, months)
    return most_covered(categories, counts, periods, offered)


def category_slots(categories: pd.Index, values: Iterable[str] | None) -> np.ndarray:
    """Which categories are among ``values``, with a last slot for a missing value (code -1): index it with
    a categorical's codes to get the rows among ``values``, or use it along an axis of
    :func:`dashboard.data.cross_counts`. Every slot, the missing value's too, when ``values`` is None.

    >>> category_slots(pd.Index(["a", "b"]), ("b", "z")).tolist(), category_slots(pd.Index(["a"]), None).tolist()
    ([False, True, False], [True, True])
    """
    if values is None:
        return np.ones(len(categories) + 1, dtype=bool)
    keep = np.zeros(len(categories) + 1, dtype=bool)
    got = categories.get_indexer(list(values))
    keep[got[got >= 0]] = True
    return keep


def coverage(
    ind_codes: np.ndarray, indicators: int, month_codes: np.ndarray, months: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per indicator code (codes 0 … ``indicators`` − 1, none missing): its rows and its distinct months."""
    counts = np.bincount(ind_codes, minlength=indicators)
    seen = np.zeros(indicators * months, dtype=bool)
    seen[ind_codes.astype(np.int64) * months + month_codes] = True
    return counts, seen.reshape(indicators, months).sum(axis=1)


def most_covered(
    categories: pd.Index, counts: np.ndarray, periods: np.ndarray, offered: list[str] | None = None
) -> str:
    """Of the indicators with rows (among ``offered``, in its order; else in category order), the first
    with the most periods, then the most rows — as :func:`default_indicator` picks."""
    if offered is not None:
        where = {str(c): i for i, c in enumerate(categories)}
        candidates = [where[i] for i in offered if i in where and counts[where[i]]]
    else:
        candidates = np.flatnonzero(counts).tolist()
    best = max(candidates, key=lambda c: (int(periods[c]), int(counts[c])))
    return str(categories[best])


def year_change(hist: pd.DataFrame, last: pd.Series, unit: str) -> tuple[float | None, str, str]:
    """The derived change on a year earlier: (value, unit, note). A relative % for quantities; the
    difference in points (pp) for % rates; nothing for other rates, or across a documented break.

    >>> h = pd.DataFrame({"value": [39.2, 43.4], "period_end": pd.to_datetime(["2019-12-31", "2020-12-31"])})
    >>> year_change(h, h.iloc[-1], "%")
    (4.2, 'pp', '')
    >>> h2 = h.assign(value=[90.0, 99.0])
    >>> year_change(h2, h2.iloc[-1], "部/百户"), year_change(h2, h2.iloc[-1], "户")[:2]
    ((None, '', ''), (10.000000000000009, '%'))
    """
    prev_end = last["period_end"] - pd.DateOffset(years=1)
    prev = hist[(hist["period_end"] - prev_end).abs() <= YEAR_SLACK]
    if prev.empty:
        return None, "", ""
    before = prev.iloc[-1]
    return change_on(
        float(last["value"]),
        last["period_end"],
        float(before["value"]),
        before["period_end"],
        str(last.get("indicator", "")),
        str(last.get("region", "")),
        unit,
    )


#: How far from exactly a year earlier a period's end may lie and still be "the same period a year before".
YEAR_SLACK = pd.Timedelta(days=3)


def change_on(
    value: float,
    end: pd.Timestamp,
    before: float,
    before_end: pd.Timestamp,
    indicator: str,
    region: str,
    unit: str,
) -> tuple[float | None, str, str]:
    """:func:`year_change` once the figure a year before is found: (value, unit, note).

    >>> change_on(43.4, pd.Timestamp("2020-12-31"), 39.2, pd.Timestamp("2019-12-31"), "a", "全国", "%")
    (4.2, 'pp', '')
    """
    note = rules.break_between(indicator, region, before_end, end)
    if note:
        return None, "", note
    if rules.is_rate(unit):
        return (round(value - before, 6), "pp", "") if unit == "%" else (None, "", "")
    if not before:
        return None, "", ""
    return (value / before - 1) * 100, "%", ""


@dataclass(frozen=True)
class Latest:
    """The latest row of each group of a frame (:func:`latest_by`): positions into the frame."""

    names: list[str]  #: each group's value of the grouping column, in order of first appearance
    rows: np.ndarray  #: each group's latest row (:func:`latest_row`)
    history: list[np.ndarray]  #: each group's rows of its latest row's period type, by period end
    periods: np.ndarray  #: each group's number of distinct months (column ``month``)


def latest_by(df: pd.DataFrame, by: str, kind: Callable[[str], str]) -> Latest:
    """:func:`latest_row` for every group of ``df`` by column ``by`` at once (``kind`` gives a group's
    indicator kind), with the group's history of the same period type — one sort of the whole frame
    instead of a frame per group. Groups without a value of ``by`` are left out, as by ``groupby``.

    >>> g = pd.DataFrame({"indicator": ["b", "a", "b", "b"], "period": ["2020", "2020-08", "2020-08", "2019"],
    ...     "period_type": ["year", "month", "month", "year"], "month": ["2020-12", "2020-08", "2020-08", "2019-12"],
    ...     "period_end": pd.to_datetime(["2020-12-31", "2020-08-31", "2020-08-31", "2019-12-31"])})
    >>> got = latest_by(g, "indicator", lambda i: "stock")
    >>> got.names, got.rows.tolist(), [h.tolist() for h in got.history], got.periods.tolist()
    (['b', 'a'], [0, 1], [[3, 0], [1]], [3, 1])
    """
    n = len(df)
    codes, uniques = pd.factorize(df[by], sort=False)
    groups = len(uniques)
    names = [str(u) for u in uniques]
    types, type_names = pd.factorize(df["period_type"], sort=False)
    preferred = type_names.get_indexer(["ytd" if kind(name) == "flow" else "month" for name in names])
    present = codes >= 0
    pref = present & (types >= 0) & (types == preferred[np.where(present, codes, 0)])
    end = pd.to_datetime(df["period_end"]).to_numpy()
    ends = np.where(np.isnat(end), np.iinfo("int64").max, end.view("int64"))
    pos = np.arange(n)
    # the latest of a group: the last of its block in a stable sort on (group, period end, preferred)
    order = np.lexsort((pos, pref, ends, codes))
    block_last = np.flatnonzero(np.r_[codes[order][1:] != codes[order][:-1], True])
    block_last = block_last[codes[order][block_last] >= 0]
    rows = order[block_last]
    # its history: the group's rows of the latest row's period type, by period end (stable)
    last_type = types[rows]
    in_hist = present & (types >= 0) & (types == last_type[np.where(present, codes, 0)])
    sel = np.flatnonzero(in_hist)
    sel = sel[np.lexsort((ends[sel], codes[sel]))]
    bounds = np.searchsorted(codes[sel], np.arange(groups + 1))
    history = [sel[bounds[g] : bounds[g + 1]] for g in range(groups)]
    months, _ = pd.factorize(df["month"], sort=False)
    both = present & (months >= 0)
    pairs = np.unique(codes[both].astype(np.int64) * (int(months.max(initial=0)) + 1) + months[both])
    periods = np.bincount(pairs // (int(months.max(initial=0)) + 1), minlength=groups)
    return Latest(names, rows, history, periods)


def year_before(
    values: np.ndarray, ends: np.ndarray, hist: np.ndarray, last: int
) -> tuple[float, pd.Timestamp] | None:
    """The value (and its period end) a year before row ``last`` among the rows ``hist`` (by period end), as
    :func:`year_change` finds it; None when there is none. ``ends`` are datetime64 values.

    >>> ends = pd.to_datetime(["2019-12-31", "2020-06-30", "2020-12-31"]).to_numpy()
    >>> year_before(np.array([1.0, 2.0, 3.0]), ends, np.array([0, 1, 2]), 2)
    (1.0, Timestamp('2019-12-31 00:00:00'))
    """
    end = ends[last]
    if np.isnat(end):
        return None
    prev_end = (pd.Timestamp(end) - pd.DateOffset(years=1)).to_datetime64()
    h_ends = ends[hist]
    near = ~np.isnat(h_ends) & (np.abs(h_ends - prev_end) <= YEAR_SLACK.to_timedelta64())
    if not near.any():
        return None
    i = int(hist[np.flatnonzero(near)[-1]])
    return float(values[i]), pd.Timestamp(ends[i])


def shown(
    value: float,
    unit: str,
    measure: str = "value",
    snippet: str = "",
    raw_value: str = "",
    raw_unit: str = "",
) -> str:
    """A value as the report printed it, with its qualifier (超过3亿户, 约1.2亿户, 8643.5万户).

    >>> shown(3e8, "户", "value", "IPTV用户超过3亿户", "3", "亿户"), shown(5.2, "%", "yoy_pct")
    ('超过3亿户', '+5.2%')
    """
    before, after = rules.qualifier(snippet, raw_value, raw_unit)
    return before + fmt_printed(raw_value, raw_unit, value, unit, measure) + after


def shown_column(df: pd.DataFrame, unit: str | None = None) -> list[str]:
    """:func:`shown` for every row of ``df`` (its own unit and measure unless ``unit`` is given), a column
    at a time: rows without printed text (derived, or not fetched) are formatted from the value, and the
    qualifier is looked for only in snippets holding a qualifier word.

    >>> d = pd.DataFrame({"value": [3e8, 5.0, 2.07e8, 1.5], "unit": ["户", "%", "户", "%"],
    ...                   "measure": ["value", "value", "value", "yoy_pct"], "raw_value": ["3", "", "2.07", "1.5"],
    ...                   "raw_unit": ["亿户", "", "亿", "%"], "snippet": ["超过3亿户", "", "约2.07亿", "增长1.5%"]})
    >>> shown_column(d)
    ['超过3亿户', '5%', '约2.07亿户', '+1.5%']
    """
    n = len(df)
    if not n:
        return []

    def col(name: str, default: str = "") -> np.ndarray:  # plain Python strings, '' for missing
        if name not in df:
            return np.full(n, default, dtype=object)
        return np.array(["" if v is None or v != v else str(v) for v in df[name].tolist()], dtype=object)

    units = np.full(n, unit, dtype=object) if unit is not None else col("unit")
    measures = np.array([m or "value" for m in col("measure", "value").tolist()], dtype=object)
    rv = np.array([v.strip() for v in col("raw_value").tolist()], dtype=object)
    ru = np.array([u.strip() for u in col("raw_unit").tolist()], dtype=object)
    printed = (measures == "value") & (rv != "") & (ru != "")
    labels = {u: unit_label(u) for u in {*units.tolist(), *ru.tolist()}}
    unit_labels = np.array([labels[u] for u in units.tolist()], dtype=object)
    raw_labels = np.array([labels[u] for u in ru.tolist()], dtype=object)
    scale_only = np.array([u in SCALE_ONLY for u in ru.tolist()], dtype=bool)
    out = np.where(printed, np.where(scale_only, rv + ru + unit_labels, rv + raw_labels), "").astype(object)
    values = df["value"].to_numpy()
    for i in np.flatnonzero(~printed).tolist():
        out[i] = fmt_value(values[i], units[i], measures[i])
    if (rv != "").any():
        snippets = col("snippet")
        for i in np.flatnonzero(rv != "").tolist():
            if _QUALIFIER_WORD.search(snippets[i]):
                before, after = rules.qualifier(snippets[i], rv[i], ru[i])
                out[i] = before + out[i] + after
    return out.tolist()


_QUALIFIER_WORD = re.compile(rules.QUALIFIER_PATTERN)


def printed_text(raw_value: object, raw_unit: object) -> str:
    """The raw value and unit as printed, for the 原值 column (8643.5 万户).

    >>> printed_text("8643.5", "万户"), printed_text("43.4", "%"), printed_text("", "")
    ('8643.5 万户', '43.4 %', '')
    """
    v, u = ("" if x is None or x != x else str(x).strip() for x in (raw_value, raw_unit))  # x != x: NaN
    return f"{v} {u}".strip() if v else ""


def printed_column(raw_values: pd.Series, raw_units: pd.Series) -> list[str]:
    """:func:`printed_text` for whole columns.

    >>> printed_column(pd.Series(["8643.5", "", "3"]), pd.Series(["万户", "万户", None]))
    ['8643.5 万户', '', '3']
    """
    return [printed_text(v, u) for v, u in zip(raw_values.tolist(), raw_units.tolist(), strict=True)]


def with_printed(g: pd.DataFrame, provenance: Provenance) -> pd.DataFrame:
    """The rows a page shows with the printed value, unit and snippet of each stated row (``provenance``
    fetches them by id; derived rows keep their own explanation and have no printed value)."""
    cols = ["raw_value", "raw_unit", "snippet"]
    stated = (g["method"].astype(str) != "derived").to_numpy()
    base = g.drop(columns=[c for c in cols if c in g.columns])
    if stated.all():
        return provenance(base)
    out = {
        c: (
            np.array(g[c].astype(object).where(g[c].notna(), "").tolist(), dtype=object)
            if c in g
            else np.full(len(g), "", dtype=object)
        )
        for c in cols
    }
    if stated.any():
        fetched = provenance(base[stated])
        for c in cols:
            out[c][stated] = fetched[c].to_numpy()
    return base.assign(**out)
