"""运营商 — operator shares over time and a side-by-side comparison for one region.

The selection is done by pure functions — :func:`area_frame` (the time chart's rows, shares computed
only of additive quantities) and :func:`operator_table` (per operator at one period: the value as
printed, share, 同比 stated or derived) — and ``render`` only draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import charts, common, data, filters, rules, selection
from dashboard.fmt import axis_scale, fmt_delta_pct, fmt_value, md_escape, period_label

ORDER = list(data.OPERATORS)


def can_share(vals: pd.DataFrame) -> bool:
    """Shares only of additive quantities in one unit (users, revenue), never of rates (使用率) or ratios."""
    units = set(vals["unit"].astype(str))
    return len(units) == 1 and rules.is_additive(next(iter(units)))


def operator_table(
    d: pd.DataFrame,
    period: str,
    provenance: selection.Provenance | None = None,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per operator at ``period``: value (``shown`` as printed, with its qualifier), share (stated in the
    report, else computed) and 同比 (stated, else derived from the value a year before — never for rates).

    ``values``: ``d``'s value rows already deduplicated (:func:`selection.dedupe`) and, when ``provenance``
    is None, with their printed text — as the page holds them for its chart; without them, ``d``'s value
    rows are deduplicated here and ``provenance`` fetches the printed text of those shown.

    A share is computed only from additive quantities in one unit (users, revenue), never from rates
    (three operators' IPv4 usage rates divided by their sum mean nothing).

    >>> d = pd.DataFrame({"period": ["2020"] * 2, "measure": ["value"] * 2, "operator": ["中国移动", "中国联通"],
    ...     "indicator": ["IPv4地址使用率"] * 2, "region": ["全国"] * 2, "subject": [""] * 2, "id": [1, 2],
    ...     "value": [60.0, 40.0], "unit": ["%", "%"], "document": ["a"] * 2, "page": [1, 1],
    ...     "period_type": "year", "period_end": pd.Timestamp("2020-12-31")})
    >>> operator_table(d, "2020")["share"].tolist(), operator_table(d.assign(unit="户"), "2020")["share"].tolist()
    ([None, None], [60.0, 40.0])
    """
    at = d[d["period"] == period]
    given = values is not None
    if values is None:
        values = d[d["measure"] == "value"]
    # only the period's values and those a year before it are ever read (the 同比 derived below): the
    # other periods' facts are left out before deduplicating (a figure is one fact per period, so
    # deduplicating first or after is the same)
    ends = at["period_end"].dropna()
    near = values["period"] == period
    if len(ends):
        before = ends.max() - pd.DateOffset(years=1)
        near |= (values["period_end"] - before).abs() <= selection.YEAR_SLACK
    all_vals = values[near] if given else selection.dedupe(values[near])
    vals = all_vals[all_vals["period"] == period]
    if provenance is not None and len(vals):
        vals = selection.with_printed(vals, provenance)
    vals = vals.assign(
        shown=charts.mark_failed(selection.shown_column(vals), vals) if len(vals) else pd.Series(dtype=object)
    )
    vals = vals.set_index(vals["operator"].astype(str))
    stated = selection.dedupe(at[data.isin(at, "measure", ["share_pct", "yoy_pct"])])
    shares = stated[stated["measure"] == "share_pct"].set_index("operator")["value"]
    yoy = stated[stated["measure"] == "yoy_pct"].set_index("operator")["value"]
    ops = [o for o in ORDER if o in vals.index or o in shares.index]
    total = vals.loc[[o for o in ops if o in vals.index], "value"].sum() if can_share(vals) else 0.0
    rows = []
    for o in ops:
        r = vals.loc[o] if o in vals.index else None
        share, how = shares.get(o), "报告原文"
        if share is None and r is not None and total:
            share, how = float(r["value"] / total * 100), "按各运营商数值推算"
        change, derived = yoy.get(o), False
        if change is None and r is not None and not rules.is_rate(str(r["unit"])):
            hist = all_vals[(all_vals["operator"] == o) & (all_vals["period_type"] == r["period_type"])]
            change, derived = selection.year_change(hist, r, str(r["unit"]))[0], True
        rows.append(
            {
                "运营商": o,
                "value": None if r is None else r["value"],
                "shown": "—" if r is None else r["shown"],
                "share": share,
                "share_source": how if share is not None else "",
                "yoy": change,
                "yoy_derived": derived and change is not None,
                "unit": "" if r is None else str(r["unit"]),
                "source": ""
                if r is None
                else selection.source_text(r.get("sources"), str(r["document"]), int(r["page"])),
            }
        )
    return pd.DataFrame(rows)


