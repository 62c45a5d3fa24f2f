"""概览 — key figures for one region at its latest period, and what is loaded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, common, data, filters, rules, selection
from dashboard.fmt import fmt_count, fmt_delta_pct, fmt_value, md_escape, period_label

MAX_CARDS = 8


def key_figures(
    df: pd.DataFrame,
    region: str,
    indicators: tuple[str, ...] = (),
    provenance: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """One row per indicator for ``region``: the latest value (:func:`selection.latest_by`, as :func:`latest_row`) as printed with its
    qualifier, 同比 (stated, else derived by :func:`year_change`), the history of the same period type
    (each period once), and the source. ``provenance`` adds the printed value, unit and snippet to the
    chosen rows when ``df`` does not carry them (the dashboard fetches them by id).

    Only all-operator, whole-region figures (no operator, no subject) count as key figures.
    """
    d = df[(df["region"] == region) & (df["operator"] == "") & (df["subject"] == "")]
    if indicators:
        d = d[d["indicator"].isin(indicators)]
    vals = selection.dedupe(d[d["measure"] == "value"])
    if vals.empty:
        return pd.DataFrame()
    yoy = selection.dedupe(d[d["measure"] == "yoy_pct"]).set_index(["indicator", "period"])["value"]
    # the latest row of each indicator and its history, from one sort of the rows (not a frame per indicator)
    latest = selection.latest_by(vals, "indicator", rules.indicator_kind)
    lasts = vals.iloc[latest.rows]
    if provenance is not None:
        lasts = provenance(lasts)
    values = vals["value"].to_numpy(dtype=float)
    ends = pd.to_datetime(vals["period_end"]).to_numpy()
    rows = []
    for ind, row, hist, periods, last in zip(
        latest.names,
        latest.rows.tolist(),
        latest.history,
        latest.periods.tolist(),
        lasts.to_dict("records"),
        strict=True,
    ):
        unit = str(last["unit"])
        stated = yoy.get((ind, last["period"]))
        change, change_unit, note = (stated, "%", "") if stated is not None else (None, "", "")
        before = selection.year_before(values, ends, hist, row) if stated is None else None
        if before is not None:
            change, change_unit, note = selection.change_on(
                float(last["value"]), last["period_end"], *before, ind, region, unit
            )
        printed = {c: str(last.get(c, "") or "") for c in ("raw_value", "raw_unit", "snippet")}
        rows.append(
            {
                "indicator": ind,
                "category": last["category"],
                "unit": unit,
                "period": last["period"],
                "period_end": last["period_end"],
                "value": last["value"],
                "shown": charts.marked(
                    selection.shown(
                        last["value"],
                        unit,
                        "value",
                        printed["snippet"],
                        printed["raw_value"],
                        printed["raw_unit"],
                    ),
                    last.get("flags", ""),
                ),
                "yoy": change,
                "yoy_unit": change_unit,
                "yoy_derived": stated is None and change is not None,
                "break_note": note,
                "history": values[hist[-24:]].tolist(),
                "periods": periods,
                "document": last["document"],
                "page": int(last["page"]),
                "source": selection.source_text(
                    last.get("sources"), str(last["document"]), int(last["page"])
                ),
            }
        )
    out = pd.DataFrame(rows)
    order = {i: n for n, i in enumerate(data.options()["indicators"])}
    if indicators:
        order = {i: n for n, i in enumerate(indicators)}
    out["o"] = out["indicator"].map(order).fillna(999)
    # the latest figures first; among them, the longest series
    return out.sort_values(["period_end", "periods", "o"], ascending=[False, False, True]).reset_index(
        drop=True
    )


def card_counts(figs: pd.DataFrame, limit: int = MAX_CARDS) -> str:
    """The complete count under the cards: how many indicators have values, how many are shown, and
    how many of the others are older than a year.

    >>> f = pd.DataFrame({"period_end": pd.to_datetime(["2020-08-31"] * 9 + ["2016-12-31"])})
    >>> card_counts(f)
    '10 项指标有数值：显示最新的 8 项；另有 2 项未显示，其中 1 项的最新数据早于一年以前（在「趋势」页查看）'
    """
    n = len(figs)
    shown = min(n, limit)
    text = f"{n} 项指标有数值：显示最新的 {shown} 项"
    if n > shown:
        latest = figs["period_end"].max()
        rest = figs.iloc[shown:]
        stale = int((rest["period_end"] < latest - pd.DateOffset(months=12)).sum())
        text += f"；另有 {n - shown} 项未显示"
        text += f"，其中 {stale} 项的最新数据早于一年以前" if stale else ""
        text += "（在「趋势」页查看）"
    return text


def default_region(df: pd.DataFrame, keep: np.ndarray | None = None) -> str:
    """The region with most whole-region value facts, preferring provinces and the nation, among the rows
    ``keep`` of ``df`` (all rows when None or when it keeps none). On categoricals counted on their codes.

    >>> d = pd.DataFrame({"region": pd.Categorical(["甲", "乙", "乙", "甲"]), "measure": "value",
    ...                   "operator": pd.Categorical(["", "", "", "x"])})
    >>> default_region(d), default_region(d, np.array([True, False, False, True]))
    ('乙', '甲')
    """
    if keep is not None and not keep.any():
        keep = None
    if not _categorical(df, ("region", "measure", "operator")):
        return _default_region(df if keep is None else df[keep])
    region, cats = df["region"].cat.codes.to_numpy(), df["region"].cat.categories
    whole = data.isin(df, "measure", ["value"]) & data.isin(df, "operator", [""])
    if keep is not None:
        region, whole = region[keep], whole[keep]
    if whole.any():
        region = region[whole]
    region = region[region >= 0]  # no region: not counted (as by groupby)
    if not len(region):
        return ""
    return str(cats[int(np.argmax(np.bincount(region, minlength=len(cats))))])


def _default_region(df: pd.DataFrame) -> str:
    d = df[(df["measure"] == "value") & (df["operator"] == "")]
    if d.empty:
        d = df
    counts = d.groupby("region").size()
    return str(counts.idxmax()) if len(counts) else ""


def _categorical(df: pd.DataFrame, columns: tuple[str, ...]) -> bool:
    return all(isinstance(df[c].dtype, pd.CategoricalDtype) for c in columns)


def loaded_counts() -> tuple[int, int, int]:
    """(facts, indicators, regions) of the whole frame: what :func:`data.options` lists (its indicators are
    those with facts; its regions hold each distinct value once, a missing one as NaN, not counted)."""
    opts = data.options()
    return len(data.facts()), len(opts["indicators"]), len([r for r in opts["regions"] if r == r])


def card_delta(r: pd.Series) -> tuple[str | None, str | None, str | None]:
    """(delta, its description, help) of one card: 同比 as stated, else derived (marked 推算), or why not.

    >>> card_delta(pd.Series({"yoy": 4.2, "yoy_unit": "pp", "yoy_derived": True, "break_note": ""}))[:2]
    ('+4.2个百分点', '同比（推算）')
    """
    delta = (
        fmt_value(r["yoy"], r["yoy_unit"], "yoy_pct") if r["yoy_unit"] == "pp" else fmt_delta_pct(r["yoy"])
    )
    what = ("同比（推算）" if r["yoy_derived"] else "同比") if delta else None
    why = ("同比由上年同期数值推算，非报告原文。" if r["yoy_derived"] else None) or (
        f"不推算同比：{r['break_note']}" if r["break_note"] else None
    )
    return delta, what, why


def cards(figs: pd.DataFrame) -> None:
    """The key-figure cards, four to a row: value as printed, 同比, sparkline (≥ 3 periods), source."""
    shown = figs.head(MAX_CARDS)
    for start in range(0, len(shown), 4):
        cols = st.columns(4)
        for j, (_, r) in enumerate(shown.iloc[start : start + 4].iterrows()):
            delta, what, why = card_delta(r)
            with cols[j].container(border=True, height="stretch", key=f"kf_{start + j}"):
                st.metric(
                    md_escape(r["indicator"]),
                    r["shown"],
                    delta,
                    help=why or (charts.CHECK_NOTE if r["shown"].startswith(charts.CHECK_MARK) else None),
                    delta_description=what,
                    chart_data=r["history"] if len(r["history"]) > 2 else None,
                    chart_type="area",
                )
                with st.container(key=f"src_kf_{start + j}"):
                    st.text(f"{period_label(r['period'])} · {r['source']}")


def loaded() -> None:
    """数据概况: reports, facts, indicators and regions, the latest import and the period covered."""
    st.subheader("数据概况")
    docs = data.documents_frame()
    ok = docs[docs["status"] == "ok"]
    m = st.columns(4)
    failed = f"；另有 {len(docs) - len(ok)} 份导入失败" if len(docs) > len(ok) else ""
    m[0].metric("报告", f"{len(ok)} 份", border=True, help="已成功导入的文件" + failed)
    n_facts, n_indicators, n_regions = loaded_counts()
    m[1].metric("数据条数", fmt_count(n_facts), border=True)
    m[2].metric("指标 · 地区", f"{n_indicators} · {n_regions}", border=True)
    fresh = ""
    if len(docs):
        try:
            fresh = (
                datetime.fromisoformat(str(docs["ingested_at"].max())).astimezone().strftime("%Y-%m-%d %H:%M")
            )
        except ValueError:
            fresh = str(docs["ingested_at"].max())
    months = data.options()["months"]
    span = f"{period_label(months[0])} — {period_label(months[-1])}" if months else "—"
    m[3].metric("最近导入", fresh or "—", help=f"数据覆盖期间：{span}", border=True)
    st.caption(f"数据覆盖期间：{span}")


LINKS = [
    ("trend", "趋势", ":material/show_chart:"),
    ("regions", "地区排名与地图", ":material/map:"),
    ("operators", "运营商份额", ":material/cell_tower:"),
    ("table", "数据明细", ":material/table:"),
    ("imports", "导入报告", ":material/upload_file:"),
]


def render() -> None:
    if not common.has_data():
        return
    f = filters.current()
    all_facts = data.facts()
    st.title("概览")
    in_scope = data.mask(all_facts, f, regions=False, indicators=False)  # operators and period

    def default() -> str:  # only needed when neither the session nor the URL names a region
        return f.regions[0] if f.regions else default_region(all_facts, in_scope)

    st.caption("所选地区各项指标的最新数值、同比和走势。点击「数据」页可查看每个数字在报告中的原文位置。")
    c1, c2 = st.columns([2, 3], vertical_alignment="bottom")
    region = filters.bind(c1.selectbox, "地区", data.options()["regions"], "o_region", "o_region", default)
    # the region's rows (looked up by region) in the operators and period chosen
    scope = data.Filters(regions=(region,), operators=f.operators, start=f.start, end=f.end)
    figs = key_figures(
        data.take(all_facts, data.positions(all_facts, scope)),
        region,
        f.indicators,
        provenance=data.provenance,
    )
    if figs.empty:
        st.info(
            f"{md_escape(region)} 在当前筛选条件下没有可汇总的指标数值。可在侧栏调整期间或指标，或在「数据」页查看全部记录。"
        )
    else:
        latest = figs["period_end"].max()
        c2.caption(
            f"最新数据期：{latest.year}年{latest.month}月　·　{card_counts(figs)}"
            + ("（侧栏所选指标）" if f.indicators else "")
        )
        cards(figs)
    st.divider()
    loaded()
    st.subheader("继续分析")
    for col, (key, label, icon) in zip(st.columns(5), LINKS, strict=True):
        with col.container(border=True):
            st.page_link(st.session_state["_pages"][key], label=label, icon=icon)


if __name__ == "__main__":
    render()
