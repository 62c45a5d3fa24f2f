"""The document context model: home region, reference date and data period read from a report's head."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from extract.extractors.context import (
    SETTINGS,
    DocContext,
    HeadLine,
    document_context,
    head_rules,
    is_national_paragraph,
    make_fact,
    reference_date,
)
from extract.model import Document, Line, Page, Paragraph
from extract.normalize.indicators import Indicator
from extract.normalize.periods import Period, find_periods
from extract.normalize.quantities import parse_quantity
from extract.normalize.regions import find_regions, resolve_region

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def doc(*paragraphs: str, title: str = "", header: str = "", headings: tuple[int, ...] = ()) -> Document:
    """A one-page document; a paragraph's printed lines are its text split at newlines."""
    paras = [
        Paragraph(
            text=p.replace("\n", ""), page=1, lines=[Line(t) for t in p.split("\n")], heading=i in headings
        )
        for i, p in enumerate(paragraphs)
    ]
    return Document(
        name="t.pdf",
        pages=[Page(number=1, paragraphs=paras, furniture=[header] if header else [])],
        title=title,
    )


def home(d: Document) -> str | None:
    ctx = document_context(d)
    return ctx.province.name if ctx.province else None


# ---------------------------------------------------------------- the rules' own examples


@pytest.mark.parametrize("rule", head_rules(), ids=lambda r: f"{r.kind}:{r.example[:12]}")
def test_every_head_rule_reads_its_example(rule) -> None:
    m = rule.pattern.search(rule.example)
    assert m is not None, rule.example
    group = {"issuer": "who", "date": "date", "date_no_year": "md"}.get(rule.kind)
    if group:
        assert m[group].strip(), rule.example


# ---------------------------------------------------------------- home region


def test_issuer_in_the_running_header_and_scope_words_give_the_province() -> None:
    d = doc(
        "2021年1-5月辽宁通信业运行情况\n发布时间：2021-06-29 09:49",
        "一、量收总体平稳",
        "1-5月，全省通信业电信业务收入累计完成160.3亿元，同比增长5.2%，增速比全国平均水平低1.5个百分点。",
        title="辽宁省通信管理局 政务公开 > 行业数据统计",
        headings=(1,),
    )
    assert home(d) == "辽宁省"


def test_a_city_statistics_bureau_and_quanshi_give_the_city() -> None:
    d = doc(
        "2021年前三季度沈阳市电信业运行情况\n前三季度，全市电信业务总量完成81.8亿元，同比增长32.2%。",
        title="沈阳市统计局 · 数据发布 · 统计分析",
    )
    ctx = document_context(d)
    assert ctx.province.name == "沈阳市" and ctx.home.code == "210100"
    assert ctx.home_province.name == "辽宁省"
    # what the prose extractor does with the context: 全市 in a sentence is the city
    found = find_regions("截至9月末，全市固定电话用户105.3万户", ctx.province.name)
    assert [r.name for _s, _e, r in found] == ["沈阳市"]


def test_an_autonomous_region_named_only_by_short_name_and_womenqu() -> None:
    d = doc(
        "宁夏百人拥有电话112.7部 居全国第12位\n银川新闻网讯（记者 李尚）",
        "记者从自治区通信管理局获悉，去年我区基础电信业共完成电信业务总量123.4亿元，比上年同期增长34.2%。",
        "截至去年年末，全区固定和移动电话用户合计745.4万户。",
        title="银川新闻网 2016年04月02日 12:00",
    )
    ctx = document_context(d)
    assert ctx.province.name == "宁夏回族自治区"
    assert ctx.issuer == "自治区通信管理局"
    assert [r.name for _s, _e, r in find_regions("去年我区基础电信业", ctx.province.name)] == [
        "宁夏回族自治区"
    ]


def test_a_newspaper_city_does_not_outweigh_the_autonomous_region_its_scope_words_name() -> None:
    d = doc(
        "银川市宁夏新闻",
        "自治区通信管理局发布数据。全区移动电话用户661万户，我区4G用户247.6万户。",
        title="银川日报",
    )
    assert home(d) == "宁夏回族自治区"


