"""Region gazetteer and normaliser: every province and city by full and short name, the explicit
cases of issue 3, running-text matching, the map layers, and never-raise properties."""

from __future__ import annotations

import csv
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.normalize.regions import (
    AMBIGUOUS,
    PROVINCE_CONTEXT,
    Region,
    all_regions,
    find_regions,
    macro_region_members,
    region_by_code,
    resolve_region,
    short_forms,
)
from extract.paths import DATA_DIR


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


ROWS = read_csv("regions.csv")
PROVINCES = [r for r in ROWS if r["level"] == "province"]
CITIES = [r for r in ROWS if r["level"] == "city"]
COUNTIES = [r for r in ROWS if r["level"] == "county"]
PROVINCE_SHORTS = {r["short_name"] for r in PROVINCES}


def as_region(row: dict[str, str]) -> Region:
    return Region(row["name"], row["code"], row["level"], row["parent"])


# ---------------------------------------------------------------- the gazetteer itself


def test_gazetteer_counts() -> None:
    assert len(PROVINCES) == 34
    prefecture = [r for r in CITIES if r["code"][2:4] != "90"]
    assert len(prefecture) == 333  # 293 地级市 + 7 地区 + 30 自治州 + 3 盟
    assert {"济源市", "仙桃市", "潜江市", "天门市", "神农架林区", "五指山市", "石河子市"} <= {
        r["name"] for r in CITIES
    }
    assert len(COUNTIES) > 2800


def test_gazetteer_integrity() -> None:
    codes = [r["code"] for r in ROWS if r["code"]]
    assert len(codes) == len(set(codes))
    provinces = {r["name"]: r["code"] for r in PROVINCES}
    for r in CITIES + COUNTIES:
        assert provinces[r["parent"]] == r["parent_code"], r
        assert r["code"][:2] == r["parent_code"][:2], r
        assert r["lon"] and r["lat"], r
    # no duplicate city rows for municipalities, 台湾, 香港, 澳门
    assert not {r["name"] for r in CITIES} & set(provinces)


def test_macro_regions_cover_the_mainland_once() -> None:
    rows = read_csv("macro_regions.csv")
    members = [r["province"] for r in rows]
    mainland = {r["name"] for r in PROVINCES} - {"台湾省", "香港特别行政区", "澳门特别行政区"}
    assert sorted(members) == sorted(mainland)
    assert [r.name for r in macro_region_members("中部地区")] == [
        "山西省",
        "安徽省",
        "江西省",
        "河南省",
        "湖北省",
        "湖南省",
    ]
    assert len(macro_region_members("东部地区")) == 10 and len(macro_region_members("西部地区")) == 12


def test_aliases_point_at_known_regions() -> None:
    for row in read_csv("region_aliases.csv"):
        m = resolve_region(row["alias"])
        assert m.ok and m.region is not None, row
        assert m.region.name == row["name"], row
        assert m.region.code == row["code"], row


# ---------------------------------------------------------------- every province and city


@pytest.mark.parametrize("row", PROVINCES, ids=lambda r: r["name"])
def test_every_province_by_full_and_short_name(row: dict[str, str]) -> None:
    assert resolve_region(row["name"]).region == as_region(row)
    assert resolve_region(row["short_name"]).region == as_region(row)
    assert resolve_region(row["code"]).region == as_region(row)


@pytest.mark.parametrize("row", CITIES, ids=lambda r: r["name"])
def test_every_city_by_full_name(row: dict[str, str]) -> None:
    m = resolve_region(row["name"])
    assert m.region == as_region(row) and m.flags == ()
    assert resolve_region(row["name"], province=row["parent"]).region == as_region(row)


@pytest.mark.parametrize("row", CITIES, ids=lambda r: r["name"])
def test_every_city_by_short_name(row: dict[str, str]) -> None:
    short = row["short_name"]
    assert short != row["name"]
    if short in PROVINCE_SHORTS:  # 吉林, 海南: a bare province name always means the province
        assert resolve_region(short).region.level == "province"
        return
    assert resolve_region(short).region == as_region(row)
    assert resolve_region(short, province=row["parent"]).region == as_region(row)


