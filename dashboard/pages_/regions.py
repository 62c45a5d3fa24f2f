"""地区 — one indicator at one period across regions: a ranked bar chart and a choropleth map.

The selection (which facts, which period, the numbers as printed) is done by pure functions —
:func:`scope_rows`, :func:`period_choices`, :func:`ranking` — and ``render`` only draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, common, data, filters, geo, selection
from dashboard.fmt import LEVEL_LABELS, MEASURE_LABELS, axis_scale, md_escape, operator_label, period_label

MEASURES = ("value", "yoy_pct", "share_pct", "rank", "mom_pct", "change")
#: Sequential blues that stay visible on white at the low end.
BLUES = [[0.0, "#D2E3F3"], [0.5, "#6AAED6"], [1.0, "#08306B"]]
BLUES_R = [[0.0, "#08306B"], [0.5, "#6AAED6"], [1.0, "#D2E3F3"]]
LEVELS = ("province", "city")


def ranking(
    df: pd.DataFrame,
    indicator: str,
    measure: str,
    level: str,
    period: str,
    operator: str = "",
    provenance: selection.Provenance | None = None,
) -> pd.DataFrame:
    """One row per region, best first (rank ascending, anything else descending), each fact once with
    all its sources, and ``shown``: the value as printed with its qualifier (``provenance`` fetches the
    printed text when ``df`` does not carry it).

    >>> d = pd.DataFrame({"indicator": "x", "measure": "value", "region_level": "province", "period": "2016",
    ...     "operator": "", "subject": "", "region": ["甲", "乙", "乙"], "id": [1, 2, 3], "value": [5e4, 8e4, 8e4],
    ...     "unit": "人", "document": ["a", "a", "b"], "page": 1, "raw_value": ["5", "8", "8.0"],
    ...     "raw_unit": "万人", "snippet": ["约5万人", "8万人", "8.0万人"]})
    >>> ranking(d, "x", "value", "province", "2016")[["region", "shown"]].values.tolist()
    [['乙', '8.0万人'], ['甲', '约5万人']]
    """
    g = df[
        (df["indicator"] == indicator)
        & (df["measure"] == measure)
        & (df["region_level"] == level)
        & (df["period"] == period)
        & (df["operator"] == operator)
        & (df["subject"] == "")
    ]
    g = selection.dedupe(g).sort_values("value", ascending=(measure == "rank")).reset_index(drop=True)
    if provenance is not None and len(g):
        g = selection.with_printed(g, provenance)
    return g.assign(
        shown=charts.mark_failed(selection.shown_column(g), g) if len(g) else pd.Series(dtype=object)
    )


def default_period(df: pd.DataFrame) -> str:
    """The latest period that covers at least half as many regions as the best-covered one."""
    counts = (
        df.groupby(["period", "period_end"], observed=True)
        .size()
        .reset_index(name="n")
        .sort_values("period_end")
    )
    if counts.empty:
        return ""
    good = counts[counts["n"] >= max(1, counts["n"].max() * 0.5)]
    return str(good.iloc[-1]["period"])


def period_choices(d: pd.DataFrame, f: data.Filters) -> tuple[pd.DataFrame, list[str], str]:
    """The rows and periods (latest first) offered for the sidebar's period range, and a note when
    nothing falls in that range: then every period is offered, and the page says so.

    >>> d = pd.DataFrame({"period": ["2015", "2016"], "period_end": pd.to_datetime(["2015-12-31", "2016-12-31"]),
    ...                   "month": ["2015-12", "2016-12"]})
    >>> period_choices(d, data.Filters(start="2020-01"))[1:]
    (['2016', '2015'], '侧栏所选期间（2020年1月起）内没有这一指标的地区数据：以下为其全部期间。')
    >>> period_choices(d, data.Filters(start="2016-01"))[1:]
    (['2016'], '')
    """
    note = ""
    if f.start or f.end:
        inside = data.apply(d, f, indicators=False, regions=False, operators=False)
        if inside.empty and len(d):
            span = (
                f"{period_label(f.start)}至{period_label(f.end)}"
                if f.start and f.end
                else f"{period_label(f.start)}起"
                if f.start
                else f"至{period_label(f.end)}"
            )
            note = f"侧栏所选期间（{span}）内没有这一指标的地区数据：以下为其全部期间。"
        else:
            d = inside
    periods = (
        d.drop_duplicates("period").sort_values("period_end", ascending=False)["period"].astype(str).tolist()
    )
    return d, periods, note


def bar_chart(
    g: pd.DataFrame, unit: str, measure: str, highlight: tuple[str, ...], title: str = ""
) -> go.Figure:
    """Regions as horizontal bars, best at the top; the label and hover are the value as printed."""
    div, scale = axis_scale(g["value"], unit) if measure != "rank" else (1.0, "")
    g = g.iloc[::-1]  # plotly draws the first bar at the bottom
    colors = [
        ("#E07B39" if r in highlight else "#9FB3C8") if highlight else charts.ACCENT for r in g["region"]
    ]
    # ranks: the best gets the longest bar (length = worst rank + 1 − rank); the label says 第N位
    length = (g["value"].max() + 1 - g["value"]) if measure == "rank" else g["value"] / div
    bars = {
        "type": "bar",
        "x": length.to_numpy(dtype=float),
        "y": [charts.plain(r) for r in g["region"].astype(str)],
        "orientation": "h",
        "marker": {"color": colors},
        "text": [charts.plain(s) for s in g["shown"]],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [
            list(pair)
            for pair in zip(
                charts.plain_all(g["shown"]), charts.plain_all(selection.source_texts(g)), strict=True
            )
        ],
        "hovertemplate": "<b>%{y}</b>：%{customdata[0]}<br>来源：%{customdata[1]}<extra></extra>",
    }
    layout = {
        **(charts.title_layout(title) if title else {}),
        "margin": {"t": 48 if title else 10, "r": 70},
        "bargap": 0.25,
        "xaxis": {
            "showticklabels": False,
            "ticks": "",
            "title": {"text": scale, "font": {"size": 11}},
            "showline": False,
        },
        "yaxis": {"tickfont": {"size": 12}, "showgrid": False},
    }
    return charts.figure([bars], layout, height=max(320, 19 * len(g) + 60))


def map_chart(g: pd.DataFrame, unit: str, measure: str, level: str, title: str) -> go.Figure | None:
    """Provinces: a choropleth. Cities: bubbles at each city's representative point over the provinces."""
    gj = geo.load(level)
    if gj is None:
        return None
    div, scale_title = axis_scale(g["value"], unit) if measure != "rank" else (1.0, "名次")
    colorscale = (
        BLUES_R if measure == "rank" else ("RdBu" if measure in ("yoy_pct", "mom_pct", "change") else BLUES)
    )
    if level == "city":
        traces = city_bubbles(g, measure, div, scale_title, colorscale)
        if traces is not None:
            return geo_figure(traces, title)
    outline = geo.outline_trace(level, exclude=set(g["region_code"].astype(str)))
    data_trace = {
        "type": "choropleth",
        "geojson": gj,
        "locations": g["region_code"].astype(str).tolist(),
        "z": (g["value"] / div).to_numpy(dtype=float),
        "featureidkey": "properties.adcode",
        "colorscale": colorscale,
        "marker": {"line": {"color": "white", "width": 0.6}},
        "text": [charts.plain(r) for r in g["region"].astype(str)],
        "customdata": [[charts.plain(s)] for s in g["shown"]],
        "hovertemplate": "<b>%{text}</b>：%{customdata[0]}<extra></extra>",
        "colorbar": _colorbar(scale_title),
        "name": "data",
        **({"zmid": 0} if measure in ("yoy_pct", "mom_pct", "change") else {}),
    }
    return geo_figure([t for t in (outline, data_trace) if t is not None], title)


