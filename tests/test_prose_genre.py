"""Prose extraction reads the constructions of Chinese statistical writing, not one report.

Every row of the cue table (data/prose_cues.csv) and of the phrase rewrites is checked on its own
example; every construction has a test on a sentence of the genre.
"""

from __future__ import annotations

import pytest

from extract.extractors.context import DocContext
from extract.extractors.prose import REWRITES, cue_of, cues, extract_prose, facts_of_text, subject_phrase
from extract.model import Document, Page, Paragraph
from extract.normalize.indicators import guess_category, head_rules, open_indicator
from extract.normalize.periods import Period
from extract.normalize.regions import resolve_region

NATION_2021 = DocContext(name="t", period=Period.year(2021), province=None)
LIAONING_MAY = DocContext(name="t", period=Period.ytd(2021, 5), province=resolve_region("辽宁省").region)


def facts(text: str, ctx: DocContext = NATION_2021) -> list[tuple]:
    return [(f.indicator, f.measure, f.value, f.period) for f in facts_of_text(text, ctx)]


def one(text: str, ctx: DocContext = NATION_2021):
    found = facts_of_text(text, ctx)
    assert len(found) == 1, [(f.indicator, f.measure, f.value) for f in found]
    return found[0]


# -- the rule tables check their own examples ------------------------------------------------


@pytest.mark.parametrize("cue", cues(), ids=lambda c: c.cue)
def test_every_cue_row_fires_on_its_own_example(cue) -> None:
    assert cue_of(cue.example).cue == cue.cue


def test_cue_measures_are_measures_or_skips() -> None:
    allowed = {
        "value",
        "yoy_pct",
        "mom_pct",
        "change",
        "share_pct",
        "rank",
        "rank_change",
        "skip",
        "modifier",
    }
    assert {c.measure for c in cues()} <= allowed
    assert cues()[-1].cue == "value", "the last row is the default"


@pytest.mark.parametrize("rw", REWRITES, ids=lambda r: r.example)
def test_every_phrase_rewrite_turns_its_example_into_the_expected_name(rw) -> None:
    assert rw.pattern.sub(rw.repl, rw.example) == rw.expect


def test_every_head_rule_matches_its_example() -> None:
    for rule in head_rules():
        assert guess_category(rule.example) == (rule.category, rule.kind), rule.example


# -- open vocabulary ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("1-5月，全省完成固定资产投资30.6亿元。", "固定资产投资"),
        ("截至5月底，全省移动电话基站达到30.16万个。", "移动电话基站"),
        ("截至三季度末，全省光缆线路总长度215.7万公里。", "光缆线路长度"),
        ("本周，境内被篡改网站数量为1865个。", "被篡改网站数量"),
        ("10月，中国联通5G行业虚拟专网服务客户数为14705个。", "5G行业虚拟专网服务客户数"),
        ("2022年11月，国内市场手机出货量2323.8万部。", "手机出货量"),
    ],
)
def test_a_number_outside_the_catalogue_is_a_fact_under_its_printed_name(text: str, name: str) -> None:
    assert one(text).indicator == name


def test_an_uncatalogued_indicator_is_flagged() -> None:
    f = one("10月，中国联通5G行业虚拟专网服务客户数为14705个。")
    assert "uncatalogued_indicator" in f.flags and f.operator == "中国联通"


def test_a_clause_naming_no_statistic_states_no_fact() -> None:
    assert facts("利用智能转码，仅一个平台的作业操作费就节省400万元。") == []


# -- attachment by scope, not memory ------------------------------------------------------------


def test_a_measure_attaches_to_the_subject_of_its_own_sentence_not_the_last_catalogued_one() -> None:
    got = facts("5G用户达到997.2万户。全年社会消费品零售总额比上年增长12.5%。")
    assert ("5G用户", "yoy_pct", 12.5, "2021") not in [(a, b, c, d) for a, b, c, d in got]
    assert any(ind == "社会消费品零售总额" and m == "yoy_pct" for ind, m, _v, _p in got)


def test_growth_after_an_uncatalogued_subject_is_that_subjects_growth() -> None:
    got = facts("电信业务收入1.36万亿元。电话用户473.1万户，比上年增长2.6%。")
    assert ("电话用户", "yoy_pct", 2.6) in [(a, b, c) for a, b, c, _p in got]
    assert not any(ind == "电信业务收入" and m == "yoy_pct" for ind, m, _v, _p in got)


def test_value_share_and_growth_of_one_clause_chain_belong_to_its_subject() -> None:
    got = facts("全年移动数据及互联网业务收入为6081亿元，比上年同期下降3.9%，在电信业务收入中的比重为68.5%。")
    assert [(m, v) for _i, m, v, _p in got] == [
        ("value", 608100000000.0),
        ("yoy_pct", -3.9),
        ("share_pct", 68.5),
    ]
    assert {i for i, *_ in got} == {"移动数据及互联网业务收入"}


def test_a_guess_across_sentences_is_flagged_low_confidence() -> None:
    found = facts_of_text("移动电话用户达16亿户。同比增长1.2%。", NATION_2021)
    assert found[-1].measure == "yoy_pct" and "low_confidence" in found[-1].flags


