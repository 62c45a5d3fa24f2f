"""趋势 — an indicator over time, per region / operator, one chart per unit.

What is drawn is selected first — :func:`offered_measures`, :func:`rows_shown` (each fact once with all
its sources, plus the derived rows of the series shown), :func:`chart_groups` (one chart per unit, series
labels) and :func:`chart_frame` (each point's hover built from its own row) — and ``render`` only draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, common, data, derive, filters, rules, selection
from dashboard.fmt import MEASURE_LABELS, axis_scale, md_escape, period_label

MEASURE_ORDER = ("value", "yoy_pct", "mom_pct", "share_pct", "change")
MAX_SERIES = 10
LEVEL_ORDER = {"national": 0, "macro_region": 1, "province": 2, "city": 3, "county": 4}


#: The columns that decide which series an unfiltered selection shows (:func:`scope_mask`, :func:`view_scope`).
SCOPE_COLUMNS = ["region", "region_level", "operator"]


def scope_mask(df: pd.DataFrame, f: data.Filters) -> tuple[np.ndarray | None, list[str]]:
    """Which rows an unfiltered selection keeps to stay readable — all operators together (when no
    operator is chosen and some rows are the total), the top level of regions (when no region is
    chosen) — as a mask (None: every row), and the notes to show. Reads :data:`SCOPE_COLUMNS` only.

    >>> d = pd.DataFrame({"region": ["全国", "河南省", "全国"], "region_level": ["national", "province", "national"],
    ...     "operator": ["", "", "中国移动"]})
    >>> keep, notes = scope_mask(d, data.Filters())
    >>> keep.tolist(), notes
    ([True, False, False], ['显示各运营商合计；在侧栏选择运营商可分运营商查看。'])
    """
    notes = []
    keep = None
    if not f.operators and df["operator"].nunique() > 1:
        total = (df["operator"] == "").to_numpy()
        if total.any():
            keep = total
            notes.append("显示各运营商合计；在侧栏选择运营商可分运营商查看。")
    if not f.regions:
        levels = _levels(df).to_numpy()
        regions = df["region"] if keep is None else df.loc[keep, "region"]
        if regions.nunique() > 1:
            top = levels.min() if keep is None else levels[keep].min()
            keep = levels == top if keep is None else keep & (levels == top)
    return keep, notes


def default_scope(df: pd.DataFrame, f: data.Filters) -> tuple[pd.DataFrame, list[str]]:
    """Narrow an unfiltered selection to something readable (:func:`scope_mask`); returns the notes to show."""
    keep, notes = scope_mask(df, f)
    return (df if keep is None else df[keep]), notes


def _levels(df: pd.DataFrame) -> pd.Series:
    """Each row's place in LEVEL_ORDER (9 when unknown); a categorical is mapped once per category.

    >>> _levels(pd.DataFrame({"region_level": pd.Categorical(["city", "national", "x"])})).tolist()
    [3.0, 0.0, 9.0]
    """
    col = df["region_level"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        per_category = np.array(
            [LEVEL_ORDER.get(str(c), 9) for c in col.cat.categories] + [9], dtype="float64"
        )
        return pd.Series(per_category[col.cat.codes.to_numpy()], index=df.index)  # code -1 (missing) → 9
    return col.astype(str).map(LEVEL_ORDER).fillna(9)


def cap_series(df: pd.DataFrame, limit: int = MAX_SERIES) -> tuple[pd.DataFrame, int]:
    """Keep the ``limit`` series with the largest latest value; returns (frame, series dropped)."""
    n = df["label"].nunique()
    if n <= limit:
        return df, 0
    latest = df.sort_values("period_end").groupby("label")["value"].last().abs().sort_values(ascending=False)
    keep = set(latest.index[:limit])
    return df[df["label"].isin(keep)], n - limit


def chart_frame(g: pd.DataFrame, unit: str, measure: str) -> tuple[pd.DataFrame, str]:
    """The rows one trend chart plots, each with its own hover text: sorted first, then every column
    computed from the sorted rows, so a point's hover value is always its own (``shown`` is the
    formatted ``value`` of the same row that gives ``y``; ``src`` lists every report stating it).
    Returns the frame and the axis title.

    >>> g = pd.DataFrame({"label": ["北京", "北京"], "value": [631.2e8, 566.5e8], "period": ["2012", "2011"],
    ...     "period_end": pd.to_datetime(["2012-12-31", "2011-12-31"]), "period_start": pd.to_datetime(
    ...     ["2012-01-01", "2011-01-01"]), "period_type": ["year", "year"], "document": ["a", "a"],
    ...     "page": [1, 1], "method": ["import", "import"], "snippet": ["", ""]})
    >>> f, _ = chart_frame(g, "元", "value")
    >>> f[["when", "shown", "src"]].values.tolist()
    [['2011年', '566.5亿元', 'a 第1页'], ['2012年', '631.2亿元', 'a 第1页']]
    """
    div, y_title = axis_scale(g["value"], unit)
    g = g.sort_values(["label", "period_end"]).reset_index(drop=True)
    # whole columns as lists (iterating a text column value by value is slow)
    snippets = g["snippet"].astype(str).tolist() if "snippet" in g else [""] * len(g)
    g = g.assign(
        y=g["value"] / div,
        shown=charts.mark_failed(selection.shown_column(g.assign(measure=measure), unit), g),
        when=g["period"].map(period_label),
        src=charts.plain_all(selection.source_texts(g)),
        series=charts.plain_all(g["label"].tolist()),
        # derived rows say how they were computed (stored rows' provenance is not needed here)
        note=[
            f"<br><i>{charts.plain(t)}</i>" if m == derive.DERIVED else ""
            for t, m in zip(snippets, g["method"].astype(str).tolist(), strict=True)
        ],
        # a number that failed a consistency check says so (charts.CHECK_MARK before its value)
        check=[
            f"<br>{charts.CHECK_NOTE}" if charts.marked("", fl) else ""
            for fl in (g["flags"].astype(str).tolist() if "flags" in g else [""] * len(g))
        ],
        x=charts.x_dates(g),
    )
    return g, y_title


def break_notes(g: pd.DataFrame) -> list[str]:
    """Notes for documented series breaks inside the drawn range of each series (no 同比 across them)."""
    notes = []
    for (ind, region), s in g.groupby(["indicator", "region"], observed=True, sort=False):
        for b in rules.breaks_in(str(ind), str(region), s["period_end"].min(), s["period_end"].max()):
            note = f"注：{ind}序列在 {b.first_period.year} 年有口径变化（{b.note}；{b.source}），不跨此年推算同比。"
            if note not in notes:
                notes.append(note)
    return notes


HOVER = (
    "<b>%{fullData.name}</b><br>%{customdata[2]}：%{customdata[0]}%{customdata[3]}%{customdata[4]}"
    "<br>来源：%{customdata[1]}<extra></extra>"
)


def line_traces(g: pd.DataFrame) -> list[dict]:
    """One line with markers per series of a :func:`chart_frame` (in order of first appearance), each point
    carrying its own hover fields; a derived series（推算） dotted with open markers."""
    colors = charts.color_map(g["series"].unique())

    def look(name: str) -> dict:
        derived = name.endswith("（推算）")
        return {
            "mode": "lines+markers",
            "line": {"color": colors[name], "width": 2.4, "dash": "dot" if derived else "solid"},
            "marker": {"size": 6, "symbol": "circle-open" if derived else "circle"},
        }

    names = [str(n) for n in dict.fromkeys(g["series"].tolist())]
    return charts.series_traces(g, "series", names, HOVER, ["shown", "src", "when", "note", "check"], look)


def chart(g: pd.DataFrame, unit: str, measure: str, key: str, title: str) -> None:
    g, y_title = chart_frame(g, unit, measure)
    traces = line_traces(g)
    labels = charts.end_labels(traces)
    layout = {
        **charts.title_layout(title, y=0.98),
        "margin": {"t": 70, **({"r": 140} if labels else {})},
        "annotations": labels,
        "xaxis": {
            "type": "date",
            "tickformat": "%Y年%-m月" if g["period_type"].eq("month").any() else "%Y年",
        },
    }
    charts.show(charts.figure(traces, layout, y_title=y_title), key=key, filename=title)


@st.cache_data(show_spinner=False, max_entries=32)
def best_indicator(version: tuple, f: data.Filters) -> str:
    """The indicator shown when none is chosen: the best-covered one among the filtered facts."""
    facts = data.facts()
    table = data.month_counts(facts)
    span = data.month_span(f, data.codes(facts, "month")[1])
    if table is not None and span is not None and not (f.indicators or f.regions or f.operators):
        # only a period range (or nothing) chosen: from the frame's rows per indicator and month
        part = table[:, span]
        counts = part.sum(axis=1)
        if counts.any():
            return selection.most_covered(data.codes(facts, "indicator")[1], counts, (part > 0).sum(axis=1))
        return ""
    return selection.default_indicator(
        data.take(facts, data.positions(facts, f), ["indicator", "month"]), f.indicators
    )


#: How each measure is derived from stored values (当月 from cumulative values, 同比, 环比).
DERIVERS = {
    "value": derive.monthly_from_ytd,
    "yoy_pct": lambda d: derive.growth(d, "yoy_pct"),
    "mom_pct": lambda d: derive.growth(d, "mom_pct"),
}
#: (regions, operators) a derivation is restricted to; None: that dimension is not restricted.
Scope = tuple[tuple[str, ...] | None, tuple[str, ...] | None]
EVERYTHING: Scope = (None, None)


@st.cache_resource(show_spinner=False, max_entries=24)
def derived(
    version: tuple, f: data.Filters, inds: tuple[str, ...], measure: str, scope: Scope = EVERYTHING
) -> pd.DataFrame:
    """Derived rows of ``measure`` for the selection, for the series of ``scope`` only.

    Derivation works series by series (and a stated figure only suppresses a derived one of its own
    series), so the rows derived for a subset of regions and operators are exactly the rows the whole
    selection gives for them. Held as one shared frame, never modified by its readers (it is read several
    times a rerun; ``st.cache_data`` would unpickle a copy at each read).
    """
    d = DERIVERS[measure](scoped(f, inds, scope))
    return d.assign(month=d["period_end"].dt.strftime("%Y-%m")) if len(d) else d


#: Whether :data:`DERIVERS` give any row, without building the rows where that is cheaper.
CAN_DERIVE = {
    "value": lambda d: len(derive.monthly_from_ytd(d)) > 0,
    "yoy_pct": lambda d: derive.can_grow(d, "yoy_pct"),
    "mom_pct": lambda d: derive.can_grow(d, "mom_pct"),
}


def scoped(f: data.Filters, inds: tuple[str, ...], scope: Scope) -> pd.DataFrame:
    """The selection's rows (:func:`selected`) of the series of ``scope``."""
    regions, operators = scope
    sel = selected(f, inds)
    if regions is not None:
        sel = sel[data.isin(sel, "region", regions)]
    if operators is not None:
        sel = sel[data.isin(sel, "operator", operators)]
    return sel


