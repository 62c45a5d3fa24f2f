"""What each page selects, on small hand-made frames (no Streamlit): each fact once with every source,
the latest value, the default indicator, the 地区 period, operator shares and 同比, the 趋势 charts'
labels, the 数据 sparklines (issue 13: pages that select, then draw)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard import data, selection
from dashboard.pages_ import operators, regions, table, trend

from .test_dashboard_rules import frame


def test_a_fact_stated_by_two_reports_is_one_row_with_both_sources() -> None:
    rows = frame(
        [
            {
                "indicator": "移动电话用户",
                "period": "2020-07",
                "value": 1e8,
                "unit": "户",
                "document": "a.pdf",
                "page": 3,
            },
            {
                "indicator": "移动电话用户",
                "period": "2020-07",
                "value": 1e8,
                "unit": "户",
                "document": "b.pdf",
                "page": 5,
            },
            {
                "indicator": "移动电话用户",
                "period": "2020-07",
                "value": 1e8,
                "unit": "户",
                "document": "b.pdf",
                "page": 7,
            },
        ]
    )  # the text and a table of one report: two facts, one figure
    one = selection.dedupe(rows)
    assert len(one) == 1
    assert selection.source_text(one["sources"].iloc[0]) == "b.pdf 第7、5页；a.pdf 第3页"


def test_a_revised_figure_is_not_listed_as_a_source_of_the_new_one() -> None:
    rows = frame(
        [
            {"indicator": "x", "period": "2020", "value": 5.0, "unit": "户", "document": "old.pdf"},
            {"indicator": "x", "period": "2020", "value": 6.0, "unit": "户", "document": "new.pdf"},
        ]
    )
    one = selection.dedupe(rows)
    assert one["value"].tolist() == [6.0] and one["sources"].tolist() == [None]  # only its own document
    assert selection.source_text(one["sources"].iloc[0], "new.pdf", 1) == "new.pdf 第1页"


def test_the_latest_value_of_an_indicator_for_a_region() -> None:
    g = frame(
        [
            {
                "indicator": "电信业务收入",
                "period": "2020-01..2020-08",
                "period_type": "ytd",
                "period_start": pd.Timestamp("2020-01-01"),
                "period_end": pd.Timestamp("2020-08-31"),
                "value": 8.0,
            },
            {"indicator": "电信业务收入", "period": "2020-08", "value": 1.0},
            {"indicator": "电信业务收入", "period": "2019", "value": 11.0},
        ]
    )
    assert selection.latest_row(g, "flow")["period"] == "2020-01..2020-08"  # the headline 1–8月 total
    assert selection.latest_row(g, "stock")["period"] == "2020-08"


def test_one_default_indicator_for_every_page() -> None:
    d = pd.DataFrame(
        {
            "indicator": ["a", "a", "b", "b", "b"],
            "month": ["2020-01", "2020-02", "2020-01", "2020-01", "2020-01"],
        }
    )
    assert selection.default_indicator(d) == "a"  # most periods before most facts
    assert selection.default_indicator(d, ("b",)) == "b"  # the sidebar's choice
    assert selection.default_indicator(d, ("c",), ["b"]) == "b"  # a choice the page does not offer


def test_regions_period_when_the_sidebar_range_holds_nothing() -> None:
    d = frame(
        [
            {"indicator": "x", "period": "2015", "value": 1.0},
            {"indicator": "x", "period": "2016", "value": 2.0},
        ]
    )
    rows, periods, note = regions.period_choices(d, data.Filters(start="2020-06", end="2020-08"))
    assert periods == ["2016", "2015"] and len(rows) == 2
    assert note.startswith("侧栏所选期间（2020年6月至2020年8月）内没有")
    rows, periods, note = regions.period_choices(d, data.Filters(end="2015-12"))
    assert periods == ["2015"] and note == ""


def test_region_ranking_labels_as_printed() -> None:
    d = frame(
        [
            {
                "indicator": "互联网上网人数",
                "region": r,
                "period": "2016",
                "value": v,
                "unit": "人",
                "raw_value": raw,
                "raw_unit": "万人",
                "snippet": s,
            }
            for r, v, raw, s in (
                ("河南省", 4110.5e4, "4110.50", "4110.50万人"),
                ("广东省", 8024e4, "8024", "约8024万人"),
            )
        ]
    )
    g = regions.ranking(d, "互联网上网人数", "value", "province", "2016")
    assert g[["region", "shown"]].values.tolist() == [["广东省", "约8024万人"], ["河南省", "4110.50万人"]]


def _ops(indicator: str, unit: str, values: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return frame(
        [
            {"indicator": indicator, "operator": op, "period": p, "value": v, "unit": unit}
            for op, vs in values.items()
            for p, v in zip(("2019-08", "2020-08"), vs, strict=True)
        ]
    )


def test_operator_cards_derive_yoy_for_quantities_only() -> None:
    users = operators.operator_table(
        _ops("移动电话用户", "户", {"中国移动": (100.0, 110.0), "中国联通": (50.0, 55.0)}), "2020-08"
    )
    assert users["yoy"].round(6).tolist() == [10.0, 10.0] and users["yoy_derived"].all()
    assert users["share"].round(6).tolist() == [pytest.approx(66.666667), pytest.approx(33.333333)]
    rates = operators.operator_table(
        _ops("IPv4地址使用率", "%", {"中国移动": (60.0, 70.0), "中国联通": (50.0, 55.0)}), "2020-08"
    )
    assert rates["yoy"].isna().all() and rates["share"].isna().all()


def test_a_stated_operator_yoy_wins() -> None:
    d = _ops("移动电话用户", "户", {"中国移动": (100.0, 110.0)})
    stated = frame(
        [
            {
                "indicator": "移动电话用户",
                "operator": "中国移动",
                "period": "2020-08",
                "measure": "yoy_pct",
                "value": 9.9,
                "unit": "%",
            }
        ]
    ).assign(id=99)
    tab = operators.operator_table(pd.concat([d, stated], ignore_index=True), "2020-08")
    assert tab["yoy"].tolist() == [9.9] and not tab["yoy_derived"].any()


def test_operator_area_shares_are_of_the_period_and_its_values_as_printed() -> None:
    v = frame(
        [
            {
                "indicator": "移动电话用户",
                "operator": op,
                "period": p,
                "value": x,
                "unit": "户",
                "raw_value": raw,
                "raw_unit": "万户",
            }
            for op, p, x, raw in (
                ("中国移动", "2020-07", 3e4, "3"),
                ("中国联通", "2020-07", 1e4, "1"),
                ("中国移动", "2020-08", 2e4, "2"),
                ("中国联通", "2020-08", 2e4, "2.0"),
            )
        ]
    )
    f, title = operators.area_frame(v, "share")
    assert title == "份额（%）" and f["y"].tolist() == [75.0, 25.0, 50.0, 50.0]
    assert f["value_shown"].tolist() == ["3万户", "1万户", "2万户", "2.0万户"]
    f, title = operators.area_frame(v, "value")
    assert title == "万户" and f["shown"].tolist() == f["value_shown"].tolist()


def test_trend_charts_one_per_unit_with_labels() -> None:
    d = frame(
        [
            {"indicator": "移动电话用户", "region": r, "period": "2020", "value": 1.0, "unit": "户"}
            for r in ("河南省", "河北省")
        ]
        + [{"indicator": "互联网普及率", "region": "河南省", "period": "2020", "value": 1.0, "unit": "%"}]
    )
    groups = trend.chart_groups(d, "value")
    assert [(u, sorted(g["label"]), t) for u, g, t, _ in groups] == [
        ("户", ["河北省", "河南省"], "移动电话用户（数值）"),
        ("%", ["河南省"], "互联网普及率（数值）"),
    ]


def test_data_sparklines_each_period_once_from_three() -> None:
    rows = frame(
        [
            {"indicator": "x", "period": p, "value": v, "unit": "户"}
            for p, v in (("2020-06", 1.0), ("2020-07", 2.0), ("2020-07", 2.0), ("2020-08", 3.0))
        ]
    )
    assert table.sparklines(rows).tolist() == [[1.0, 2.0, 3.0]] * 4
    assert table.sparklines(rows.iloc[1:3]).tolist() == [None, None]


def test_the_printed_value_column() -> None:
    assert selection.printed_text("8643.5", "万户") == "8643.5 万户"


def test_shown_column_is_shown_row_by_row_on_the_embedded_database() -> None:
    """The column-at-a-time formatting gives exactly what :func:`selection.shown` gives for each fact."""
    from extract.paths import DATA_DIR
    from extract.store import Store

    path = DATA_DIR / "zhibiao.sqlite"
    if not path.exists():
        pytest.skip("no embedded database")
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:  # a copy: opening a store may add indexes
        copy = Path(tmp) / "zhibiao.sqlite"
        shutil.copy(path, copy)
        facts = Store(str(copy)).facts()
    assert len(facts) > 1000
    one_by_one = [
        selection.shown(v, u, m, s, rv, ru)
        for v, u, m, s, rv, ru in zip(
            facts["value"],
            facts["unit"],
            facts["measure"],
            facts["snippet"],
            facts["raw_value"],
            facts["raw_unit"],
            strict=True,
        )
    ]
    assert selection.shown_column(facts) == one_by_one
    assert selection.printed_column(facts["raw_value"], facts["raw_unit"]) == [
        selection.printed_text(v, u) for v, u in zip(facts["raw_value"], facts["raw_unit"], strict=True)
    ]


def test_bounds_are_qualifiers_emphasis_is_not() -> None:
    """不足/超过 bound a figure and stay with it; 高达 (as much as) only stresses an exact figure."""
    assert (
        selection.shown(23.4, "GB/户·月", "value", "西藏户均流量高达23.4GB/户·月", "23.4", "GB/户·月")
        == "23.4GB/户·月"
    )
    assert selection.shown(3e8, "户", "value", "用户不足3亿户", "3", "亿户") == "不足3亿户"


def test_printed_text_is_fetched_for_stated_rows_and_kept_for_derived_ones() -> None:
    """A chart of stated and derived rows (当月 from 1–N月): the stated get their printed text by id, the
    derived keep their explanation."""
    stated = frame([{"indicator": "x", "period": "2020-07", "value": 1.0, "unit": "户"}])
    derived = frame(
        [
            {
                "indicator": "x",
                "period": "2020-08",
                "value": 2.0,
                "unit": "户",
                "method": "derived",
                "snippet": "由 2020年1-8月 累计值减去 2020年1-7月 累计值推算",
            }
        ]
    ).assign(id=2)
    rows = pd.concat([stated.drop(columns=["raw_value", "raw_unit", "snippet"]), derived], ignore_index=True)

    def fetch(d: pd.DataFrame) -> pd.DataFrame:
        return d.assign(raw_value="1", raw_unit="户", snippet="x为1户")

    got = selection.with_printed(rows, fetch)
    assert got["snippet"].tolist() == ["x为1户", "由 2020年1-8月 累计值减去 2020年1-7月 累计值推算"]
    assert got["raw_value"].tolist() == ["1", ""]


def _series(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region", "region_level", "operator"])


@pytest.mark.parametrize(
    ("rows", "f", "kept", "noted"),
    [
        # provinces and their cities, no region chosen: the provinces (the top level present)
        (
            [("河南省", "province", ""), ("郑州市", "city", ""), ("湖北省", "province", "")],
            data.Filters(),
            [0, 2],
            False,
        ),
        # cities only: all of them
        ([("郑州市", "city", ""), ("洛阳市", "city", "")], data.Filters(), [0, 1], False),
        # operators and their total: the total, then its top level (全国 over 河南省)
        (
            [("全国", "national", "中国移动"), ("全国", "national", ""), ("河南省", "province", "")],
            data.Filters(),
            [1],
            True,
        ),
        # operators without a total: every operator stays
        ([("全国", "national", "中国移动"), ("全国", "national", "中国联通")], data.Filters(), [0, 1], False),
        # regions or operators chosen: what was chosen stays
        (
            [("河南省", "province", "中国移动"), ("郑州市", "city", "")],
            data.Filters(regions=("河南省", "郑州市"), operators=("中国移动", "")),
            [0, 1],
            False,
        ),
        # the total of one region only: the level is not narrowed (one region left)
        ([("郑州市", "city", ""), ("河南省", "province", "中国移动")], data.Filters(), [0], True),
    ],
)
def test_an_unfiltered_trend_shows_the_total_of_the_top_level_of_regions(
    rows: list[tuple[str, str, str]], f: data.Filters, kept: list[int], noted: bool
) -> None:
    keep, notes = trend.scope_mask(_series(*rows), f)
    got = list(range(len(rows))) if keep is None else [i for i, k in enumerate(keep) if k]
    assert got == kept
    assert bool(notes) == noted
