"""概览 — key figures for one region at its latest period, and what is loaded."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard import common, data, filters
from dashboard.fmt import fmt_count, fmt_delta_pct, fmt_value, period_label

MAX_CARDS = 8


def key_figures(df: pd.DataFrame, region: str, indicators: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per indicator for ``region``: latest value, 同比 (stated or derived), history, source.

    Only all-operator, whole-region figures (no operator, no subject) count as key figures.
    """
    d = df[(df["region"] == region) & (df["operator"] == "") & (df["subject"] == "")]
    if indicators:
        d = d[d["indicator"].isin(indicators)]
    vals = common.dedupe(d[d["measure"] == "value"])
    if vals.empty:
        return pd.DataFrame()
    yoy = common.dedupe(d[d["measure"] == "yoy_pct"]).set_index(["indicator", "period"])["value"]
    rows = []
    for ind, g in vals.groupby("indicator", sort=False):
        # prefer the most frequent period type (month over year-to-date, say) for a clean history
        ptype = g["period_type"].value_counts().index[0]
        g = g[g["period_type"] == ptype].sort_values("period_end")
        last = g.iloc[-1]
        stated = yoy.get((ind, last["period"]))
        derived = None
        if stated is None:
            prev_end = last["period_end"] - pd.DateOffset(years=1)
            prev = g[(g["period_end"] - prev_end).abs() <= pd.Timedelta(days=3)]
            if not prev.empty and prev.iloc[-1]["value"]:
                derived = (last["value"] / prev.iloc[-1]["value"] - 1) * 100
        rows.append({
            "indicator": ind, "category": last["category"], "unit": last["unit"], "period": last["period"],
            "period_end": last["period_end"], "value": last["value"],
            "yoy": stated if stated is not None else derived, "yoy_derived": stated is None and derived is not None,
            "history": list(g["value"].tail(24)), "periods": g["month"].nunique(),
            "document": last["document"], "page": int(last["page"]),
        })
    out = pd.DataFrame(rows)
    order = {i: n for n, i in enumerate(data.options()["indicators"])}
    if indicators:
        order = {i: n for n, i in enumerate(indicators)}
    out["o"] = out["indicator"].map(order).fillna(999)
    # the latest figures first; among them, the longest series
    return out.sort_values(["period_end", "periods", "o"], ascending=[False, False, True]).reset_index(drop=True)


def default_region(df: pd.DataFrame) -> str:
    """The region with most whole-region value facts, preferring provinces and the nation."""
    d = df[(df["measure"] == "value") & (df["operator"] == "")]
    if d.empty:
        d = df
    counts = d.groupby("region").size()
    return str(counts.idxmax()) if len(counts) else ""


def render() -> None:
    if not common.has_data():
        return
    f = filters.current()
    all_facts = data.facts()
    st.title("概览")
    regions = data.options()["regions"]
    in_scope = data.mask(all_facts, f, regions=False, indicators=False)  # operators and period

    def default() -> str:  # only needed when neither the session nor the URL names a region
        if f.regions:
            return f.regions[0]
        scoped = data.rows(all_facts, in_scope, ["region", "measure", "operator"])
        return default_region(scoped if not scoped.empty else all_facts)

    filters.page_state("o_region", regions, default, qp="o_region")
    st.caption("所选地区各项指标的最新数值、同比和走势。点击「数据」页可查看每个数字在报告中的原文位置。")
    c1, c2 = st.columns([2, 3], vertical_alignment="bottom")
    region = c1.selectbox("地区", regions, key="o_region")
    filters.remember("o_region", qp="o_region")

    figs = key_figures(all_facts[data.both(in_scope, all_facts["region"] == region)], region, f.indicators)
    if figs.empty:
        st.info(f"{region} 在当前筛选条件下没有可汇总的指标数值。可在侧栏调整期间或指标，或在「数据」页查看全部记录。")
    else:
        latest = figs["period_end"].max()
        c2.caption(f"最新数据期：{latest.year}年{latest.month}月　·　{len(figs)} 项指标有数值，"
                   f"显示最新的 {min(len(figs), MAX_CARDS)} 项" + ("（侧栏所选指标）" if f.indicators else ""))
        shown = figs.head(MAX_CARDS)
        for start in range(0, len(shown), 4):
            cols = st.columns(4)
            for j, (_, r) in enumerate(shown.iloc[start:start + 4].iterrows()):
                delta = fmt_delta_pct(r["yoy"])
                what = ("同比（推算）" if r["yoy_derived"] else "同比") if delta else None
                help_text = "同比由上年同期数值推算，非报告原文。" if r["yoy_derived"] else None
                with cols[j].container(border=True, height="stretch", key=f"kf_{start + j}"):
                    st.metric(r["indicator"], fmt_value(r["value"], r["unit"]), delta, help=help_text,
                              delta_description=what,
                              chart_data=r["history"] if len(r["history"]) > 2 else None, chart_type="area")
                    with st.container(key=f"src_kf_{start + j}"):
                        st.text(f"{period_label(r['period'])} · {r['document']} 第{r['page']}页")
        stale = figs[figs["period_end"] < latest - pd.DateOffset(months=12)]
        if len(stale):
            st.caption(f"另有 {len(stale)} 项指标的最新数据早于一年以前，可在「趋势」页查看。")

    st.divider()
    st.subheader("数据概况")
    docs = data.documents_frame()
    ok = docs[docs["status"] == "ok"]
    n_facts = len(all_facts)
    m = st.columns(4)
    m[0].metric("报告", f"{len(ok)} 份", border=True, help="已成功导入的文件" + (f"；另有 {len(docs) - len(ok)} 份导入失败" if
                                                                       len(docs) > len(ok) else ""))
    m[1].metric("数据条数", fmt_count(n_facts), border=True)
    m[2].metric("指标 · 地区", f"{all_facts['indicator'].nunique()} · {all_facts['region'].nunique()}", border=True)
    fresh = ""
    if len(docs):
        try:
            when = datetime.fromisoformat(str(docs["ingested_at"].max())).astimezone()
            fresh = when.strftime("%Y-%m-%d %H:%M")
        except ValueError:
            fresh = str(docs["ingested_at"].max())
    months = data.options()["months"]
    span = f"{period_label(months[0])} — {period_label(months[-1])}" if months else "—"
    m[3].metric("最近导入", fresh or "—", help=f"数据覆盖期间：{span}", border=True)
    st.caption(f"数据覆盖期间：{span}")

    st.subheader("继续分析")
    pages = st.session_state["_pages"]
    links = st.columns(5)
    for col, (key, label, icon) in zip(links, [
        ("trend", "趋势", ":material/show_chart:"), ("regions", "地区排名与地图", ":material/map:"),
        ("operators", "运营商份额", ":material/cell_tower:"), ("table", "数据明细", ":material/table:"),
        ("imports", "导入报告", ":material/upload_file:")], strict=True):
        with col.container(border=True):
            st.page_link(pages[key], label=label, icon=icon)


if __name__ == "__main__":
    render()