@st.cache_data(show_spinner=False, max_entries=64)
def _derives_any(version: tuple, f: data.Filters, inds: tuple[str, ...], measure: str, scope: Scope) -> bool:
    """Whether :func:`derived` gives any row for ``scope`` (:data:`CAN_DERIVE`)."""
    return bool(CAN_DERIVE[measure](scoped(f, inds, scope)))


def selected(f: data.Filters, inds: tuple[str, ...]) -> pd.DataFrame:
    """The facts of the indicators ``inds`` that pass the filters (read-only rows of :func:`data.facts`):
    the rows of those indicators are held per choice of indicators, the other filters apply to them only."""
    return data.select(f, inds)


def derivable(
    version: tuple, f: data.Filters, inds: tuple[str, ...], measure: str, hint: Scope | None
) -> bool:
    """Whether any row of ``measure`` can be derived for the selection: tried on the series of ``hint``
    first (a row derived there is one of the whole selection), on all of them only if that gives none."""
    if hint is not None and hint != EVERYTHING and _derives_any(version, f, inds, measure, hint):
        return True
    return _derives_any(version, f, inds, measure, EVERYTHING)


def view_scope(stated: pd.DataFrame, sources: pd.DataFrame, f: data.Filters) -> Scope | None:
    """The series :func:`default_scope` keeps, when the stated rows alone decide it.

    ``stated`` are the rows of the measure shown, ``sources`` the rows derived ones are computed from
    (a derived row takes its region, level and operator from one of them). Returns the (regions,
    operators) that :func:`default_scope` keeps whatever rows are derived — so only those need
    deriving — or None when derived rows could change its choice.
    """
    regions = operators = None
    s, v = stated, sources
    if not f.operators:
        s_ops, v_ops = set(s["operator"].unique()), set(v["operator"].unique())
        if "" in s_ops and len(s_ops) > 1:  # all operators together are shown, whatever is derived
            operators = ("",)
            s, v = s[s["operator"] == ""], v[v["operator"] == ""]
        elif "" in s_ops | v_ops and len(s_ops | v_ops) > 1:
            return None
    if not f.regions:
        s_levels, v_levels = _levels(s), _levels(v)
        if s["region"].nunique() > 1 and (v.empty or s_levels.min() <= v_levels.min()):
            # the top level shown is the stated rows' own: derive only for regions at that level
            regions = tuple(sorted({str(r) for r in v.loc[v_levels == s_levels.min(), "region"].unique()}))
        elif len(set(s["region"].unique()) | set(v["region"].unique())) > 1:
            return None
    return regions, operators


