"""The Streamlit dashboard, page by page, in streamlit.testing.v1.AppTest.

Each test runs the real app (dashboard/app.py) against a temporary store, on SQLite and on PostgreSQL,
filled through the real ingest API from the shared fixtures, sets filters the
way a user would (sidebar widgets or a shared URL) and asserts on what is shown:
numbers, chart data, table rows, downloads.
"""

from __future__ import annotations

import base64
import doctest
import importlib.util
import io
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
HENAN = SHARED / "fixtures" / "henan-internet-monthly-2020-08.pdf"
NBS_USERS = SHARED / "data" / "nbs" / "互联网上网人数分省年度数据.csv"
APP = str(REPO / "dashboard" / "app.py")

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402

from dashboard.fmt import fmt_count  # noqa: E402
from extract.model import FACT_COLUMNS, Fact  # noqa: E402
from extract.store import Store  # noqa: E402

from .conftest import use_database  # noqa: E402

pytestmark = pytest.mark.skipif(not HENAN.exists(), reason=f"shared fixtures not found at {SHARED}")


# -- fixtures -------------------------------------------------------------------------------------
def _ingest(db: str, *paths: Path) -> Store:
    from extract.ingest import ingest

    with pytest.MonkeyPatch.context() as mp:
        use_database(mp, db)  # the originals go where the app will look for them
        store = Store(db)
        results = ingest([p for p in paths if p.exists()], store)
    assert all(r.status == "stored" for r in results), [r.line() for r in results]
    return store


@pytest.fixture(scope="module")
def filled_db(new_db) -> str:
    """The Henan monthly report (PDF) and the NBS provincial internet-user series (CSV)."""
    db = new_db("dash")
    _ingest(db, HENAN, NBS_USERS)
    return db


@pytest.fixture(scope="module")
def synthetic_db(new_db) -> str:
    """A few months of synthetic operator data (bench/synth.py), for views that need a time series."""
    # loaded from its file: putting bench/ on sys.path would let bench/dashboard.py shadow the dashboard package
    spec = importlib.util.spec_from_file_location("bench_synth", REPO / "bench" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = synth  # its dataclasses look their module up there
    spec.loader.exec_module(synth)

    db = new_db("synth")
    store = Store(db)
    for name, facts in synth.generate(months=14, n_indicators=2, cities_per_province=0):
        store.save_document(
            name=name,
            sha256=name.ljust(64, "0")[:64],
            pages=24,
            size=0,
            kind="pdf",
            title=name,
            version="synthetic",
            fact_rows=facts,
        )
    return db


def app(db: str, monkeypatch, page: str | None = None, **query) -> AppTest:
    use_database(monkeypatch, db)
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(f"pages_/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list[dict]:
    """The figures a page drew, each checked by Plotly property by property (the app builds them unchecked:
    dashboard.charts.VALIDATE)."""
    specs = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    for spec in specs:
        go.Figure(spec)  # raises on a property name or value Plotly does not know
    return specs


def arr(values) -> list:
    """A Plotly data array, decoding the base64 'bdata' form Plotly uses for numpy arrays."""
    if isinstance(values, dict) and "bdata" in values:
        out = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        return out.tolist()
    return list(values or [])


def texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "text", "info", "success", "warning", "error", "code")
        for e in at.get(kind)
        if isinstance(getattr(e, "value", None), str)
    ]
    return "\n".join(parts)


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    """label → (value, delta with its description), e.g. ('6131万户', '+10.7% 同比')."""
    return {m.label: (m.value, f"{m.proto.delta} {m.proto.delta_description}".strip()) for m in at.metric}


def table(at: AppTest, column: str) -> pd.DataFrame:
    """The first st.dataframe shown with this column (plain tables carry no key in AppTest)."""
    for d in at.dataframe:
        df = d.value
        if column in df.columns:
            return df
    raise AssertionError(f"no table with a {column} column")


def sidebar_select(at: AppTest, key: str, values) -> AppTest:
    at.multiselect(key=key).set_value(values)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# -- pure helpers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "module",
    [
        "dashboard.fmt",
        "dashboard.charts",
        "dashboard.derive",
        "dashboard.data",
        "dashboard.pages_.imports",
        "dashboard.pages_.table",
    ],
)
def test_doctests(module):
    import importlib

    mod = importlib.import_module(module)
    result = doctest.testmod(mod)
    assert result.failed == 0