def area_frame(vals: pd.DataFrame, mode: str) -> tuple[pd.DataFrame, str]:
    """The rows of the operators-over-time chart: ``y`` is what is plotted — the share of the period's
    operators (computed, ``mode == "share"``) or the value scaled to the axis — and ``shown`` its text;
    ``value_shown`` the value. Returns the rows and the axis title.

    >>> v = pd.DataFrame({"operator": ["中国移动", "中国联通", "中国移动"], "period": ["2020-01", "2020-01", "2020-02"],
    ...     "period_end": pd.to_datetime(["2020-01-31", "2020-01-31", "2020-02-29"]), "value": [3e4, 1e4, 5e4],
    ...     "unit": "户", "document": "a", "page": 1, "period_type": "month",
    ...     "period_start": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-02-01"])})
    >>> f, title = area_frame(v, "share")
    >>> f[["operator", "y", "shown"]].values.tolist(), title
    ([['中国移动', 75.0, '75%'], ['中国联通', 25.0, '25%'], ['中国移动', 100.0, '100%']], '份额（%）')
    """
    unit = str(vals["unit"].mode().iloc[0])
    div, y_title = axis_scale(vals["value"], unit)
    v = vals.sort_values(["period_end", "operator"]).reset_index(drop=True)
    value_shown = selection.shown_column(v, unit)
    if mode == "share":
        y = v["value"] / v.groupby("period", observed=True)["value"].transform("sum") * 100
        shown_y, y_title = [fmt_value(x, "%") for x in y], "份额（%）"
    else:
        y, shown_y = v["value"] / div, value_shown
    src = charts.plain_all(selection.source_texts(v))
    return v.assign(
        y=y,
        shown=[charts.plain(t) for t in shown_y],
        value_shown=[charts.plain(t) for t in value_shown],
        when=v["period"].map(period_label),
        src=src,
        x=charts.x_dates(v),
    ), y_title


def area_chart(v: pd.DataFrame, y_title: str, mode: str, title: str) -> go.Figure:
    """The operators stacked over time (:func:`area_frame`), in the fixed operator order and colours."""
    hover = (
        "<b>%{fullData.name}</b> %{customdata[1]}<br>%{customdata[0]}"
        + ("（%{customdata[3]}，份额按各运营商数值推算）" if mode == "share" else "")
        + "<br>来源：%{customdata[2]}<extra></extra>"
    )
    present = set(v["operator"].astype(str))
    names = [o for o in ORDER if o in present] + [
        o for o in dict.fromkeys(v["operator"].astype(str)) if o not in ORDER
    ]

    def look(name: str) -> dict:
        return {"mode": "lines", "stackgroup": "1", "line": {"color": charts.OPERATOR_COLORS.get(name)}}

    traces = charts.series_traces(v, "operator", names, hover, ["shown", "when", "src", "value_shown"], look)
    layout = {
        **charts.title_layout(title),
        "margin": {"t": 70},
        "xaxis": {"type": "date", "tickformat": "%Y年%-m月"},
    }
    return charts.figure(traces, layout, y_title=y_title)