@pytest.mark.parametrize("row", [r for r in CITIES if r["name"].endswith("自治州")], ids=lambda r: r["name"])
def test_every_autonomous_prefecture_by_zhou_form(row: dict[str, str]) -> None:
    assert resolve_region(row["short_name"] + "州").region == as_region(row)


def test_every_county_resolves_within_its_province() -> None:
    for row in COUNTIES:
        m = resolve_region(row["name"], province=row["parent"])
        if m.flags == (AMBIGUOUS,):  # e.g. 鼓楼区: both 南京市 and 徐州市 in 江苏省
            assert as_region(row) in m.candidates and m.region.parent == row["parent"], row
        else:
            assert m.region == as_region(row), (row, m)


# ---------------------------------------------------------------- explicit cases (issue 3)

HENAN = Region("河南省", "410000", "province", "")
NATIONAL = Region("全国", "100000", "national", "")

CASES = [
    # text, province, name, code, level, parent
    ("河南", None, "河南省", "410000", "province", ""),
    ("河南省", None, "河南省", "410000", "province", ""),
    ("豫", None, "河南省", "410000", "province", ""),
    ("新疆", None, "新疆维吾尔自治区", "650000", "province", ""),
    ("新疆维吾尔自治区", None, "新疆维吾尔自治区", "650000", "province", ""),
    ("内蒙古", None, "内蒙古自治区", "150000", "province", ""),
    ("内蒙", None, "内蒙古自治区", "150000", "province", ""),
    ("广西", None, "广西壮族自治区", "450000", "province", ""),
    ("宁夏", None, "宁夏回族自治区", "640000", "province", ""),
    ("西藏", None, "西藏自治区", "540000", "province", ""),
    ("香港", None, "香港特别行政区", "810000", "province", ""),
    ("澳门特区", None, "澳门特别行政区", "820000", "province", ""),
    ("台湾", None, "台湾省", "710000", "province", ""),
    ("北京", None, "北京市", "110000", "province", ""),
    ("沪", None, "上海市", "310000", "province", ""),
    ("蜀", None, "四川省", "510000", "province", ""),
    ("陇", None, "甘肃省", "620000", "province", ""),
    ("延边州", None, "延边朝鲜族自治州", "222400", "city", "吉林省"),
    ("延边", None, "延边朝鲜族自治州", "222400", "city", "吉林省"),
    ("延边朝鲜族自治州", None, "延边朝鲜族自治州", "222400", "city", "吉林省"),
    ("大兴安岭地区", None, "大兴安岭地区", "232700", "city", "黑龙江省"),
    ("大兴安岭", None, "大兴安岭地区", "232700", "city", "黑龙江省"),
    ("济源示范区", None, "济源市", "419001", "city", "河南省"),
    ("济源", None, "济源市", "419001", "city", "河南省"),
    ("郑州", None, "郑州市", "410100", "city", "河南省"),
    ("郑州市", None, "郑州市", "410100", "city", "河南省"),
    ("神农架", None, "神农架林区", "429021", "city", "湖北省"),
    ("仙桃市", None, "仙桃市", "429004", "city", "湖北省"),
    ("石河子", None, "石河子市", "659001", "city", "新疆维吾尔自治区"),
    ("锡林郭勒盟", None, "锡林郭勒盟", "152500", "city", "内蒙古自治区"),
    ("克孜勒苏", None, "克孜勒苏柯尔克孜自治州", "653000", "city", "新疆维吾尔自治区"),
    ("克州", None, "克孜勒苏柯尔克孜自治州", "653000", "city", "新疆维吾尔自治区"),
    ("巴州", None, "巴音郭楞蒙古自治州", "652800", "city", "新疆维吾尔自治区"),
    ("海南州", None, "海南藏族自治州", "632500", "city", "青海省"),
    ("恩施州", None, "恩施土家族苗族自治州", "422800", "city", "湖北省"),
    ("襄樊", None, "襄阳市", "420600", "city", "湖北省"),
    ("毕节地区", None, "毕节市", "520500", "city", "贵州省"),
    ("全省", "河南省", "河南省", "410000", "province", ""),
    ("我省", "河南省", "河南省", "410000", "province", ""),
    ("本省", "豫", "河南省", "410000", "province", ""),
    ("全省", "410000", "河南省", "410000", "province", ""),
    ("全省", "郑州市", "河南省", "410000", "province", ""),  # a city as context gives its province
    ("全市", "上海市", "上海市", "310000", "province", ""),
    ("全国", None, "全国", "100000", "national", ""),
    ("我国", None, "全国", "100000", "national", ""),
    ("全国平均", None, "全国", "100000", "national", ""),
    ("中国", None, "全国", "100000", "national", ""),
    ("东部地区", None, "东部地区", "", "macro_region", ""),
    ("中部地区", None, "中部地区", "", "macro_region", ""),
    ("西部地区", None, "西部地区", "", "macro_region", ""),
    ("东北地区", None, "东北地区", "", "macro_region", ""),
    ("东部", None, "东部地区", "", "macro_region", ""),
    ("吉林", None, "吉林省", "220000", "province", ""),
    ("吉林", "吉林省", "吉林省", "220000", "province", ""),
    ("吉林市", None, "吉林市", "220200", "city", "吉林省"),
    ("朝阳市", None, "朝阳市", "211300", "city", "辽宁省"),
    ("朝阳", None, "朝阳市", "211300", "city", "辽宁省"),
    ("朝阳区", "北京市", "朝阳区", "110105", "county", "北京市"),
    ("朝阳区", "吉林省", "朝阳区", "220104", "county", "吉林省"),
    ("朝阳", "北京", "朝阳区", "110105", "county", "北京市"),
    ("海南", None, "海南省", "460000", "province", ""),
    ("海南", "青海省", "海南省", "460000", "province", ""),
    ("河北", "天津市", "河北省", "130000", "province", ""),
    ("河北区", None, "河北区", "120105", "county", "天津市"),
    ("通州区", "北京市", "通州区", "110112", "county", "北京市"),
    ("通州区", "江苏省", "通州区", "320612", "county", "江苏省"),
    ("兰考县", None, "兰考县", "410225", "county", "河南省"),
    ("长白", None, "长白朝鲜族自治县", "220623", "county", "吉林省"),
    # whitespace and punctuation from PDF extraction, fullwidth forms
    (" 河 南 省 ", None, "河南省", "410000", "province", ""),
    ("（郑州市）", None, "郑州市", "410100", "city", "河南省"),
    ("广西省", None, "广西壮族自治区", "450000", "province", ""),
]


