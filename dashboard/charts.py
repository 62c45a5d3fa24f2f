"""Chart conventions shared by all pages: colours, layout, offline Plotly config, source lines.

Every chart is built in one step by :func:`figure`: the page gives its traces as plain dicts (one per
series, each point carrying its own hover fields) and the layout it needs, laid over the house look
(:func:`house_layout`); Plotly validates each property once. Direct labels at line ends
(:func:`end_labels`) are annotations computed from the traces, not added to a built figure.
"""

from __future__ import annotations

import html
import zlib
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

#: One colour per operator, everywhere: four distinct hues (blue, red, green, orange) and grey for the total.
OPERATOR_COLORS = {
    "中国移动": "#1F77B4",  # blue
    "中国联通": "#D62728",  # red
    "中国电信": "#2CA02C",  # green
    "中国广电": "#FF7F0E",  # orange
    "全部运营商": "#595959",  # the all-operator total
}

#: A qualitative palette of distinct hues (no two blues or two oranges): a chart's series take
#: different slots (:func:`color_map`); a region alone keeps a stable one (:func:`region_color`).
REGION_PALETTE = (
    "#1F77B4",  # blue
    "#FF7F0E",  # orange
    "#2CA02C",  # green
    "#D62728",  # red
    "#9467BD",  # purple
    "#8C564B",  # brown
    "#E377C2",  # pink
    "#7F7F7F",  # grey
    "#BCBD22",  # olive
    "#17BECF",  # cyan
)

#: More series than this on one chart get their names at the line ends.
DIRECT_LABELS = 4

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
    """Colours for the series of one chart: operators by brand; other series each a different palette
    slot (a region's own slot when it is still free), so no two series of a chart share a hue.

    >>> cm = color_map(["河南省", "河北省", "中国移动", "a", "b", "c", "d", "e", "f", "g"])
    >>> cm["中国移动"] == OPERATOR_COLORS["中国移动"], len(set(cm.values()))
    (True, 10)
    """
    out: dict[str, str] = {}
    labels = list(dict.fromkeys(labels))
    used = {i for i, c in enumerate(REGION_PALETTE) if c in {OPERATOR_COLORS.get(x) for x in labels}}
    n = len(REGION_PALETTE)
    for label in labels:
        if label in OPERATOR_COLORS:
            out[label] = OPERATOR_COLORS[label]
            continue
        slot = _slot(label)
        free = [s for s in ((slot + k) % n for k in range(n)) if s not in used]
        pick = free[0] if free else slot % n
        used.add(pick)
        out[label] = REGION_PALETTE[pick]
    return out


def _slot(label: str) -> int:
    slot = _province_slots().get(label.split(" · ")[0].removesuffix("（推算）"))
    return slot if slot is not None else zlib.crc32(label.encode("utf-8"))


def end_labels(traces: list[dict]) -> list[dict]:
    """With many series (more than :data:`DIRECT_LABELS`), each line's name at its last point, in its
    colour, so a reader need not match colours against the legend: the annotations (none for fewer)."""
    lines = [t for t in traces if len(t.get("x", ())) and t.get("name")]
    if len(lines) <= DIRECT_LABELS:
        return []
    return [
        {
            "x": t["x"][-1],
            "y": t["y"][-1],
            "text": t["name"],
            "showarrow": False,
            "xanchor": "left",
            "xshift": 6,
            "font": {"size": 11, "color": t.get("line", {}).get("color") or "#1F2933"},
        }
        for t in lines
    ]


#: The mark of a number that failed a consistency check (flag ``check_failed``, see extract/checks.py), put
#: before it wherever it is shown — cards, hovers, bar labels, the 数据 table — and what it means.
CHECK_FLAG = "check_failed"
CHECK_MARK = "⚠"
CHECK_NOTE = "⚠ 未通过一致性校验，请核对原文（见「审核」页）"


#: Flags of a person's decision (extract/review.py): a number accepted or corrected is no longer in doubt.
SETTLED_FLAGS = frozenset({"reviewed", "corrected"})


def marked(text: str, flags: object) -> str:
    """``text`` with :data:`CHECK_MARK` before it when ``flags`` hold ``check_failed`` and no person has
    settled the number since.

    >>> marked("60.3亿元", "inconsistent;check_failed"), marked("8643.5万户", ""), marked("1", "check_failed;reviewed")
    ('⚠ 60.3亿元', '8643.5万户', '1')
    """
    parts = set(str(flags or "").split(";"))
    return f"{CHECK_MARK} {text}" if CHECK_FLAG in parts and not parts & SETTLED_FLAGS else text