def share_bar(share: pd.DataFrame) -> go.Figure:
    traces = []
    for r in share.itertuples():
        text = fmt_value(r.share, "%")
        label = f"{charts.plain(r.运营商)} {text}" if r.share >= 18 else text if r.share >= 6 else ""
        traces.append(
            {
                "type": "bar",
                "x": [r.share],
                "y": [""],
                "orientation": "h",
                "name": charts.plain(r.运营商),
                "marker": {"color": charts.OPERATOR_COLORS.get(r.运营商)},
                "text": label,
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textangle": 0,
                "customdata": [[text, r.share_source]],
                "hovertemplate": "%{fullData.name}：%{customdata[0]}（%{customdata[1]}）<extra></extra>",
            }
        )
    layout = {
        "barmode": "stack",
        "showlegend": True,
        "margin": {"t": 30, "b": 40},
        "legend": {"orientation": "h", "y": 1.25, "x": 0, "traceorder": "normal"},
        "xaxis": {"range": [0, max(100, share["share"].sum())]},
    }
    return charts.figure(traces, layout, height=170, x_title="份额（%）")


def value_bars(has_vals: pd.DataFrame) -> go.Figure:
    unit = has_vals["unit"].iloc[0]
    div, y_title = axis_scale(has_vals["value"], unit)
    bars = {
        "type": "bar",
        "x": has_vals["运营商"].map(charts.plain).tolist(),
        "y": (has_vals["value"] / div).tolist(),
        "marker": {"color": [charts.OPERATOR_COLORS.get(o) for o in has_vals["运营商"]]},
        "text": [charts.plain(s) for s in has_vals["shown"]],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [
            [charts.plain(s), charts.plain(src)]
            for s, src in zip(has_vals["shown"], has_vals["source"], strict=True)
        ],
        "hovertemplate": "%{x}：%{customdata[0]}<br>来源：%{customdata[1]}<extra></extra>",
    }
    return charts.figure([bars], {"margin": {"t": 30}}, height=300, y_title=y_title)


def operator_cards(tab: pd.DataFrame) -> None:
    for r in tab.itertuples():
        delta = fmt_delta_pct(r.yoy) if pd.notna(r.yoy) else None
        share_txt = f"份额 {fmt_value(r.share, '%')}（{r.share_source}）" if pd.notna(r.share) else ""
        why = "；".join(
            t
            for t in (
                share_txt,
                "同比由上年同期数值推算，非报告原文。" if r.yoy_derived else "",
                f"来源：{r.source}" if r.source else "",
            )
            if t
        )
        st.metric(
            md_escape(r.运营商),
            r.shown,
            delta,
            help=md_escape(why) if why else None,
            border=True,
            delta_description=("同比（推算）" if r.yoy_derived else "同比") if delta else None,
        )