def _colorbar(title: str) -> dict:
    """A horizontal colour bar under the map: the map keeps the whole width."""
    return dict(
        title=dict(text=title, side="right"),
        orientation="h",
        thickness=10,
        len=0.5,
        x=0.5,
        xanchor="center",
        y=-0.02,
        yanchor="top",
    )


def city_bubbles(
    g: pd.DataFrame, measure: str, div: float, scale_title: str, colorscale: object
) -> list[dict] | None:
    """The provinces in grey and a bubble per city (area after the value), or None without the map data."""
    pts = geo.points()
    base = geo.outline_trace("province")
    if pts is None or base is None:
        return None
    g = g.assign(code=g["region_code"].astype(str)).merge(pts, on="code", how="inner")
    if g.empty:
        return None
    v = g["value"].astype(float)
    # bubble area follows the value (for ranks: the best rank gets the largest bubble)
    size_basis = (v.max() + 1 - v) if measure == "rank" else v.abs()
    size = 8 + 30 * (size_basis / size_basis.max()) ** 0.5 if size_basis.max() > 0 else 12
    base = charts.merged(
        base,
        {
            "hoverinfo": "skip",
            "hovertemplate": None,
            "marker": {"line": {"color": "#B8C4D0"}},
            "colorscale": [[0, "#F1F4F7"], [1, "#F1F4F7"]],
        },
    )
    bubbles = {
        "type": "scattergeo",
        "lon": g["lon"].to_numpy(dtype=float),
        "lat": g["lat"].to_numpy(dtype=float),
        "text": [charts.plain(r) for r in g["region"].astype(str)],
        "mode": "markers",
        "name": "data",
        "showlegend": False,
        "marker": {
            "size": size.to_numpy(dtype=float) if isinstance(size, pd.Series) else size,
            "color": (v / div).to_numpy(dtype=float),
            "colorscale": colorscale,
            "line": {"color": "white", "width": 1},
            "colorbar": _colorbar(scale_title),
            "opacity": 0.9,
        },
        "customdata": [[charts.plain(s)] for s in g["shown"]],
        "hovertemplate": "<b>%{text}</b>：%{customdata[0]}<extra></extra>",
    }
    return [base, bubbles]