def first_samples(sources: pd.DataFrame, f: data.Filters) -> list[Scope]:
    """The series derived first to settle which series are shown (:func:`settle_scope`): the top-level
    regions of ``sources`` and three others, all operators together (or the operators chosen); the other
    operators in the top-level regions. ``sources`` must have rows."""
    levels = _levels(sources)
    top = tuple(sorted(str(r) for r in sources.loc[levels == levels.min(), "region"].unique()))
    sample = tuple(
        sorted({*top, *(str(r) for r in sources.loc[levels > levels.min(), "region"].unique()[:3])})
    )
    samples: list[Scope] = [(sample, None)] if f.operators else [(sample, ("",))]
    if not f.operators:
        others = tuple(sorted({str(o) for o in sources["operator"].unique()} - {""}))
        if others:
            samples.append((top, others))
    return samples


def settle_scope(
    version: tuple,
    f: data.Filters,
    inds: tuple[str, ...],
    measure: str,
    stated: pd.DataFrame,
    sources: pd.DataFrame,
) -> tuple[Scope, pd.DataFrame | None, pd.DataFrame | None]:
    """:func:`view_scope`, helped by derived rows where the stated ones do not decide (a measure no report
    states, 环比 say): rows known to be in the chart count like stated ones. They are derived for a few
    series first — the top-level regions and three others, all operators together; the other operators
    in the top-level regions — and for everything only if that still leaves the choice open.

    Returns the scope, the known rows outside it — added to the chart's rows, they make
    :func:`default_scope` decide (and say) what it would with every derived row, and it drops them — and,
    when the series derived first already hold every series of the scope, the derived rows of the scope
    (derivation works series by series, so they are what deriving for the scope gives), else None.
    """
    scope = view_scope(stated, sources, f)
    if scope is not None or sources.empty:
        return scope or EVERYTHING, None, None
    samples = first_samples(sources, f)
    known = [derived(version, f, inds, measure, s) for s in samples]
    cols = SCOPE_COLUMNS
    scope = view_scope(pd.concat([stated[cols], *(k[cols] for k in known)], ignore_index=True), sources, f)
    if scope is None:
        return EVERYTHING, None, None
    regions, operators = scope
    inside = [_in_scope(k, scope) for k in known]
    # outside the scope only which series exist matters (default_scope drops those rows): one row of each
    evidence = pd.concat(
        [k[~keep].drop_duplicates(cols) for k, keep in zip(known, inside, strict=True)], ignore_index=True
    )
    # the first sample holds the scope's every series: its regions, and all operators or the scope's
    first_regions, first_ops = samples[0]
    covered = (
        regions is not None
        and set(regions) <= set(first_regions or ())
        and (first_ops is None or (operators is not None and set(operators) <= set(first_ops)))
    )
    mine = pd.concat([k[keep] for k, keep in zip(known, inside, strict=True)], ignore_index=True)
    return scope, evidence, mine if covered else None