def test_a_prefecture_report_quanzhou_is_the_prefecture() -> None:
    d = doc("延边州2023年通信业发展情况", "2023年，全州移动电话用户达到190万户，同比增长2%。")
    ctx = document_context(d)
    assert ctx.province.name == "延边朝鲜族自治州"
    found = find_regions("全州移动电话用户达到190万户", ctx.province.name)
    assert [r.name for _s, _e, r in found] == ["延边朝鲜族自治州"]


def test_a_county_report() -> None:
    d = doc("兰考县2022年信息通信业发展情况", "2022年，全县行政村4G覆盖率达到100%，光纤宽带用户达到8万户。")
    assert home(d) == "兰考县"


def test_a_source_line_and_ju_xiaoxi_give_the_province() -> None:
    d = doc(
        "广东1—8月新建5G基站逾6万座\n2020年10月12日 来源：广东省工业和信息化厅",
        "据省工业和信息化厅消息，今年1—8月全省新建5G基站61625座。",
        title="工作动态",
    )
    ctx = document_context(d)
    assert ctx.province.name == "广东省" and ctx.reference_date == datetime.date(2020, 10, 12)


def test_a_reporter_learning_from_the_issuer() -> None:
    d = doc(
        "云南上半年电信业务总量同比增长九成以上\n本报讯 日前，记者从云南省通信管理局了解到，2019年上半年全省累计完成电信业务总量1887亿元。",
        title="经济新闻 · 原创 2019-08-08",
    )
    ctx = document_context(d)
    assert ctx.province.name == "云南省" and ctx.period.period == "2019H1"


@pytest.mark.parametrize(
    "d",
    [
        doc(
            "2021年一季度通信业经济运行情况\n发布单位：工业和信息化部运行监测协调局 发布日期：2021年4月21日",
            "一季度，北京、上海、广东5G基站数居前三。",
        ),
        doc("国家统计局　2013年国民经济和社会发展统计公报", "年末固定电话用户26699万户。"),
        doc(
            "中央广播电视总台上海总站\n中国信息通信研究院政策与经济研究所\n2020年12月",
            "2019年，省级数字经济竞争力指数排名前十五位的省（自治区、直辖市）分别为广东、北京、上海、江苏。",
        ),
    ],
    ids=["miit", "nbs", "province-list"],
)
def test_national_reports_have_no_home(d: Document) -> None:
    ctx = document_context(d)
    assert ctx.province is None and ctx.home.name == "全国"


def test_the_signature_block_names_the_issuer_and_the_date() -> None:
    d = doc(
        "关于2024年1-10月信息通信业发展情况的通报",
        "1-10月，全省电信业务收入累计完成325.8亿元，同比增长2.1%。",
        "贵州省通信管理局\n2024年11月20日",
    )
    ctx = document_context(d)
    assert ctx.province.name == "贵州省" and ctx.reference_date == datetime.date(2024, 11, 20)
    assert ctx.period.period == "2024-10"  # the signature's date is no data period


def test_the_scope_word_used_most_decides_between_a_city_and_its_province() -> None:
    d = doc(
        "广东省深圳市5G发展情况",
        "截至8月底，全市累计建成5G基站30591座，占全省的31%。全市5G用户达到800万户，全市5G基站密度居全国第一。",
    )
    assert home(d) == "深圳市"
    d = doc(
        "广东省深圳市5G发展情况",
        "截至8月底，全省累计建成5G基站98613座，其中全市30591座。全省5G用户2074万户。",
    )
    assert home(d) == "广东省"


def test_a_province_only_in_the_body_needs_scope_words() -> None:
    assert (
        home(doc("互联网发展状况", "截至2020年8月底，河南省网民规模达到9000万，全省互联网普及率为85%。"))
        == "河南省"
    )
    assert home(doc("互联网发展状况", "截至2020年8月底，河南省网民规模达到9000万。")) is None


def test_a_province_in_the_title_needs_no_scope_words() -> None:
    assert home(doc("河南省互联网发展状况（2020年8月）", "截至2020年8月底，网民规模达到9000万。")) == "河南省"