@pytest.mark.parametrize(("text", "province", "name", "code", "level", "parent"), CASES)
def test_explicit_cases(
    text: str, province: str | None, name: str, code: str, level: str, parent: str
) -> None:
    m = resolve_region(text, province=province)
    assert m.region == Region(name, code, level, parent), m.reason
    assert AMBIGUOUS not in m.flags


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("朝阳区", {"北京市", "吉林省"}),
        ("通州区", {"北京市", "江苏省"}),
        ("通州", {"北京市", "江苏省"}),
        ("南沙区", {"广东省", "海南省"}),
        ("普陀区", {"上海市", "浙江省"}),
    ],
)
def test_county_names_shared_by_two_provinces_are_ambiguous_without_province(
    text: str, names: set[str]
) -> None:
    m = resolve_region(text)
    assert m.flags == (AMBIGUOUS,)
    assert m.region is not None and m.region.code == "" and m.region.level == "county"
    assert {r.parent for r in m.candidates} == names
    assert all(name in m.reason for name in names)


def test_province_context_is_flagged_when_it_decides() -> None:
    assert resolve_region("通州区", province="北京市").flags == (PROVINCE_CONTEXT,)
    assert resolve_region("郑州市", province="河南省").flags == ()


def test_same_name_twice_in_one_province_stays_ambiguous() -> None:
    m = resolve_region("鼓楼区", province="江苏省")  # 南京市 and 徐州市
    assert m.flags == (AMBIGUOUS,) and m.region == Region("鼓楼区", "", "county", "江苏省")