def test_wan_yi_formatting():
    from dashboard.fmt import axis_scale, fmt_value

    assert fmt_value(86435000, "户") == "8643.5万户"
    assert fmt_value(3.236e10, "元") == "323.6亿元"
    assert fmt_value(116365000, "户") == "1.16亿户"
    assert fmt_value(99.0, "部/百户") == "99部/百户"
    assert fmt_value(3, "位", "rank") == "第3位"
    assert axis_scale([4.1e7, 8.0e7], "人") == (1e4, "万人")


# -- empty database -------------------------------------------------------------------------------
def test_empty_database_explains_and_loads_demo(db_url, monkeypatch):
    from dashboard import demo

    db = db_url
    at = app(db, monkeypatch)
    shown = texts(at)
    assert "还没有报告" in shown and "欢迎使用指标看板" in [t.value for t in at.title]
    assert any("zhibiao ingest" in c.value for c in at.code)
    assert [p.label for p in at.get("page_link")] == ["前往导入页"]
    button = at.button(key="load_demo")
    if not demo.available():
        assert button.proto.disabled
        return
    button.click().run()
    assert not at.exception
    assert "已载入演示数据" in texts(at)
    at.run()  # the next run shows the dashboard on the demo data
    assert "还没有报告" not in texts(at)
    assert Store(str(db)).count_facts() > 0
    assert at.metric, "the overview shows key figures once the demo data is loaded"


def test_every_page_handles_an_empty_database(db_url, monkeypatch):
    db = db_url
    for page in ("trend", "regions", "operators", "table"):
        at = app(db, monkeypatch, page)
        assert "还没有报告" in texts(at), page
    at = app(db, monkeypatch, "imports")
    assert "还没有导入任何报告" in texts(at)


def test_pages_with_only_a_failed_document(db_url, monkeypatch):
    db = db_url
    Store(str(db)).save_document(
        name="broken.pdf",
        sha256="f" * 64,
        pages=0,
        size=10,
        kind="pdf",
        title="",
        version="t",
        fact_rows=[],
        status="failed",
        error="the PDF is damaged",
    )
    for page in ("overview", "trend", "regions", "operators", "table", "imports"):
        at = app(db, monkeypatch, page)  # asserts no exception
        assert at.title, page
    assert "the PDF is damaged" in table(at, "状态")["说明"].tolist()


def test_demo_file_absent(tmp_path, db_url, monkeypatch):
    from dashboard import demo

    monkeypatch.setattr(demo, "DEMO_FACTS", tmp_path / "nope.csv")
    at = app(db_url, monkeypatch)
    assert at.button(key="load_demo").proto.disabled
    assert "data/demo/facts.csv 不存在" in texts(at)
    with pytest.raises(FileNotFoundError):
        demo.load_demo(Store(db_url))


def test_demo_loader_groups_by_document(tmp_path, db_url):
    from dashboard import demo

    rows = pd.DataFrame(
        [
            dict(
                zip(
                    FACT_COLUMNS,
                    [
                        "a.pdf",
                        1,
                        "table",
                        "互联网用户",
                        "用户",
                        "河南省",
                        "410000",
                        "province",
                        "",
                        "",
                        "2020-08",
                        "month",
                        "2020-08-01",
                        "2020-08-31",
                        "value",
                        116365000.0,
                        "户",
                        "11636.5",
                        "万户",
                        "总数达到11636.5万户",
                        "",
                    ],
                    strict=True,
                )
            ),
            dict(
                zip(
                    FACT_COLUMNS,
                    [
                        "b.pdf",
                        2,
                        "prose",
                        "互联网用户",
                        "用户",
                        "河南省",
                        "410000",
                        "province",
                        "",
                        "",
                        "2020-09",
                        "month",
                        "2020-09-01",
                        "2020-09-30",
                        "value",
                        116500000.0,
                        "户",
                        "11650",
                        "万户",
                        "总数达到11650万户",
                        "",
                    ],
                    strict=True,
                )
            ),
        ]
    )
    path = tmp_path / "facts.csv"
    rows.to_csv(path, index=False)
    store = Store(db_url)
    assert demo.load_demo(store, path) == (2, 2)
    assert sorted(store.documents()["name"]) == ["a.pdf", "b.pdf"]
    assert demo.load_demo(store, path) == (2, 2)  # idempotent: same content replaces itself
    assert store.count_facts() == 2