def test_nothing_is_attached_across_paragraphs() -> None:
    assert facts("同比增长1.2%。") == []


# -- constructions ------------------------------------------------------------------------------


def test_growth_rate_levels() -> None:
    assert [(m, v) for _i, m, v, _p in facts("电信业务收入增速降至98.9%。")] == [("yoy_pct", 98.9)]
    got = facts("移动互联网接入流量增速由上年末的132.5%回落至78.3%。")
    assert got == [
        ("移动互联网接入流量", "yoy_pct", 132.5, "2020"),
        ("移动互联网接入流量", "yoy_pct", 78.3, "2021"),
    ]


def test_a_dated_starting_point_is_the_value_of_its_period_an_undated_one_is_not_a_fact() -> None:
    got = facts("2020年，移动数据及互联网业务收入6204亿元，在电信业务收入中的占比由上年的46.6%降至45.7%。")
    assert [(m, v, p) for _i, m, v, p in got][1:] == [
        ("share_pct", 46.6, "2019"),
        ("share_pct", 45.7, "2020"),
    ]
    got = facts("截至2020年12月，深度贫困地区贫困村通宽带比例从25%提升至98%。")
    assert [(i, v) for i, _m, v, _p in got] == [("深度贫困地区贫困村通宽带比例", 98.0)]


def test_lists_with_fenbie_and_mixed_signs() -> None:
    got = facts("1-3月，固定语音和移动语音业务收入分别为58.7亿元和287.8亿元，同比分别下降2.5%和增长1.3%。")
    assert [(i, m, v) for i, m, v, _p in got] == [
        ("固定语音业务收入", "value", 5870000000.0),
        ("移动语音业务收入", "value", 28780000000.0),
        ("固定语音业务收入", "yoy_pct", -2.5),
        ("移动语音业务收入", "yoy_pct", 1.3),
    ]


def test_a_sign_word_before_fenbie_signs_every_number() -> None:
    got = facts("2015年，固定本地电话和固定长途电话业务量分别同比下降24.9%和12.1%。")
    assert [v for _i, _m, v, _p in got] == [-24.9, -12.1]


def test_a_list_of_regions_pairs_with_a_list_of_numbers() -> None:
    got = facts_of_text(
        "1-10月份，东、中、西部和东北地区移动互联网接入流量分别达到773亿GB、403亿GB、535亿GB和98.7亿GB。"
    )
    assert [(f.region, f.raw_value) for f in got] == [
        ("东部地区", "773"),
        ("中部地区", "403"),
        ("西部地区", "535"),
        ("东北地区", "98.7"),
    ]


def test_a_list_of_operators_pairs_with_a_list_of_numbers() -> None:
    got = facts_of_text("河南移动、联通、电信公司IPTV（网络电视）用户分别为989.2万户、638.9万户、239.5万户。")
    assert [(f.operator, f.indicator) for f in got] == [
        ("中国移动", "IPTV用户"),
        ("中国联通", "IPTV用户"),
        ("中国电信", "IPTV用户"),
    ]


def test_net_additions_and_net_losses() -> None:
    got = facts(
        "截至3月末，移动电话用户总数达16.01亿户，比上年末净增696万户。固定电话用户1.82亿户，比上年末净减913万户。"
    )
    assert ("移动电话用户", "change", 6960000.0, "2021-01..2021-03") in got
    assert ("固定电话用户", "change", -9130000.0, "2021-01..2021-03") in got


def test_rank_changes_back_two_places_and_unchanged() -> None:
    got = facts(
        "截至5月底，接入速率在1000Mbps及以上的固定互联网宽带接入用户为8.6万户（全国排第20位，较上月后退2位）。"
        "物联网终端用户1722.4万（全国排第18位，与上月持平）。",
        LIAONING_MAY,
    )
    assert ("1000Mbps及以上宽带接入用户", "rank_change", -2.0, "2021-05") in got
    assert ("物联网终端用户", "rank_change", 0.0, "2021-05") in got
    assert all(
        f.region == "辽宁省" for f in facts_of_text("物联网终端用户1722.4万（全国排第18位）。", LIAONING_MAY)
    )


def test_chinese_numeral_ranks_and_first_place() -> None:
    got = facts("上半年，电信业务总量同比增长15%，增速排全国第十五。江苏千兆宽带用户排在全国首位。")
    assert ("电信业务总量增速", "rank", 15.0) in [(i, m, v) for i, m, v, _p in got]
    assert ("千兆宽带用户", "rank", 1.0) in [(i, m, v) for i, m, v, _p in got]


def test_dou_units() -> None:
    f = one("10月当月户均移动互联网接入流量（DOU）达到14.32GB/户·月。")
    assert (f.indicator, f.value, f.unit, f.raw_unit) == (
        "户均移动互联网接入流量",
        14.32,
        "GB/户",
        "GB/户·月",
    )


@pytest.mark.parametrize(
    "text",
    [
        "本周，境内感染网络病毒的主机数量约为18.4万个。",
        "截至10月底，全省5G基站超过2.9万个。",
        "我国网民规模近10亿人。",
    ],
)
def test_bounds_and_rounded_figures_are_flagged_approximate(text: str) -> None:
    assert "approximate" in one(text).flags