@pytest.mark.parametrize("text", ["全省", "我省", "本省"])
def test_own_province_without_province_is_unresolved(text: str) -> None:
    m = resolve_region(text)
    assert m.region is None and "needs_province" in m.flags and not m.ok


@pytest.mark.parametrize("text", ["", "   ", "河南移动", "三家基础电信企业", "合计", "2020年", "XYZ"])
def test_non_regions_are_unresolved(text: str) -> None:
    m = resolve_region(text)
    assert m.region is None and m.flags[0] == "unresolved_region" and m.reason


def test_lookups() -> None:
    assert region_by_code("222400") == Region("延边朝鲜族自治州", "222400", "city", "吉林省")
    assert region_by_code("999999") is None
    assert len(all_regions()) == len(ROWS)
    assert short_forms("黔东南苗族侗族自治州", "city") == ("黔东南", "黔东南州")
    assert short_forms("莫力达瓦达斡尔族自治旗", "county") == ("莫力达瓦", "莫力达瓦旗")


# ---------------------------------------------------------------- running text


def spans(text: str, province: str | None = None) -> list[tuple[str, str, str]]:
    return [(text[s:e], r.name, r.code) for s, e, r in find_regions(text, province)]


FIND_CASES = [
    ("郑州市网民互联网访问流量为2241071T", None, [("郑州市", "郑州市", "410100")]),
    ("河南移动公司53443万G", None, [("河南", "河南省", "410000")]),
    ("河南移动公司、河南联通公司、河南电信公司积极参与", None, [("河南", "河南省", "410000")] * 3),
    ("中国移动河南公司", None, [("河南", "河南省", "410000")]),
    ("活动将在河南省郑州市举行", None, [("河南省", "河南省", "410000"), ("郑州市", "郑州市", "410100")]),
    ("吉林省吉林市", None, [("吉林省", "吉林省", "220000"), ("吉林市", "吉林市", "220200")]),
    ("来自全省各地市的60名选手", "河南省", [("全省", "河南省", "410000")]),
    ("竞赛对于进一步加强我省网络安全", "河南省", [("我省", "河南省", "410000")]),
    ("全国移动电话用户", None, [("全国", "全国", "100000")]),
    (
        "成都市 7 延边州 7 南京市 7 阳泉市 7",
        None,
        [
            ("成都市", "成都市", "510100"),
            ("延边州", "延边朝鲜族自治州", "222400"),
            ("南京市", "南京市", "320100"),
            ("阳泉市", "阳泉市", "140300"),
        ],
    ),
    (
        "武汉市 6 大兴安岭地区 6",
        None,
        [("武汉市", "武汉市", "420100"), ("大兴安岭地区", "大兴安岭地区", "232700")],
    ),
    (
        "上海市\t1\t新疆维吾尔自治区\t1",
        None,
        [("上海市", "上海市", "310000"), ("新疆维吾尔自治区", "新疆维吾尔自治区", "650000")],
    ),
    (
        "北京、上海、广东持续位列前三",
        None,
        [("北京", "北京市", "110000"), ("上海", "上海市", "310000"), ("广东", "广东省", "440000")],
    ),
    (
        "东部、中部、西部和东北地区移动互联网接入流量",
        None,
        [
            ("东部", "东部地区", ""),
            ("中部", "中部地区", ""),
            ("西部", "西部地区", ""),
            ("东北地区", "东北地区", ""),
        ],
    ),
    ("在 17 个省辖市和济源示范区组织", None, [("济源示范区", "济源市", "419001")]),
    ("吉林市场份额", None, [("吉林", "吉林省", "220000")]),  # 市场, not 吉林市
    ("深圳市场", None, [("深圳", "深圳市", "440300")]),
]