# -- 概览 --------------------------------------------------------------------------------------------
def test_overview_key_figures(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch, o_region="河南省")
    assert at.selectbox(key="o_region").value == "河南省"
    m = metrics(at)
    assert m["移动互联网用户"][0] == "8643.5万户"
    assert m["物联网终端用户"] == ("6131万户", "+10.7% 同比")
    assert m["报告"][0] == "2 份"
    assert f"2020年8月 · {HENAN.name} 第" in texts(at)  # each figure names its period and source
    assert "数据覆盖期间" in texts(at)
    assert len(at.get("page_link")) == 5


def test_overview_chosen_indicators(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch, o_region="河南省", ind=["智慧公共事业终端用户", "物联网终端用户"])
    m = metrics(at)
    assert list(m)[:2] == ["智慧公共事业终端用户", "物联网终端用户"]
    assert m["智慧公共事业终端用户"] == ("2263.8万户", "-10.5% 同比")  # a fall: the arrow points down


def test_overview_region_switch(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch)
    at.selectbox(key="o_region").set_value("广东省").run()
    m = metrics(at)
    assert m["互联网上网人数"][0] == "8024万人"
    # 同比 derived from 2015 and marked as such
    assert m["互联网上网人数"][1].endswith("（推算）")
    assert at.query_params["o_region"] == "广东省"


# -- 趋势 --------------------------------------------------------------------------------------------
def test_trend_lines_for_chosen_regions(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch, "trend")
    sidebar_select(at, "f_ind", ["互联网上网人数"])
    sidebar_select(at, "f_region", ["河南省", "广东省"])
    (spec,) = charts(at)
    names = {t["name"]: t for t in spec["data"]}
    assert set(names) == {"河南省", "广东省"}
    henan = names["河南省"]
    xs = arr(henan["x"])
    ys = dict(zip(xs, arr(henan["y"]), strict=True))
    assert ys["2016-01-01"] == pytest.approx(4110)  # 万人
    assert spec["layout"]["yaxis"]["title"]["text"] == "万人"
    # hover names the source document and page
    assert "互联网上网人数分省年度数据.csv" in json.dumps(henan["customdata"], ensure_ascii=False)
    assert "来源：互联网上网人数分省年度数据.csv" in texts(at)
    # the view is in the URL
    assert at.query_params["ind"] == "互联网上网人数"
    assert sorted(at.query_params["region"]) == ["广东省", "河南省"]


def test_trend_single_period_and_measure_switch(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch, "trend", ind="物联网终端用户", region="河南省")
    assert "趋势需要更多期的报告" in texts(at)
    assert metrics(at)["河南省（2020年8月）"][0] == "6131万户"
    control = at.get("button_group")[0]
    control.set_value("yoy_pct")
    at.run()
    assert metrics(at)["河南省（2020年8月）"][0] == "+10.7%"
    assert at.query_params["measure"] == "yoy_pct"


def test_trend_derived_growth_is_marked(filled_db, monkeypatch):
    facts = Store(str(filled_db)).facts(indicator="互联网上网人数", region="河南省")
    by_year = facts.set_index("period")["value"]
    at = app(filled_db, monkeypatch, "trend", ind="互联网上网人数", region="河南省", measure="yoy_pct")
    assert at.get("button_group")[0].value == "yoy_pct"  # offered although no report states a 同比
    (spec,) = charts(at)
    (trace,) = spec["data"]
    assert trace["name"] == "河南省（推算）" and trace["line"]["dash"] == "dot"
    ys = dict(zip(arr(trace["x"]), arr(trace["y"]), strict=True))
    assert ys["2016-01-01"] == pytest.approx((by_year["2016"] / by_year["2015"] - 1) * 100, abs=0.01)
    assert "同比：由 2016年 与 2015年 的数值计算" in json.dumps(trace["customdata"], ensure_ascii=False)
    at.toggle(key="t_derive").set_value(False).run()
    assert at.query_params["derive"] == "0"
    assert not at.get("button_group")  # only stated values remain: no measure to switch to
    assert not any(t["name"].endswith("（推算）") for s in charts(at) for t in s["data"])