def mark_failed(texts: Iterable[str], df: pd.DataFrame) -> list[str]:
    """:func:`marked` for every row of ``df`` (one text per row; unchanged without a ``flags`` column).

    >>> mark_failed(["5万户", "6万户"], pd.DataFrame({"flags": ["", "check_failed"]}))
    ['5万户', '⚠ 6万户']
    """
    if "flags" not in df:
        return list(texts)
    return [marked(t, f) for t, f in zip(texts, df["flags"].tolist(), strict=True)]


def plain_all(texts: Iterable[object]) -> list[str]:
    """:func:`plain` for every text, each distinct text escaped once.

    >>> plain_all(["<b>", "a", "<b>"])
    ['&lt;b&gt;', 'a', '&lt;b&gt;']
    """
    seen: dict[object, str] = {}
    out = []
    for t in texts:
        got = seen.get(t)
        if got is None:
            got = seen[t] = plain(t)
        out.append(got)
    return out


def plain(text: object) -> str:
    """Report text made inert for Plotly, which renders a subset of HTML in labels and hovers.

    >>> plain("<b>腾讯</b> & co")
    '&lt;b&gt;腾讯&lt;/b&gt; &amp; co'
    """
    return html.escape(str(text), quote=False)


def house_layout(
    height: int = 420, y_title: str = "", x_title: str = "", legend_title: str = "", cartesian: bool = True
) -> dict:
    """The house look as a layout: Chinese font, light grid, legend on top, compact margins (and the x and
    y axes' look unless the figure has no ``cartesian`` axes, a map)."""
    layout: dict = {
        "height": height,
        "font": {"family": FONT, "size": 13, "color": "#1F2933"},
        "margin": {"l": 8, "r": 8, "t": 36, "b": 8},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hoverlabel": {"font": {"family": FONT}, "bgcolor": "white"},
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0,
            "title": {"text": legend_title},
        },
        "separators": ".,",
    }
    if cartesian:
        layout["xaxis"] = {
            "title": {"text": x_title},
            "showgrid": False,
            "linecolor": "#CBD2D9",
            "ticks": "outside",
            "tickcolor": "#CBD2D9",
            "automargin": True,
        }
        layout["yaxis"] = {
            "title": {"text": y_title},
            "gridcolor": "#EEF1F4",
            "zerolinecolor": "#CBD2D9",
            "automargin": True,
        }
    return layout


def merged(base: dict, over: dict) -> dict:
    """``base`` with ``over`` laid on it, nested dicts merged key by key (the other values of ``over`` win).

    >>> merged({"margin": {"l": 8, "t": 36}, "height": 420}, {"margin": {"t": 70}})
    {'margin': {'l': 8, 't': 70}, 'height': 420}
    """
    out = dict(base)
    for key, value in over.items():
        mine = out.get(key)
        out[key] = merged(mine, value) if isinstance(mine, dict) and isinstance(value, dict) else value
    return out


#: Whether :func:`figure` has Plotly check every property name and value as it builds (Plotly's own switch,
#: ``_validate``, for figures built from known dicts). Checking was two thirds of building and sending a
#: chart (four lines of 120 months: 15 → 5 ms), at every rerun, for figures whose shape is fixed by this
#: code; tests/test_dashboard.py validates every figure every page draws instead.
VALIDATE = False


def figure(traces: Iterable[dict | go.BaseTraceType], layout: dict | None = None, **house: Any) -> go.Figure:
    """A chart in the house look, built in one step: the traces (plain dicts with their ``type``) and the
    chart's own ``layout`` laid over :func:`house_layout` (``house`` its arguments).

    One construction validates each property once; building a figure and then restyling it
    (``update_layout``, ``update_traces``, Plotly Express) validated and copied the figure again at every
    step — most of a chart's time.

    The figure is not validated property by property (:data:`VALIDATE`).

    >>> fig = figure([{"type": "bar", "x": [1], "y": ["a"]}], {"margin": {"t": 48}}, height=300)
    >>> fig.layout.height, fig.layout.margin.t, fig.layout.margin.l, fig.data[0].type
    (300, 48, 8, 'bar')
    """
    return go.Figure(
        data=list(traces), layout=merged(house_layout(**house), layout or {}), _validate=VALIDATE
    )