def _in_scope(df: pd.DataFrame, scope: Scope) -> np.ndarray:
    """Which rows belong to the series of ``scope``."""
    regions, operators = scope
    inside = np.ones(len(df), dtype=bool)
    if regions is not None:
        inside &= data.isin(df, "region", regions)
    if operators is not None:
        inside &= data.isin(df, "operator", operators)
    return inside


def chart_groups(sel: pd.DataFrame, measure: str) -> list[tuple[str, pd.DataFrame, str, int]]:
    """The charts a selection makes, one per unit: (unit, rows with their series ``label``, title, series
    left out by :func:`cap_series`). Labels keep the region, operator and subject that tell series apart,
    the indicator when several share a chart, and 推算 for derived rows.

    >>> d = pd.DataFrame({"indicator": ["a", "a"], "region": ["全国", "全国"], "operator": "", "subject": "",
    ...     "period_type": "year", "unit": "户", "method": ["table", "derived"], "value": [1.0, 2.0],
    ...     "period_end": pd.to_datetime(["2019-12-31", "2020-12-31"])})
    >>> [(u, list(g["label"]), t) for u, g, t, _ in chart_groups(d, "value")]
    [('户', ['全国', '全国（推算）'], 'a（数值）')]
    """
    out = []
    for unit, g in sel.groupby("unit", sort=False, observed=True):
        base = common.series_label(g, period_type=True)
        label = g["indicator"].astype(str) + " · " + base if g["indicator"].nunique() > 1 else base
        label = label.where(g["method"].astype(str) != derive.DERIVED, label + "（推算）")
        g, dropped = cap_series(g.assign(label=label))
        title = f"{'、'.join(dict.fromkeys(g['indicator'].astype(str)))}（{MEASURE_LABELS[measure]}）"
        out.append((str(unit), g, title, dropped))
    return out