@pytest.mark.parametrize(
    ("text", "national"),
    [
        ("截至5月底，全省移动电话基站达到30.16万个（全国排第13位）。", False),
        (
            "全省固定互联网宽带接入用户4451.6万户，总量居全国第2位。其中千兆宽带用户1020.6万户，均列全国第1位。",
            False,
        ),
        ("增速比全国平均水平低1.5个百分点。", False),
        ("全国移动电话用户达到16.4亿户，我省占3%。", True),
        ("1-5月，全国电信业务收入累计完成6000亿元。", True),
        ("截至2020年12月，我国网民规模为9.89亿。", True),
    ],
)
def test_is_national_paragraph_in_a_report_with_a_home(text: str, national: bool) -> None:
    assert is_national_paragraph(text) is national


# ---------------------------------------------------------------- reference date


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["2021年1-5月辽宁通信业运行情况", "发布时间：2021-06-29 09:49"], datetime.date(2021, 6, 29)),
        (["发布单位：中国互联网络信息中心 发布日期：2021年2月3日"], datetime.date(2021, 2, 3)),
        (["银川新闻网 2016年04月02日 12:00"], datetime.date(2016, 4, 2)),
        (["工业和信息化部运行监测协调局 2021年11月22日"], datetime.date(2021, 11, 22)),
        (
            ["资料来源：中国移动、中国电信、中国联通月度运营数据公告 编发时间：2024年11月"],
            datetime.date(2024, 11, 1),
        ),
        (["中国信息通信研究院政策与经济研究所", "2020年12月"], datetime.date(2020, 12, 1)),
        (["来源：人民网 2023-07-25"], datetime.date(2023, 7, 25)),
        (["2023年07月25日 09:30 来源：湖北省通信管理局"], datetime.date(2023, 7, 25)),
        (["9月14日，活动举行。"], None),  # an event in the text is no date line
    ],
)
def test_reference_date(lines: list[str], expected: datetime.date | None) -> None:
    assert reference_date([HeadLine(t, True) for t in lines])[0] == expected


def test_a_dateline_without_year_follows_the_data_period() -> None:
    d = doc(
        "江苏千兆宽带用户率先破千万\n扬子晚报网5月16日讯（记者 马燕）",
        "5月16日，江苏省2023年世界电信和信息社会日纪念大会召开。截至2022年末，全省已累计建成5G基站18.7万个。",
        title="扬子晚报网 · 财经",
    )
    ctx = document_context(d)
    assert ctx.period.period == "2022"  # a year's end: an annual report; not 2023, which names an event
    assert ctx.reference_date == datetime.date(2023, 5, 16)
    assert ctx.province.name == "江苏省"


# ---------------------------------------------------------------- data period


def test_the_date_line_is_not_the_data_period() -> None:
    d = doc(
        "2022年11月国内手机市场运行分析报告\n发布单位：中国信息通信研究院 发布日期：2023年1月4日",
        "1-11月，国内市场手机总体出货量累计2.44亿部。",
    )
    ctx = document_context(d)
    assert ctx.period.period == "2022-11" and ctx.reference_date == datetime.date(2023, 1, 4)
    assert [p.period for _s, _e, p in find_periods("1-11月，11月", ctx.period)] == [
        "2022-01..2022-11",
        "2022-11",
    ]


def test_an_annual_report_issued_the_next_january_keeps_its_data_year() -> None:
    d = doc(
        "2020年通信业统计公报\n发布单位：工业和信息化部运行监测协调局",
        "发布日期：2021年1月22日",
        "全年电信业务收入累计达到1.36万亿元，比上年增长3.6%。",
    )
    ctx = document_context(d)
    assert ctx.period.period == "2020" and ctx.reference_date == datetime.date(2021, 1, 22)
    got = {t: find_periods(t, ctx.period)[0][2].period for t in ("今年", "全年", "年末", "上年末")}
    assert got == {"今年": "2020", "全年": "2020", "年末": "2020-12", "上年末": "2019-12"}


def test_qunian_in_a_news_story_is_the_year_before_its_date_line() -> None:
    d = doc(
        "宁夏百人拥有电话112.7部",
        "记者从自治区通信管理局获悉，去年我区基础电信业共完成电信业务总量123.4亿元。",
        title="银川新闻网 2016年04月02日 12:00",
    )
    assert document_context(d).period.period == "2015"