def test_qizhong_items_take_the_head_of_their_parent() -> None:
    got = facts("2022年11月，国内手机上市新机型43款，同比下降8.5%，其中5G手机26款，同比增长73.3%。")
    assert [(i, m) for i, m, _v, _p in got] == [
        ("手机上市新机型", "value"),
        ("手机上市新机型", "yoy_pct"),
        ("5G手机上市新机型", "value"),
        ("5G手机上市新机型", "yoy_pct"),
    ]


def test_shares_of_a_whole() -> None:
    got = facts(
        "其中，5G手机终端连接数达2.85亿户，占移动电话用户的17.8%。全省固定互联网宽带接入用户1680.9万户，"
        "光纤接入用户所占比重为95.7%。"
    )
    assert ("5G终端连接数", "share_pct", 17.8) in [(i, m, v) for i, m, v, _p in got]
    assert ("光纤接入用户", "share_pct", 95.7) in [(i, m, v) for i, m, v, _p in got]


def test_percentage_points_change_a_rate_but_not_a_share_or_a_growth() -> None:
    got = facts("手机上网用户数达13.63亿户，对移动电话用户的渗透率为85.1%，较上年末提升0.7个百分点。")
    assert ("手机上网用户渗透率", "change", 0.7) in [(i, m, v) for i, m, v, _p in got]
    got = facts("固定数据及互联网业务收入为626亿元，占电信业务收入的17.4%，占比同比提高0.5个百分点。")
    assert not any(m == "change" for _i, m, _v, _p in got)
    got = facts("电信业务收入3601亿元，同比增长6.5%，增速比上年同期提高4.7个百分点。")
    assert not any(m == "change" for _i, m, _v, _p in got)


def test_comparisons_with_an_average_are_not_facts() -> None:
    got = facts("5月当月户均移动互联网接入流量（DOU）为11.7GB/户˙月，比全国平均水平低1.9GB/户˙月。")
    assert [v for _i, _m, v, _p in got] == [11.7]


def test_a_topic_phrase_names_the_subject_of_what_follows() -> None:
    got = facts_of_text("从8月份各基础电信运营公司移动互联网接入流量看，河南移动公司53443万G，同比增长51%。")
    assert [(f.indicator, f.operator, f.measure) for f in got] == [
        ("移动互联网接入流量", "中国移动", "value"),
        ("移动互联网接入流量", "中国移动", "yoy_pct"),
    ]


def test_a_number_before_its_noun() -> None:
    f = facts_of_text("我省有26826个IP地址所对应的主机被境内外木马和僵尸网络控制。")[0]
    assert f.indicator == "木马和僵尸网络控制主机IP地址数"


def test_undated_spans_and_milestones_state_no_fact() -> None:
    assert (
        facts(
            "据统计，“十四五”期间，全国高校新增本科专业布点1.02万个。专业调整幅度持续增大，累计调整比例超30%。"
        )
        == []
    )
    assert facts("物联网终端连接数首次突破6亿。") == []


def test_targets_state_no_fact() -> None:
    assert facts("到2025年，全省5G基站将达到10万个。") == []


@pytest.mark.parametrize(
    "lead, phrase",
    [
        ("全省通信业电信业务收入累计完成", "电信业务收入"),
        ("三家基础电信企业和中国铁塔股份有限公司共完成固定资产投资", "固定资产投资"),
        ("移动短信业务收入则同比增长", "移动短信业务收入"),
        ("有线宽带客户总数为", "有线宽带客户总数"),
    ],
)
def test_subject_phrases(lead: str, phrase: str) -> None:
    assert subject_phrase(lead) == phrase


def test_operator_terms_resolve_to_the_catalogue() -> None:
    assert open_indicator("移动客户").name == "移动电话用户"
    assert open_indicator("有线宽带用户").name == "互联网宽带接入用户"
    assert open_indicator("蜂窝物联网用户").name == "物联网终端用户"


def test_a_ranking_list_gives_each_place_its_position() -> None:
    got = facts_of_text(
        "2019年，省级数字经济竞争力指数排名前三位的省（自治区、直辖市）分别为广东、北京、上海。"
    )
    assert [(f.indicator, f.region, f.measure, f.value) for f in got] == [
        ("数字经济竞争力指数", "广东省", "rank", 1.0),
        ("数字经济竞争力指数", "北京市", "rank", 2.0),
        ("数字经济竞争力指数", "上海市", "rank", 3.0),
    ]


def test_one_number_for_every_place_of_a_list_with_jun() -> None:
    got = facts_of_text("西藏、青海、云南和新疆4省（区）10月份当月DOU均超过19GB/户·月。")
    assert [f.region for f in got] == ["西藏自治区", "青海省", "云南省", "新疆维吾尔自治区"]
    assert {f.indicator for f in got} == {"户均移动互联网接入流量"}


def test_a_subject_with_a_trend_comment_then_its_number() -> None:
    got = facts("9月末，4G用户845.0万户。固定互联网宽带接入用户增长明显，9月末达到310.8万户，同比增长8.3%。")
    assert ("互联网宽带接入用户", "value", 3108000.0) in [(i, m, v) for i, m, v, _p in got]