def single_period(g: pd.DataFrame, unit: str, measure: str, title: str) -> None:
    """One period only: the value of each series as a card, as printed."""
    st.subheader(md_escape(title))
    st.caption("只有一期数据：趋势需要更多期的报告。当前数值：")
    last = g.sort_values("period_end").groupby("label", sort=False).tail(1)
    cols = st.columns(min(4, max(1, len(last))))
    for j, (r, text) in enumerate(
        zip(
            last.to_dict("records"),
            charts.mark_failed(selection.shown_column(last.assign(measure=measure), unit), last),
            strict=True,
        )
    ):
        cols[j % len(cols)].metric(md_escape(f"{r['label']}（{period_label(r['period'])}）"), text)


def measure_control(top: list, present: list[str]) -> str:
    """The 口径 switch (数值 / 同比 / 环比 …), bound to the URL key ``measure``."""
    with top[0]:
        if len(present) > 1:
            return (
                filters.bind(
                    st.segmented_control,
                    "口径",
                    present,
                    "t_measure",
                    "measure",
                    "value",
                    format_func=MEASURE_LABELS.get,
                    selection_mode="single",
                )
                or "value"
            )
        filters.page_state("t_measure", present, "value", qp="measure")
        st.session_state["t_measure"] = present[0]
        filters.remember("t_measure", qp="measure")
        return present[0]


