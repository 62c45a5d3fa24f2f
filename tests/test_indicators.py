"""extract.normalize.indicators: the catalogue, name resolution, and names in running text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.normalize.indicators import (
    catalogue,
    clashes,
    find_indicators,
    normalize_name,
    resolve_header,
    resolve_indicator,
)
from extract.normalize.quantities import resolve_unit
from extract.paths import data_file

TESTS = Path(__file__).resolve().parent
NBS = TESTS.parents[0].parent / "shared" / "data" / "nbs"


def _surfaces() -> list[tuple[str, str]]:
    return [(s, ind.name) for ind in catalogue() for s in (ind.name, *ind.synonyms)]


def test_catalogue_is_well_formed() -> None:
    with open(data_file("indicators.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["indicator", "category", "unit", "kind", "synonyms"]
    names = [r["indicator"] for r in rows]
    assert len(names) == len(set(names))
    assert clashes() == []
    for ind in catalogue():
        assert ind.kind in {"stock", "flow", "rate", "index"}, ind
        assert (
            ind.unit == "" or resolve_unit(ind.unit) is not None and resolve_unit(ind.unit).unit == ind.unit
        ), ind


@pytest.mark.parametrize(("surface", "name"), _surfaces())
def test_every_name_and_synonym_resolves(surface: str, name: str) -> None:
    assert resolve_indicator(surface).name == name
    assert resolve_indicator(" " + surface.replace("(", "（").replace(")", "）") + " ").name == name
    assert [i.name for _s, _e, i in find_indicators(surface)] == [name]


RESOLVE = [
    # issue 3
    ("移动互联网流量", "移动互联网接入流量"),
    ("移动互联网接入流量消费", "移动互联网接入流量"),
    ("固定宽带接入用户", "互联网宽带接入用户"),
    # the brief: spaces, parentheses, trailing 数/数量/总数/规模
    ("互联网用户数", "互联网用户"),
    ("互联网用户总数", "互联网用户"),
    ("互联网用户数量", "互联网用户"),
    ("互联网宽带接入用户数", "互联网宽带接入用户"),
    ("互联网宽带接入用户总数", "互联网宽带接入用户"),
    ("移动互联网用户总数", "移动互联网用户"),
    ("物联网终端用户数", "物联网终端用户"),
    ("物联网终端用户总数", "物联网终端用户"),
    ("IPTV用户总数", "IPTV用户"),
    ("IPTV（网络电视）用户", "IPTV用户"),
    ("IPTV (网络电视) 用户", "IPTV用户"),
    ("ＩＰＴＶ（网络电视）用户", "IPTV用户"),
    ("iptv用户", "IPTV用户"),
    ("IPTV（网络电视）业务收入", "IPTV业务收入"),
    ("网站数", "网站数量"),
    ("网站总数", "网站数量"),
    ("被篡改网站数", "被篡改网站数量"),
    ("被篡改网站总数", "被篡改网站数量"),
    ("IPv4地址", "IPv4地址数量"),
    ("IPv4 地址数量", "IPv4地址数量"),
    ("IPv4地址总量", "IPv4地址数量"),
    ("IPv4地址总数", "IPv4地址数量"),
    ("ＩＰｖ４地址数量", "IPv4地址数量"),
    ("IPv4地址使用率", "IPv4地址使用率"),
    ("AI 指数", "AI指数"),
    ("AI指数", "AI指数"),
    ("赋智量", "AI指数"),
    ("赋智量指数", "AI指数"),
    ("ai指数", "AI指数"),
    ("用云量", "用云量"),
    ("云计算指数", "用云量"),
    ("用量指数", "用云量"),
    ("用云量 增速", "用云量增速"),
    ("用云量增速", "用云量增速"),
    ("赋智量增速", "AI指数增速"),
    ("5G基站", "5G基站数"),
    ("5G基站数量", "5G基站数"),
    ("5G 终端连接数", "5G终端连接数"),
    ("网民规模", "网民规模"),
    ("网民数", "网民规模"),
    ("手机网民规模", "手机网民规模"),
    ("在线教育用户", "在线教育用户规模"),
    ("在线教育用户规模", "在线教育用户规模"),
    ("网络视频（含短视频）用户规模", "网络视频用户规模"),
    ("网络视频(含短视频)用户", "网络视频用户规模"),
    ("数据及互联网业务收入（含固定和移动）", "数据及互联网业务收入"),
    ("数据及互联网收入", "数据及互联网业务收入"),
    ("规模以上互联网企业业务收入", "互联网业务收入"),
    ("互联网业务收入合计", "互联网业务收入"),
    ("网民访问互联网流量", "互联网访问流量"),
    ("网民互联网访问流量", "互联网访问流量"),
    ("用户访问互联网流量", "互联网访问流量"),
    ("用户互联网访问流量", "互联网访问流量"),
    ("木马和僵尸网络控制主机", "木马和僵尸网络控制主机IP地址数"),
    ("感染飞客蠕虫病毒的IP地址", "感染飞客蠕虫病毒IP地址数"),
    ("被植入后门的网站数量", "被植入后门网站数量"),
    ("新批准增值电信业务经营单位", "新批准增值电信业务经营单位"),
    ("增值电信业务经营单位总数", "增值电信业务经营单位"),
    ("发放增值电信业务经营许可证", "增值电信业务经营许可证发放数"),
    ("固定宽带家庭普及率", "固定宽带家庭普及率"),
    ("移动宽带用户普及率", "移动宽带用户普及率"),
    ("农村地区互联网普及率", "农村地区互联网普及率"),
    ("NB-IoT联网终端数", "NB-IoT联网终端数"),
    ("nb-iot用户", "NB-IoT联网终端数"),
    ("已分配IPv6地址用户数", "已分配IPv6地址用户数"),
    ("IPv6 活跃用户数", "IPv6活跃用户数"),
    # NBS export headers (指标：name(unit)) and their short forms
    ("指标：互联网宽带接入用户(万户)", "互联网宽带接入用户"),
    ("互联网上网人数(万人)", "互联网上网人数"),
    ("互联网宽带接入端口(万个)", "互联网宽带接入端口"),
    ("移动电话年末用户(万户)", "移动电话用户"),
    ("3G移动电话用户(万户)", "3G移动电话用户"),
    ("电信业务总量(亿元)", "电信业务总量"),
    ("电信业务总量（亿元）", "电信业务总量"),
    ("固定电话年末用户(万户)", "固定电话用户"),
    ("固定长途电话通话时长(万分钟)", "固定长途电话通话时长"),
    ("Internet penetration", "互联网普及率"),
    ("互联网普及率(%)", "互联网普及率"),
    # table headers in the reports
    ("访问量（亿次）", "网站访问量"),
    ("访问量", "网站访问量"),
]


@pytest.mark.parametrize(("text", "name"), RESOLVE)
def test_resolve_indicator(text: str, name: str) -> None:
    found = resolve_indicator(text)
    assert found is not None and found.name == name


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "流量",
        "用户",
        "收入",
        "互联网",
        "河南省",
        "总数",
        "数",
        "规模",
        "()",
        "（）",
        "指标：",
        "中国移动",
        "1-8月",
        "同比增长",
        "排名",
        "IPv5地址",
        "邮电业务总量",
        "互联网用户新增",
        "全省互联网用户",
    ],
)
def test_resolve_indicator_rejects(text: str) -> None:
    assert resolve_indicator(text) is None


@pytest.mark.parametrize(
    ("header", "name", "unit"),
    [
        ("互联网宽带接入用户(万户)", "互联网宽带接入用户", "万户"),
        ("电信业务总量(亿元)", "电信业务总量", "亿元"),
        ("固定长途电话通话时长(万分钟)", "固定长途电话通话时长", "万分钟"),
        ("访问量（亿次）", "网站访问量", "亿次"),
        ("访问量（万次）", "网站访问量", "万次"),
        ("互联网宽带接入端口(万个)", "互联网宽带接入端口", "万个"),
        ("IPTV（网络电视）用户", "IPTV用户", ""),
        ("互联网普及率", "互联网普及率", ""),
    ],
)
def test_resolve_header(header: str, name: str, unit: str) -> None:
    ind, raw_unit = resolve_header(header)
    assert ind is not None and ind.name == name and raw_unit == unit


def test_nbs_export_headers() -> None:
    files = sorted(NBS.glob("*分省年度数据.csv"))
    if not files:
        pytest.skip("shared/data/nbs not available")
    for path in files:
        line = path.read_bytes().decode("gbk").splitlines()[1]
        assert line.startswith("指标：")
        ind, unit = resolve_header(line)
        assert ind is not None, line
        assert resolve_unit(unit).unit == ind.unit, (line, unit)


def test_answer_key_indicators_are_canonical() -> None:
    """A key names a catalogue indicator by its canonical name, or a statistic outside the catalogue by
    its printed name as the extractor writes it (open vocabulary)."""
    from extract.normalize.indicators import open_indicator, printed_name

    pending = set()
    for notes in (TESTS / "answers").glob("*.new-indicators.txt"):
        pending |= {
            line.split(",")[0]
            for line in notes.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")
        }
    names = {i.name for i in catalogue()}
    for key in (TESTS / "answers").rglob("*.csv"):
        with open(key, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                name = row.get("indicator", "")
                uncatalogued = not open_indicator(name).catalogued and printed_name(name) == name
                assert name in names or name in pending or uncatalogued, (key.name, name)


# (text, [(span, indicator), ...])
FIND = [
    ("互联网宽带接入用户新增24.3万户", [("互联网宽带接入用户", "互联网宽带接入用户")]),
    ("河南移动公司用户访问互联网流量为5493432T", [("用户访问互联网流量", "互联网访问流量")]),
    (
        "8月份，全省互联网用户新增75.5万户，其中：互联网宽带接入用户新增24.3万户，移动互联网用户新增51.2万户。",
        [
            ("互联网用户", "互联网用户"),
            ("互联网宽带接入用户", "互联网宽带接入用户"),
            ("移动互联网用户", "移动互联网用户"),
        ],
    ),
    ("固定宽带家庭普及率达到99部/百户，居全国第15位", [("固定宽带家庭普及率", "固定宽带家庭普及率")]),
    ("移动宽带用户\n\n普及率达到88.9部/百人", [("移动宽带用户\n\n普及率", "移动宽带用户普及率")]),
    ("互联\n\n网宽带接入用户新增223.8万户", [("互联\n\n网宽带接入用户", "互联网宽带接入用户")]),
    ("1-8月，全省物联网终端用户减少912.2万户", [("物联网终端用户", "物联网终端用户")]),
    ("其中：NB-IoT联网终端数达到571万户", [("NB-IoT联网终端数", "NB-IoT联网终端数")]),
    (
        "智慧公共事业、智能制造、智能交通和车联网、智慧农业终端用户分别达到2263.8万户",
        [
            ("智慧公共事业", "智慧公共事业终端用户"),
            ("智能制造", "智能制造终端用户"),
            ("智能交通和车联网", "智能交通和车联网终端用户"),
            ("智慧农业终端用户", "智慧农业终端用户"),
        ],
    ),
    ("IPTV（网络电视）用户新增92.3万户，总数达到1867.5万户", [("IPTV（网络电视）用户", "IPTV用户")]),
    (
        "新批准增值电信业务经营单位822家，发放增值电信业务经营许可证1416张。",
        [
            ("新批准增值电信业务经营单位", "新批准增值电信业务经营单位"),
            ("发放增值电信业务经营许可证", "增值电信业务经营许可证发放数"),
        ],
    ),
    (
        "截至2020年8月底，我省增值电信业务经营单位总数居全国第7位。",
        [("增值电信业务经营单位总数", "增值电信业务经营单位")],
    ),
    (
        "全省数据及互联网业务收入（含固定和移动）为323.6亿元，居全国第4位（与上月持平），占电信业务收入的70.1%",
        [("数据及互联网业务收入", "数据及互联网业务收入"), ("电信业务收入", "电信业务收入")],
    ),
    (
        "数据中心业务收入14.1亿元，占电信业务收入的3.1%；IPTV（网络电视）业务收入12.2亿元",
        [
            ("数据中心业务收入", "数据中心业务收入"),
            ("电信业务收入", "电信业务收入"),
            ("IPTV（网络电视）业务收入", "IPTV业务收入"),
        ],
    ),
    ("完成互联网业务收入50.7亿元，同比增长4.6%", [("互联网业务收入", "互联网业务收入")]),
    (
        "河南联通公司IPv4地址数量为587.8万个，占全省IPv4地址总量的57.7%",
        [("IPv4地址数量", "IPv4地址数量"), ("IPv4地址总量", "IPv4地址数量")],
    ),
    (
        "8月份，我省网民访问互联网流量为11185496 T，同比增长22.6%。",
        [("网民访问互联网流量", "互联网访问流量")],
    ),
    ("郑州市网民互联网访问流量为2241071T", [("网民互联网访问流量", "互联网访问流量")]),
    ("8月份，移动互联网接入流量为95112万G，同比增长40.5%。", [("移动互联网接入流量", "移动互联网接入流量")]),
    (
        "我省有26826个IP地址所对应的主机被境内外木马和僵尸网络控制",
        [("主机被境内外木马和僵尸网络控制", "木马和僵尸网络控制主机IP地址数")],
    ),
    (
        "位于我省的木马或僵尸网络控制服务器有16个",
        [("木马或僵尸网络控制服务器", "木马或僵尸网络控制服务器数")],
    ),
    ("我省感染飞客蠕虫病毒的IP地址有4508个", [("感染飞客蠕虫病毒的IP地址", "感染飞客蠕虫病毒IP地址数")]),
    ("我省被篡改网站数量为1221个", [("被篡改网站数量", "被篡改网站数量")]),
    ("我省被植入后门的网站数量529个", [("被植入后门的网站数量", "被植入后门网站数量")]),
    ("截至 2020 年 6 月，在线教育用户规模达 3.81 亿", [("在线教育用户规模", "在线教育用户规模")]),
    ("我国网民规模已经达到 9.40 亿", [("网民规模", "网民规模")]),
    ("我国手机网民规模达 9.32 亿", [("手机网民规模", "手机网民规模")]),
    ("农村地区互联网普及率为 52.3%", [("农村地区互联网普及率", "农村地区互联网普及率")]),
    ("我国已分配 IPv6 地址用户数达 14.42 亿", [("已分配 IPv6 地址用户数", "已分配IPv6地址用户数")]),
    ("AI 指数增长 93%", [("AI 指数", "AI指数")]),
    ("在 2020Q1 至 2021Q1 之间，云计算指数增长 57%", [("云计算指数", "用云量")]),
    (
        "中国用量指数增长57%、赋智量指数增长93%，赋智量增速明显高于用量",
        [("用量指数", "用云量"), ("赋智量指数", "AI指数"), ("赋智量增速", "AI指数增速"), ("用量", "用云量")],
    ),
    ("5G 终端连接数已超过 6600 万", [("5G 终端连接数", "5G终端连接数")]),
    ("2020 年中国 AI 公有云服务整体市场规模达 24.1 亿人民币", []),
    ("河南省互联网发展状况", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), FIND)
def test_find_indicators(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(text[s:e], i.name) for s, e, i in find_indicators(text)] == expected


def test_lists_can_be_switched_off() -> None:
    text = "智慧公共事业、智能制造、智慧农业终端用户"
    assert [i.name for _s, _e, i in find_indicators(text, lists=False)] == ["智慧农业终端用户"]


def test_normalize_name_keeps_one_char_for_one() -> None:
    assert normalize_name("ＩＰｖ４ 地址（个）") == "ipv4地址(个)"


def test_as_dict_matches_the_cli_contract() -> None:
    assert resolve_indicator("移动互联网流量").as_dict() == {
        "indicator": "移动互联网接入流量",
        "category": "流量",
        "unit": "GB",
    }


# --- properties ---------------------------------------------------------------------------


@given(st.text(max_size=200))
def test_never_raises(text: str) -> None:
    resolve_indicator(text)
    resolve_header(text)
    last = 0
    for s, e, _i in find_indicators(text):
        assert last <= s < e <= len(text)
        last = e


_PIECES = st.sampled_from(
    [s for s, _ in _surfaces()] + ["、", "，", "（", "）", " ", "\n", "总数", "新增", "数"]
)


@given(st.lists(_PIECES, max_size=8).map("".join))
def test_indicator_like_text(text: str) -> None:
    last = 0
    for s, e, ind in find_indicators(text):
        assert last <= s < e <= len(text) and ind in catalogue()
        last = e


# --- open vocabulary -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase, name",
    [
        ("全省移动电话基站总数", "移动电话基站"),
        ("境内被篡改网站数量", "被篡改网站数量"),
        ("“大联接”用户", "大联接用户"),
        ("国内市场手机出货量", "手机出货量"),
        ("省级数字经济竞争力指数", "数字经济竞争力指数"),
    ],
)
def test_printed_names_drop_scope_words_and_quotes(phrase: str, name: str) -> None:
    from extract.normalize.indicators import open_indicator

    assert open_indicator(phrase).name == name


@pytest.mark.parametrize(
    "a, b",
    [
        ("感染网络病毒的主机数量", "境内感染网络病毒主机数量"),
        ("被植入后门的网站数量", "被植入后门网站数量"),
        ("5G网络客户数", "5G网络客户"),
    ],
)
def test_indicator_keys_ignore_de_and_trailing_counts(a: str, b: str) -> None:
    from extract.normalize.indicators import indicator_key

    assert indicator_key(a) == indicator_key(b)


@pytest.mark.parametrize(
    "term, name",
    [
        ("移动客户", "移动电话用户"),
        ("有线宽带客户", "互联网宽带接入用户"),
        ("蜂窝物联网用户", "物联网终端用户"),
        ("5G手机终端连接数", "5G终端连接数"),
        ("接入速率在100Mbps及以上的用户", "100Mbps及以上宽带接入用户"),
        ("光缆线路总长度", "光缆线路长度"),
        ("户均移动互联网接入流量（DOU）", "户均移动互联网接入流量"),
    ],
)
def test_operator_and_release_terms_resolve_to_the_catalogue(term: str, name: str) -> None:
    assert resolve_indicator(term).name == name


def test_uncatalogued_names_get_a_category_from_their_head() -> None:
    from extract.normalize.indicators import open_indicator

    assert open_indicator("全省通信杆路", "万公里").category == "基础设施"
    assert open_indicator("5G手机上市新机型").category == "终端"
    assert not open_indicator("作业操作费").catalogued and open_indicator("作业操作费").category == "其他"