#: China fitted to the figure: no side colour bar, no shrinking, the whole width of the column.
GEO_LAYOUT = {
    "geo": {
        "visible": False,
        "projection": {"type": "mercator", "scale": 1},
        "lonaxis": {"range": [73, 135.5]},
        "lataxis": {"range": [3.5, 53.8]},
        "bgcolor": "white",
        "center": {"lon": 104.25, "lat": 30},
        "domain": {"x": [0, 1], "y": [0, 1]},
    },
    "margin": {"t": 40, "l": 0, "r": 0, "b": 40},
    "dragmode": False,
}


def geo_figure(traces: list[dict], title: str) -> go.Figure:
    """A map of ``traces`` with the nine-dash line, China fitted to the figure (:data:`GEO_LAYOUT`)."""
    layout = {**GEO_LAYOUT, **charts.title_layout(title)}
    return charts.figure([*traces, *geo.nine_dash_traces()], layout, height=600, cartesian=False)


def stated_ranks(d_ind: pd.DataFrame, regions: tuple[str, ...], period: str, operator: str) -> pd.DataFrame:
    """What the reports themselves say about the chosen regions' national rank at ``period``."""
    return selection.dedupe(
        d_ind[
            (d_ind["measure"] == "rank")
            & (d_ind["region"].isin(regions))
            & (d_ind["period"] == period)
            & (d_ind["operator"] == operator)
            & (d_ind["subject"] == "")
        ]
    )


