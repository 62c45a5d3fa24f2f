"""Derived values and shown numbers by the rules of dashboard/rules.py, on small hand-made frames
(the wrong numbers an analyst found: 同比 of rates, shares of rates, a card that was not the latest
figure, lost qualifiers and precision, leap years, series breaks, 当月 of stocks)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import derive, selection
from dashboard.pages_ import operators, overview, trend


def frame(rows: list[dict]) -> pd.DataFrame:
    base = {
        "document": "r.pdf",
        "page": 1,
        "method": "prose",
        "category": "用户",
        "region": "河南省",
        "region_code": "410000",
        "region_level": "province",
        "operator": "",
        "subject": "",
        "measure": "value",
        "raw_value": "",
        "raw_unit": "",
        "snippet": "",
        "flags": "",
    }
    out = []
    for i, r in enumerate(rows):
        row = {**base, "id": i + 1, **r}
        p = row["period"]
        if "period_type" not in row:
            row["period_type"] = "year" if len(p) == 4 else "month"
        if "period_start" not in row:
            row["period_start"] = pd.Timestamp(f"{p}-01-01" if len(p) == 4 else f"{p}-01")
            row["period_end"] = row["period_start"] + (
                pd.offsets.YearEnd(0) if len(p) == 4 else pd.offsets.MonthEnd(0)
            )
        row["month"] = "" if pd.isna(row["period_end"]) else row["period_end"].strftime("%Y-%m")
        out.append(row)
    return pd.DataFrame(out)


def test_the_card_is_the_latest_figure_not_the_most_frequent_period_type() -> None:
    years = [
        {"indicator": "互联网宽带接入用户", "period": str(y), "value": v * 1e4, "unit": "户"}
        for y, v in [(2014, 1400.0), (2015, 1500.0), (2016, 1767.2)]
    ]
    month = {
        "indicator": "互联网宽带接入用户",
        "period": "2020-08",
        "value": 2993e4,
        "unit": "户",
        "raw_value": "2993",
        "raw_unit": "万户",
    }
    figs = overview.key_figures(frame([*years, month]), "河南省")
    assert figs.loc[0, "period"] == "2020-08"
    assert figs.loc[0, "shown"] == "2993万户"


def test_a_rate_changes_in_points_never_in_percent() -> None:
    rows = [
        {"indicator": "互联网普及率", "period": "2019", "value": 39.2, "unit": "%", "category": "普及率"},
        {"indicator": "互联网普及率", "period": "2020", "value": 43.4, "unit": "%", "category": "普及率"},
    ]
    fig = overview.key_figures(frame(rows), "河南省").iloc[0]
    assert fig["yoy_unit"] == "pp" and fig["yoy"] == pytest.approx(4.2)
    per_hundred = frame(
        [
            {**r, "indicator": "固定宽带家庭普及率", "unit": "部/百户", "value": v}
            for r, v in zip(rows, (90.0, 99.0), strict=True)
        ]
    )
    fig = overview.key_figures(per_hundred, "河南省").iloc[0]
    assert fig["yoy"] is None or pd.isna(fig["yoy"])
    assert derive.growth(per_hundred, "yoy_pct").empty
    assert derive.growth(frame(rows), "yoy_pct").empty


def test_no_shares_of_rates_on_the_operator_page() -> None:
    rows = [
        {"indicator": "IPv4地址使用率", "operator": op, "period": "2020", "value": v, "unit": "%"}
        for op, v in (("中国移动", 60.0), ("中国联通", 76.6), ("中国电信", 71.4))
    ]
    table = operators.operator_table(frame(rows), "2020")
    assert table["share"].isna().all()
    users = frame(
        [
            {**r, "indicator": "移动电话用户", "unit": "户", "value": v * 1e4}
            for r, v in zip(rows, (600.0, 300.0, 100.0), strict=True)
        ]
    )
    assert operators.operator_table(users, "2020")["share"].round(6).tolist() == [60.0, 30.0, 10.0]


def test_an_approximate_figure_keeps_its_qualifier_and_printed_precision() -> None:
    rows = [
        {
            "indicator": "IPTV用户",
            "region": "全国",
            "period": "2020",
            "value": 3e8,
            "unit": "户",
            "raw_value": "3",
            "raw_unit": "亿户",
            "snippet": "IPTV用户超过3亿户",
            "flags": "approximate",
        },
        {
            "indicator": "互联网用户",
            "region": "全国",
            "period": "2020",
            "value": 116365000.0,
            "unit": "户",
            "raw_value": "11636.5",
            "raw_unit": "万户",
            "snippet": "互联网用户总数达到11636.5万户",
        },
    ]
    figs = overview.key_figures(frame(rows), "全国").set_index("indicator")
    assert figs.loc["IPTV用户", "shown"] == "超过3亿户"
    assert figs.loc["互联网用户", "shown"] == "11636.5万户"
    assert selection.shown(3e8, "户", "value", "IPTV用户超过3亿户", "3", "亿户") == "超过3亿户"


def test_yoy_is_derived_for_february_of_a_leap_year() -> None:
    rows = [
        {"indicator": "移动电话用户", "period": "2019-02", "value": 100.0, "unit": "户"},
        {"indicator": "移动电话用户", "period": "2020-02", "value": 110.0, "unit": "户"},
    ]
    got = derive.growth(frame(rows), "yoy_pct")
    assert got[["period", "value"]].values.tolist() == [["2020-02", 10.0]]


def test_no_yoy_across_a_documented_series_break() -> None:
    rows = [
        {"indicator": "电信业务总量", "region": "北京市", "period": str(y), "value": v * 1e8, "unit": "元"}
        for y, v in ((2010, 1227.34), (2011, 566.45), (2012, 631.23))
    ]
    got = derive.growth(frame(rows), "yoy_pct")
    assert got["period"].tolist() == ["2012"]  # not 2011 (−53.9 % across the price-base change)
    notes = trend.break_notes(frame(rows))
    assert len(notes) == 1 and "2011" in notes[0]


def test_monthly_values_are_derived_only_for_flows() -> None:
    ytd = [
        {
            "indicator": ind,
            "period": p,
            "period_type": "ytd",
            "period_start": pd.Timestamp("2020-01-01"),
            "period_end": pd.Timestamp(e),
            "value": v,
            "unit": u,
        }
        for ind, u in (("电信业务收入", "元"), ("移动电话用户", "户"))
        for p, e, v in (("2020-01..2020-07", "2020-07-31", 700.0), ("2020-01..2020-08", "2020-08-31", 810.0))
    ]
    got = derive.monthly_from_ytd(frame(ytd))
    assert got["indicator"].tolist() == ["电信业务收入"]


# periods of the frames below: months, a leap February, years, 1–N月 and one without dates
GROWTH_PERIODS = [
    ("2019-02", "month", "2019-02-01", "2019-02-28"),
    ("2020-01", "month", "2020-01-01", "2020-01-31"),
    ("2020-02", "month", "2020-02-01", "2020-02-29"),
    ("2020-03", "month", "2020-03-01", "2020-03-31"),
    ("2021-02", "month", "2021-02-01", "2021-02-28"),
    ("2010", "year", "2010-01-01", "2010-12-31"),
    ("2011", "year", "2011-01-01", "2011-12-31"),
    ("2019-01..2019-02", "ytd", "2019-01-01", "2019-02-28"),
    ("2020-01..2020-02", "ytd", "2020-01-01", "2020-02-29"),
    ("近期", "other", None, None),
]


@st.composite
def growth_frames(draw: st.DrawFn) -> pd.DataFrame:
    """Small frames of facts with what growth() must weigh: duplicates, zero and missing values, rates,
    flagged facts, stated 同比/环比, a documented break (电信业务总量, 2011) and a period without dates."""
    rows = []
    for _ in range(draw(st.integers(1, 9))):
        period, kind, start, end = draw(st.sampled_from(GROWTH_PERIODS))
        rows.append(
            {
                "indicator": draw(st.sampled_from(["移动电话用户", "电信业务总量"])),
                "region": draw(st.sampled_from(["北京市", "河南省"])),
                "operator": draw(st.sampled_from(["", "中国移动"])),
                "period": period,
                "period_type": kind,
                "period_start": pd.Timestamp(start) if start else pd.NaT,
                "period_end": pd.Timestamp(end) if end else pd.NaT,
                "measure": draw(st.sampled_from(["value", "value", "value", "yoy_pct", "mom_pct"])),
                "value": draw(st.sampled_from([0.0, 100.0, 120.0, float("nan")])),
                "unit": draw(st.sampled_from(["户", "户", "%"])),
                "flags": draw(st.sampled_from(["", "", "low_confidence"])),
            }
        )
    df = frame(rows)
    if draw(st.booleans()):  # the shared frame's categorical columns
        df = df.astype(
            {c: "category" for c in ("indicator", "region", "operator", "period", "unit", "flags")}
        )
    return df


@settings(max_examples=400)
@given(growth_frames(), st.sampled_from(["yoy_pct", "mom_pct"]))
def test_can_grow_says_whether_growth_derives_a_row(df: pd.DataFrame, measure: str) -> None:
    assert derive.can_grow(df, measure) == (len(derive.growth(df, measure)) > 0)


def _pair(later: dict | None = None, **earlier: object) -> list[dict]:
    base = {"indicator": "移动电话用户", "unit": "户"}
    return [
        {**base, "period": "2019-02", "value": 100.0, **earlier},
        {**base, "period": "2020-02", "value": 110.0, **(later or {})},
    ]


@pytest.mark.parametrize(
    ("rows", "derives"),
    [
        (_pair(), True),
        # the report states the 同比 the pair would give: a stated figure wins, nothing is derived
        (
            _pair()
            + [
                {
                    "indicator": "移动电话用户",
                    "period": "2020-02",
                    "measure": "yoy_pct",
                    "value": 9.9,
                    "unit": "%",
                }
            ],
            False,
        ),
        (_pair(value=0.0), False),  # nothing to divide by
        # the latest stored statement of the earlier figure is the one used
        (_pair() + [{"indicator": "移动电话用户", "period": "2019-02", "value": 0.0, "unit": "户"}], False),
        (
            _pair(
                indicator="电信业务总量", period="2010", later={"indicator": "电信业务总量", "period": "2011"}
            ),
            False,
        ),
        (_pair(unit="%", later={"unit": "%"}), False),  # a rate's change is not a growth rate
        (_pair(flags="low_confidence"), False),
    ],
    ids=["pair", "stated", "zero", "restated-zero", "break", "rate", "untrusted"],
)
def test_can_grow_weighs_what_growth_weighs(rows: list[dict], derives: bool) -> None:
    df = frame(rows)
    assert (len(derive.growth(df, "yoy_pct")) > 0) == derives  # the examples say what growth() does
    assert derive.can_grow(df, "yoy_pct") == derives


def reference_without(derived: pd.DataFrame, stated: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """derive._without by its definition: a derived row goes when a stated row has the same keys as text
    (a missing value the same as a missing value only)."""

    def rows(df: pd.DataFrame) -> list[tuple]:
        return [
            tuple(None if pd.isna(v) else str(v) for v in row)
            for row in df[keys].astype(object).itertuples(index=False, name=None)
        ]

    have = set(rows(stated))
    return derived[np.array([r not in have for r in rows(derived)], dtype=bool)]


@st.composite
def key_frames(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(derived, stated): two parts of one frame (categoricals shared), or a part and a plain-text copy."""
    keys = ["indicator", "region", "period"]
    n = draw(st.integers(1, 10))
    base = pd.DataFrame(
        {k: [draw(st.sampled_from(["a", "b", "1", None])) for _ in range(n)] for k in keys} | {"value": 1.0}
    )
    cat = draw(st.sets(st.sampled_from(keys)))
    base = base.astype({k: "category" for k in cat})
    a = base[[draw(st.booleans()) for _ in range(n)]]
    b = base[[draw(st.booleans()) for _ in range(n)]]
    if draw(st.booleans()):
        b = b.astype({k: object for k in keys})
    return a, b


@settings(max_examples=300)
@given(key_frames(), st.booleans())
def test_a_stated_figure_removes_exactly_the_derived_rows_of_its_keys(frames: tuple, merged: bool) -> None:
    """On keys as integers, and merged (keys whose combinations would not fit in one integer)."""
    derived, stated = frames
    keys = ["indicator", "region", "period"]
    limit = derive.RADIX_LIMIT
    derive.RADIX_LIMIT = 1 if merged else limit
    try:
        got = derive._without(derived, stated, keys)
    finally:
        derive.RADIX_LIMIT = limit
    pd.testing.assert_frame_equal(got, reference_without(derived, stated, keys))