@pytest.mark.parametrize(("text", "province", "expected"), FIND_CASES)
def test_find_regions(text: str, province: str | None, expected: list[tuple[str, str, str]]) -> None:
    assert spans(text, province) == expected


@pytest.mark.parametrize(
    "text",
    [
        "中国移动用户",
        "中国联通",
        "中华人民共和国工业和信息化部",  # 中国 is not a region in running text
        "全省用户",
        "我省网络",  # no document province given
        "朝阳产业",
        "长治久安",
        "大连接",
        "三明治",
        "中山大学",
        "哈密瓜",
        "普洱茶",
        "阿里、腾讯和百度",
        "各位来宾，",
        "幸福安康。",
        "黄金、白银",
        "新城区宽带",
        "城区用户",
        "豫剧",
        "京剧",
        "三家基础电信企业",
    ],
)
def test_find_regions_ignores_words_that_only_look_like_places(text: str) -> None:
    assert find_regions(text) == []


def test_find_regions_ambiguous_county_has_empty_code() -> None:
    assert spans("朝阳区用户") == [("朝阳区", "朝阳区", "")]
    assert spans("朝阳区用户", province="北京市") == [("朝阳区", "朝阳区", "110105")]


def test_find_regions_province_named_before_a_place_is_its_context() -> None:
    assert spans("北京朝阳区") == [("北京", "北京市", "110000"), ("朝阳区", "朝阳区", "110105")]
    assert spans("长春市朝阳区") == [("长春市", "长春市", "220100"), ("朝阳区", "朝阳区", "220104")]
    assert spans("江苏南通通州区", province="北京市")[-1] == ("通州区", "通州区", "320612")


# ---------------------------------------------------------------- map layers (data/geo)


def test_geo_layers() -> None:
    geo = DATA_DIR / "geo"
    provinces = json.loads((geo / "provinces.geojson").read_text(encoding="utf-8"))
    assert len(provinces["features"]) == 34
    assert {f["id"] for f in provinces["features"]} == {r["code"] for r in PROVINCES}
    assert (geo / "provinces.geojson").stat().st_size < 1_000_000
    cities = json.loads((geo / "cities.geojson").read_text(encoding="utf-8"))
    assert {r["code"] for r in CITIES} <= {f["id"] for f in cities["features"]}
    assert (geo / "cities.geojson").stat().st_size < 2_500_000
    dashes = json.loads((geo / "nine_dash_line.geojson").read_text(encoding="utf-8"))
    assert len(dashes["features"]) == 9
    assert {f["geometry"]["type"] for f in dashes["features"]} == {"LineString"}
    points = {
        r["code"]: r for r in csv.DictReader((geo / "representative_points.csv").open(encoding="utf-8"))
    }
    assert {r["code"] for r in PROVINCES + CITIES} <= set(points)
    assert (
        108 < float(points["460000"]["lon"]) < 111.1 and 18 < float(points["460000"]["lat"]) < 20.2
    )  # 海南岛


# ---------------------------------------------------------------- properties

NAMES = (
    [r["name"] for r in ROWS]
    + [r["short_name"] for r in ROWS]
    + ["全省", "我省", "中国", "移动", "市场", "区域"]
)
MIXED = st.lists(st.one_of(st.sampled_from(NAMES), st.text(max_size=4)), max_size=6).map("".join)
PROVINCE_ARG = st.one_of(
    st.none(), st.sampled_from(["河南省", "北京", "410000", "郑州市", "全国", "", "??"]), st.text(max_size=5)
)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(), MIXED), province=PROVINCE_ARG)
def test_never_raises(text: str, province: str | None) -> None:
    m = resolve_region(text, province)
    assert (m.region is None) == ("unresolved_region" in m.flags)
    found = find_regions(text, province)
    last = 0
    for start, end, region in found:
        assert last <= start < end <= len(text)
        assert isinstance(region, Region)
        last = end