@st.cache_data(show_spinner=False, max_entries=32)
def scope_summary(
    version: tuple, indicators: tuple[str, ...], operators: tuple[str, ...]
) -> tuple[int, list[str], dict[str, list[str]]]:
    """Of the provinces' and cities' facts passing the indicator and operator filters: how many there are,
    the indicators the 指标 box offers (those with at least two regions, in the sidebar's order; else all
    of them), and the regions of each level. Summed from the frame's table of facts per operator × indicator ×
    region × level (:data:`data.SCOPE_AXES`, counted with the load), not from its rows."""
    df = data.facts()
    ocats, icats = data.codes(df, "operator")[1], data.codes(df, "indicator")[1]
    rcats, lcats = data.codes(df, "region")[1], data.codes(df, "region_level")[1]
    counts = data.cross_counts(df, data.SCOPE_AXES)
    assert counts is not None
    # facts per indicator × region × level in scope (an axis per column, the last slot: missing)
    per_indicator = counts[selection.category_slots(ocats, operators or None)].sum(axis=0)
    per_indicator[~selection.category_slots(icats, indicators or None)] = 0
    per_indicator[:, :, ~selection.category_slots(lcats, LEVELS)] = 0  # only provinces and cities
    k, r = len(icats), len(rcats)
    in_region = per_indicator[:k, :r, :].sum(axis=2) > 0  # indicator × region seen
    observed = [str(icats[i]) for i in np.flatnonzero(per_indicator[:k].sum(axis=(1, 2)) > 0)]
    many = {str(icats[i]) for i in np.flatnonzero(in_region.sum(axis=1) >= 2)}
    inds = [i for i in data.options()["indicators"] if i in many] or observed
    seen = per_indicator[:, :r, :].sum(axis=0) > 0  # region × level seen
    by_level = {str(lcats[j]): [str(rcats[i]) for i in np.flatnonzero(seen[:, j])] for j in range(len(lcats))}
    return int(per_indicator.sum()), inds, by_level


@st.cache_data(show_spinner=False, max_entries=32)
def scope_default(
    version: tuple, indicators: tuple[str, ...], operators: tuple[str, ...], offered: tuple[str, ...]
) -> str:
    """The 指标 box's default: :func:`selection.default_indicator` over the facts of :func:`scope_summary`."""
    df = data.facts()
    ocats, icats = data.codes(df, "operator")[1], data.codes(df, "indicator")[1]
    lcats, mcats = data.codes(df, "region_level")[1], data.codes(df, "month")[1]
    counts = data.cross_counts(df, data.COVERAGE_AXES)
    assert counts is not None
    every = np.ones(len(icats) + 1, dtype=bool)
    # facts per indicator × month in scope (the last slots: missing)
    table = counts[
        np.ix_(
            selection.category_slots(ocats, operators or None),
            every,
            selection.category_slots(lcats, LEVELS),
            np.ones(len(mcats) + 1, dtype=bool),
        )
    ].sum(axis=(0, 2))
    table[
        ~(selection.category_slots(icats, indicators or None) & selection.category_slots(icats, offered))
    ] = 0
    if not table.any():
        return offered[0] if offered else ""
    if (
        table[len(icats)].any() or table[:, len(mcats)].any()
    ):  # a fact without indicator or month: pandas decides
        scope = data.both(
            data.isin(df, "region_level", LEVELS),
            data.mask(df, data.Filters(indicators=indicators, operators=operators)),
        )
        return selection.default_indicator(df.loc[scope, ["indicator", "month"]], indicators, list(offered))
    rows = table[: len(icats), : len(mcats)]
    return selection.most_covered(icats, rows.sum(axis=1), (rows > 0).sum(axis=1), list(offered))


def scope_rows(ind: str, f: data.Filters) -> pd.DataFrame:
    """The facts of ``ind`` among the provinces and cities passing the operator filter (read-only)."""
    rows = data.indicator_rows((ind,))
    return rows[
        data.both(
            data.isin(rows, "region_level", LEVELS),
            data.mask(rows, f, indicators=False, regions=False, period=False),
        )
    ]