def test_the_rank_after_a_share_is_the_rank_of_the_share() -> None:
    got = facts_of_text(
        "截至5月底，接入速率在100Mbps及以上的固定互联网宽带接入用户占比为92.5%（比全国高1.2个百分点，"
        "全国排第12位）。",
        LIAONING_MAY,
    )
    assert [(f.indicator, f.measure, f.value) for f in got] == [
        ("100Mbps及以上宽带接入用户", "share_pct", 92.5),
        ("100Mbps及以上宽带接入用户占比", "rank", 12.0),
    ]


def test_a_topic_before_deng_names_a_bare_head() -> None:
    got = facts(
        "三家基础电信企业积极发展IPTV、互联网数据中心、大数据、云计算等新兴业务，1-10月份共完成业务收入1854亿元。"
    )
    assert [(i, m) for i, m, _v, _p in got] == [("新兴业务收入", "value")]


def test_a_comparison_field_is_not_the_region() -> None:
    ctx = DocContext(name="t", period=Period.year(2022), province=resolve_region("江苏省").region)
    f = one("江苏千兆宽带用户规模在全国率先超过1000万户。", ctx)
    assert f.region == "江苏省"


def test_a_list_in_the_clause_before_pairs_with_the_numbers() -> None:
    got = facts(
        "三家基础电信企业发展蜂窝物联网用户11.36亿户；其中应用于智能制造、智慧交通和智慧公共事业的终端用户，"
        "占比分别为18.5%、18.3%和22.1%。"
    )
    assert [(i, m, v) for i, m, v, _p in got][1:] == [
        ("智能制造终端用户", "share_pct", 18.5),
        ("智慧交通终端用户", "share_pct", 18.3),
        ("智慧公共事业终端用户", "share_pct", 22.1),
    ]


def test_a_source_and_a_title_are_not_the_subject() -> None:
    got = facts_of_text(
        "据国家广播电视总局《2021年全国广播电视行业统计公报》显示，截至2021年底，互联网电视用户数10.83亿户。"
    )
    assert [(f.indicator, f.subject, f.period) for f in got] == [("OTT用户", "", "2021-12")]


def test_a_paragraph_opening_with_qizhong_lists_the_parts_of_the_one_before() -> None:
    from extract.extractors.prose import extract_prose
    from extract.model import Document, Page, Paragraph

    ctx = DocContext(name="t", period=Period.month(2020, 8), province=resolve_region("广东省").region)
    doc = Document(
        name="t",
        pages=[
            Page(
                number=1,
                paragraphs=[
                    Paragraph(text="截至8月底，全省累计建成5G基站98613座。", page=1),
                    Paragraph(text="其中，深圳30591座、广州23555座。", page=1),
                ],
            )
        ],
    )
    got = extract_prose(doc, ctx)
    assert [(f.indicator, f.region, f.value) for f in got][1:] == [
        ("5G基站数", "深圳市", 30591.0),
        ("5G基站数", "广州市", 23555.0),
    ]
    assert all("low_confidence" in f.flags for f in got[1:])


def test_a_place_may_open_a_time_adverbial() -> None:
    ctx = DocContext(name="t", period=Period.month(2020, 8), province=resolve_region("广东省").region)
    f = one("广东1—8月新建5G基站逾6万座。", ctx)
    assert (f.measure, f.period) == ("change", "2020-01..2020-08")


def test_several_subjects_sharing_one_number() -> None:
    ctx = DocContext(name="t", period=Period.year(2022), province=resolve_region("江苏省").region)
    got = facts_of_text(
        "江苏千兆宽带用户规模在全国率先超过1000万户，用户总数及其在宽带用户中的占比都排在全国首位。", ctx
    )
    assert [(f.indicator, f.measure, f.value) for f in got][1:] == [
        ("千兆宽带用户规模", "rank", 1.0),
        ("千兆宽带用户占比", "rank", 1.0),
    ]
    ctx = DocContext(name="t", period=Period.month(2020, 8), province=resolve_region("广东省").region)
    got = facts_of_text(
        "截至8月底，全省5G套餐用户达到2074万户，累计建成5G基站98613座，两项数据均位居全国第一。", ctx
    )
    assert [(f.indicator, f.measure) for f in got if f.measure == "rank"] == [
        ("5G套餐用户", "rank"),
        ("5G基站数", "rank"),
    ]


def test_a_flow_counted_up_to_a_point_starts_in_january() -> None:
    got = facts("截至2021年底，OTT集成服务业务收入78.02亿元，同比增长9.73%；互联网电视用户数10.83亿户。")
    assert [(i, p) for i, _m, _v, p in got] == [
        ("OTT集成服务业务收入", "2021"),
        ("OTT集成服务业务收入", "2021"),
        ("OTT用户", "2021-12"),
    ]


def test_a_share_compared_with_the_nation_is_still_ranked() -> None:
    assert cue_of("用户总数及其在宽带用户中的占比都排在全国首位").cue == "rank"