def test_an_issue_number_is_no_period_and_a_printed_week_is() -> None:
    d = doc(
        "网络安全信息与动态周报\n2018年第6期（2月5日—2月11日）",
        "本周，境内感染网络病毒的主机数量约为18.4万个。",
        title="国家互联网应急中心（CNCERT）　网络安全信息与动态周报　2018年第6期",
    )
    ctx = document_context(d)
    assert ctx.period.period == "2018-W06"
    assert find_periods("本周，境内", ctx.period)[0][2].period == "2018-W06"


def test_muqian_is_the_month_of_the_date_line() -> None:
    d = doc(
        "云南上半年电信业务总量同比增长",
        "2019年上半年全省累计完成电信业务总量1887亿元。",
        title="经济新闻 2019-08-08",
    )
    ctx = document_context(d)
    assert ctx.period.period == "2019H1"
    assert find_periods("目前，全省3家运营商已建成近350个5G试验基站", ctx.period)[0][2].period == "2019-08"


def test_yilai_is_no_data_period() -> None:
    d = doc("前言", "2015 年以来，互联网电视用户规模加速扩大。截至 2021 年底，互联网电视用户数 10.83 亿户。")
    assert document_context(d).period.period == "2021"  # 截至2021年底: the year 2021


def test_without_any_period_the_date_line_month() -> None:
    d = doc("全省5G建设加快\n2020年10月12日 来源：广东省工业和信息化厅", "目前，全省5G基站累计建成9.8万座。")
    assert document_context(d).period.period == "2020-10"


def test_a_city_statistical_bulletin_with_nianmo_quanshi() -> None:
    d = doc(
        "2022年杭州市国民经济和社会发展统计公报\n杭州市统计局 2023-03-17",
        "年末全市移动电话用户1900万户，比上年末增加50万户。全年电信业务总量完成500亿元。",
    )
    ctx = document_context(d)
    assert ctx.province.name == "杭州市" and ctx.period.period == "2022"
    assert ctx.reference_date == datetime.date(2023, 3, 17)
    assert find_periods("年末全市移动电话用户", ctx.period)[0][2].period == "2022-12"


def test_a_provincial_body_reports_on_its_capital_city() -> None:
    d = doc(
        "2023年1-9月西安市通信业运行情况\n来源：陕西省通信管理局",
        "1-9月，全市电信业务收入完成120亿元，同比增长5%。全市5G基站达到3万个。",
    )
    assert home(d) == "西安市"


# ---------------------------------------------------------------- facts


def test_a_stock_stated_for_a_whole_year_is_the_december_stock() -> None:
    ctx = DocContext("t.pdf", Period.year(2021), None)
    stock = Indicator("移动电话用户", "用户", "户", "stock")
    flow = Indicator("电信业务收入", "收入", "亿元", "flow")
    q = parse_quantity("15.94亿户")
    f = make_fact(
        ctx,
        page=1,
        method="prose",
        indicator=stock,
        region=None,
        period=None,
        measure="value",
        quantity=q,
        snippet="移动电话用户15.94亿户",
    )
    assert f.period == "2021-12" and f.region == "全国"
    f = make_fact(
        ctx,
        page=1,
        method="prose",
        indicator=stock,
        region=None,
        period=None,
        measure="change",
        quantity=q,
        snippet="全年净增",
    )
    assert f.period == "2021"
    f = make_fact(
        ctx,
        page=1,
        method="prose",
        indicator=flow,
        region=None,
        period=None,
        measure="value",
        quantity=parse_quantity("1.36万亿元"),
        snippet="电信业务收入1.36万亿元",
    )
    assert f.period == "2021"


def test_facts_without_a_region_take_the_city_home() -> None:
    ctx = DocContext("t.pdf", Period.month(2021, 9), resolve_region("沈阳市").region)
    f = make_fact(
        ctx,
        page=1,
        method="prose",
        indicator=Indicator("固定电话用户", "用户", "户", "stock"),
        region=None,
        period=None,
        measure="value",
        quantity=parse_quantity("105.3万户"),
        snippet="全市固定电话用户105.3万户",
    )
    assert (f.region, f.region_code, f.region_level) == ("沈阳市", "210100", "city")


def test_settings_are_one_object() -> None:
    assert SETTINGS.weight_scope_fit > SETTINGS.weight_title > SETTINGS.weight_body


# ---------------------------------------------------------------- the development corpus