@st.cache_resource(show_spinner=False, max_entries=2)
def operator_counts(version: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Facts by operator (:func:`by_operator`, no filter) per indicator × month, counted once per data
    version: of every measure, and of values and shares only. Tables of codes with a last slot on each
    axis for a missing indicator or month; shared, never modified."""
    df = data.facts()
    keep = np.flatnonzero(by_operator(df, data.Filters()))
    ic, icats = data.codes(df, "indicator")
    mc, mcats = data.codes(df, "month")
    shape = (len(icats) + 1, len(mcats) + 1)
    i, m = ic[keep], mc[keep]
    slots = np.where(i >= 0, i, shape[0] - 1).astype(np.int64) * shape[1] + np.where(m >= 0, m, shape[1] - 1)
    tables = []
    for part in (slots, slots[data.isin_at(df, "measure", ["value", "share_pct"], keep)]):
        table = np.bincount(part, minlength=shape[0] * shape[1]).reshape(shape)
        table.flags.writeable = False
        tables.append(table)
    return tables[0], tables[1]


def counts_in(
    table: np.ndarray, f: data.Filters, indicators: pd.Index, months: pd.Index
) -> np.ndarray | None:
    """The part of an :func:`operator_counts` table that passes the indicator and period filters: the
    chosen indicators' rows (others zeroed), the period's months (every column, the missing month's too,
    when no period is chosen: a missing month is never inside a period). None when a bound is not one of
    the months."""
    span = data.month_span(f, months)
    if span is None:
        return None
    part = table[:, span] if f.start or f.end else table
    if f.indicators:
        part = part * selection.category_slots(indicators, f.indicators)[:, None]
    return part


@st.cache_data(show_spinner=False, max_entries=32)
def operator_indicators(version: tuple, f: data.Filters) -> tuple[bool, list[str]]:
    """Whether there are facts by operator (an operator, no subject) passing the indicator and period
    filters, and their indicators in the sidebar's order (from :func:`operator_counts`)."""
    df = data.facts()
    ic, cats = data.codes(df, "indicator")
    part = counts_in(operator_counts(version)[0], f, cats, data.codes(df, "month")[1])
    if part is None:  # a period bound that is not one of the months: the rows decide
        rows = ic[by_operator(df, f)]
        present = np.bincount(np.where(rows >= 0, rows, len(cats)), minlength=len(cats) + 1)
    else:
        present = part.sum(axis=1)
    have = {str(cats[i]) for i in np.flatnonzero(present[:-1])}
    return bool(present.sum()), [i for i in data.options()["indicators"] if i in have]


@st.cache_data(show_spinner=False, max_entries=32)
def operator_default(version: tuple, f: data.Filters, offered: tuple[str, ...]) -> str:
    """The 指标 box's default: :func:`selection.default_indicator` over the value and share facts by
    operator, from their facts and months per indicator (:func:`operator_counts`)."""
    df = data.facts()
    icats, mcats = data.codes(df, "indicator")[1], data.codes(df, "month")[1]
    part = counts_in(operator_counts(version)[1], f, icats, mcats)
    bounded = bool(f.start or f.end)
    if part is not None:
        part = part * selection.category_slots(icats, offered)[:, None]
        if not part.any():
            return offered[0] if offered else ""
        if bounded or not part[:, -1].any():  # every offered fact has a month: count on the table
            seen = part[:-1] if bounded else part[:-1, :-1]
            return selection.most_covered(icats, seen.sum(axis=1), (seen > 0).sum(axis=1), list(offered))
    keep = by_operator(df, f) & data.isin(df, "measure", ["value", "share_pct"])
    return selection.default_indicator(df.loc[keep, ["indicator", "month"]], f.indicators, list(offered))


def by_operator(df: pd.DataFrame, f: data.Filters) -> np.ndarray:
    """The rows of ``df`` by operator (an operator, no subject) passing the indicator and period filters."""
    keep = ~data.isin(df, "operator", [""]) & data.isin(df, "subject", [""])
    scope = data.mask(df, f, operators=False, regions=False)
    return keep if scope is None else keep & scope


def controls(f: data.Filters, inds: list[str]) -> tuple[str, str, pd.DataFrame, DeltaGenerator]:
    """The 指标 and 地区 controls (bound to the URL); returns them, the chosen region's operator rows and
    the column left for the 显示 switch."""
    c = st.columns([3, 2, 2])
    version = data.run_version()
    ind = filters.bind(
        c[0].selectbox,
        "指标",
        inds,
        "op_ind",
        "op_ind",
        lambda: (
            next((i for i in f.indicators if i in inds), None) or operator_default(version, f, tuple(inds))
        ),
    )
    pos, regions = operator_rows(f, ind)
    region = filters.bind(
        c[1].selectbox,
        "地区",
        regions,
        "op_region",
        "op_region",
        next((r for r in f.regions if r in regions), regions[0]),
    )
    return ind, region, region_rows(pos, region), c[2]


def operator_rows(f: data.Filters, ind: str) -> tuple[np.ndarray, list[str]]:
    """The positions in :func:`data.facts` of ``ind``'s facts by operator passing the filters'
    indicators and period (:func:`by_operator`), and their regions, most facts first — found on the
    frame's index and codes, without copying the indicator's rows."""
    df = data.facts()
    if f.indicators and ind not in f.indicators:
        return np.zeros(0, dtype=np.int64), []
    pos = data.positions(df, data.Filters(indicators=(ind,), start=f.start, end=f.end))
    assert pos is not None  # an indicator is chosen: never every row
    pos = pos[~data.isin_at(df, "operator", [""], pos) & data.isin_at(df, "subject", [""], pos)]
    codes, cats = data.codes(df, "region")
    counts = np.bincount(codes[pos][codes[pos] >= 0], minlength=len(cats))
    seen = np.flatnonzero(counts)  # in category order, as groupby gives them; then most facts first
    order = pd.Series(counts[seen], index=cats[seen]).sort_values(ascending=False)
    return pos, [str(r) for r in order.index]


def region_rows(pos: np.ndarray, region: str) -> pd.DataFrame:
    """The facts of :func:`data.facts` at ``pos`` in ``region`` (a copy of those rows only)."""
    df = data.facts()
    return data.take(df, pos[data.isin_at(df, "region", [region], pos)])


def render() -> None:
    if not common.has_data():
        return
    f = filters.current()
    st.title("运营商")
    any_rows, inds = operator_indicators(data.run_version(), f)
    if not any_rows:
        st.info("当前筛选条件下没有分运营商的数据。分运营商的数字通常出现在月报的「基础电信企业」部分。")
        return
    ind, region, d, slot = controls(f, inds)
    # each value once, with its printed text fetched once for the chart and the table below
    vals = selection.with_printed(selection.dedupe(d[d["measure"] == "value"]), data.provenance)
    modes = ["share", "value"] if can_share(vals) else ["value"]
    mode = (
        filters.bind(
            slot.segmented_control,
            "显示",
            modes,
            "op_mode",
            "op_mode",
            modes[0],
            format_func={"share": "份额 %", "value": "数值"}.get,
        )
        or modes[0]
    )
    latest = d.drop_duplicates("period").sort_values("period_end")["period"].iloc[-1]
    with st.container(border=True, key="op_time"):
        if vals["month"].nunique() >= 2:
            v, y_title = area_frame(vals, mode)
            title = f"{region} {ind}：各运营商{'份额' if mode == 'share' else '数值'}变化"
            charts.show(area_chart(v, y_title, mode, title), key="op_area", filename=f"{ind}-运营商")
            charts.source_line(v, key="op_area")
        else:
            st.caption(
                f"只有一期（{period_label(latest)}）分运营商数据：趋势需要更多期的报告。以下为该期的构成。"
            )
    tab = operator_table(d, latest, values=vals)
    if tab.empty:
        return
    st.subheader(f"{period_label(latest)} 运营商对比")
    left, right = st.columns([3, 2], gap="large")
    with left:
        if tab["share"].notna().any():
            charts.show(share_bar(tab.dropna(subset=["share"])), key="op_share", filename=f"{ind}-份额")
        if tab["value"].notna().any():
            charts.show(value_bars(tab.dropna(subset=["value"])), key="op_bars", filename=f"{ind}-对比")
    with right:
        operator_cards(tab)
        total = key_total(f, ind, region, latest)
        if total:
            st.caption(md_escape(f"{region}全部运营商合计：{total}"))
    charts.source_line(selection.dedupe(d[d["period"] == latest]), key="op_latest")


def key_total(f: data.Filters, ind: str, region: str, period: str) -> str:
    """The all-operator total of the region at ``period`` among the facts passing the indicator and period
    filters, as printed ('' when not stated): its few rows found on the frame's index and codes, the latest
    stored of them shown (as :func:`selection.dedupe` keeps it)."""
    df = data.facts()
    if f.indicators and ind not in f.indicators:
        return ""
    pos = data.positions(
        df, data.Filters(indicators=(ind,), regions=(region,), operators=("",), start=f.start, end=f.end)
    )
    assert pos is not None  # an indicator is chosen: never every row
    pos = pos[
        data.isin_at(df, "subject", [""], pos)
        & data.isin_at(df, "measure", ["value"], pos)
        & data.isin_at(df, "period", [period], pos)
    ]
    if not len(pos):
        return ""
    # these rows state one fact (every key column is fixed): the latest stored statement is the one shown
    last = pos[np.argmax(df["id"].to_numpy()[pos])]
    row = data.take(df, np.array([last]))
    return selection.shown_column(selection.with_printed(row, data.provenance))[0]


if __name__ == "__main__":
    render()
