"""地区 — one indicator at one period across regions: a ranked bar chart and a choropleth map."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, common, data, filters, geo
from dashboard.fmt import LEVEL_LABELS, MEASURE_LABELS, axis_scale, fmt_value, operator_label, period_label

MEASURES = ("value", "yoy_pct", "share_pct", "rank", "mom_pct", "change")
#: Sequential blues that stay visible on white at the low end.
BLUES = [[0.0, "#D2E3F3"], [0.5, "#6AAED6"], [1.0, "#08306B"]]
BLUES_R = [[0.0, "#08306B"], [0.5, "#6AAED6"], [1.0, "#D2E3F3"]]
LEVELS = ("province", "city")


def ranking(df: pd.DataFrame, indicator: str, measure: str, level: str, period: str, operator: str = "") -> pd.DataFrame:
    """One row per region, best first (rank ascending, anything else descending)."""
    g = df[(df["indicator"] == indicator) & (df["measure"] == measure) & (df["region_level"] == level)
           & (df["period"] == period) & (df["operator"] == operator) & (df["subject"] == "")]
    g = common.dedupe(g)
    return g.sort_values("value", ascending=(measure == "rank")).reset_index(drop=True)


def default_period(df: pd.DataFrame) -> str:
    """The latest period that covers at least half as many regions as the best-covered one."""
    counts = df.groupby(["period", "period_end"]).size().reset_index(name="n").sort_values("period_end")
    if counts.empty:
        return ""
    good = counts[counts["n"] >= max(1, counts["n"].max() * 0.5)]
    return str(good.iloc[-1]["period"])


def bar_chart(g: pd.DataFrame, unit: str, measure: str, highlight: tuple[str, ...], title: str = "") -> go.Figure:
    div = axis_scale(g["value"], unit)[0] if measure != "rank" else 1.0
    g = g.iloc[::-1]  # plotly draws the first bar at the bottom
    colors = [charts.ACCENT if (r in highlight or not highlight) else "#B8C4D0" for r in g["region"]]
    if highlight:
        colors = ["#E07B39" if r in highlight else "#9FB3C8" for r in g["region"]]
    # ranks: the best gets the longest bar (length = worst rank + 1 − rank); the label says 第N位
    length = (g["value"].max() + 1 - g["value"]) if measure == "rank" else g["value"] / div
    fig = go.Figure(go.Bar(
        x=length, y=g["region"], orientation="h", marker_color=colors,
        text=[fmt_value(v, unit, measure) for v in g["value"]], textposition="outside", cliponaxis=False,
        customdata=list(zip(g["document"].map(charts.plain), g["page"], strict=True)),
        hovertemplate="<b>%{y}</b>：%{text}<br>来源：%{customdata[0]} 第%{customdata[1]}页<extra></extra>",
    ))
    charts.style(fig, height=max(320, 19 * len(g) + 60))
    fig.update_layout(margin=dict(t=48 if title else 10, r=70), bargap=0.25)
    if title:
        fig.update_layout(title=dict(text=charts.plain(title), font=dict(size=15), x=0))
    fig.update_xaxes(showticklabels=False, ticks="", title_text="", showline=False)
    fig.update_yaxes(tickfont=dict(size=12), showgrid=False)
    return fig


def map_chart(g: pd.DataFrame, unit: str, measure: str, level: str, title: str) -> go.Figure | None:
    """Provinces: a choropleth. Cities: bubbles at each city's representative point over the provinces."""
    gj = geo.load(level)
    if gj is None:
        return None
    div, scale_title = axis_scale(g["value"], unit) if measure != "rank" else (1.0, "名次")
    colorscale = BLUES_R if measure == "rank" else ("RdBu" if measure in ("yoy_pct", "mom_pct", "change") else BLUES)
    if level == "city":
        fig = city_bubbles(g, unit, measure, div, scale_title, colorscale)
        if fig is not None:
            return _geo_layout(fig, title)
    outline = geo.outline_trace(level, exclude=set(g["region_code"].astype(str)))
    data_trace = go.Choropleth(
        geojson=gj, locations=g["region_code"], z=g["value"] / div, featureidkey="properties.adcode",
        colorscale=colorscale, marker_line_color="white", marker_line_width=0.6,
        text=g["region"], customdata=[fmt_value(v, unit, measure) for v in g["value"]],
        hovertemplate="<b>%{text}</b>：%{customdata}<extra></extra>",
        colorbar=dict(title=dict(text=scale_title, side="top"), thickness=12, len=0.6, x=0.98),
        name="data",
    )
    if measure in ("yoy_pct", "mom_pct", "change"):
        data_trace.update(zmid=0)
    fig = go.Figure([t for t in (outline, data_trace) if t is not None] + geo.nine_dash_traces())
    return _geo_layout(fig, title)


def city_bubbles(g: pd.DataFrame, unit: str, measure: str, div: float, scale_title: str,
                 colorscale: str) -> go.Figure | None:
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
    base.update(hoverinfo="skip", hovertemplate=None, marker_line_color="#B8C4D0", colorscale=[[0, "#F1F4F7"],
                                                                                               [1, "#F1F4F7"]])
    bubbles = go.Scattergeo(
        lon=g["lon"], lat=g["lat"], text=g["region"], mode="markers", name="data", showlegend=False,
        marker=dict(size=size, color=v / div, colorscale=colorscale, line=dict(color="white", width=1),
                    colorbar=dict(title=dict(text=scale_title, side="top"), thickness=12, len=0.6, x=0.98),
                    opacity=0.9),
        customdata=[fmt_value(x, unit, measure) for x in v],
        hovertemplate="<b>%{text}</b>：%{customdata}<extra></extra>")
    return go.Figure([base, bubbles, *geo.nine_dash_traces()])