def series_traces(
    v: pd.DataFrame, by: str, names: Iterable[str], hover: str, custom: list[str], look: Callable[[str], dict]
) -> list[dict]:
    """One scatter trace per series of ``v`` (column ``by``; in the order of ``names``): its rows' ``x``, ``y``
    and hover fields ``custom`` in row order, and ``look(name)``, the series' drawing (mode, line, marker…).

    >>> v = pd.DataFrame({"s": ["a", "b", "a"], "x": ["2020-01-01"] * 3, "y": [1.0, 2.0, 3.0], "t": ["p", "q", "r"]})
    >>> got = series_traces(v, "s", ["b", "a"], "", ["t"], lambda name: {"mode": "lines"})
    >>> [(t["name"], t["y"].tolist(), t["customdata"].tolist(), t["mode"]) for t in got]
    [('b', [2.0], [['q']], 'lines'), ('a', [1.0, 3.0], [['p'], ['r']], 'lines')]
    """
    labels = v[by].astype(str).to_numpy(dtype=object)
    x, y = v["x"].to_numpy(dtype=object), v["y"].to_numpy(dtype=float)
    fields = v[custom].to_numpy(dtype=object)
    traces = []
    for name in names:
        rows = labels == name
        traces.append(
            {
                "type": "scatter",
                "name": name,
                "legendgroup": name,
                "showlegend": True,
                "x": x[rows],
                "y": y[rows],
                "customdata": fields[rows],
                "hovertemplate": hover,
                **look(name),
            }
        )
    return traces


def title_layout(title: str, **more: Any) -> dict:
    """A chart's title in the house look (the report text in it made inert)."""
    return {"title": {"text": plain(title), "font": {"size": 15}, "x": 0, **more}}


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


def _statements(df: pd.DataFrame) -> pd.DataFrame:
    """(document, page, period_end) of every statement a frame's rows stand for: a row deduplicated by
    :func:`dashboard.selection.dedupe` carries all its ``sources``; any other row is its own."""
    if "sources" not in df or df.empty:
        return pd.DataFrame(
            {"document": df["document"].astype(str), "page": df["page"], "period_end": df["period_end"]}
        )
    rows = [
        (d, p, e)
        for s, doc, page, e in zip(
            df["sources"], df["document"].astype(str), df["page"], df["period_end"], strict=True
        )
        for d, p in (s if isinstance(s, tuple) and s else ((doc, page),))
    ]
    return pd.DataFrame(rows, columns=["document", "page", "period_end"])


def sources(df: pd.DataFrame) -> list[str]:
    """The documents a frame was drawn from (every report stating a shown figure), most-used first.

    >>> d = pd.DataFrame({"document": ["a", "b"], "page": [1, 2], "period_end": pd.to_datetime(["2020-01-31"] * 2),
    ...                   "sources": [(("a", 1), ("c", 4)), None]})
    >>> sources(d)
    ['a', 'c', 'b']
    """
    return [] if df.empty else _ranked(_statements(df))


def _ranked(statements: pd.DataFrame) -> list[str]:
    """The documents of :func:`_statements`, most-used first."""
    counts = statements["document"].value_counts(sort=True)
    counts = counts[counts > 0]
    # most-used first, ties in the order value_counts gives (a stable sort on the count alone)
    names, n = [str(d) for d in counts.index.tolist()], counts.tolist()
    return [names[i] for i in sorted(range(len(names)), key=lambda i: -int(n[i]))]


def source_line(df: pd.DataFrame, key: str) -> None:
    """The '来源' line under a chart: the reports the chart was drawn from (shown literally)."""
    if df.empty:
        return
    st_df = _statements(df)
    docs = _ranked(st_df)
    if not docs:
        return
    if len(docs) > 4:
        first, last = st_df["period_end"].min(), st_df["period_end"].max()
        span = f"，{first.year}年{first.month}月至{last.year}年{last.month}月" if pd.notna(first) else ""
        with st.container(key=f"src_{key}"):
            st.text(
                f"来源：{len(docs)} 份报告{span}，包括 " + "；".join(docs[:3]) + " 等（明细见「数据」页）"
            )
        return
    pages = st_df.groupby("document")["page"].agg(
        lambda p: "、".join(str(x) for x in sorted(set(p))[:5]) + ("…" if p.nunique() > 5 else "")
    )
    with st.container(key=f"src_{key}"):
        st.text("来源：" + "；".join(f"{d}（第{pages.get(d, '')}页）" for d in docs))


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