def test_what_is_had_or_built_is_named_after_the_number() -> None:
    got = facts("目前，全省3家运营商已建成近350个5G试验基站。目前约有1600家5G产业相关企业。")
    assert [(i, v) for i, _m, v, _p in got] == [("5G试验基站", 350.0), ("5G产业相关企业", 1600.0)]


def test_an_operator_named_as_an_object_does_not_carry_on() -> None:
    got = facts_of_text(
        "工信部向包括广电网络在内的4家基础电信企业发放了5G商用牌照。目前，全省已建成近350个5G试验基站。"
    )
    assert [(f.indicator, f.operator) for f in got] == [("5G试验基站", "")]


def test_a_statistical_bulletin_paragraph() -> None:
    """The post and telecom paragraph of a 统计公报: every figure, with its own subject and measure."""
    text = (
        "全年邮政行业业务总量21053亿元，比上年增长29.7%。邮政业完成邮政函件业务15.8亿件，包裹业务0.2亿件，"
        "快递业务量833.6亿件，快递业务收入8795亿元。年末移动电话基站数931万个，全国电话用户总数177608万户，"
        "其中移动电话用户159407万户。固定互联网宽带接入用户48355万户，比上年末增加4427万户。"
        "全年软件和信息技术服务业完成软件业务收入81616亿元，按可比口径计算，比上年增长13.3%。"
    )
    got = facts(text, DocContext(name="t", period=Period.year(2020), province=None))
    assert [(i, m) for i, m, _v, _p in got] == [
        ("邮政行业业务总量", "value"),
        ("邮政行业业务总量", "yoy_pct"),
        ("邮政函件业务", "value"),
        ("包裹业务", "value"),
        ("快递业务量", "value"),
        ("快递业务收入", "value"),
        ("移动电话基站", "value"),
        ("电话用户", "value"),
        ("移动电话用户", "value"),
        ("互联网宽带接入用户", "value"),
        ("互联网宽带接入用户", "change"),
        ("软件业务收入", "value"),
        ("软件业务收入", "yoy_pct"),
    ]
    assert ("互联网宽带接入用户", "change", 44270000.0, "2020") in got


HEBEI_JUNE = DocContext(name="t", period=Period.ytd(2023, 6), province=resolve_region("河北省").region)


def test_per_capita_names_keep_their_verb() -> None:
    assert one("每万人拥有5G基站数达到19.9个。", HEBEI_JUNE).indicator == "每万人拥有5G基站数"


def test_an_agency_receiving_or_handling_is_not_the_subject() -> None:
    got = facts_of_text("本周CNCERT接收到网络安全事件报告8312件，较上周增加了5.2%。", HEBEI_JUNE)
    assert [(f.indicator, f.measure) for f in got] == [
        ("网络安全事件报告", "value"),
        ("网络安全事件报告", "mom_pct"),
    ]


def test_a_bare_head_after_an_organisation_completes_from_the_catalogue() -> None:
    got = facts_of_text(
        "1-5月份，全国规模以上互联网和相关服务企业完成业务收入5637亿元，同比增长20.4%。", HEBEI_JUNE
    )
    assert [(f.indicator, f.region, f.measure) for f in got] == [
        ("互联网业务收入", "全国", "value"),
        ("互联网业务收入", "全国", "yoy_pct"),
    ]


def test_a_list_of_short_place_names_runs_to_de() -> None:
    got = facts_of_text("石家庄、唐山和保定的5G用户数分别为320万户、210万户和198万户。", HEBEI_JUNE)
    assert [(f.region, f.indicator) for f in got] == [
        ("石家庄市", "5G用户"),
        ("唐山市", "5G用户"),
        ("保定市", "5G用户"),
    ]


def test_a_difference_in_the_unit_of_the_value_is_a_change() -> None:
    got = facts("移动电话用户普及率达112.9部/百人，比上年末提高1.5部/百人。")
    assert got[1] == ("移动电话普及率", "change", 1.5, "2021")


def test_a_share_of_gdp_without_de() -> None:
    got = facts("2021年，我国数字经济规模达到45.5万亿元，同比名义增长16.2%，占GDP比重达到39.8%。")
    assert [(i, m, v) for i, m, v, _p in got] == [
        ("数字经济规模", "value", 45500000000000.0),
        ("数字经济规模", "yoy_pct", 16.2),
        ("数字经济规模", "share_pct", 39.8),
    ]


def test_places_before_fenbie_and_the_indicator_after_it() -> None:
    got = facts_of_text(
        "东部、中部、西部和东北地区分别完成电信业务收入7215亿元、2364亿元、2583亿元和552亿元。"
    )
    assert [(f.region, f.indicator) for f in got] == [
        ("东部地区", "电信业务收入"),
        ("中部地区", "电信业务收入"),
        ("西部地区", "电信业务收入"),
        ("东北地区", "电信业务收入"),
    ]


def test_incident_counts() -> None:
    got = facts("本月全国共发生网络安全事件7.4万起，处置网页仿冒事件2100余起。")
    assert [(i, v) for i, _m, v, _p in got] == [("网络安全事件", 74000.0), ("网页仿冒事件", 2100.0)]