def controls(f: data.Filters, version: tuple) -> tuple | None:
    """The 指标 / 口径 / 层级 / 期间 controls (bound to the URL); returns the choice and the rows it leaves,
    or None (with a message shown) when nothing can be drawn."""
    _, inds, _ = scope_summary(version, f.indicators, f.operators)
    c = st.columns([3, 2, 1.3, 2])
    ind = filters.bind(
        c[0].selectbox,
        "指标",
        inds,
        "r_ind",
        "r_ind",
        lambda: (
            next(
                (i for i in f.indicators if i in inds),
                None,
            )
            or scope_default(version, f.indicators, f.operators, tuple(inds))
        ),
    )
    d_ind = scope_rows(ind, f)
    measures = [m for m in MEASURES if m in set(d_ind["measure"].unique())]
    measure = filters.bind(
        c[1].selectbox, "口径", measures, "r_measure", "r_measure", "value", format_func=MEASURE_LABELS.get
    )
    d = d_ind[d_ind["measure"] == measure]
    levels = [lv for lv in LEVELS if lv in set(d["region_level"].unique())]
    level = filters.bind(
        c[2].selectbox, "层级", levels, "r_level", "r_level", "province", format_func=LEVEL_LABELS.get
    )
    operator = f.operators[0] if f.operators else ""
    d = d[(d["region_level"] == level) & (d["operator"] == operator) & (d["subject"] == "")]
    d, periods, note = period_choices(d, f)
    if not periods:
        st.info(md_escape(f"「{ind}」在{operator_label(operator)}口径下没有{LEVEL_LABELS[level]}数据。"))
        return None
    period = filters.bind(
        c[3].selectbox, "期间", periods, "r_period", "r_period", default_period(d), format_func=period_label
    )
    if note:
        st.warning(note, icon=":material/event_busy:")
    return ind, measure, level, period, operator, d, d_ind


def render() -> None:
    if not common.has_data():
        return
    f = filters.current()
    st.title("地区")
    version = data.run_version()
    # provinces and cities passing the indicator and operator filters (counted once per filter; rows are
    # copied only for the indicator shown)
    in_scope, _, by_level = scope_summary(version, f.indicators, f.operators)
    if not in_scope:
        st.warning("当前筛选条件下没有省级或地市级数据。")
        return
    chosen = controls(f, version)
    if chosen is None:
        return
    ind, measure, level, period, operator, d, d_ind = chosen
    g = ranking(d, ind, measure, level, period, operator, provenance=data.provenance)
    unit = str(g["unit"].mode().iloc[0]) if len(g) else ""
    title = f"{ind} · {period_label(period)} · {MEASURE_LABELS[measure]}" + (
        f" · {operator}" if operator else ""
    )
    st.caption(
        f"{LEVEL_LABELS[level]}共 {len(g)} 个地区有数据"
        + ("；侧栏所选地区以橙色标出。" if f.regions else "。")
    )
    for r in stated_ranks(d_ind, f.regions, period, operator).itertuples():
        st.success(
            md_escape(
                f"{r.region}：{ind} 居第 {int(r.value)} 位（{period_label(r.period)}，报告原文，"
                f"{selection.source_text(r.sources, r.document, r.page)}）"
            )
        )
    fig_map = map_chart(g, unit, measure, level, title)
    if fig_map is not None:
        left, right = st.columns([3, 2], gap="medium")
        with left:
            charts.show(fig_map, key="region_map", filename=f"{ind}-地图")
        with right:
            charts.show(bar_chart(g, unit, measure, f.regions), key="region_bar", filename=f"{ind}-排名")
    else:
        charts.show(bar_chart(g, unit, measure, f.regions, title), key="region_bar", filename=f"{ind}-排名")
        st.caption(
            "地图暂不可用：缺少离线地图文件 data/geo/provinces.geojson（省级）或 cities.geojson（地市），"
            "已仅显示排名柱状图。"
        )
    if len(g) and measure != "rank":
        missing = sorted(set(by_level.get(level, [])) - set(g["region"].unique()))
        if missing and len(missing) <= 10:
            st.caption(md_escape("本期无数据的地区：" + "、".join(missing)))
    charts.source_line(g, key="regions")


if __name__ == "__main__":
    render()