@settings(max_examples=200, deadline=None)
@given(row=st.sampled_from(PROVINCES + CITIES))
def test_canonical_name_round_trips(row: dict[str, str]) -> None:
    region = resolve_region(row["name"]).region
    assert region is not None and resolve_region(region.name).region == region
    assert resolve_region(region.code).region == region


# ---------------------------------------------------------------- home region and scope words


def _names(text: str, home: str | None) -> list[str]:
    return [r.name for _, _, r in find_regions(text, home)]


@pytest.mark.parametrize(
    ("word", "home", "name"),
    [
        ("全市", "沈阳市", "沈阳市"),  # a city report's 全市 is the city
        ("我市", "沈阳", "沈阳市"),
        ("本市", "210100", "沈阳市"),  # the home given as a code
        ("全省", "沈阳市", "辽宁省"),  # a city report's 全省 is its province
        ("全州", "延边州", "延边朝鲜族自治州"),
        ("我州", "恩施土家族苗族自治州", "恩施土家族苗族自治州"),
        ("全盟", "锡林郭勒盟", "锡林郭勒盟"),
        ("全区", "宁夏", "宁夏回族自治区"),
        ("我区", "宁夏回族自治区", "宁夏回族自治区"),
        ("自治区", "银川市", "宁夏回族自治区"),  # a city in an autonomous region: up to the region
        ("全自治区", "广西", "广西壮族自治区"),
        ("全区", "海淀区", "海淀区"),  # a district report
        ("全县", "兰考县", "兰考县"),
        ("全市", "北京市", "北京市"),  # a municipality
    ],
)
def test_scope_word_stands_for_the_home_region(word: str, home: str, name: str) -> None:
    m = resolve_region(word, province=home)
    assert m.region is not None and m.region.name == name, m.reason


@pytest.mark.parametrize(
    ("word", "home"),
    [
        ("全市", "宁夏"),
        ("全州", "沈阳市"),
        ("全县", "河南省"),
        ("自治区", "辽宁省"),
        ("全州", None),
        ("全区", None),
    ],
)
def test_scope_word_that_does_not_fit_the_home_is_unresolved(word: str, home: str | None) -> None:
    m = resolve_region(word, province=home)
    assert m.region is None and "needs_province" in m.flags, m.reason


def test_quanzhou_is_a_scope_word_and_quanzhou_county_a_county() -> None:
    assert resolve_region("全州", province="延边州").region.code == "222400"
    assert resolve_region("全州").region is None  # never the county 全州县 by its short name
    assert resolve_region("全州县").region.code == "450324"
    assert _names("全州县新建5G基站", "延边州") == ["全州县"]
    assert _names("全州移动电话用户达到190万户", "延边州") == ["延边朝鲜族自治州"]


@pytest.mark.parametrize(
    ("text", "home", "names"),
    [
        ("前三季度，全市电信业务总量完成81.8亿元", "沈阳市", ["沈阳市"]),
        ("截至去年年末，全区固定和移动电话用户合计745.4万户", "宁夏", ["宁夏回族自治区"]),
        ("记者从自治区通信管理局获悉，去年我区基础电信业", "宁夏", ["宁夏回族自治区", "宁夏回族自治区"]),
        ("截至5月底，全省移动电话基站达到30.16万个", "辽宁省", ["辽宁省"]),
        ("全省移动电话基站达到30.16万个", "沈阳市", ["辽宁省"]),
        (
            "截至6月底，全疆移动电话用户达到2800万户",
            None,
            ["新疆维吾尔自治区"],
        ),  # a scope word naming its region
        ("全市场份额", "沈阳市", []),  # 全市场 is the whole market
        ("日本市场", "沈阳市", ["日本"]),  # 本市 inside 日本市场
        ("网络安全区域", "宁夏", []),  # 全区 inside 安全区域
        ("各省（自治区、直辖市）", "宁夏", []),  # 自治区 in the list of kinds of province
        ("全市电信业务总量", None, []),  # no home: nothing to stand for
        ("全市电信业务总量", "宁夏", []),  # a home that is no city
    ],
)
def test_scope_words_in_running_text(text: str, home: str | None, names: list[str]) -> None:
    assert _names(text, home) == names