def test_a_growth_rate_belongs_to_the_indicator_named_earlier_in_its_sentence() -> None:
    got = facts("2020年一季度到2021年一季度，AI指数持续走高，季度环比增速平均高达22.2%。")
    assert [(i, m, v) for i, m, v, _p in got] == [("AI指数", "mom_pct", 22.2)]


def test_a_headline_states_figures_of_its_own() -> None:
    from extract.extractors.prose import extract_prose
    from extract.model import Document, Page, Paragraph

    ctx = DocContext(name="t", period=Period.year(2015), province=resolve_region("宁夏回族自治区").region)
    doc = Document(
        name="t",
        pages=[
            Page(
                number=1,
                paragraphs=[
                    Paragraph(text="宁夏百人拥有电话112.7部 居全国第12位", page=1, heading=True),
                    Paragraph(text="一、总体情况", page=1, heading=True),
                ],
            )
        ],
    )
    got = extract_prose(doc, ctx)
    assert [(f.indicator, f.measure, f.value) for f in got] == [
        ("电话普及率", "value", 112.7),
        ("电话普及率", "rank", 12.0),
    ]


def test_a_provincial_report_returns_home_after_a_national_paragraph() -> None:
    from extract.extractors.prose import extract_prose
    from extract.model import Document, Page, Paragraph

    doc = Document(
        name="t",
        pages=[
            Page(
                number=1,
                paragraphs=[
                    Paragraph(text="截至6月末，全国移动电话用户达17.1亿户。", page=1),
                    Paragraph(text="截至6月末，全省移动电话用户达到4865万户。", page=1),
                    Paragraph(text="5G用户1891万户。", page=1),
                ],
            )
        ],
    )
    got = extract_prose(doc, HEBEI_JUNE)
    assert [f.region for f in got] == ["全国", "河北省", "河北省"]


def test_two_items_together_are_their_shared_head() -> None:
    got = facts("1-3月，固定语音和移动语音业务收入分别为58.7亿元和287.8亿元，两项合计占电信业务收入的9.6%。")
    assert got[-1][:3] == ("语音业务收入", "share_pct", 9.6)


def test_items_of_a_run_share_the_verb_before_the_first() -> None:
    got = facts("本周，针对境内网站的仿冒页面共涉及域名157个、IP地址60个。")
    assert [i for i, *_ in got] == ["仿冒页面涉及域名", "仿冒页面涉及IP地址"]


def test_parts_named_before_liang_xiang() -> None:
    ctx = DocContext(name="t", period=Period.year(2022), province=resolve_region("江苏省").region)
    got = facts_of_text(
        "其中千兆宽带用户1020.6万户，在宽带用户总数中的占比达到22.9%，用户数和占比两项均列全国第1位。", ctx
    )
    assert [(f.indicator, f.measure) for f in got][2:] == [
        ("千兆宽带用户", "rank"),
        ("千兆宽带用户占比", "rank"),
    ]


def test_a_numbered_note_may_open_with_the_place_and_the_months() -> None:
    ctx = DocContext(name="t", period=Period.month(2020, 10), province=resolve_region("广东省").region)
    f = one("注：1. 全省1—8月新建5G基站61625座。", ctx)
    assert (f.measure, f.period) == ("change", "2020-01..2020-08")


def test_a_groups_share_of_a_population_has_the_group_as_subject() -> None:
    ctx = DocContext(name="t", period=Period.month(2020, 12), province=None)
    got = facts_of_text(
        "截至2020年12月，30—39岁网民占比最高，为20.5%；50岁及以上网民群体占比由2020年3月的16.9%提升至26.3%。"
        "月收入在3001—5000元的网民群体占比最高，为19.6%。",
        ctx,
    )
    assert [(f.indicator, f.subject, f.period, f.measure, f.value) for f in got] == [
        ("网民规模", "30—39岁", "2020-12", "share_pct", 20.5),
        ("网民规模", "50岁及以上", "2020-03", "share_pct", 16.9),
        ("网民规模", "50岁及以上", "2020-12", "share_pct", 26.3),
        ("网民规模", "月收入3001—5000元", "2020-12", "share_pct", 19.6),
    ]


def test_a_named_population_share_stays_an_indicator() -> None:
    assert one("手机网民占比为99.7%。").indicator == "手机网民规模"


def test_a_point_in_a_later_year_is_not_a_target() -> None:
    got = facts("截至2023年底，千兆光网覆盖家庭超过5亿户。")
    assert [(i, p) for i, _m, _v, p in got] == [("千兆光网覆盖家庭", "2023-12")]


def test_digital_infrastructure_units() -> None:
    got = facts("全国在用数据中心机架总规模超过810万标准机架，算力总规模达到230EFLOPS。")
    assert [(i, v) for i, _m, v, _p in got] == [("在用数据中心机架总规模", 8100000.0), ("算力总规模", 230.0)]


def test_a_period_without_a_year_takes_the_year_the_text_has_moved_to() -> None:
    got = facts("2021年，我国GDP同比增长8.1%。进入2022年，第一季度GDP同比增长4.8%。")
    assert [(i, p, v) for i, _m, v, p in got] == [("GDP", "2021", 8.1), ("GDP", "2022Q1", 4.8)]