def test_trend_period_range(filled_db, monkeypatch):
    use_database(monkeypatch, filled_db)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"ind": "互联网上网人数", "region": "河南省", "from": "2012-12", "to": "2014-12"})
    at.run()  # a shared link seeds the period slider
    assert (at.selectbox(key="f_from").value, at.selectbox(key="f_to").value) == ("2012-12", "2014-12")
    at.switch_page("pages_/trend.py").run()
    (spec,) = charts(at)
    assert arr(spec["data"][0]["x"]) == ["2012-01-01", "2013-01-01", "2014-01-01"]
    assert (at.query_params["from"], at.query_params["to"]) == ("2012-12", "2014-12")
    at.selectbox(key="f_to").set_value("2013-12").run()
    (spec,) = charts(at)
    assert arr(spec["data"][0]["x"]) == ["2012-01-01", "2013-01-01"]
    assert at.query_params["to"] == "2013-12"


def test_filters_survive_page_switches(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch)
    sidebar_select(at, "f_ind", ["移动互联网用户"])
    sidebar_select(at, "f_region", ["河南省"])
    for page in ("trend", "table", "imports", "overview"):
        at.switch_page(f"pages_/{page}.py").run()
        assert not at.exception
    at.switch_page("pages_/trend.py").run()
    assert at.multiselect(key="f_ind").value == ["移动互联网用户"]
    assert at.query_params["ind"] == "移动互联网用户"
    assert at.query_params["region"] == "河南省"


# -- 地区 --------------------------------------------------------------------------------------------
def test_regions_ranking_and_map(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch, "regions", r_ind="互联网上网人数", r_period="2016", region="河南省")
    assert at.selectbox(key="r_period").value == "2016"
    specs = charts(at)
    bar = next(s for s in specs if s["data"][0]["type"] == "bar")
    regions = list(reversed(arr(bar["data"][0]["y"])))
    assert regions[0] == "广东省" and len(regions) == 31
    labels = list(reversed(arr(bar["data"][0]["text"])))
    assert labels[regions.index("河南省")] == "4110万人"
    from dashboard import geo

    if geo.available("province"):
        geo_spec = next(s for s in specs if s["data"][0]["type"] == "choropleth")
        data = next(t for t in geo_spec["data"] if t.get("name") == "data")
        assert "410000" in arr(data["locations"])
        assert geo_spec["layout"]["geo"]["visible"] is False
    else:
        assert "地图暂不可用" in texts(at)


def test_regions_cities_as_bubbles(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch, "regions", r_ind="互联网访问流量", r_level="city")
    assert at.selectbox(key="r_level").value == "city"
    specs = charts(at)
    bar = next(s for s in specs if s["data"][0]["type"] == "bar")
    cities = list(reversed(arr(bar["data"][0]["y"])))
    assert cities[0] == "郑州市"  # the largest traffic first
    from dashboard import geo

    if geo.available("city") and geo.points() is not None:
        m = next(
            s for s in specs if any(t["type"] == "scattergeo" and t.get("name") == "data" for t in s["data"])
        )
        bubbles = next(t for t in m["data"] if t.get("name") == "data")
        assert "郑州市" in arr(bubbles["text"])
        sizes = dict(zip(arr(bubbles["text"]), arr(bubbles["marker"]["size"]), strict=True))
        assert sizes["郑州市"] == max(sizes.values())


def test_regions_stated_rank(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch, "regions", ind="互联网用户", region="河南省")
    # the Henan report states its national rank for 互联网用户 (居全国第4位)
    assert at.selectbox(key="r_ind").value == "互联网用户"
    assert "rank" in at.selectbox(key="r_measure").options or "排名" in at.selectbox(key="r_measure").options
    assert "居第 4 位" in texts(at)