CORPUS_CONTEXTS = [
    ("p-liaoning-2021-05-monthly", "辽宁省", "2021-05", datetime.date(2021, 6, 29)),
    ("p-shenyang-2021-q3", "沈阳市", "2021-09", None),
    ("p-ningxia-2015-annual", "宁夏回族自治区", "2015", datetime.date(2016, 4, 2)),
    ("p-yunnan-2019-h1", "云南省", "2019H1", datetime.date(2019, 8, 8)),
    ("p-guizhou-2024-10-monthly", "贵州省", "2024-10", None),
    ("p-jiangsu-2022-annual", "江苏省", "2022", datetime.date(2023, 5, 16)),
    ("p-guangdong-2020-08-5g", "广东省", "2020-08", datetime.date(2020, 10, 12)),
    ("p-caict-digital-economy-2020", None, None, datetime.date(2020, 12, 1)),
    ("n-miit-bulletin-2020", None, "2020", datetime.date(2021, 1, 22)),
    ("n-caict-phone-market-2022-11", None, "2022-11", datetime.date(2023, 1, 4)),
    ("n-cncert-weekly-2018-w06", None, "2018-W06", None),
    ("n-nbs-bulletin-2013-telecom", None, "2013", datetime.date(2014, 2, 24)),
]


@pytest.mark.parametrize(
    ("stem", "home_name", "period", "asof"), CORPUS_CONTEXTS, ids=[c[0] for c in CORPUS_CONTEXTS]
)
def test_corpus_contexts(
    stem: str, home_name: str | None, period: str | None, asof: datetime.date | None
) -> None:
    path = CORPUS / f"{stem}.pdf"
    if not path.exists():
        pytest.skip("corpus not available")
    from extract.readers import read_document

    ctx = document_context(read_document(path, password=""))
    assert (ctx.province.name if ctx.province else None) == home_name, ctx.evidence
    if period is not None:
        assert ctx.period.period == period
    assert ctx.reference_date == asof


def test_relative_words_under_a_heading_that_states_its_own_year() -> None:
    d = doc(
        "2021年一季度通信业经济运行情况\n发布日期：2021年4月21日",
        "二、2020年全年情况",
        "年末全国移动电话用户15.94亿户。",
        headings=(1,),
    )
    ctx = document_context(d)
    assert ctx.period.period == "2021Q1"
    assert find_periods("年末", ctx.period)[0][2].period == "2021-12"  # against the report's own quarter
    assert (
        find_periods("年末", ctx.reference_for(Period.year(2020)))[0][2].period == "2020-12"
    )  # under the heading
    assert ctx.reference_for(Period.year(2020)).asof == datetime.date(2021, 4, 21)


@pytest.mark.parametrize(
    ("title", "dateline", "period"),
    [
        ("10月份全省通信业运行情况", "发布时间：2024-11-20", "2024-10"),
        (
            "12月份全省通信业运行情况",
            "发布时间：2025-01-15",
            "2024-12",
        ),  # issued the next January: the data year
        ("1-12月全省通信业运行情况", "发布时间：2025-01-15", "2024-12"),
        ("上半年全省通信业运行情况", "发布时间：2024-07-20", "2024H1"),
        ("前三季度全省通信业运行情况", "发布时间：2024-10-25", "2024-09"),
    ],
)
def test_a_title_without_a_year_takes_it_from_the_date_line(title: str, dateline: str, period: str) -> None:
    d = doc(
        f"{title}\n{dateline}", "全省电信业务收入累计完成325.8亿元，同比增长2.1%。", title="贵州省通信管理局"
    )
    ctx = document_context(d)
    assert ctx.period.period == period and ctx.province.name == "贵州省"


def test_a_macro_region_report() -> None:
    d = doc(
        "2021年东北地区通信业发展情况\n发布单位：工业和信息化部运行监测协调局",
        "2021年，东北三省电信业务收入完成1200亿元。",
    )
    ctx = document_context(d)
    assert ctx.province.name == "东北地区" and ctx.home.level == "macro_region"
    # a macro-region in a national report's heading or body is no home
    d = doc(
        "2021年1-10月份通信业经济运行情况\n工业和信息化部运行监测协调局 2021年11月22日",
        "一、总体运行情况",
        "东部地区新兴业务收入同比增长28%。",
        headings=(1,),
    )
    assert document_context(d).province is None