def test_a_quarter_after_zhi_is_a_point_reported_on_not_a_target() -> None:
    got = facts("2021年，网络游戏市场增速为6.4%，至2022年第一季度增速回落到2.1%。")
    assert [(i, m, v, p) for i, m, v, p in got] == [
        ("网络游戏市场规模", "yoy_pct", 6.4, "2021"),
        ("网络游戏市场规模", "yoy_pct", 2.1, "2022Q1"),
    ]
    assert facts("到2025年，网络游戏市场规模达到5000亿元。") == []
    assert facts("到2022年6月，全省将建成5G基站8万个。") == []


@pytest.mark.parametrize("span", ["2017年-2019年", "2017年至2019年"])
def test_a_span_of_years_dates_only_the_two_ends_of_a_change(span: str) -> None:
    ctx = DocContext(name="t", period=Period.year(2019), province=resolve_region("山东省").region)
    got = facts(
        f"{span}，全省累计完成通信业固定资产投资420亿元，移动电话用户逐年从9800万户增长到10560万户。", ctx
    )
    assert got == [
        ("移动电话用户", "value", 98000000.0, "2017-12"),
        ("移动电话用户", "value", 105600000.0, "2019-12"),
    ]


def test_a_segment_of_a_market_is_the_subject_of_its_figures() -> None:
    got = facts_of_text(
        "2021年，网络游戏收入2965亿元。其中，移动类平台游戏收入增长7.6%，市场份额进一步提升至76.1%。"
    )
    assert [(f.indicator, f.subject, f.measure, f.value) for f in got] == [
        ("网络游戏收入", "", "value", 296500000000.0),
        ("网络游戏收入", "移动类平台", "yoy_pct", 7.6),
        ("网络游戏收入", "移动类平台", "share_pct", 76.1),
    ]


def test_the_objects_of_an_action_are_counted_and_the_counting_word_carries_on() -> None:
    got = facts("2021年，全省对1.6万家网站开展了安全检查，责令整改312家，关闭27家。")
    assert got == [
        ("安全检查网站数量", "value", 16000.0, "2021"),
        ("责令整改网站数量", "value", 312.0, "2021"),
        ("关闭网站数量", "value", 27.0, "2021"),
    ]


def test_a_proportion_of_no_population_is_a_level_under_its_own_name() -> None:
    f = one("2023年，全省政务服务全程网办占比为87.2%。")
    assert (f.indicator, f.measure, f.value) == ("政务服务全程网办占比", "value", 87.2)
    assert one("截至12月底，5G用户占比为40.1%。").measure == "share_pct"


def test_crossing_a_round_threshold_is_a_milestone_not_a_value() -> None:
    assert facts("截至9月底，全省5G基站数量突破10万个。") == []
    assert one("截至9月底，全省5G基站数量超过10万个。").value == 100000.0


def test_a_places_part_of_an_unnamed_whole_is_no_level() -> None:
    assert facts("2025年，国产大模型在海外平台的调用量占比达61%。") == []


def test_places_of_a_list_qualified_by_their_province_share_one_rank_move() -> None:
    ctx = DocContext(name="t", period=Period.month(2021, 3), province=None)
    got = facts_of_text(
        "2020Q1至2021Q1之间，数字经济指数增长较快：甘肃的张掖市、吉林的白山市排名上升均超过120。", ctx
    )
    assert [(f.region, f.indicator, f.measure, f.value, f.period) for f in got] == [
        ("张掖市", "数字经济指数", "rank_change", 120.0, "2021Q1"),
        ("白山市", "数字经济指数", "rank_change", 120.0, "2021Q1"),
    ]


def test_a_group_of_places_the_region_table_cannot_name_states_no_fact() -> None:
    assert facts("其中成渝地区双城经济圈增速超过200%。") == []


def test_a_starting_point_without_a_date_takes_the_date_of_a_parallel_one() -> None:
    got = facts("农村学校宽带接入率从2016年的不足60%提高到96%，边远地区学校宽带接入率从18%提高到91%。")
    assert got == [
        ("农村学校宽带接入率", "value", 96.0, "2021-12"),
        ("边远地区学校宽带接入率", "value", 18.0, "2016"),
        ("边远地区学校宽带接入率", "value", 91.0, "2021-12"),
    ]


def test_what_was_formed_is_named_after_the_number() -> None:
    f = one("2021年，全省已培育形成32个特色鲜明、绿色低碳的大型数据中心。")
    assert (f.indicator, f.value) == ("大型数据中心", 32.0)


def test_the_rate_of_a_speed_tier_is_its_share_of_the_users() -> None:
    ctx = DocContext(name="t", period=Period.year(2016), province=resolve_region("甘肃省").region)
    got = facts_of_text(
        "全省固定宽带用户达到312.5万户，接入速率在50M及以上的宽带用户渗透率为41.3%，该占比在全国排名第9位。",
        ctx,
    )
    assert [(f.indicator, f.measure, f.value) for f in got][1:] == [
        ("50M及以上宽带用户", "share_pct", 41.3),
        ("50M及以上宽带用户占比", "rank", 9.0),
    ]


