"""extract.normalize.periods: canonical keys, phrase parsing against a reference, running text."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.normalize.periods import (
    Period,
    document_period,
    find_periods,
    format_period,
    month,
    parse_canonical,
    parse_period,
    period_text,
    ytd,
)

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
AUG = Period.month(2020, 8)
JAN21 = Period.month(2021, 1)

# --- constructors and canonical keys ----------------------------------------------------

CANONICAL = [
    (Period.month(2020, 8), "2020-08", "month", "2020-08-01", "2020-08-31"),
    (Period.month(2020, 2), "2020-02", "month", "2020-02-01", "2020-02-29"),
    (Period.month(2021, 2), "2021-02", "month", "2021-02-01", "2021-02-28"),
    (Period.month(2020, 12), "2020-12", "month", "2020-12-01", "2020-12-31"),
    (Period.ytd(2020, 8), "2020-01..2020-08", "ytd", "2020-01-01", "2020-08-31"),
    (Period.ytd(2020, 1), "2020-01..2020-01", "ytd", "2020-01-01", "2020-01-31"),
    (Period.months(2020, 2, 2020, 8), "2020-02..2020-08", "range", "2020-02-01", "2020-08-31"),
    (Period.months(2019, 8, 2020, 8), "2019-08..2020-08", "range", "2019-08-01", "2020-08-31"),
    (Period.quarter(2021, 1), "2021Q1", "quarter", "2021-01-01", "2021-03-31"),
    (Period.quarters(2020, 1, 2021, 1), "2020Q1..2021Q1", "range", "2020-01-01", "2021-03-31"),
    (Period.quarter(2020, 4), "2020Q4", "quarter", "2020-10-01", "2020-12-31"),
    (Period.half(2020, 1), "2020H1", "half", "2020-01-01", "2020-06-30"),
    (Period.half(2020, 2), "2020H2", "half", "2020-07-01", "2020-12-31"),
    (Period.year(2020), "2020", "year", "2020-01-01", "2020-12-31"),
    (Period.week(2021, 5), "2021-W05", "week", "2021-02-01", "2021-02-07"),
    (Period.week(2020, 53), "2020-W53", "week", "2020-12-28", "2021-01-03"),
    (Period.week(2021, 1), "2021-W01", "week", "2021-01-04", "2021-01-10"),
]


@pytest.mark.parametrize(("p", "key", "ptype", "start", "end"), CANONICAL)
def test_constructors(p: Period, key: str, ptype: str, start: str, end: str) -> None:
    assert (p.period, p.period_type, p.start.isoformat(), p.end.isoformat()) == (key, ptype, start, end)
    assert p.format() == format_period(p) == key
    assert parse_canonical(key) == p
    assert parse_period(key) == p
    assert p.as_dict() == {"period": key, "period_type": ptype, "start": start, "end": end}


@pytest.mark.parametrize(
    "bad",
    [
        "2020-13",
        "2020-00",
        "2020-1",
        "20-08",
        "2020Q5",
        "2020Q0",
        "2020H3",
        "2021-W54",
        "2021-W00",
        "2020-08..2020-02",
        "2020-08..2020-08",
        "2020-01..2020-13",
        "",
        "  ",
        "2020年",
        "abc",
        "2020-W5",
        "99999",
        "2020-08-01",
        "2020Q1Q2",
    ],
)
def test_parse_canonical_rejects(bad: str) -> None:
    assert parse_canonical(bad) is None


@pytest.mark.parametrize(
    "call",
    [
        lambda: Period.month(2020, 13),
        lambda: Period.month(2020, 0),
        lambda: Period.quarter(2020, 5),
        lambda: Period.half(2020, 3),
        lambda: Period.week(2021, 54),
        lambda: Period.year(0),
        lambda: Period.months(2020, 8, 2020, 8),
    ],
)
def test_constructors_reject(call) -> None:
    with pytest.raises(ValueError):
        call()


def test_module_shorthands() -> None:
    assert month(2020, 8) == Period.month(2020, 8) and ytd(2020, 8).period == "2020-01..2020-08"


def test_relatives() -> None:
    assert Period.month(2020, 8).previous().period == "2020-07"
    assert Period.month(2021, 1).previous().period == "2020-12"
    assert Period.ytd(2020, 8).previous().period == "2020-07"
    assert Period.quarter(2021, 1).previous().period == "2020Q4"
    assert Period.half(2021, 1).previous().period == "2020H2"
    assert Period.half(2021, 2).previous().period == "2021H1"
    assert Period.year(2021).previous().period == "2020"
    assert Period.week(2021, 1).previous().period == "2020-W53"
    assert Period.month(2020, 2).year_earlier().period == "2019-02"
    assert Period.ytd(2020, 8).year_earlier().period == "2019-01..2019-08"
    assert Period.quarter(2021, 1).year_earlier().period == "2020Q1"
    assert Period.half(2020, 2).year_earlier().period == "2019H2"
    assert Period.year(2020).year_earlier().period == "2019"
    assert Period.week(2021, 5).year_earlier().period == "2020-W05"


# --- phrases --------------------------------------------------------------------------

# (text, ref, expected canonical)
PHRASES = [
    # months of the reference year
    ("8月份", AUG, "2020-08"),
    ("8月", AUG, "2020-08"),
    ("8 月", AUG, "2020-08"),
    ("８月份", AUG, "2020-08"),
    ("7月", AUG, "2020-07"),
    ("1月", AUG, "2020-01"),
    ("9月", AUG, "2020-09"),
    ("10月", AUG, "2020-10"),
    ("11月", AUG, "2019-11"),
    ("12月", AUG, "2019-12"),
    ("八月", AUG, "2020-08"),
    ("八月份", AUG, "2020-08"),
    ("十二月", JAN21, "2020-12"),
    ("12月", JAN21, "2020-12"),
    ("12月份", JAN21, "2020-12"),
    ("1月", JAN21, "2021-01"),
    ("11月", JAN21, "2020-11"),
    ("3月", JAN21, "2021-03"),
    ("今年5月", AUG, "2020-05"),
    ("今年 6 月", AUG, "2020-06"),
    ("去年12月", JAN21, "2020-12"),
    ("去年8月", AUG, "2019-08"),
    ("本月", AUG, "2020-08"),
    ("当月", AUG, "2020-08"),
    # explicit months
    ("2020年8月", None, "2020-08"),
    ("2020 年 8 月", None, "2020-08"),
    ("2020年08月", None, "2020-08"),
    ("2019年8月", AUG, "2019-08"),
    ("2018 年 12 月", None, "2018-12"),
    ("2020年三月", None, "2020-03"),
    ("2020年8月份", None, "2020-08"),
    ("２０２０年８月", None, "2020-08"),
    ("2020.08", None, "2020-08"),
    ("2020/8", None, "2020-08"),
    ("202008", None, "2020-08"),
    ("2020-8", None, "2020-08"),
    ("2019年8月以来", None, "2019-08"),
    # stocks at month end
    ("截至8月底", AUG, "2020-08"),
    ("截至2020年8月底", None, "2020-08"),
    ("截至 2020 年 8 月底", None, "2020-08"),
    ("8月末", AUG, "2020-08"),
    ("8月底", AUG, "2020-08"),
    ("截至 2020 年 6 月", None, "2020-06"),
    ("截止2020年6月底", None, "2020-06"),
    ("截至7月末", AUG, "2020-07"),
    ("5月初", AUG, "2020-05"),
    ("截至 9 月初", AUG, "2020-09"),
    ("3月底", AUG, "2020-03"),
    ("今年 5 月初", AUG, "2020-05"),
    ("8月中旬", AUG, "2020-08"),
    ("到8月底", AUG, "2020-08"),
    # year to date
    ("1-8月", AUG, "2020-01..2020-08"),
    ("1—8月", AUG, "2020-01..2020-08"),
    ("1~8月", AUG, "2020-01..2020-08"),
    ("1～8月", AUG, "2020-01..2020-08"),
    ("1至8月", AUG, "2020-01..2020-08"),
    ("1到8月", AUG, "2020-01..2020-08"),
    ("1–8月", AUG, "2020-01..2020-08"),
    ("1－8月", AUG, "2020-01..2020-08"),
    ("1--8月", AUG, "2020-01..2020-08"),
    ("1——8月", AUG, "2020-01..2020-08"),
    ("1-8月份", AUG, "2020-01..2020-08"),
    ("1月-8月", AUG, "2020-01..2020-08"),
    ("1月至8月", AUG, "2020-01..2020-08"),
    ("1 - 8 月", AUG, "2020-01..2020-08"),
    ("１－８月", AUG, "2020-01..2020-08"),
    ("前8月", AUG, "2020-01..2020-08"),
    ("前8个月", AUG, "2020-01..2020-08"),
    ("前八个月", AUG, "2020-01..2020-08"),
    ("一至八月", AUG, "2020-01..2020-08"),
    ("1-7月", AUG, "2020-01..2020-07"),
    ("1-8月累计", AUG, "2020-01..2020-08"),
    ("2020年1-8月", None, "2020-01..2020-08"),
    ("2020 年 1-8 月", None, "2020-01..2020-08"),
    ("今年1-8月", AUG, "2020-01..2020-08"),
    ("今年 1-8 月", AUG, "2020-01..2020-08"),
    ("去年1-8月", AUG, "2019-01..2019-08"),
    ("1-12月", JAN21, "2020-01..2020-12"),
    ("前三季度", AUG, "2020-01..2020-09"),
    ("2020年前三季度", None, "2020-01..2020-09"),
    ("2-8月", AUG, "2020-02..2020-08"),
    ("2020年3-5月", None, "2020-03..2020-05"),
    ("2019年8月至2020年8月", None, "2019-08..2020-08"),
    ("2020年一季度到2021年一季度", None, "2020Q1..2021Q1"),
    ("2020Q1-2021Q1", None, "2020Q1..2021Q1"),
    # quarters
    ("一季度", AUG, "2020Q1"),
    ("第一季度", AUG, "2020Q1"),
    ("二季度", AUG, "2020Q2"),
    ("第三季度", AUG, "2020Q3"),
    ("四季度", AUG, "2020Q4"),
    ("第四季度", JAN21, "2020Q4"),
    ("一季度", JAN21, "2021Q1"),
    ("1季度", AUG, "2020Q1"),
    ("2021年第一季度", None, "2021Q1"),
    ("2021年一季度", None, "2021Q1"),
    ("2021 年一季度", None, "2021Q1"),
    ("2021Q1", None, "2021Q1"),
    ("2020Q3", None, "2020Q3"),
    ("2020 Q3", None, "2020Q3"),
    ("2021年Q1", None, "2021Q1"),
    ("Q1", AUG, "2020Q1"),
    ("Q4", JAN21, "2020Q4"),
    ("2020年第三季度", None, "2020Q3"),
    ("一季度末", AUG, "2020Q1"),
    ("上季度", AUG, "2020Q2"),
    ("本季度", AUG, "2020Q3"),
    ("上一季度", JAN21, "2020Q4"),
    # halves
    ("上半年", AUG, "2020H1"),
    ("下半年", AUG, "2020H2"),
    ("下半年", JAN21, "2020H2"),
    ("上半年", JAN21, "2021H1"),
    ("2020年上半年", None, "2020H1"),
    ("2020 年上半年", None, "2020H1"),
    ("2020H1", None, "2020H1"),
    ("2020年下半年", None, "2020H2"),
    ("今年上半年", AUG, "2020H1"),
    ("去年下半年", AUG, "2019H2"),
    # years
    ("2020年", None, "2020"),
    ("2020 年", None, "2020"),
    ("2020全年", None, "2020"),
    ("2020 全年", None, "2020"),
    ("2020年全年", None, "2020"),
    ("2019年度", None, "2019"),
    ("全年", AUG, "2020"),
    ("今年", AUG, "2020-01..2020-08"),  # the year so far
    ("去年", AUG, "2019"),
    ("上年", AUG, "2019"),
    ("2020年底", None, "2020-12"),
    ("2020年末", None, "2020-12"),
    ("截至2020年底", None, "2020-12"),
    ("今年全年", AUG, "2020"),
    ("二〇二〇年", None, None),
    # relative
    ("上月", AUG, "2020-07"),
    ("上个月", AUG, "2020-07"),
    ("上月", JAN21, "2020-12"),
    ("同期", AUG, "2019-08"),
    ("去年同期", AUG, "2019-08"),
    ("上年同期", AUG, "2019-08"),
    ("同期", Period.ytd(2020, 8), "2019-01..2019-08"),
    ("去年同期", Period.quarter(2021, 1), "2020Q1"),
    # weeks
    ("第5周", Period.month(2021, 2), "2021-W05"),
    ("2021年第5周", None, "2021-W05"),
    ("2021年第05周", None, "2021-W05"),
    ("2021-W05", None, "2021-W05"),
    ("2021W05", None, "2021-W05"),
    ("第五周", Period.month(2021, 2), "2021-W05"),
    ("第52周", JAN21, "2020-W52"),
]


@pytest.mark.parametrize(("text", "ref", "expected"), PHRASES)
def test_parse_period(text: str, ref: Period | None, expected: str | None) -> None:
    p = parse_period(text, ref)
    assert (p.period if p else None) == expected


NEEDS_REF = [
    "8月",
    "8月份",
    "1-8月",
    "上半年",
    "一季度",
    "全年",
    "上月",
    "同期",
    "第5周",
    "截至8月底",
    "今年",
    "Q1",
    "前8个月",
    "本月",
]


@pytest.mark.parametrize("text", NEEDS_REF)
def test_relative_phrases_need_a_reference(text: str) -> None:
    assert parse_period(text) is None
    assert parse_period(text, AUG) is not None


NOT_PERIODS = [
    "",
    "abc",
    "8月29日",
    "9 月 14 日",
    "2020年9月17日",
    "2020-09-17",
    "13月",
    "0月",
    "8-1月",
    "8-8月",
    "24 个月",
    "两个月",
    "12个月",
    "5G",
    "同比",
    "第62期",
    "2020年8月29日至30日",
    "9 月 18 日～ 20 日",
    "2020年8月和9月",
    "月",
    "年",
    "统一月",
    "1.8月",
    "3020年",
    "2020年13月",
    "Q5",
    "H1",
]


@pytest.mark.parametrize("text", NOT_PERIODS)
def test_parse_period_rejects(text: str) -> None:
    assert parse_period(text, AUG) is None


# --- running text ---------------------------------------------------------------------

FIND = [
    ("8月份，全省互联网用户新增75.5万户", AUG, [("8月份", "2020-08")]),
    (
        "1-8月，全省互联网用户新增621.6万户，总数达到11636.5万户，居全国第4位。",
        AUG,
        [("1-8月", "2020-01..2020-08")],
    ),
    ("截至2020年8月底，我省增值电信业务经营单位总数居全国第7位。", None, [("截至2020年8月底", "2020-08")]),
    ("收入类别 1-7月收入（亿元）", AUG, [("1-7月", "2020-01..2020-07")]),
    (
        "1-8月，全省规模以上互联网企业（指2019年度互联网和相关服务业务收入500万元以上）",
        AUG,
        [("1-8月", "2020-01..2020-08"), ("2019年度", "2019")],
    ),
    ("截至8月底，河南联通公司IPv4地址数量为587.8万个", AUG, [("截至8月底", "2020-08")]),
    ("图1.1 2020年8月各基础电信运营公司IPv4地址数量", None, [("2020年8月", "2020-08")]),
    ("图4.1 2019年8月以来我省网民访问互联网流量", None, [("2019年8月", "2019-08")]),
    ("居全国第13位，较上月下降了1位", AUG, [("上月", "2020-07")]),
    ("居全国第4位（与上月持平）", AUG, [("上月", "2020-07")]),
    ("9 月 14 日至 20 日，一年一度的盛会", AUG, []),
    ("2 020 年 9 月 17 日，由中国互联网协会指导", AUG, []),
    ("截至 2020 年 6 月，在线教育用户规模达 3.81 亿", None, [("截至 2020 年 6 月", "2020-06")]),
    (
        "较 2020 年 3 月增长 4430 万，规模增速达 16.7%，成为上半年消费经济",
        AUG,
        [("2020 年 3 月", "2020-03"), ("上半年", "2020H1")],
    ),
    (
        "2020年一季度到2021年一季度，中国用量指数增长57%",
        None,
        [("2020年一季度到2021年一季度", "2020Q1..2021Q1")],
    ),
    ("在 2020Q1 至 2021Q1 之间，云计算指数增长 57%", None, [("2020Q1 至 2021Q1", "2020Q1..2021Q1")]),
    (
        "2020 年一季度到 2021 年一季度，AI 指数持续走高",
        None,
        [("2020 年一季度到 2021 年一季度", "2020Q1..2021Q1")],
    ),
    (
        "2020Q3 环比增速高达 79.6%，2020 年第三季度和第四季度占全年 AI 指数的 65%",
        None,
        [("2020Q3", "2020Q3"), ("2020 年第三季度和第四季度", "2020H2")],
    ),
    (
        "2020Q3 环比增速高达 79.6%，2020 年第三季度和第四季度占全年",
        Period.year(2020),
        [("2020Q3", "2020Q3"), ("2020 年第三季度和第四季度", "2020H2"), ("全年", "2020")],
    ),
    ("2020 全年 AI 分省份均值达到 20", None, [("2020 全年", "2020")]),
    ("各省 2021Q1 AI 指数及排名变化情况", None, [("2021Q1", "2021Q1")]),
    (
        "于 2018 年 12 月开工，计划用 36 个月完成 60 万户家庭高速智能宽带部署。截至 2020 年 8 月底，该项目",
        None,
        [("2018 年 12 月", "2018-12"), ("截至 2020 年 8 月底", "2020-08")],
    ),
    (
        "在 4 个月内安装 8.5 万户，带动今年 1-8 月安装速度同比提升 15%",
        AUG,
        [("今年 1-8 月", "2020-01..2020-08")],
    ),
    ("同比增长22.6%，较去年同期提升", AUG, [("去年同期", "2019-08")]),
    ("本月暂不提供", AUG, [("本月", "2020-08")]),
    ("性能每隔 18--24 个月提升一倍", AUG, []),
    ("2021年第5周全省5G用户", None, [("2021年第5周", "2021-W05")]),
    ("12月份全省新增用户", JAN21, [("12月份", "2020-12")]),
    ("统一月度报表", AUG, []),
    ("一月份用户数", JAN21, [("一月份", "2021-01")]),
    ("2019、2020 年", None, [("2020 年", "2020")]),
]


@pytest.mark.parametrize(("text", "ref", "expected"), FIND)
def test_find_periods(text: str, ref: Period | None, expected: list[tuple[str, str]]) -> None:
    assert [(text[s:e], p.period) for s, e, p in find_periods(text, ref)] == expected


DOCUMENTS = [
    (["河南省互联网发展状况（2020年8月）"], "2020-08"),
    (["互联网发展状况", "截至2020年8月底，全省…"], "2020-08"),
    (["2020年1-8月全省通信业运行情况"], "2020-08"),
    (["行业动态", "2026年4月 总第62期"], "2026-04"),
    (["2021年第一季度云计算指数报告"], "2021Q1"),
    (["2020年上半年互联网发展报告"], "2020H1"),
    (["中国互联网络发展状况统计报告（2020年）"], "2020"),
    (["9 月 14 日，活动举行"], None),
    (["上云赋智"], None),
    ([], None),
    (["８月份，全省互联网用户新增"], None),
]


@pytest.mark.parametrize(("texts", "expected"), DOCUMENTS)
def test_document_period(texts: list[str], expected: str | None) -> None:
    p = document_period(texts)
    assert (p.period if p else None) == expected


def test_answer_key_periods_are_canonical() -> None:
    answers = Path(__file__).resolve().parent / "answers"
    keys = sorted(answers.glob("*.csv"))
    if not keys:
        pytest.skip("no answer keys yet")
    import csv

    for key in keys:
        with open(key, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("period"):
                    assert parse_canonical(row["period"]) is not None, (key.name, row["period"])


def test_seed_reports_read_their_own_period() -> None:
    files = sorted(SEEDS.glob("003_*.txt"))
    if not files:
        pytest.skip("shared/seeds not available")
    text = files[0].read_text(encoding="utf-8")
    report = text[text.index("一、互联网总体情况") :]
    assert document_period(report.splitlines()[:80]).period == "2020-08"
    found = {p.period for _s, _e, p in find_periods(report, AUG)}
    assert {"2020-08", "2020-01..2020-08", "2020-07", "2020-01..2020-07", "2019-08"} <= found


# --- properties ---------------------------------------------------------------------------

_periods = st.one_of(
    st.builds(Period.month, st.integers(1900, 2199), st.integers(1, 12)),
    st.builds(Period.ytd, st.integers(1900, 2199), st.integers(1, 12)),
    st.builds(
        lambda y, a, b: Period.months(y, min(a, b), y, max(a, b) + (a == b)),
        st.integers(1900, 2199),
        st.integers(1, 11),
        st.integers(1, 11),
    ),
    st.builds(Period.quarter, st.integers(1900, 2199), st.integers(1, 4)),
    st.builds(
        lambda y, a, b: Period.quarters(y, a, y + 1, b),
        st.integers(1900, 2198),
        st.integers(1, 4),
        st.integers(1, 4),
    ),
    st.builds(Period.half, st.integers(1900, 2199), st.integers(1, 2)),
    st.builds(Period.year, st.integers(1900, 2199)),
    st.builds(Period.week, st.integers(1900, 2199), st.integers(1, 52)),
)


@given(_periods)
def test_canonical_round_trip(p: Period) -> None:
    assert parse_canonical(p.format()) == p
    assert parse_period(p.format()) == p


@given(_periods)
def test_text_round_trip(p: Period) -> None:
    text = period_text(p)
    assert parse_period(text) == p, text
    assert [q for _s, _e, q in find_periods(text)] == [p]


@given(_periods)
def test_relatives_are_periods(p: Period) -> None:
    for q in (p.previous(), p.year_earlier()):
        assert q.end < p.end and parse_canonical(q.period) == q


@given(st.text(max_size=120), st.one_of(st.none(), _periods))
def test_parsers_never_raise(text: str, ref: Period | None) -> None:
    p = parse_period(text, ref)
    assert p is None or isinstance(p.start, datetime.date)
    for s, e, q in find_periods(text, ref):
        assert 0 <= s < e <= len(text) and q.start <= q.end
    document_period([text])


_PIECES = st.sampled_from(
    [
        "2020",
        "年",
        "月",
        "1",
        "8",
        "12",
        "-",
        "—",
        "至",
        "截至",
        "底",
        "份",
        "上半年",
        "季度",
        "第",
        "一",
        "十二",
        "Q",
        "H",
        "周",
        "同期",
        "上月",
        "日",
        " ",
        "前",
        "个",
        "全年",
        "今年",
    ]
)


@given(st.lists(_PIECES, max_size=10).map("".join), st.one_of(st.none(), _periods))
def test_parsers_on_period_like_text(text: str, ref: Period | None) -> None:
    p = parse_period(text, ref)
    assert p is None or p.start <= p.end
    for s, e, q in find_periods(text, ref):
        assert 0 <= s < e <= len(text) and q.start <= q.end


# --- relative periods against the data period and the date line ----------------------------

from extract.normalize.periods import RELATIVE_WORDS, day_range_period  # noqa: E402

H1_2019 = Period.half(2019, 1).at(datetime.date(2019, 8, 8))  # a half-year story dated 2019-08-08
YEAR_2015 = Period.year(2015).at(datetime.date(2016, 4, 2))  # a 2015 story dated 2016-04-02
BULLETIN_2020 = Period.year(2020).at(datetime.date(2021, 1, 22))  # an annual bulletin issued in January
WEEK = Period.week(2018, 6)


def _first(text: str, ref: Period | None) -> str | None:
    found = find_periods(text, ref)
    return found[0][2].period if found else None


@pytest.mark.parametrize("row", RELATIVE_WORDS, ids=lambda r: r.pattern)
def test_every_relative_word_reads_its_example(row) -> None:
    ref = Period.ytd(2021, 5).at(datetime.date(2021, 6, 29))
    found = [(s, e) for s, e, _p in find_periods(row.example, ref if "周" not in row.pattern else WEEK)]
    assert found, row.example


@pytest.mark.parametrize(
    ("text", "ref", "expected"),
    [
        ("目前，全省3家运营商已建成近350个5G试验基站", H1_2019, "2019-08"),  # the month of the date line
        ("日前，记者从云南省通信管理局了解到", H1_2019, "2019-08"),
        ("本周，境内感染网络病毒的主机数量约为18.4万个", WEEK, "2018-W06"),  # the report's own week
        (
            "本周新增漏洞",
            Period.month(2018, 2).at(datetime.date(2018, 2, 7)),
            "2018-W06",
        ),  # the date line's week
        ("上周", WEEK, "2018-W05"),
        ("今年累计，中国电信移动用户数净增1566万户", Period.month(2024, 10), "2024-01..2024-10"),
        ("今年以来，通信业运行态势总体良好", Period.month(2021, 10), "2021-01..2021-10"),
        ("今年以来", BULLETIN_2020, "2020"),  # an annual report: the whole year
        ("年末固定电话用户26699万户", Period.year(2013), "2013-12"),  # bare 年末: December of the data year
        ("年底", Period.year(2013), "2013-12"),
        ("比上年末净增4694万户", Period.month(2021, 10), "2020-12"),  # 上年末: December of the year before
        ("截至去年年末，全区固定和移动电话用户合计745.4万户", YEAR_2015, "2015-12"),
        (
            "去年我区基础电信业共完成电信业务总量123.4亿元",
            YEAR_2015,
            "2015",
        ),  # 去年 counts from the date line
        ("去年", Period.year(2015), "2014"),  # without a date line, from the data period
        ("今年我国通信业稳中有进", BULLETIN_2020, "2020"),  # 今年 is the data year, not the year of issue
        ("比上年增长3.6%", BULLETIN_2020, "2019"),  # 上年 counts from the data period
        ("11月", Period.month(2022, 11).at(datetime.date(2023, 1, 4)), "2022-11"),  # issued the next year
        ("1-11月", Period.month(2022, 11).at(datetime.date(2023, 1, 4)), "2022-01..2022-11"),
        ("上半年，全省移动互联网流量达到22亿Gb", H1_2019, "2019H1"),
        ("前三季度，全市电信业务总量完成81.8亿元", Period.month(2021, 9), "2021-01..2021-09"),
        ("一季度，电信业务收入累计实现3601亿元", Period.quarter(2021, 1), "2021Q1"),
        ("截至5月底，全省移动电话基站达到30.16万个", Period.month(2021, 5), "2021-05"),
        ("上月", Period.month(2021, 5), "2021-04"),
        ("1-10月，全省移动电话去话通话时长累计640.97亿分钟", Period.month(2024, 10), "2024-01..2024-10"),
    ],
)
def test_relative_periods(text: str, ref: Period, expected: str) -> None:
    assert _first(text, ref) == expected


def test_writer_words_need_a_date_line() -> None:
    assert _first("目前，全省已建成5G基站", Period.half(2019, 1)) is None
    assert _first("本周新增漏洞", Period.month(2018, 2)) is None


def test_asof_is_not_part_of_a_periods_identity() -> None:
    p = Period.year(2015).at(datetime.date(2016, 4, 2))
    assert (
        p == Period.year(2015) and hash(p) == hash(Period.year(2015)) and p.asof == datetime.date(2016, 4, 2)
    )
    assert repr(p) == repr(Period.year(2015))


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ((2018, 2, 5, 2, 11), "2018-W06"),
        ((2020, 12, 28, 1, 3), None),
        ((2020, 8, 1, 8, 31), "2020-08"),
        ((2018, 2, 6, 2, 12), None),
        ((2021, 2, 1, 2, 28), "2021-02"),
    ],
)
def test_day_range_period(days: tuple[int, ...], expected: str | None) -> None:
    p = day_range_period(*days)
    assert (p.period if p else None) == expected
