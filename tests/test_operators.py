"""extract.normalize.operators: operator names, province branches, and words that only look like one."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.normalize.operators import (
    OPERATORS,
    OperatorMatch,
    find_operators,
    is_all_operators,
    resolve_operator,
)
from extract.paths import data_file

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
MOBILE, UNICOM, TELECOM, BROADCAST = OPERATORS

RESOLVE = [
    # issue 3
    ("河南移动公司", MOBILE, "河南"),
    ("河南移动", MOBILE, "河南"),
    ("中国移动", MOBILE, ""),
    ("移动公司", MOBILE, ""),
    ("移动", MOBILE, ""),
    ("中国广电", BROADCAST, ""),
    ("广电网络", BROADCAST, ""),
    # the brief's aliases
    ("中移动", MOBILE, ""),
    ("河南移动分公司", MOBILE, "河南"),
    ("河南省移动公司", MOBILE, "河南省"),
    ("河南省移动分公司", MOBILE, "河南省"),
    ("广东移动", MOBILE, "广东"),
    ("内蒙古移动公司", MOBILE, "内蒙古"),
    ("黑龙江移动", MOBILE, "黑龙江"),
    ("新疆维吾尔自治区移动公司", MOBILE, "新疆维吾尔自治区"),
    ("中国移动通信集团", MOBILE, ""),
    ("中国移动通信集团有限公司", MOBILE, ""),
    ("中国移动通信集团河南有限公司", MOBILE, "河南"),
    ("中国移动集团", MOBILE, ""),
    ("移动集团", MOBILE, ""),
    ("河南移动通信有限公司", MOBILE, "河南"),
    ("联通", UNICOM, ""),
    ("中国联通", UNICOM, ""),
    ("联通公司", UNICOM, ""),
    ("河南联通", UNICOM, "河南"),
    ("河南联通公司", UNICOM, "河南"),
    ("河南联通分公司", UNICOM, "河南"),
    ("中国联合网络通信", UNICOM, ""),
    ("中国联合网络通信集团有限公司", UNICOM, ""),
    ("中国联合网络通信有限公司河南省分公司", UNICOM, "河南省"),
    ("中国移动通信集团河南有限公司郑州分公司", MOBILE, "河南"),
    ("中国联通集团", UNICOM, ""),
    ("中国联通集团公司", UNICOM, ""),
    ("上海联通", UNICOM, "上海"),
    ("电信", TELECOM, ""),
    ("中国电信", TELECOM, ""),
    ("电信公司", TELECOM, ""),
    ("河南电信", TELECOM, "河南"),
    ("河南电信公司", TELECOM, "河南"),
    ("河南电信分公司", TELECOM, "河南"),
    ("中国电信集团有限公司", TELECOM, ""),
    ("中国电信股份有限公司", TELECOM, ""),
    ("北京电信", TELECOM, "北京"),
    ("电信集团", TELECOM, ""),
    ("广电", BROADCAST, ""),
    ("中国广播电视网络", BROADCAST, ""),
    ("中国广电集团", BROADCAST, ""),
    ("中国广播电视网络有限公司", BROADCAST, ""),
    ("河南广电", BROADCAST, "河南"),
    ("广电公司", BROADCAST, ""),
    # fullwidth and spaces
    ("  河南移动公司 ", MOBILE, "河南"),
    ("河南 移动 公司", MOBILE, "河南"),
]


@pytest.mark.parametrize(("text", "operator", "hint"), RESOLVE)
def test_resolve_operator(text: str, operator: str, hint: str) -> None:
    assert resolve_operator(text) == OperatorMatch(operator, hint)


NOT_OPERATORS = [
    "三家基础电信企业",
    "基础电信企业",
    "各基础电信运营公司",
    "基础电信运营公司",
    "三大运营商",
    "各运营商",
    "移动互联网",
    "移动电话",
    "移动宽带",
    "移动支付",
    "电信业务",
    "增值电信",
    "增值电信业务",
    "电信企业",
    "移动互联网用户",
    "河南移动互联网",
    "河南移动电话用户",
    "联通亚非拉",
    "广电总局",
    "广电行业",
    "",
    "河南",
    "公司",
    "移动电话用户",
    "中国",
    "电信业务收入",
    "互联网",
    "河南移动、河南联通",
    "中国移动和中国联通",
    "增值电信公司",
    "基础电信公司",
]


@pytest.mark.parametrize("text", NOT_OPERATORS)
def test_resolve_operator_rejects(text: str) -> None:
    assert resolve_operator(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三家基础电信企业", True),
        ("基础电信企业", True),
        ("各基础电信运营公司", True),
        ("三大运营商", True),
        ("三家运营商", True),
        ("各基础电信企业", True),
        ("基础电信运营商", True),
        ("省各基础电信运营公司用户互联网访问流量", True),
        ("河南移动", False),
        ("中国电信", False),
        ("", False),
        ("电信业务", False),
    ],
)
def test_is_all_operators(text: str, expected: bool) -> None:
    assert is_all_operators(text) is expected


# (text, [(span, operator, hint), ...])
FIND = [
    (
        "河南移动、联通、电信公司IPTV（网络电视）用户分别为989.2万户、638.9万户、239.5万户。",
        [("河南移动", MOBILE, "河南"), ("联通", UNICOM, "河南"), ("电信公司", TELECOM, "河南")],
    ),
    (
        "截至8月底，河南联通公司IPv4地址数量为587.8万个，占全省IPv4地址总量的57.7%，",
        [("河南联通公司", UNICOM, "河南")],
    ),
    ("河南电信公司IPv4地址数量为228.7万个", [("河南电信公司", TELECOM, "河南")]),
    (
        "8月份，我省网民访问互联网流量中，河南联通公司用户访问互联网流量为4309444T，占全省总流量的38.5%；河南电信公司用户访问互联网流量为1382619T",
        [("河南联通公司", UNICOM, "河南"), ("河南电信公司", TELECOM, "河南")],
    ),
    (
        "从8月份省各基础电信运营公司移动互联网接入流量看，河南移动公司53443万G，同比增长51%",
        [("河南移动公司", MOBILE, "河南")],
    ),
    (
        "省工信厅联合河南移动、河南联通、河南电信，在 17 个省辖市",
        [("河南移动", MOBILE, "河南"), ("河南联通", UNICOM, "河南"), ("河南电信", TELECOM, "河南")],
    ),
    (
        "河南移动公司、河南联通公司、河南电信公司积极协同",
        [
            ("河南移动公司", MOBILE, "河南"),
            ("河南联通公司", UNICOM, "河南"),
            ("河南电信公司", TELECOM, "河南"),
        ],
    ),
    (
        "来自中国移动、中国联通、中国电信和金惠科技的代表",
        [("中国移动", MOBILE, ""), ("中国联通", UNICOM, ""), ("中国电信", TELECOM, "")],
    ),
    (
        "中国移动、中国电信、中国联通已在300多个城市推出5G-A服务",
        [("中国移动", MOBILE, ""), ("中国电信", TELECOM, ""), ("中国联通", UNICOM, "")],
    ),
    ("9 月 11 日，中国联通集团召开学习贯彻会议", [("中国联通集团", UNICOM, "")]),
    (
        "中国移动通信集团有限公司、中国电信集团有限公司、中国汽车工程研究院",
        [("中国移动通信集团有限公司", MOBILE, ""), ("中国电信集团有限公司", TELECOM, "")],
    ),
    ("中国移动通信集团河南有限公司发布", [("中国移动通信集团河南有限公司", MOBILE, "河南")]),
    ("联合郑州联通公司打造了河南首个", [("联通公司", UNICOM, "")]),
    ("移动、联通、电信公司分别完成", [("移动", MOBILE, ""), ("联通", UNICOM, ""), ("电信公司", TELECOM, "")]),
    ("河南移动和河南联通", [("河南移动", MOBILE, "河南"), ("河南联通", UNICOM, "河南")]),
    ("河南移动的5G基站", [("河南移动", MOBILE, "河南")]),
    ("河南移动53443万G", [("河南移动", MOBILE, "河南")]),
    ("中国广电与中国移动共建共享5G网络", [("中国广电", BROADCAST, ""), ("中国移动", MOBILE, "")]),
    ("河南广电网络公司", [("河南广电网络公司", BROADCAST, "河南")]),
    ("ＩＰＴＶ用户：河南移动　公司", [("河南移动　公司", MOBILE, "河南")]),
    ("河南\n移动公司", [("河南\n移动公司", MOBILE, "河南")]),
]


@pytest.mark.parametrize(("text", "expected"), FIND)
def test_find_operators(text: str, expected: list[tuple[str, str, str]]) -> None:
    got = [(text[s:e], m.operator, m.region_hint) for s, e, m in find_operators(text)]
    assert got == expected


NOTHING = [
    "移动互联网用户新增51.2万户",
    "移动互联网接入流量为95112万G",
    "移动宽带用户普及率达到88.9部/百人",
    "移动电话用户",
    "新批准增值电信业务经营单位822家",
    "发放增值电信业务经营许可证1416张",
    "全省数据及互联网业务收入（含固定和移动）为323.6亿元",
    "占电信业务收入的70.1%",
    "三家基础电信企业",
    "图1.1 2020年8月各基础电信运营公司IPv4地址数量",
    "省各基础电信运营公司用户互联网访问流量",
    "数据中心、跨境光缆联通亚非拉",
    "移动支付市场规模",
    "当前，移动行业正迈入新纪元",
    "全国有线电视网络整合与广电 5G 建设一体化加速发展",
    "国家广电总局",
    "在广电行业，面向智能标签",
    "河南移动互联网用户",
    "河南移动电话用户",
    "电信诈骗",
    "电信运营商",
    "互联互通",
    "巴基斯坦移动通信有限公司",
    "可移动存储",
    "推动移动办公",
    "电信网络诈骗",
    "移动、联通",
    "移动互联网、电信业务",
]


@pytest.mark.parametrize("text", NOTHING)
def test_find_operators_skips(text: str) -> None:
    assert find_operators(text) == []


def test_extra_region_names_from_the_caller() -> None:
    text = "联合郑州联通公司打造了河南首个；洛阳移动新增"
    got = [
        (text[s:e], m.operator, m.region_hint) for s, e, m in find_operators(text, regions=["郑州", "洛阳"])
    ]
    assert got == [("郑州联通公司", UNICOM, "郑州"), ("洛阳移动", MOBILE, "洛阳")]


def test_operators_csv_is_well_formed() -> None:
    with open(data_file("operators.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    kinds = {r["kind"] for r in rows}
    assert kinds == {"name", "short", "all", "suffix", "region"}
    for r in rows:
        if r["kind"] in ("name", "short"):
            assert r["operator"] in OPERATORS, r
        else:
            assert r["operator"] == "", r
    aliases = [(r["alias"], r["kind"]) for r in rows]
    assert len(aliases) == len(set(aliases))
    assert sum(r["kind"] == "region" for r in rows) == 68  # 34 provincial units, full and short


def test_seed_mentions() -> None:
    files = sorted(SEEDS.glob("003_*.txt"))
    if not files:
        pytest.skip("shared/seeds not available")
    text = files[0].read_text(encoding="utf-8")
    found = [(text[s:e], m.operator, m.region_hint) for s, e, m in find_operators(text)]
    assert ("河南移动公司", MOBILE, "河南") in found
    assert ("联通", UNICOM, "河南") in found
    assert ("电信公司", TELECOM, "河南") in found
    for span, _op, _hint in found:
        assert "互联网" not in span and "业务" not in span and "基础" not in span


# --- properties ---------------------------------------------------------------------------


@given(st.text(max_size=200))
def test_never_raises(text: str) -> None:
    for s, e, m in find_operators(text):
        assert 0 <= s < e <= len(text) and m.operator in OPERATORS
    r = resolve_operator(text)
    assert r is None or r.operator in OPERATORS
    is_all_operators(text)


_PIECES = st.sampled_from(
    [
        "河南",
        "省",
        "移动",
        "联通",
        "电信",
        "广电",
        "中国",
        "公司",
        "分公司",
        "集团",
        "、",
        "和",
        "互联网",
        "业务",
        "三家基础电信企业",
        "用户",
        "，",
        " ",
        "网络",
        "通信",
        "有限公司",
    ]
)


@given(st.lists(_PIECES, max_size=10).map("".join))
def test_operator_like_text(text: str) -> None:
    spans = find_operators(text)
    for (_s1, e1, _), (s2, _e2, _) in zip(spans, spans[1:], strict=False):
        assert e1 <= s2  # no overlaps
    for s, e, _m in spans:
        assert 0 <= s < e <= len(text)