@pytest.mark.parametrize(
    ("text", "name", "level"),
    [
        ("使用OTT服务的韩国付费用户占比达到38.4%", "韩国", "foreign"),
        ("2021年欧洲付费视频收入达到142亿美元", "欧洲", "foreign"),
        ("全球5G用户超过10亿", "全球", "world"),
        ("美国付费视频收入", "美国", "foreign"),
        ("印度尼西亚网民规模", "印度尼西亚", "foreign"),  # the longer name, not 印度
    ],
)
def test_places_outside_china_keep_their_printed_name(text: str, name: str, level: str) -> None:
    found = find_regions(text, "河南省")
    assert [(r.name, r.code, r.level) for _, _, r in found] == [(name, "", level)]


def test_world_is_not_matched_inside_names() -> None:
    assert find_regions("江苏省2023年世界电信和信息社会日纪念大会", None)[0][2].name == "江苏省"
    assert [r.name for _, _, r in find_regions("数据来源于世界银行", None)] == []
    assert resolve_region("世界").region.level == "world"


def test_a_city_home_decides_between_places_by_its_province() -> None:
    assert resolve_region("朝阳", province="沈阳市").region.code == "211300"  # 辽宁's 朝阳市
    assert resolve_region("朝阳区", province="长春市").region.code == "220104"


#: A home region for each kind of unit a scope word can name.
_HOME_OF_UNIT = {
    "省": "河南省",
    "市": "沈阳市",
    "州": "延边州",
    "盟": "锡林郭勒盟",
    "区": "宁夏",
    "自治区": "广西",
    "县": "兰考县",
    "旗": "鄂温克族自治旗",
}


def test_every_scope_word_row_reads_its_example() -> None:
    from extract.normalize.regions import home_scope, scope_words

    for word, sw in scope_words().items():
        home = _HOME_OF_UNIT[sw.unit]
        assert home_scope(word, home) is not None, (word, home)
        if sw.in_text:
            found = [(s, e) for s, e, _r in find_regions(sw.example, home)]
            assert any(sw.example[s:e] == word for s, e in found), (word, sw.example, found)
        else:
            assert resolve_region(word, province=home).region == home_scope(word, home)


def test_every_foreign_place_row_reads_its_example() -> None:
    for row in _foreign_rows():
        region = resolve_region(row["name"]).region
        assert region is not None and region.code == "" and region.level == row["level"], row
        if row["in_text"] == "1":
            assert row["name"] in [r.name for _s, _e, r in find_regions(row["example"], "河南省")], row


def _foreign_rows() -> list[dict[str, str]]:
    with (DATA_DIR / "context_foreign_places.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def test_a_city_home_decides_between_districts_of_its_province() -> None:
    assert resolve_region("铁西区").flags == (AMBIGUOUS,)
    assert resolve_region("铁西区", province="辽宁省").flags == (AMBIGUOUS,)  # 沈阳's and 鞍山's
    assert resolve_region("铁西区", province="沈阳市").region.code == "210106"
    assert resolve_region("铁西区", province="鞍山市").region.code == "210303"
    assert [r.code for _s, _e, r in find_regions("铁西区5G基站达到3000个", "沈阳市")] == ["210106"]