def test_a_headline_statement_may_end_in_a_space() -> None:
    ctx = DocContext(name="t", period=Period.year(2022), province=resolve_region("浙江省").region)
    assert [
        (f.indicator, f.measure, f.value)
        for f in facts_of_text("浙江5G用户率先破千万 数据中心机架数居全国第三", ctx)
    ] == [("数据中心机架数", "rank", 3.0)]


def test_how_many_were_awarded_a_title() -> None:
    ctx = DocContext(name="t", period=Period.year(2023), province=resolve_region("山东省").region)
    assert facts("2023年，山东又有4个城市获评“千兆城市”。", ctx) == [("千兆城市", "change", 4.0, "2023")]
    assert facts("截至2023年底，全省共有14家企业入选“灯塔工厂”。", ctx) == [
        ("灯塔工厂", "value", 14.0, "2023-12")
    ]


def test_the_nations_figure_ranks_among_places_only_in_a_wider_field() -> None:
    assert facts("2021年，全国完成固定资产投资4100亿元，其中5G投资仍居首位。")[1:] == []
    assert facts("截至2021年底，我国5G基站数居全球第1位。") == [("5G基站数", "rank", 1.0, "2021-12")]


def test_a_launched_products_figures_carry_its_name() -> None:
    ctx = DocContext(name="t", period=Period.month(2022, 12), province=None)
    got = facts_of_text(
        "2022年，国家政务服务平台上线“跨省通办”专区，累计办理约3.2亿人，访问次数超过80亿人次。", ctx
    )
    assert [(f.indicator, f.value) for f in got] == [
        ("跨省通办办理人数", 320000000.0),
        ("跨省通办访问次数", 8000000000.0),
    ]


def test_a_group_with_a_superlative_opens_a_new_subject_after_another() -> None:
    ctx = DocContext(name="t", period=Period.month(2022, 12), province=None)
    got = facts_of_text(
        "从学历看，初中学历网民最多，占比为40.3%；从年龄看，20—29岁的网民群体占比最高，为17.2%。", ctx
    )
    assert [(f.subject, f.value) for f in got] == [("初中学历", 40.3), ("20—29岁", 17.2)]


def test_a_paragraph_opening_with_an_events_span_is_dated_by_the_report() -> None:
    ctx = DocContext(name="t", period=Period.month(2022, 12), province=None)
    doc = Document(
        name="t",
        pages=[
            Page(
                number=1,
                paragraphs=[
                    Paragraph(text="截至2022年10月，行政村通宽带比例达100%。", page=1),
                    Paragraph(text="冬奥会期间，赛区5G基站累计承载流量超过6000TB。", page=1),
                ],
            )
        ],
    )
    assert [f.period for f in extract_prose(doc, ctx)] == ["2022-10", "2022-12"]


def test_an_average_per_unit_names_what_each_carries_after_the_number() -> None:
    got = facts("2021年，全省平均每个行政村拥有4.2个5G基站。")
    assert got == [("平均每个行政村拥有5G基站数", "value", 4.2, "2021-12")]


def test_a_part_of_a_kind_of_the_parents_head_keeps_its_technology() -> None:
    ctx = DocContext(name="t", period=Period.month(2021, 6), province=resolve_region("四川省").region)
    got = facts_of_text(
        "截至6月底，全省4G基站达到12.6万个，其中宏站数量为9.8万个；移动电话用户9000万户，其中5G用户2100万户。",
        ctx,
    )
    assert [f.indicator for f in got] == ["4G基站", "4G宏基站数量", "移动电话用户", "5G用户"]


def test_an_aside_in_parentheses_is_no_subject_for_what_follows() -> None:
    ctx = DocContext(name="t", period=Period.month(2021, 6), province=resolve_region("四川省").region)
    got = facts_of_text(
        "截至6月底，全省累计建成5G基站6.2万个（其中宏站数量约占全国的5%）。其中，成都3.1万个。", ctx
    )
    assert [(f.indicator, f.region) for f in got][-1] == ("5G基站数", "成都市")


def test_a_comparison_with_an_earlier_years_own_value_states_that_value() -> None:
    got = facts("2021年，北美流媒体广告收入达到315亿美元，远远高于2016年的52亿美元。")
    assert [(v, p) for _i, _m, v, p in got] == [(31500000000.0, "2021"), (5200000000.0, "2016")]
    assert facts("2021年，全省5G用户达到2100万户，高于上年末的980万户。")[1][2:] == (9800000.0, "2020-12")


def test_a_shortened_name_takes_an_earlier_name_of_the_document() -> None:
    got = facts("2021年，网络视听行业实现了会员收入1200亿元。长视频类平台会员收入增长8.5%。")
    assert got[-1][:2] == ("网络视听会员收入", "yoy_pct")


def test_a_segment_before_a_bare_head_stays_in_the_name() -> None:
    assert one("2021年，游戏类应用用户规模达5.2亿。").indicator == "游戏类应用用户规模"


def test_a_headless_part_after_qi_zhong_is_named_with_its_whole() -> None:
    got = facts("2021年，全省网民规模达到4000万人，其中农村占比为30.5%。")
    assert got[1][:3] == ("农村网民规模", "share_pct", 30.5)