# -- 运营商 -------------------------------------------------------------------------------------------
def test_operators_single_period(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch, "operators", op_ind="IPTV用户", op_region="河南省")
    m = metrics(at)
    assert m["中国移动"][0] == "989.2万户"
    assert m["中国联通"][0] == "638.9万户"
    share = next(s for s in charts(at) if s["layout"].get("barmode") == "stack")
    shares = {t["name"]: arr(t["x"])[0] for t in share["data"]}
    assert shares["中国移动"] == pytest.approx(989.2 / (989.2 + 638.9 + 239.5) * 100, abs=0.01)
    colors = {t["name"]: t["marker"]["color"] for t in share["data"]}
    from dashboard.charts import OPERATOR_COLORS

    assert colors["中国移动"] == OPERATOR_COLORS["中国移动"]
    assert "只有一期" in texts(at)


def test_operators_shares_over_time(synthetic_db, monkeypatch):
    at = app(synthetic_db, monkeypatch, "operators", op_region="河南省")
    area = charts(at)[0]
    assert {t["name"] for t in area["data"]} == {"中国移动", "中国联通", "中国电信", "中国广电"}
    assert all(t.get("groupnorm") == "percent" for t in area["data"] if "groupnorm" in t) or area["data"][
        0
    ].get("stackgroup")
    assert len(arr(area["data"][0]["x"])) == 14
    at.get("button_group")[0].set_value("value")
    at.run()
    assert at.query_params["op_mode"] == "value"


# -- 数据 --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", ["trend", "regions", "operators"])
def test_every_figure_a_page_draws_is_valid_plotly(filled_db, synthetic_db, monkeypatch, page):
    """Figures are built without Plotly's checks (dashboard.charts.VALIDATE): every one each page draws, for
    a real report and for operator series over time, with and without a filter, passes them."""
    drawn = 0
    for db in (filled_db, synthetic_db):
        at = app(db, monkeypatch, page)
        drawn += len(charts(at))
        regions = [r for r in at.multiselect(key="f_region").options if r != "全国"][:2]
        drawn += len(charts(sidebar_select(at, "f_region", regions)))
    assert drawn


@pytest.mark.parametrize("page", ["overview", "table", "imports"])
def test_the_sidebar_counts_the_stored_facts(filled_db, monkeypatch, page):
    """On the pages that read every fact (from the frame) and on 导入 (from the store): the store's count."""
    at = app(filled_db, monkeypatch, page)
    n = Store(filled_db).count_facts()
    assert n > 0
    assert any(f"· {fmt_count(n)} 条数据" in c.value for c in at.sidebar.caption), [
        c.value for c in at.sidebar.caption
    ]


def test_data_table_filtered_with_provenance(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch, "table", ind="移动互联网用户", region="河南省")
    df = at.dataframe(key="facts_table").value
    assert set(df["指标"]) == {"移动互联网用户"} and set(df["地区"]) == {"河南省"}
    row = df[(df["口径"] == "数值") & (df["期间"] == "2020年8月")].iloc[0]
    assert row["数值"] == "8643.5万户" and row["单位"] == "户" and row["报告"] == HENAN.name
    assert "8643.5" in row["原文"] and row["页"] >= 1
    assert f"共 {len(df)} 条数据" in texts(at)