def rows_shown(
    version: tuple,
    f: data.Filters,
    inds: tuple[str, ...],
    sel: pd.DataFrame,
    measure: str,
    with_derived: bool,
) -> tuple[pd.DataFrame, list[str]]:
    """The rows the charts draw for ``measure``: each fact once (with all its sources), the derived
    rows of the series shown, narrowed by :func:`default_scope` (whose notes are returned).

    Which series are shown is decided first, on :data:`SCOPE_COLUMNS` of every row (stated, derived and
    the evidence of :func:`settle_scope`); only the stated rows of those series are then deduplicated —
    a fact's key holds its region and operator, so that is each shown fact once, as deduplicating every
    row and narrowing after would give."""
    at = np.flatnonzero((sel["measure"] == measure).to_numpy())  # the stated rows, copied once narrowed
    parts = [sel[SCOPE_COLUMNS].take(at)]
    if with_derived and measure in DERIVERS:
        sources = sel.loc[(sel["measure"] == "value").to_numpy(), SCOPE_COLUMNS]
        scope, evidence, known = settle_scope(version, f, inds, measure, parts[0], sources)
        mine = known if known is not None else derived(version, f, inds, measure, scope)
        parts += [d for d in (mine, evidence) if d is not None and len(d)]
    light = pd.concat([p[SCOPE_COLUMNS] for p in parts], ignore_index=True) if len(parts) > 1 else parts[0]
    keep, notes = scope_mask(light, f)
    if keep is not None:
        ends = np.cumsum([len(p) for p in parts])
        at = at[keep[: len(at)]]
        parts = [p[keep[end - len(p) : end]] for p, end in zip(parts[1:], ends[1:], strict=True)]
    else:
        parts = parts[1:]
    # derived rows give their columns even when none of them is kept
    rows = [selection.dedupe(sel.take(at)), *parts]
    return (pd.concat(rows, ignore_index=True) if len(rows) > 1 else rows[0]), notes


def render() -> None:
    if not common.has_data():
        return
    f = filters.current()
    st.title("趋势")
    if not data.has_rows(data.facts(), f):
        st.warning("当前筛选条件下没有数据，请放宽侧栏中的筛选。")
        return
    version = data.run_version()
    inds = tuple(f.indicators) or (best_indicator(version, f),)
    if not f.indicators:
        st.caption(f"未选择指标，显示数据期数最多的指标「{md_escape(inds[0])}」。在侧栏可选择多个指标对比。")
    sel = selected(f, inds)
    if "t_derive" not in st.session_state:
        st.session_state["t_derive"] = st.query_params.get("derive", "1") != "0"
    top = st.columns([4, 1.4], vertical_alignment="bottom")
    with_derived = top[1].toggle("含推算值", key="t_derive", help=DERIVE_HELP)
    filters.set_param("derive", "" if with_derived else "0")
    present = offered_measures(version, f, inds, sel, with_derived)
    if not present:
        st.info("所选指标只有排名类数据，请在「地区」或「数据」页查看。")
        return
    measure = measure_control(top, present)
    rows, notes = rows_shown(version, f, inds, sel, measure, with_derived)
    for n in notes:
        st.caption(n)
    for i, (unit, g, title, dropped) in enumerate(chart_groups(rows, measure)):
        g = selection.with_printed(g, lambda d: data.provenance(d, ("raw_value", "raw_unit", "snippet")))
        with st.container(border=True, key=f"trend_{i}"):
            if g["month"].nunique() < 2:
                single_period(g, unit, measure, title)
            else:
                chart(g, unit, measure, key=f"trend_chart_{i}", title=title)
            for note in break_notes(g):
                st.caption(md_escape(note))
            if dropped:
                st.caption(
                    f"另有 {dropped} 条序列未显示（按最新值保留前 {MAX_SERIES} 条）；可在侧栏选择地区。"
                )
            charts.source_line(g, key=f"trend_{i}")


DERIVE_HELP = (
    "当月由 1–N 月累计值相减（N月 = 1–N月 − 1–(N−1)月），同比/环比由前期数值计算。"
    "只在报告未给出该数字时推算；推算值以虚线显示，图例标注「推算」。"
)


def offered_measures(
    version: tuple,
    f: data.Filters,
    inds: tuple[str, ...],
    sel: pd.DataFrame,
    with_derived: bool,
) -> list[str]:
    """The measures the 口径 switch offers: those stated, and those derivable for the series shown."""
    have = set(sel["measure"].unique())
    if with_derived:
        # every derived figure is computed from stored values: asked first of the series the chart derives
        # first for a measure no report states (the top-level regions), which usually settles it
        sources = sel.loc[sel["measure"] == "value", SCOPE_COLUMNS]
        hint = first_samples(sources, f)[0] if len(sources) else None
        have |= {m for m in DERIVERS if m not in have and derivable(version, f, inds, m, hint)}
    return [m for m in MEASURE_ORDER if m in have]


if __name__ == "__main__":
    render()
