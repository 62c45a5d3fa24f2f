"""Chart conventions shared by all pages: colours, layout, offline Plotly config, source lines."""

from __future__ import annotations

import html
import zlib
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

#: One colour per operator, everywhere.
OPERATOR_COLORS = {
    "中国移动": "#0E9AA7",  # blue-green
    "中国联通": "#D7263D",  # red
    "中国电信": "#1F5BA8",  # blue
    "中国广电": "#8E5BB5",  # purple
    "全部运营商": "#4A5568",  # the all-operator total
}

#: A qualitative palette for regions: provinces take a fixed slot by their place in
#: data/regions.csv (so no two provinces share a colour), other regions a stable hash.
REGION_PALETTE = (
    "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F",
    "#BCBD22", "#17BECF", "#393B79", "#E6550D", "#31A354", "#AD494A", "#756BB1", "#8C6D31",
    "#CE6DBD", "#636363", "#7B4173", "#3182BD", "#F2A541", "#74C476", "#E7969C", "#9E9AC8",
    "#BD9E39", "#6BAED6", "#FD8D3C", "#A1D99B", "#D6616B", "#5254A3", "#843C39", "#637939",
    "#E7BA52", "#9C9EDE",
)

ACCENT = "#2F6FB0"
FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"


@lru_cache(maxsize=1)
def _province_slots() -> dict[str, int]:
    from . import data

    regs = data.region_table()
    names = ["全国", *regs.loc[regs["level"] == "province", "name"]]
    return {n: i for i, n in enumerate(dict.fromkeys(names))}


def region_color(region: str) -> str:
    """A fixed colour for a region name (the same on every page); provinces never share one.

    >>> region_color("河南省") == region_color("河南省"), region_color("河南省") != region_color("河北省")
    (True, True)
    """
    slot = _province_slots().get(region)
    if slot is None:
        slot = zlib.crc32(region.encode("utf-8"))
    return REGION_PALETTE[slot % len(REGION_PALETTE)]


def color_map(labels: Iterable[str]) -> dict[str, str]:
    """Colours for series labels: operators by brand, anything else by region hash."""
    out = {}
    for label in labels:
        out[label] = OPERATOR_COLORS.get(label) or region_color(label)
    return out


def plain(text: object) -> str:
    """Report text made inert for Plotly, which renders a subset of HTML in labels and hovers.

    >>> plain("<b>腾讯</b> & co")
    '&lt;b&gt;腾讯&lt;/b&gt; &amp; co'
    """
    return html.escape(str(text), quote=False)


def style(fig: go.Figure, *, height: int = 420, y_title: str = "", x_title: str = "",
          legend_title: str = "") -> go.Figure:
    """The house look: Chinese font, light grid, legend on top, compact margins."""
    fig.update_layout(
        height=height,
        font=dict(family=FONT, size=13, color="#1F2933"),
        margin=dict(l=8, r=8, t=36, b=8),
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel=dict(font_family=FONT, bgcolor="white"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title_text=legend_title),
        separators=".,",
    )
    fig.update_xaxes(title_text=x_title, showgrid=False, linecolor="#CBD2D9", ticks="outside",
                     tickcolor="#CBD2D9", automargin=True)
    fig.update_yaxes(title_text=y_title, gridcolor="#EEF1F4", zerolinecolor="#CBD2D9", automargin=True)
    return fig


def _static_prefix() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/" if base else "/app/static/"


def x_dates(df: pd.DataFrame) -> pd.Series:
    """Where each fact sits on a time axis, as ISO text (Plotly then builds a date axis).

    Months, quarters, halves and years sit at their first day, so a tick labelled 2016年 or
    2020年8月 is the period itself; year-to-date figures sit at the first day of their last month.
    """
    month_of_end = df["period_end"].dt.to_period("M").dt.start_time
    use_start = df["period_type"].isin(["month", "quarter", "half", "year"]) & df["period_start"].notna()
    return df["period_start"].where(use_start, month_of_end).dt.strftime("%Y-%m-%d")


def plotly_config(filename: str = "zhibiao") -> dict:
    """Plotly config that works offline: no CDN topojson, PNG/SVG export from the toolbar."""
    return {
        "displaylogo": False,
        "topojsonURL": _static_prefix(),
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def show(fig: go.Figure, key: str, filename: str = "zhibiao") -> None:
    st.plotly_chart(fig, key=key, config=plotly_config(filename), theme=None)


def sources(df: pd.DataFrame) -> list[str]:
    """The documents a frame was drawn from, most-used first."""
    if df.empty:
        return []
    counts = df["document"].value_counts()
    return [str(d) for d in counts[counts > 0].index]  # a categorical lists unused documents with 0


def source_line(df: pd.DataFrame, key: str) -> None:
    """The '来源' line under a chart: the reports the chart was drawn from (shown literally)."""
    docs = sources(df)
    if not docs:
        return
    if len(docs) > 4:
        first, last = df["period_end"].min(), df["period_end"].max()
        span = f"，{first.year}年{first.month}月至{last.year}年{last.month}月" if pd.notna(first) else ""
        shown = docs[:3]
        with st.container(key=f"src_{key}"):
            st.text(f"来源：{len(docs)} 份报告{span}，包括 " + "；".join(shown) + " 等（明细见「数据」页）")
        return
    pages = df.assign(document=df["document"].astype(str)).groupby("document")["page"].agg(
        lambda p: "、".join(str(x) for x in sorted(set(p))[:5]) + ("…" if p.nunique() > 5 else ""))
    shown = [f"{d}（第{pages.get(d, '')}页）" for d in docs]
    more = ""
    with st.container(key=f"src_{key}"):
        st.text("来源：" + "；".join(shown) + more)


CSS = """
<style>
[class*="st-key-src_"] div[data-testid="stText"], [class*="st-key-src_"] .stText {
  color: #6B7785; font-size: 0.8rem; margin-top: -0.6rem;
}
[data-testid="stMetricValue"] { font-size: 1.6rem; }
[class*="st-key-kf_"] { background: #FAFBFC; }
[data-testid="stSidebar"] h4 { margin-bottom: 0.2rem; }
.block-container { padding-top: 2.2rem; }
section[data-testid="stSidebar"] { width: 320px !important; min-width: 320px !important; }
</style>
"""


def inject_css() -> None:
    st.html(CSS)
