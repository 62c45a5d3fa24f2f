"""运营商 — operator shares over time and a side-by-side comparison for one region."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, common, data, filters, rules
from dashboard.fmt import axis_scale, fmt_value, period_label

ORDER = list(data.OPERATORS)


def operator_table(d: pd.DataFrame, period: str) -> pd.DataFrame:
    """Per operator at ``period``: value, share (stated in the report, else computed) and 同比.

    A share is computed only from additive quantities in one unit (users, revenue), never from rates
    (three operators' IPv4 usage rates divided by their sum mean nothing).

    >>> d = pd.DataFrame({"period": ["2020"] * 2, "measure": ["value"] * 2, "operator": ["中国移动", "中国联通"],
    ...     "indicator": ["IPv4地址使用率"] * 2, "region": ["全国"] * 2, "subject": [""] * 2, "id": [1, 2],
    ...     "value": [60.0, 40.0], "unit": ["%", "%"], "document": ["a"] * 2, "page": [1, 1]})
    >>> operator_table(d, "2020")["share"].tolist(), operator_table(d.assign(unit="户"), "2020")["share"].tolist()
    ([None, None], [60.0, 40.0])
    """
    at = d[d["period"] == period]
    vals = common.dedupe(at[at["measure"] == "value"]).set_index("operator")
    shares = common.dedupe(at[at["measure"] == "share_pct"]).set_index("operator")["value"]
    yoy = common.dedupe(at[at["measure"] == "yoy_pct"]).set_index("operator")["value"]
    ops = [o for o in ORDER if o in vals.index or o in shares.index]
    units = set(vals["unit"].astype(str))
    additive = len(units) == 1 and rules.is_additive(next(iter(units)))
    total = vals.loc[[o for o in ops if o in vals.index], "value"].sum() if additive else 0.0
    rows = []
    for o in ops:
        v = vals["value"].get(o)
        share, how = shares.get(o), "报告原文"
        if share is None and v is not None and total:
            share, how = float(v / total * 100), "按各运营商数值推算"
        rows.append({"运营商": o, "value": v, "share": share, "share_source": how if share is not None else "",
                     "yoy": yoy.get(o), "unit": vals["unit"].get(o, "") if v is not None else "",
                     "document": (vals["document"].get(o) if v is not None else shares.index.name) or "",
                     "page": int(vals["page"].get(o, 0)) if v is not None else 0})
    return pd.DataFrame(rows)


def render() -> None:
    if not common.has_data():
        return
    f = filters.current()
    st.title("运营商")
    df = data.facts()
    scope = data.mask(df, f, operators=False, regions=False)  # indicators and period
    by_operator = data.both(scope, (df["operator"] != "") & (df["subject"] == ""))
    if not by_operator.any():
        st.info("当前筛选条件下没有分运营商的数据。分运营商的数字通常出现在月报的「基础电信企业」部分。")
        return
    have = set(df["indicator"][by_operator].unique())
    inds = [i for i in data.options()["indicators"] if i in have]
    def default() -> str:  # only needed when neither the session nor the URL names an indicator
        return next((i for i in f.indicators if i in inds), None) or common.pick_indicator(
            data.Filters(), df.loc[by_operator & df["measure"].isin(["value", "share_pct"]).to_numpy(),
                                   ["indicator", "month"]])

    filters.page_state("op_ind", inds, default, qp="op_ind")
    c = st.columns([3, 2, 2])
    ind = c[0].selectbox("指标", inds, key="op_ind")
    filters.remember("op_ind", qp="op_ind")
    d_ind = df[by_operator & (df["indicator"] == ind).to_numpy()]
    regions = list(d_ind.groupby("region").size().sort_values(ascending=False).index)
    default_region = next((r for r in f.regions if r in regions), regions[0])
    filters.page_state("op_region", regions, default_region, qp="op_region")
    region = c[1].selectbox("地区", regions, key="op_region")
    filters.remember("op_region", qp="op_region")
    d = d_ind[d_ind["region"] == region]
    # the all-operator total of the same region, for context
    total = common.dedupe(df[data.both(scope, (df["indicator"] == ind) & (df["region"] == region)
                                       & (df["operator"] == "") & (df["subject"] == "") & (df["measure"] == "value"))])
    vals = common.dedupe(d[d["measure"] == "value"])
    # shares only of additive quantities in one unit (not of rates such as 使用率)
    modes = ["share", "value"] if vals["unit"].nunique() == 1 and vals["unit"].map(
        lambda u: rules.is_additive(str(u))).all() else ["value"]
    filters.page_state("op_mode", modes, modes[0], qp="op_mode")
    mode = c[2].segmented_control("显示", modes, key="op_mode",
                                  format_func={"share": "份额 %", "value": "数值"}.get) or modes[0]
    filters.remember("op_mode", qp="op_mode")

    months = vals["month"].nunique()
    periods = d.drop_duplicates("period").sort_values("period_end")["period"].tolist()
    latest = periods[-1]
    colors = charts.OPERATOR_COLORS

    with st.container(border=True, key="op_time"):
        if months >= 2:
            unit = vals["unit"].mode().iloc[0]
            div, y_title = axis_scale(vals["value"], unit)
            v = vals.sort_values("period_end").reset_index(drop=True)
            v = v.assign(y=v["value"] / div, shown=[fmt_value(x, unit) for x in v["value"]],
                         when=v["period"].map(period_label), doc=v["document"].map(charts.plain),
                         x=charts.x_dates(v))
            fig = px.area(v, x="x", y="y", color="operator", color_discrete_map=colors,
                          category_orders={"operator": ORDER}, groupnorm="percent" if mode == "share" else None,
                          custom_data=["shown", "when", "doc", "page"])
            fig.update_traces(hovertemplate="<b>%{fullData.name}</b> %{customdata[1]}<br>%{customdata[0]}"
                                            + ("（份额 %{y:.1f}%）" if mode == "share" else "")
                                            + "<br>来源：%{customdata[2]} 第%{customdata[3]}页<extra></extra>")
            charts.style(fig, y_title="份额（%）" if mode == "share" else y_title)
            fig.update_xaxes(type="date", tickformat="%Y年%-m月")
            fig.update_layout(title=dict(text=f"{region} {ind}：各运营商{'份额' if mode == 'share' else '数值'}变化",
                                         font=dict(size=15), x=0), margin=dict(t=70))
            charts.show(fig, key="op_area", filename=f"{ind}-运营商")
            charts.source_line(v, key="op_area")
        else:
            st.caption(f"只有一期（{period_label(latest)}）分运营商数据：趋势需要更多期的报告。以下为该期的构成。")

    tab = operator_table(d, latest)
    if tab.empty:
        return
    st.subheader(f"{period_label(latest)} 运营商对比")
    left, right = st.columns([3, 2], gap="large")
    with left:
        share = tab.dropna(subset=["share"])
        if len(share):
            fig = go.Figure()
            for r in share.itertuples():
                label = f"{r.运营商} {r.share:.1f}%" if r.share >= 18 else f"{r.share:.1f}%" if r.share >= 6 else ""
                fig.add_bar(x=[r.share], y=[""], orientation="h", name=r.运营商, marker_color=colors.get(r.运营商),
                            text=label, textposition="inside", insidetextanchor="middle", textangle=0,
                            hovertemplate=f"{r.运营商}：{r.share:.1f}%（{r.share_source}）<extra></extra>")
            charts.style(fig, height=170, x_title="份额（%）")
            fig.update_layout(barmode="stack", showlegend=True, margin=dict(t=30, b=40),
                              legend=dict(orientation="h", y=1.25, x=0, traceorder="normal"))
            fig.update_xaxes(range=[0, max(100, share["share"].sum())])
            charts.show(fig, key="op_share", filename=f"{ind}-份额")
        has_vals = tab.dropna(subset=["value"])
        if len(has_vals):
            unit = has_vals["unit"].iloc[0]
            div, x_title = axis_scale(has_vals["value"], unit)
            fig = go.Figure(go.Bar(
                x=has_vals["运营商"], y=has_vals["value"] / div, marker_color=[colors.get(o) for o in has_vals["运营商"]],
                text=[fmt_value(v, unit) for v in has_vals["value"]], textposition="outside", cliponaxis=False,
                hovertemplate="%{x}：%{text}<extra></extra>"))
            charts.style(fig, height=300, y_title=x_title)
            fig.update_layout(margin=dict(t=30))
            charts.show(fig, key="op_bars", filename=f"{ind}-对比")
    with right:
        for r in tab.itertuples():
            value = fmt_value(r.value, r.unit) if pd.notna(r.value) else "—"
            delta = fmt_value(r.yoy, "%", "yoy_pct") if pd.notna(r.yoy) else None
            share_txt = f"份额 {r.share:.1f}%" if pd.notna(r.share) else ""
            st.metric(r.运营商, value, delta, help=f"{share_txt}（{r.share_source}）" if share_txt else None,
                      border=True, delta_description="同比" if delta else None)
        if len(total):
            t = total[total["period"] == latest]
            if len(t):
                st.caption(f"{region}全部运营商合计：{fmt_value(t.iloc[-1]['value'], t.iloc[-1]['unit'])}")
    charts.source_line(d[d["period"] == latest], key="op_latest")


if __name__ == "__main__":
    render()