def _geo_layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_geos(visible=False, projection_type="mercator", lonaxis_range=[71.5, 136],
                    lataxis_range=[3.5, 54], bgcolor="white", projection_scale=0.92, center=dict(lon=104.5, lat=30))
    charts.style(fig, height=580)
    fig.update_layout(title=dict(text=charts.plain(title), font=dict(size=15), x=0), margin=dict(t=48, l=0, r=0, b=0),
                      dragmode=False)
    return fig


def render() -> None:
    if not common.has_data():
        return
    f = filters.current()
    st.title("地区")
    df = data.facts()
    # provinces and cities passing the indicator and operator filters (rows are copied only once narrowed)
    scope = data.both(df["region_level"].isin(LEVELS), data.mask(df, f, regions=False, period=False))
    if not scope.any():
        st.warning("当前筛选条件下没有省级或地市级数据。")
        return
    multi = df.loc[scope, ["indicator", "region"]].groupby("indicator")["region"].nunique()
    inds = [i for i in data.options()["indicators"] if multi.get(i, 0) >= 2] or list(multi.index)
    def default() -> str:  # only needed when neither the session nor the URL names an indicator
        return next((i for i in f.indicators if i in inds), None) or (
            common.pick_indicator(f, df.loc[scope & df["indicator"].isin(inds).to_numpy(), ["indicator", "month"]])
            if inds else "")

    filters.page_state("r_ind", inds, default, qp="r_ind")
    c = st.columns([3, 2, 1.3, 2])
    ind = c[0].selectbox("指标", inds, key="r_ind")
    filters.remember("r_ind", qp="r_ind")
    d = d_ind = df[scope & (df["indicator"] == ind).to_numpy()]
    have = set(d["measure"].unique())
    measures = [m for m in MEASURES if m in have]
    filters.page_state("r_measure", measures, "value", qp="r_measure")
    measure = c[1].selectbox("口径", measures, key="r_measure", format_func=MEASURE_LABELS.get)
    filters.remember("r_measure", qp="r_measure")
    d = d[d["measure"] == measure]
    have = set(d["region_level"].unique())
    levels = [lv for lv in LEVELS if lv in have]
    filters.page_state("r_level", levels, "province", qp="r_level")
    level = c[2].selectbox("层级", levels, key="r_level", format_func=LEVEL_LABELS.get)
    filters.remember("r_level", qp="r_level")
    operator = f.operators[0] if f.operators else ""
    d = d[(d["region_level"] == level) & (d["operator"] == operator) & (d["subject"] == "")]
    if f.start or f.end:
        d_in = data.apply(d, f, indicators=False, regions=False, operators=False)
        d = d_in if not d_in.empty else d
    periods = (d.drop_duplicates("period").sort_values("period_end", ascending=False)["period"].tolist())
    if not periods:
        st.info(f"「{ind}」在{operator_label(operator)}口径下没有{LEVEL_LABELS[level]}数据。")
        return
    filters.page_state("r_period", periods, default_period(d), qp="r_period")
    period = c[3].selectbox("期间", periods, key="r_period", format_func=period_label)
    filters.remember("r_period", qp="r_period")

    g = ranking(d, ind, measure, level, period, operator)
    unit = g["unit"].mode().iloc[0] if len(g) else ""
    title = f"{ind} · {period_label(period)} · {MEASURE_LABELS[measure]}" + (
        f" · {operator}" if operator else "")
    st.caption(f"{LEVEL_LABELS[level]}共 {len(g)} 个地区有数据" + ("；侧栏所选地区以橙色标出。" if f.regions else "。"))

    # what the reports themselves say about the chosen regions' national rank
    if f.regions:
        stated = common.dedupe(d_ind[(d_ind["measure"] == "rank") & (d_ind["region"].isin(f.regions))
                                     & (d_ind["period"] == period) & (d_ind["operator"] == operator)
                                     & (d_ind["subject"] == "")])
        for r in stated.itertuples():
            st.success(f"{r.region}：{ind} 居第 {int(r.value)} 位（{period_label(r.period)}，报告原文，{r.document} 第{r.page}页）")

    fig_map = map_chart(g, unit, measure, level, title)
    if fig_map is not None:
        left, right = st.columns([3, 2], gap="medium")
        with left:
            charts.show(fig_map, key="region_map", filename=f"{ind}-地图")
        with right:
            charts.show(bar_chart(g, unit, measure, f.regions), key="region_bar", filename=f"{ind}-排名")
    else:
        charts.show(bar_chart(g, unit, measure, f.regions, title), key="region_bar", filename=f"{ind}-排名")
        st.caption("地图暂不可用：缺少离线地图文件 data/geo/provinces.geojson（省级）或 cities.geojson（地市），"
                   "已仅显示排名柱状图。")
    if len(g) and measure != "rank":
        missing = sorted(set(df["region"][scope & (df["region_level"] == level).to_numpy()].unique())
                         - set(g["region"].unique()))
        if missing and len(missing) <= 10:
            st.caption("本期无数据的地区：" + "、".join(missing))
    charts.source_line(g, key="regions")


if __name__ == "__main__":
    render()