def test_data_selected_row_shows_source_page(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch, "table", ind="移动互联网用户", region="河南省")
    df = at.dataframe(key="facts_table").value
    i = int(df.index[(df["口径"] == "数值") & (df["期间"] == "2020年8月")][0])
    at.session_state["facts_table"] = {"selection": {"rows": [i], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert "原文出处" in [s.value for s in at.subheader]
    assert any("8643.5" in c.value for c in at.code), "the snippet is shown literally in a code block"
    assert at.get("imgs") or at.get("image"), "the source page is rendered"


def test_data_downloads_match_the_table(filled_db, monkeypatch):
    from dashboard import data
    from dashboard.pages_.table import csv_bytes, xlsx_bytes

    at = app(filled_db, monkeypatch, "table", ind="移动互联网用户", region="河南省")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["下载 CSV", "下载 Excel"]
    shown = at.dataframe(key="facts_table").value
    store = Store(str(filled_db))
    facts = store.facts(indicator="移动互联网用户", region="河南省")
    raw = csv_bytes(facts)
    assert raw.startswith("\ufeff".encode())
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(FACT_COLUMNS) and len(back) == len(shown)
    f = data.Filters(("移动互联网用户",), ("河南省",))
    book = pd.read_excel(io.BytesIO(xlsx_bytes(facts, store.documents(), f, [])), sheet_name=None)
    assert list(book) == ["facts", "documents", "filters"]
    assert len(book["facts"]) == len(shown)
    assert list(book["documents"]["name"]) == [HENAN.name]
    assert "移动互联网用户" in book["filters"]["取值"].tolist()


def test_data_search_and_measure(filled_db, monkeypatch):
    at = app(filled_db, monkeypatch, "table", region="河南省")
    at.text_input(key="d_query").set_value("IPTV").run()
    df = at.dataframe(key="facts_table").value
    assert len(df) and all("IPTV" in (r["原文"] + r["指标"]) for _, r in df.iterrows())
    at.get("button_group")[0].set_value(["rank"])
    at.run()
    df = at.dataframe(key="facts_table").value
    assert set(df["口径"]) == {"排名"}
    assert "第5位" in set(df["数值"])


def test_report_text_is_never_markdown(db_url, monkeypatch):
    db = db_url
    evil = "**粗体** <img src=x onerror=alert(1)> [链接](http://example.com) :red[红] $x^2$"
    f = Fact(
        evil[:30] + ".pdf",
        1,
        "prose",
        "互联网用户",
        "用户",
        "河南省",
        "410000",
        "province",
        "",
        evil,
        "2020-08",
        "month",
        "2020-08-01",
        "2020-08-31",
        "value",
        1.0e7,
        "户",
        "1000",
        "万户",
        evil,
    )
    Store(str(db)).save_document(
        name=f.document, sha256="e" * 64, pages=1, size=0, kind="pdf", title=evil, version="t", fact_rows=[f]
    )
    for page in ("overview", "trend", "regions", "operators", "table", "imports"):
        at = app(db, monkeypatch, page)
        for md in list(at.markdown) + list(at.caption):
            assert "<img" not in md.value and "**粗体**" not in md.value, (page, md.value)
    at = app(db, monkeypatch, "table")
    at.session_state["facts_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert any(c.value == evil for c in at.code)


# -- 导入 --------------------------------------------------------------------------------------------
def test_import_upload_and_delete(db_url, monkeypatch):
    db = db_url
    at = app(db, monkeypatch, "imports")
    at.file_uploader(key="uploads").set_value(
        [
            ("../../河南 月报.pdf", HENAN.read_bytes(), "application/pdf"),
            ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "application/pdf"),
        ]
    )
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [p.value for p in at.progress] == [100, 100]  # one bar per file, both finished
    results = table(at, "结果")
    by_name = results.set_index("文件")
    assert by_name.loc["河南 月报.pdf", "结果"] == "已入库"
    assert by_name.loc["河南 月报.pdf", "数据条数"] > 300
    assert by_name.loc["broken.pdf", "结果"] == "失败" and by_name.loc["broken.pdf", "说明"]
    docs = table(at, "状态")
    assert len(docs) == 2 and set(docs["状态"]) == {"正常", "失败"}
    stored = Store(str(db))
    assert stored.count_facts() == int(by_name.loc["河南 月报.pdf", "数据条数"])
    # no upload keeps its original (unsafe) name as a path: the stored copy is content-addressed
    assert all(".." not in p for p in stored.documents()["file_path"])

    good = int(stored.documents().query("status == 'ok'")["id"].iloc[0])
    at.selectbox(key="del_doc").set_value(good)
    at.checkbox(key="del_confirm").check()
    at.run()
    at.button(key="del_button").click().run()
    assert not at.exception
    assert "已删除" in texts(at)
    assert stored.count_facts() == 0
    assert len(table(at, "状态")) == 1


def test_cache_invalidates_when_documents_change(db_url, monkeypatch):
    db = db_url
    _ingest(db, NBS_USERS)
    at = app(db, monkeypatch)
    assert metrics(at)["报告"][0] == "1 份"
    _ingest(db, HENAN)
    at.run()
    assert metrics(at)["报告"][0] == "2 份"
