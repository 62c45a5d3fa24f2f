"""Statistics stated in Chinese sentences → facts.

The grammar this follows, in the order a reader applies it. Rules are data: measure cues are the rows
of ``data/prose_cues.csv``, phrase rewrites and head words are module tuples (``REWRITES``,
``LEADING``, ``PREDICATE``, ``BARE_HEADS``, ``RATE_WORDS``), head-noun categories are
``data/indicator_heads.csv``, thresholds are ``SETTINGS``; each row carries an example its test checks.

* **Units of text** — a paragraph is split into sentences (。！？) and a sentence into clauses (，：；
  and parentheses that hold a number of their own: 「（全国排第13位）」, not 「IPTV（网络电视）用户」).
  Every number with a unit is a candidate; numbers separated only by 、和及 form a run (a list's values).
* **Measure** — the first cue row that matches: a regex on the words since the previous number
  (``lead``), on the clause or sentence up to the number, on the number's token or on what follows,
  with a unit condition, yielding a measure or ``skip`` (bounds, comparisons with an average or the
  nation, starting points 由X…至, contributions 拉动, milestones 首次突破, top-N sizes) or ``modifier``
  (「速率在20M及以上的用户」: a number inside a name). 同比 → yoy_pct, 占…的/在…中的比重 → share_pct,
  第N位/第十五/首位 → rank, 后退2位 → rank_change, 净增/净减/新增/个百分点 → change, else value.
  A sign word before 分别 signs the whole run; each number's own sign word wins.
* **Subject** — the printed noun phrase in front of the number in its own clause: places and operators
  masked (they set region and operator), periods taken out, connectives and verbs cut (其中, 完成, 达到,
  同比 …), owners dropped (「三家基础电信企业的」「针对…的」; after an organisation the object of its verb
  is the subject: 「…公司共完成固定资产投资」). A catalogue name printed in the lead wins; else the phrase
  names the catalogue indicator it resolves to, else an uncatalogued indicator under its printed name
  (``open_indicator``). A phrase with no head noun names nothing and states no fact (「…就节省400万元」).
* **Named around the number** — what an action was done to (「对208万款App进行了技术检测，通报违规1549款」:
  技术检测App数量, then 通报违规App数量, flows), what was formed or is carried on average (「已培育形成超过500个…的
  工业互联网平台」「平均每个IP地址承载了约3个仿冒页面」), how many hold a title (「又有6个城市获评“千兆城市”」), a
  launched product's own figures (「推出“防疫健康码”，累计申领近9亿人」), a market segment as subject
  (「视频类平台广告收入」: 互联网广告收入 of 视频类平台), a proportion of no population as a level of its own
  (「智慧客服智能服务占比为84.8%」) but a speed tier's rate as its share (「速率在20M及以上的宽带用户渗透率」).
* **Composition** — a bare head (总容量, 投资额, 用户规模) is the subject before it, or completes an activity
  named earlier (即时通信…，用户规模); a rate word (渗透率, 增速, 占比, 净增量) completes the subject before it;
  a phrase without a head takes its parent's head (其中5G手机 → 5G手机上市新机型); a sibling keeps its
  owner (国产品牌手机出货量…；上市新机型 → 国产品牌手机上市新机型); a name before 等 joins its head.
* **Attachment by scope** — a number whose clause names no subject belongs to the value stated before
  it in the same sentence (「X为626亿元，同比增长9.6%，占…的17.4%」), or to a subject opening the sentence
  with a trend comment (「…用户增长明显，9月末达到310.8万户」), a topic (「从…流量看，」) or a catalogue name
  right after the number (「26826个IP地址所对应的主机被…控制」). Across sentences it may take the
  paragraph's last subject only when no other subject was named, flagged ``low_confidence``; only a
  paragraph opening with 其中 continues the one before. Nothing else crosses a paragraph.
* **Lists** — a list of indicators, places or operators pairs with a run of as many numbers
  (「分别为x、y和z」), also when the list stands in the clause before (「应用于A、B和C的终端用户，占比分别为」)
  and for the rest of the sentence (「同比分别下降2.5%和增长1.3%」); with 均/都 one number is every item's
  (「西藏、青海…均超过19GB」, 「用户总数及其占比都排在全国首位」, 「两项数据均位居全国第一」); a ranking list
  gives each place its position (「排名前十五位的省分别为广东、北京…」).
* **Not statistics** — milestones (突破6亿), the nation's rank with no field (仍居首位: among its parts), groups of
  places no region names (长江中游城市群), targets and forecasts (到2025年, 预计, 力争, 目标), captions, explanatory
  parentheses (（指…）), sources and titles (据…显示, 《…》), spans no period can name (「十四五」期间, 近年来).
* **Periods** — under a span of years (2018年-2020年) only 从X…到Y is dated, X at the first year; a starting point
  without a date takes a parallel one's (从2017年的…，…从25%); 「高于2015年的18亿美元」 is the 2015 value; a paragraph
  opening with an event's span (疫情期间) takes the report's period.
  A period opening a clause sets the context (a place may precede it: 广东1—8月); stocks
  in a year-to-date or year context are month-end values; flows keep the span; changes against last
  year's end (比上年末, 比年初, 今年以来) and flows counted up to a point (截至2021年底) start in January.

>>> [(f.indicator, f.measure, f.value) for f in facts_of_text("截至3月末，移动电话基站总数达935万个，同比增长9.7%。")]
[('移动电话基站', 'value', 9350000.0), ('移动电话基站', 'yoy_pct', 9.7)]
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from functools import cache
from typing import cast

from ..model import Document, Fact, Page, Paragraph
from ..normalize.indicators import (
    Indicator,
    find_indicators,
    guess_category,
    open_indicator,
    printed_name,
    resolve_indicator,
)
from ..normalize.industries import find_industries
from ..normalize.numbers import to_halfwidth
from ..normalize.operators import OperatorMatch, find_operators
from ..normalize.periods import Period, find_periods
from ..normalize.quantities import NEGATIVE_WORDS, POSITIVE_WORDS, Quantity, find_quantities
from ..normalize.regions import Region, find_regions, resolve_region
from ..paths import data_file
from .context import GLOSS, DocContext, is_stated_period, make_fact


@dataclass(frozen=True)
class Settings:
    """Every threshold of the prose grammar in one place."""

    max_phrase: int = 26  #: longest printed noun phrase taken as an indicator name
    min_phrase: int = 2  #: shortest
    approx_window: int = 25  #: how far before a number 约/超过 still make it approximate
    enum_gap: str = r"\s*(?:、|和|及|与|以及)\s*"  #: what may separate the numbers of a list


SETTINGS = Settings()

_SENTENCE_END = "。！？!?"
_CLAUSE_END = "，,：:；;"
_CAPTION = re.compile(r"^\s*[图表]\s*\d+([.．]\d+)*")
_TARGET = re.compile(r"预计|预测|力争|目标|计划|规划|将达|将会|将超|有望|以上的优势")
#: 「到2025年」: a year ahead named as a deadline; a quarter or month of the next year with nothing still to be done
#: is a point reported on (「至2022年一季度增速下滑到1.4%」 in a 2021 report).
_BY_YEAR = re.compile(
    r"(?<![截止])(?:到|至)\s*(20\d\d)\s*年(\s*(?:第?[一二三四1-4]\s*季度|[上下]半年|前三季度|\d{1,2}\s*月))?"
)
_STILL_TO_DO = re.compile(r"将|要|确保|力争|争取|计划|实现")
#: A span of years opening a clause (「2018年-2020年，」「2018年至2020年」): a starting point 从X is its first year's.
_YEAR_SPAN = re.compile(r"((?:19|20)\d\d)\s*年?\s*(?:-|—|–|~|～|至|到)\s*((?:19|20)\d\d)\s*年")
_NATIONAL_CMP = re.compile(r"(居|位居|位列|排名|排|占|约占)\s*全国|全国(平均|总量|感染总量)")
_RANK_FLAT = re.compile(r"[（(]?(与|较|和)上(月|期|年)(相比)?持平[）)]?")
_YOY_FLAT = re.compile(r"与上年同期持平|同比持平")
_NATIONAL_SUBJECT = re.compile(r"我国|(?:^|[，。；：,;:])\s*(?:截至[^，。；]{0,12}[，,])?全国(?!平均)")
_HOME_SUBJECT = re.compile(
    r"(?:^|[，。；：,;:])\s*(?:截至[^，。；]{0,12}[，,])?(?:全省|我省|本省|全区|我区|全市|我市)"
)


# -- the cue table -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    """A row of ``data/prose_cues.csv``: where to look, the regex, a unit condition, what it yields."""

    cue: str
    scope: str  # lead | clause | sentence | token | after
    pattern: re.Pattern[str]
    units: str  # '' any, '%' percent, 'pp', '位', '!%' anything but a percent
    measure: str  # a measure, or 'skip'
    example: str

    def unit_ok(self, q: Quantity) -> bool:
        if not self.units:
            return True
        if self.units == "!%":
            return q.unit not in ("%", "pp", "位")
        return q.unit == self.units


@cache
def cues() -> tuple[Cue, ...]:
    """The measure cues, in file order.

    >>> cues()[0].cue, cues()[-1].measure
    ('modifier', 'value')
    """
    with open(data_file("prose_cues.csv"), encoding="utf-8", newline="") as fh:
        return tuple(
            Cue(r["cue"], r["scope"], re.compile(r["pattern"]), r["units"], r["measure"], r["example"])
            for r in csv.DictReader(fh)
        )


def cue_for(lead: str, clause: str, token: str, after: str, q: Quantity, sentence: str = "") -> Cue:
    """The first cue row that matches a number.

    >>> from extract.normalize.quantities import parse_quantity as p
    >>> cue_for("，同比", "，同比", "增长51%", "", p("增长51%")).measure
    'yoy_pct'
    >>> cue_for("，占全省流量的", "，占全省流量的", "56.2%", "", p("56.2%")).measure
    'share_pct'
    """
    texts = {"lead": lead, "clause": clause, "token": token, "after": after, "sentence": sentence or clause}
    for row in cues():
        if row.unit_ok(q) and row.pattern.search(texts[row.scope]):
            return row
    return cues()[-1]


def cue_of(text: str) -> Cue:
    """The cue row that decides the measure of the last number of a short text, sliced as the extractor
    slices it (the lead since the clause start or the previous number, the clause, the token, what follows).

    >>> cue_of("手机出货量2323.8万部，同比下降34.1%").cue
    'yoy'
    """
    text = to_halfwidth(text)
    found = find_quantities(text)
    if not found:
        raise ValueError(f"no number in {text!r}")
    bounds = _boundaries(text)
    a, b, q = found[-1]
    clause_start = _clause_start(text, a, bounds)
    prev_end = found[-2][1] if len(found) > 1 else 0
    lead = text[max(clause_start, prev_end) : a]
    return cue_for(lead, text[clause_start:a], text[a:b], text[b : _clause_end(text, b, bounds)], q, text[:a])


def classify_measure(lead: str, token: str, q: Quantity) -> str | None:
    """The measure of a number from the words in front of it (None: not a fact).

    >>> from extract.normalize.quantities import parse_quantity as p
    >>> classify_measure("，居全国", "第4位", p("第4位")), classify_measure("，较上月", "下降了1位", p("下降了1位"))
    ('rank', 'rank_change')
    >>> classify_measure("全省互联网用户", "新增621.6万户", p("新增621.6万户")), classify_measure("总数达到", "6131万户", p("6131万户"))
    ('change', 'value')
    """
    row = cue_for(lead, lead, token, "", q)
    return None if row.measure == "skip" else row.measure


# -- subject phrases ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rewrite:
    """A rewrite of a printed subject phrase, with an example (checked by tests)."""

    pattern: re.Pattern[str]
    repl: str
    example: str
    expect: str


def _rw(pattern: str, repl: str, example: str, expect: str) -> Rewrite:
    return Rewrite(re.compile(pattern), repl, example, expect)


#: Words that open a subject phrase without being part of it (connectives, scope, verbs).
LEADING = re.compile(
    r"^(?:其中|同时|另外|此外|截至|至|而且|而|并且|并|且|以及|及|和|与|、|的|则|也|还|均|都|共|合计|总计|累计|全年|当月|本月|本周|"
    r"目前|当前|现阶段|如今|名义|实际|本年|今年以来|今年|去年|上年同期|上年末|上年底|上年|上月|上周|同期|年初|月初|年末|年底|月末|期末|当期|季度|月度|年度|已经|已|了|"
    r"新建成|建成开通|"
    r"建成|开通|完成|实现|拥有|有(?![线效限])|发展|监测发现|发现|发生|出现|新发现|"
    r"处置|接到|受理|全省|全国|全市|全区|我国|我省|我市|我区|境内|国内市场|国内|全行业|通信业|基础电信企业|"
    r"三家基础电信企业|各基础电信企业|[一二两三四五六七八九十]+家基础电信企业)+"
)
#: Where the predicate begins: the phrase is cut at the first of these.
PREDICATE = re.compile(
    r"(?:则|也|已经|已|仍然|仍|依然|继续|持续|稳居|率先|首先|平均)?(?:同比|环比|分别|累计(?=[达为完实共净新增约超到]|\d|$)|共计|合计|总计|"
    r"约为|约|接近|将近|近(?!年)|逾|超过|超(?![高大级])|突破|高达|达到|达|为|是|实现|完成|增至|升至|降至|上升|回落|提高|提升|"
    r"增长|下降|下滑|降低|减少|增加|净增(?!量)|净减|新增(?!量)|新建|较|相比|相较|比(?=上|去|全|同|前|年|$)|占|所占|排名|排|列(?=全|第)|居(?!民)|位居|"
    r"位列|首次|建成|开通|新建(?!成)|(?<![户人平])均|共有|(?<!拥)有(?![线效限])|(?:维持|保持|稳定)在|从(?!业)|由(?=上|去|20|\d|的|$))"
)
#: Rewrites applied in order to the phrase before it is looked up.
REWRITES: tuple[Rewrite, ...] = (
    _rw(
        r"(?<=..)(?:逐年|逐步|进一步|持续|继续|不断|大幅|小幅|明显|快速|稳步)+$",
        "",
        "视频类平台广告收入持续大幅",
        "视频类平台广告收入",
    ),
    _rw(r"(?<=..)市场(?=增速$|增幅$|增长率$)", "市场规模", "网络游戏市场增速", "网络游戏市场规模增速"),
    _rw(r"(?<![基])(宏|微|室内)站(?!点)", r"\1基站", "宏站数量", "宏基站数量"),
    _rw(r"[（(](?:含|指|注|即|不含)[^）)]*[）)]", "", "中小学（含教学点）互联网接入率", "中小学互联网接入率"),
    _rw(
        r"^(?:按照?|以)[^的]{0,16}?(?:计算|测算|口径)的?",
        "",
        "按照上年不变价计算的电信业务总量",
        "电信业务总量",
    ),
    _rw(
        r"^[^（(的]{2,24}[（(]([A-Za-z]{2,8})[）)]",
        r"\1",
        "国家信息安全漏洞共享平台（CNVD）新收录网络安全漏洞",
        "CNVD新收录网络安全漏洞",
    ),
    _rw(r"^(?:接入)?速率在(.+?)的", r"\1", "接入速率在百兆以上的宽带用户", "百兆以上宽带用户"),
    _rw(r"(?<=..)在[^的\d]{1,8}的(?=..)", "", "互联网上市企业在境内外的总市值", "互联网上市企业总市值"),
    _rw(r"(?<=.)(?:累计|总体|整体)(?=.)", "", "手机总体出货量", "手机出货量"),
    _rw(r"(?<=..)共(?=涉及|计)", "", "仿冒页面共涉及域名", "仿冒页面涉及域名"),
    _rw(r"^每?百(?:人|户)拥有(.+)$", r"\1普及率", "百人拥有电话", "电话普及率"),
    _rw(r"^(?:网民|用户|居民)中?(?:使用|通过)", "", "网民中使用手机上网的比例", "手机上网的比例"),
    _rw(r"^[^的]{1,6}的(?=人均|平均|户均)", "", "网民的人均每周上网时长", "人均每周上网时长"),
    _rw(r"^(?:针对|面向|关于|对于|对)[^的]*的", "", "针对境内网站的仿冒页面数量", "仿冒页面数量"),
    _rw(r"^通过(.*?)的", r"\1", "通过手机上网的流量", "手机上网流量"),
    _rw(
        r"^[^的]*?(?:企业|公司|单位|机构|部门|平台|中心)(?:[（(][^）)]*[）)])?的",
        "",
        "三家基础电信企业的移动电话用户",
        "移动电话用户",
    ),
    _rw(
        r"^[^的，]{0,16}?(?:监测发现|监测到|发现|接收到|收到|接到|协调处置|处置)",
        "",
        "CNCERT接收到网络安全事件报告",
        "网络安全事件报告",
    ),
    _rw(
        r"^[^的]*(?:业|行业|领域|方面)(?=(?:电信|通信|互联网|移动|固定))",
        "",
        "通信业电信业务收入",
        "电信业务收入",
    ),
    _rw(r"(出货|发货|销售|发送)$", r"\1量", "5G手机出货", "5G手机出货量"),
    _rw(r"的", "", "被植入后门的网站数量", "被植入后门网站数量"),
    _rw(r"[（(][^（）()]{1,10}[）)]", "", "移动宽带用户（3G+4G）", "移动宽带用户"),
    _rw(r"[“”\"‘’「」]", "", "“大联接”用户", "大联接用户"),
)
#: A subject phrase that is an organisation: the statistic is the object of its verb
#: (「中国铁塔股份有限公司共完成固定资产投资4072亿元」).
ORGANISATION = re.compile(r"(?:公司|企业|集团|运营商|部门|机构|中心|平台|(?<!业)业)(?:共|合计|累计|均|也)?$")
#: A bare head that names nothing by itself: it completes the subject before it.
BARE_HEADS = (
    "总容量",
    "容量",
    "总量",
    "总数",
    "数量",
    "规模",
    "用户规模",
    "收入",
    "业务收入",
    "用户数",
    "总规模",
    "总长度",
    "长度",
    "用户",
    "投资额",
    "完成额",
    "金额",
    "用户总数",
    "指数",
    "产值",
    "客户数",
    "客户",
)
#: Rate words that complete the subject before them (手机上网用户 … 渗透率 → 手机上网用户渗透率).
RATE_WORDS = (
    "普及率",
    "渗透率",
    "使用率",
    "覆盖率",
    "占有率",
    "利用率",
    "增速",
    "增幅",
    "涨幅",
    "占比",
    "净增量",
    "增量",
)
_GROWTH_WORDS = ("增速", "增幅", "涨幅")


def subject_phrase(text: str) -> str:
    """The printed noun phrase of a lead (masked names already replaced by ``|``), '' when none.

    >>> subject_phrase("全省通信业电信业务收入累计完成"), subject_phrase("其中5G手机出货")
    ('电信业务收入', '5G手机出货量')
    >>> subject_phrase("三家基础电信企业的固定互联网宽带接入用户总数达"), subject_phrase("，同比")
    ('固定互联网宽带接入用户总数', '')
    >>> subject_phrase("移动短信业务收入则同比增长"), subject_phrase("有线宽带客户总数为")
    ('移动短信业务收入', '有线宽带客户总数')
    >>> subject_phrase("三家基础电信企业和中国铁塔股份有限公司共完成固定资产投资"), subject_phrase("互联网行业实现了广告收入")
    ('固定资产投资', '互联网广告收入')

    """
    text = text.split("|")[-1]
    text = re.sub(r"\s+", "", text).strip("，,：:；;、 ")
    text = LEADING.sub("", text)
    cut = PREDICATE.search(text)
    industry = ""
    while cut is not None and (cut.start() == 0 or ORGANISATION.search(text[: cut.start()])):
        owner = re.fullmatch(r"(.{2,8}?)行业", text[: cut.start()])
        industry = owner.group(1) if owner and cut.start() > 0 else industry
        text = text[cut.end() :]
        text = LEADING.sub("", text)
        cut = PREDICATE.search(text)
    if cut is not None:
        text = text[: cut.start()]
    if industry and text and not text.startswith(industry):
        text = industry + text  # 「互联网行业实现了广告收入」: the industry's own figure, 互联网广告收入
    for rw in REWRITES:
        text = rw.pattern.sub(rw.repl, text)
    text = text.strip("，,：:；;、。！？!? 的")
    text = re.sub(r"^(?:对|从|由|自|该)", "", text)
    text = re.sub(r"(?<=..)(?:在|于)$", "", text)
    if not (SETTINGS.min_phrase <= len(text) <= SETTINGS.max_phrase):
        return ""
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", text) or re.search(r"[%，。；]", text):
        return ""
    return text


def _has_head(ind: Indicator) -> bool:
    return ind.catalogued or guess_category(ind.name)[0] != "其他"


def _compose(
    phrase: str,
    parent: Indicator | None,
    unit: str,
    measure: str,
    topics: Sequence[Indicator] = (),
    names: Sequence[Indicator] = (),
    known: Sequence[Indicator] = (),
) -> tuple[Indicator | None, bool]:
    """The indicator a phrase names given the subject before it; and whether that is a guess.

    >>> p = open_indicator("手机上市新机型")
    >>> _compose("5G手机", p, "款", "value")[0].name, _compose("总数", p, "款", "value")[0].name
    ('5G手机上市新机型', '手机上市新机型')
    >>> _compose("渗透率", open_indicator("手机上网用户"), "%", "value")[0].name
    '手机上网用户渗透率'
    >>> _compose("增幅", open_indicator("电信业务总量"), "", "rank")[0].name
    '电信业务总量增速'
    """
    if not phrase:
        return parent, False
    if parent is not None:
        bare = phrase.removeprefix("总")
        if phrase in BARE_HEADS:
            return parent, False
        if phrase in RATE_WORDS:
            if phrase in _GROWTH_WORDS and measure in ("yoy_pct", "mom_pct"):
                return parent, False
            word = "增速" if phrase in _GROWTH_WORDS else phrase
            rate = open_indicator(_stem(parent.name) + word, unit)
            if (
                phrase in _GROWTH_WORDS and parent.kind == "flow" or "增量" in phrase
            ) and not rate.catalogued:
                rate = replace(rate, kind="flow")  # the growth of a flow is dated like the flow
            return rate, False
        if phrase != bare and len(bare) >= 2 and parent.name.endswith(bare):
            return parent, False  # 总容量 after 局用交换机容量
    growth = re.match(r"^(.{2,})(?:增速|增幅|涨幅|增长率)$", phrase)
    if growth and measure in ("yoy_pct", "mom_pct"):
        phrase = growth.group(1)  # 「流量增速由上年末的132.5%回落至78.3%」: the growth of the flow
    found = _resolve_phrase(phrase, unit)
    if not found.catalogued and parent is not None:
        for k in range(len(parent.name) - 1, 1, -1):
            sibling = resolve_indicator(parent.name[:k] + phrase)
            if sibling is not None and sibling != parent:
                return sibling, False  # 国家政务服务平台注册用户…，总计访问人数 → 国家政务服务平台访问人数
    if not found.catalogued and parent is not None:
        for name in reversed(list(names)):
            # 「国产品牌手机出货量2010.8万部；上市新机型38款」 after 手机上市新机型: the owner 国产品牌 carries over
            core = name.name[: len(name.name) - len(phrase)] if name.name.endswith(phrase) else ""
            if len(core) >= 2 and core in parent.name and parent.name.index(core) >= 2:
                return open_indicator(parent.name[: parent.name.index(core)] + name.name, unit), False
    if not found.catalogued:
        for topic in (*reversed(list(topics)), *([parent] if parent else [])):
            if topic.name.endswith(phrase) and len(phrase) >= 3 and topic.name != phrase:
                return topic, False  # 「上市新机型累计381款」 after 手机上市新机型 in the paragraph
        for name in reversed(list(known)):
            owner = name.name[: len(name.name) - len(phrase)]
            if (
                name.name.endswith(phrase)
                and len(phrase) >= 4
                and owner
                and not name.catalogued
                and not re.fullmatch(r"\d+G|千兆|百兆|万兆|光纤|[A-Za-z0-9]+", owner)
                and _has_head(name)
                and guess_category(phrase) == (name.category, name.kind)
            ):
                return (
                    name,
                    False,
                )  # 「广告收入」 after 互联网广告收入 earlier in the document: the same series
    if parent is not None and not _has_head(found):
        for size in range(min(len(phrase), 6), 1, -1):
            tail = phrase[-size:]
            at = parent.name.find(tail)
            if at >= 0 and at + size < len(parent.name):
                return open_indicator(phrase + parent.name[at + size :], unit), False
    if _is_bare(phrase):
        return None, True  # 「客户数超过200万」 with nothing before it: no statistic is named
    return found, False


def _qualified_part(phrase: str, parent: str) -> str:
    """A part (其中…) of a kind of the parent's head keeps the parent's technology qualifier: 宏基站 under 5G基站 is
    5G宏基站.

    >>> _qualified_part("宏基站数量", "5G基站数"), _qualified_part("4G用户", "移动电话用户")
    ('5G宏基站数量', '4G用户')
    """
    qualifier = re.match(r"^(?:\d+G|[A-Za-z]+\d*|千兆|百兆|万兆|光纤)", parent)
    if qualifier is None or phrase.startswith(qualifier.group(0)) or re.match(r"^(?:\d+G|[A-Za-z])", phrase):
        return phrase
    head = parent[qualifier.end() :]
    shared = next((head[:k] for k in range(len(head), 1, -1) if head[:k] in phrase), "")
    if not shared or not _has_head(open_indicator(shared)):
        return phrase
    return qualifier.group(0) + phrase


def _stem(name: str) -> str:
    return re.sub(r"(总数|数量|数|规模)$", "", name)


def _resolve_phrase(phrase: str, unit: str) -> Indicator:
    """The catalogue indicator a phrase names, or one ending it after an owner (通信业电信业务收入), else
    the phrase itself as an uncatalogued indicator."""
    ind = open_indicator(phrase, unit)
    if ind.catalogued:
        return ind
    found = find_indicators(phrase, lists=False)
    if found:
        a, b, cat = found[-1]
        if b == len(phrase) and re.search(r"(业|行业|企业|公司|领域|方面)$", phrase[:a]):
            return cat
    return ind


# -- document and paragraph loop -----------------------------------------------------------


@dataclass
class State:
    """What a paragraph's sentences pass on to each other."""

    period: Period | None = None
    region: Region | None = None  # 我国 in an article about the nation
    subject: Indicator | None = None  # the paragraph's last subject (a guess across sentences)
    topics: list[Indicator] = field(default_factory=list)  # subjects named in the paragraph outside 其中
    undated: bool = False  # the text is in a span no period can name (「十四五」期间, 近年来)
    span: Period | None = (
        None  # the first year of a span of years (2018年-2020年): only 从X…到Y is dated under it
    )
    point: bool = (
        False  # the period is a point in time (截至2021年底): flows counted up to it start in January
    )
    province: str | None = None  # the document's province, for short place names
    operator: str = ""  # the operator a section or paragraph is about (一、中国移动)
    names: list[Indicator] = field(
        default_factory=list
    )  # every subject named in the document (for naming only)


@dataclass
class Anchor:
    """The subject of the value just stated, with its region and operator."""

    indicator: Indicator
    region: Region | None
    operator: str
    subject: str = ""
    guessed: bool = False
    measure: str = "value"
    unit: str = ""
    fixed: bool = False  # the measure is the anchor's own, not the cue's (「智能服务占比为84.8%」: a level)


@dataclass
class Scope:
    """What attaches within one sentence."""

    region: Region | None
    operator: str = ""
    subject: str = ""
    anchor: Anchor | None = None
    items: list[Anchor] = field(default_factory=list)  # an active list of subjects (分别)
    base: Period | None = None  # the date of a starting point (从2017年的…), for a parallel 从X without one
    acted_on: tuple[str, str] | None = (
        None  # (unit, noun) of 「对N款App进行了技术检测」, for 「下架514款」 after it
    )


def extract_prose(doc: Document, ctx: DocContext) -> list[Fact]:
    """Facts from the paragraphs of a document."""
    out: list[Fact] = []
    section = State(period=ctx.period)
    for para in join_across_pages(doc):
        text = to_halfwidth(para.text)
        if para.heading or _CAPTION.match(text):
            _update_from_heading(text, section, ctx)
            if para.heading and not _CAPTION.match(text) and _HEADLINE.search(text):
                # 「宁夏百人拥有电话112.7部 居全国第12位」: a headline states figures of its own
                out.extend(paragraph_facts(para, ctx, replace(section, names=section.names)))
            continue
        out.extend(paragraph_facts(para, ctx, section))
    return out


def facts_of_text(text: str, ctx: DocContext | None = None) -> list[Fact]:
    """The facts of one paragraph of text (for tests and doctests): a national 2021 report by default."""
    if ctx is None:
        ctx = DocContext(name="text", period=Period.year(2021), province=None)
    doc = Document(name=ctx.name, pages=[Page(number=1, paragraphs=[Paragraph(text=text, page=1)])])
    return extract_prose(doc, ctx)


def join_across_pages(doc: Document) -> list[Paragraph]:
    """Paragraphs in reading order, a sentence broken by a page break joined again."""
    out: list[Paragraph] = []
    for page in doc.pages:
        for i, para in enumerate(page.paragraphs):
            prev = out[-1] if out else None
            if (
                i == 0
                and prev is not None
                and not prev.heading
                and not para.heading
                and prev.text
                and prev.text[-1] not in "。！？!?"
                and prev.page < para.page
            ):
                merged = Paragraph(
                    text=prev.text + para.text,
                    page=prev.page,
                    lines=prev.lines + para.lines,
                    continued=[*prev.continued, (len(prev.text), para.page)],
                )
                out[-1] = merged
                continue
            out.append(para)
    return out


def _update_from_heading(text: str, section: State, ctx: DocContext) -> None:
    if _CAPTION.match(text):
        return
    periods = find_periods(text, ctx.period)
    if periods:
        section.period = periods[-1][2]
    elif re.match(r"^\s*[一二三四五六七八九十]+、", text):
        section.period = ctx.period
    if re.match(r"^\s*[一二三四五六七八九十]+、", text) or any(
        r.level == "province" for _a, _b, r in find_regions(text)
    ):
        section.region = None
    operators = {o.operator for _a, _b, o in find_operators(text)}
    if re.match(r"^\s*[一二三四五六七八九十]+、", text) or len(operators) == 1:
        section.operator = operators.pop() if len(operators) == 1 else ""  # 「一、中国移动」


def is_target(sentence: str, period: Period | None) -> bool:
    """Targets and forecasts: 预计, 力争, 目标…, or 「到2025年」 beyond the report's own period.

    >>> from extract.normalize.periods import Period
    >>> is_target("到2022年，建设50个", Period.month(2020, 8)), is_target("2020年一季度到2021年一季度，增长57%", Period.year(2021))
    (True, False)
    >>> is_target("至2022年一季度增速下滑到1.4%", Period.year(2021)), is_target("到2022年6月，全省将建成5G基站8万个", Period.year(2021))
    (False, True)
    """
    if _TARGET.search(sentence):
        return True
    limit = period.end.year if period else None
    for m in _BY_YEAR.finditer(sentence):
        year = int(m.group(1))
        reported = (
            m.group(2)
            and limit is not None
            and year == limit + 1
            and not _STILL_TO_DO.search(sentence, m.end())
        )
        if (limit is None or year > limit) and not reported:
            return True
    return False


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences (a ；joins parallel statements of one sentence).

    >>> t = "甲1万户，乙2万户；丙3万户。丁"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['甲1万户，乙2万户；丙3万户。', '丁']
    """
    spans, start = [], 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            spans.append((start, i + 1))
            start = i + 1
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def paragraph_facts(para: Paragraph, ctx: DocContext, section: State) -> list[Fact]:
    raw = para.text
    text = to_halfwidth(raw)
    nation = [m.start() for m in _NATIONAL_SUBJECT.finditer(_without(text, _blocked(text)))]
    home = [m.start() for m in _HOME_SUBJECT.finditer(text)] if ctx.province is not None else []
    if nation and (not home or max(nation) > max(home)):
        section.region = resolve_region("全国").region  # 「我国…」: the text is about the nation from here on
    elif home:
        section.region = None  # 「全省…」 last: back to the report's own province
    region = section.region
    opening = _EVENT_SPAN.match(text)
    if opening and not find_periods(opening.group(0), ctx.period) and not _UNDATED.match(text.lstrip()):
        section.period = (
            ctx.period
        )  # 「疫情期间，…」: a new time frame, not the last paragraph's 截至2020年11月
    state = State(
        period=section.period,
        region=region,
        operator=section.operator,
        names=section.names,
        province=ctx.province.name if ctx.province else None,
    )
    if re.match(r"^\s*其中", text) and section.subject is not None:
        state.subject = section.subject  # a paragraph opening with 其中 lists the parts of the one before
    out: list[Fact] = []
    for s, e in split_sentences(text):
        sentence = text[s:e]
        found = _sentence_facts(sentence, s, raw, para, ctx, state)
        named = [
            ind for a, _b, ind in find_indicators(sentence, lists=False) if not _inside(a, _blocked(sentence))
        ]
        if named and not found:
            state.subject = named[-1]  # 「一线城市AI指数遥遥领先。…济南排名第七」: named without a number
        if not is_target(sentence, ctx.period):  # a target still sets the context, but states no fact
            out.extend(found)
    section.period = state.period
    section.subject = state.subject
    return out


@dataclass
class Mention:
    start: int
    end: int
    kind: str  # region | operator | period | subject | quantity
    obj: object


_PRIORITY = {"quantity": 0, "period": 1, "operator": 2, "region": 4, "subject": 5}


def _mentions(sentence: str, ctx: DocContext, ref: Period | None = None) -> list[Mention]:
    """Names in a sentence; periods without a year (第一季度) take the year of the text's own context ``ref``."""
    province = ctx.province.name if ctx.province else None
    ms: list[Mention] = []
    ms += [Mention(a, b, "quantity", q) for a, b, q in find_quantities(sentence)]
    ms += [Mention(a, b, "region", r) for a, b, r in find_regions(sentence, province)]
    ms += [Mention(a, b, "operator", o) for a, b, o in find_operators(sentence)]
    ms += [Mention(a, b, "period", p) for a, b, p in find_periods(sentence, _year_ref(ref, ctx.period))]
    ms += [Mention(a, b, "subject", name) for a, b, name in find_industries(sentence)]
    keep: list[Mention] = []
    for m in sorted(ms, key=lambda m: (_PRIORITY[m.kind], m.start)):
        if not any(m.start < k.end and k.start < m.end for k in keep):
            keep.append(m)
    return sorted(keep, key=lambda m: (m.start, _PRIORITY[m.kind]))


def _year_ref(ref: Period | None, document: Period | None) -> Period | None:
    """The reference for periods printed without a year: the document's own period, unless the text has moved
    to another year (「进入2022年，第一季度GDP同比增长4.8%」).

    >>> _year_ref(Period.year(2022), Period.year(2021)).period, _year_ref(Period.month(2021, 3), Period.year(2021)).period
    ('2022', '2021')
    """
    if ref is None or document is None or ref.end.year == document.end.year:
        return document
    return Period.year(ref.end.year)


def _sets_context(sentence: str, m: Mention, glosses: list[tuple[int, int]]) -> bool:
    """Relative periods (上月, 同期), comparison bases (较2020年3月) and periods inside glosses
    (（指2019年度…）) set no context."""
    return (
        is_stated_period(sentence, m.start, m.end)
        and not _inside(m.start, glosses)
        and is_time_adverbial(sentence, m.start)
    )


def is_time_adverbial(sentence: str, start: int) -> bool:
    """A period sets the context only where it opens a clause (「截至2020年6月，」「1-8月，」),
    not inside one (「成为上半年增长最快的应用」).

    >>> is_time_adverbial("截至 2020 年 6 月，我国", 3), is_time_adverbial("成为上半年增长最快", 2)
    (True, False)
    >>> is_time_adverbial("而2018年-2020年，", 7)
    True
    """
    cut = max((i for i in range(start) if sentence[i] in "，,：:" + _SENTENCE_END), default=-1)
    lead = re.sub(
        r"^(?:注[:：]?\s*)?\d{1,2}\s*[.、．]\s*", "", sentence[cut + 1 : start].strip()
    )  # 「注：1. 全省1—8月…」
    lead = re.sub(
        r"(?:19|20)\d\d\s*年?\s*(?:-|—|–|~|～|至|到)\s*$", "", lead
    )  # the end of 「2018年-2020年，」
    if (
        2 <= len(lead) <= 4
        and (resolve_region(lead).region is not None or lead in ("全省", "全市", "全区", "全国", "我省"))
        and re.match(r"[^，。；]{0,8}?[月季]", sentence[start:])
    ):
        return True  # 「广东1—8月新建5G基站…」: a place, then the months (not 「江苏省2023年世界电信日」)
    return bool(
        re.fullmatch(
            r"(?:截至|截止|截止到|在|从|于|自|到|至|其中|同时|另外|此外|而|进入|到了)?\s*(?:[^\s，。；]{0,4}(?:在|于))?",
            lead,
        )
    )


def _blocked(sentence: str) -> list[tuple[int, int]]:
    """Spans whose names are not the subject: 占…的 / 在…中的 denominators, national comparisons, the
    field of a ranking (全国排第13位, 在全国和西部的排名), glosses, the object of a comparison (超过上海).

    >>> s = "增速在全国和西部的排名分别为第十五和第四"
    >>> [s[a:b] for a, b in _blocked(s)]
    ['在全国和西部的']
    """
    spans = [
        (m.start(), m.end()) for m in re.finditer(r"所?占[^，。；]{0,30}?(?:的|(?=比重|比例|份额))", sentence)
    ]
    spans += [
        (m.start(), m.end())
        for m in re.finditer(r"在[^，。；]{1,20}?中的?(?=比重|占比|比例|份额|渗透率)", sentence)
    ]
    spans += [(m.start(), m.end()) for m in _NATIONAL_CMP.finditer(sentence)]
    spans += [(m.start(), m.end()) for m in GLOSS.finditer(sentence)]
    spans += [(m.start(), m.end()) for m in _RANK_FIELD.finditer(sentence)]
    spans += [(m.start(), m.end()) for m in _ATTRIBUTION.finditer(sentence)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"(?:比|较|高于|低于)全(?:国|省|市)", sentence)]
    spans += [
        (m.start(), m.end())
        for m in re.finditer(r"在全(?:国|省|市)(?:范围内)?(?=率先|首先|首个|第一|领先)", sentence)
    ]
    spans += [(m.start(), m.end()) for m in re.finditer(r"全(省|国|市)(总流量|总量)", sentence)]
    spans += [
        (m.start(), m.end())
        for m in re.finditer(
            r"(超过|超越|赶超|高于|低于|领先于?|落后于?|不及)\s*[^\d\s，。；、,]{2,8}?(?=[，。；、,]|$)",
            sentence,
        )
    ]
    return spans


#: A source named for the figures (「据国家广播电视总局《2021年…统计公报》显示」), and titles in 《》: their names
#: and dates are not the statement's.
_ATTRIBUTION = re.compile(
    r"《[^》]*》|(?:^|(?<=[，,。；]))\s*据[^，。；]{1,40}?(?:显示|统计|报道|消息|测算|数据|介绍)"
)
#: The field a rank is taken in: 「全国排第13位」「在全国和西部的排名」「列全国第12位」.
_RANK_FIELD = re.compile(
    r"在?(?:全国|全省|全市|全区|西部|东部|中部|东北)(?:(?:和|、|及)(?:全国|全省|西部|东部|中部|东北))?的?(?=排名|排位|排|第|位)"
    r"|(?:(?<=排在)|(?<=位居)|(?<=位列)|(?<=居于)|(?<=[居列排]))(?:全国|全省|全市|全区|西部|东部|中部)|全球(?=第|首)"
)


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with some spans blanked out (same length)."""
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            chars[i] = " "
    return "".join(chars)


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


#: A headline statement ended by a space instead of a comma: 「千兆宽带用户率先破千万 5G基站数居全国第二」.
_SPACED_STATEMENT = re.compile(
    r"(?:破|突破|超|超过|达|达到)[一二两三四五六七八九十百千万亿]+(?=[ \u3000]+\S)"
)


def _boundaries(sentence: str) -> set[int]:
    """Where clauses end: ，：； and parentheses that hold a number of their own (「（全国排第13位）」),
    not those inside a name (「IPTV（网络电视）用户」「（DOU）」).

    >>> s = "IPTV（网络电视）用户达到3.15亿户（全国排第3位）"
    >>> sorted(s[i] for i in _boundaries(s))
    ['（', '）']
    >>> s = "千兆宽带用户率先破千万 5G基站数居全国第二"
    >>> [s[i:i + 2] for i in sorted(_boundaries(s))]
    [' 5']
    """
    out = {i for i, ch in enumerate(sentence) if ch in _CLAUSE_END}
    out.update(m.end() for m in _SPACED_STATEMENT.finditer(sentence))
    for m in re.finditer(r"[（(][^（）()]*[）)]", sentence):
        if (
            find_quantities(m.group(0)) or re.search(r"第[一二三四五六七八九十]", m.group(0))
        ) and not GLOSS.fullmatch(m.group(0)):
            out.update((m.start(), m.end() - 1))
    return out


def _clause_start(sentence: str, pos: int, bounds: AbstractSet[int] | None = None) -> int:
    bounds = _boundaries(sentence) if bounds is None else bounds
    cut = max((i for i in bounds if i < pos), default=-1)
    return cut + 1


def _clause_end(sentence: str, pos: int, bounds: AbstractSet[int] | None = None) -> int:
    bounds = _boundaries(sentence) if bounds is None else bounds
    return min((i for i in bounds if i >= pos), default=len(sentence))


#: A heading that states a figure: a number with a unit after a name, not a numbered section title.
_HEADLINE = re.compile(
    r"[\u4e00-\u9fffA-Za-z]\s*(?:约|近|逾|超过|达)?\s*\d+(?:\.\d+)?\s*(?:万|亿)?(?:部|户|人|个|座|元|G|GB|款|家|条|%)|第[一二三四五六七八九十\d]+位?"
)
#: Spans of time that name no period of the fact table: what is stated under them is not dated.
_UNDATED = re.compile(
    r"[“\"]?十[一二三四五六七八九]五[”\"]?(?:期间|以来|时期)|近年来|近几年|多年来|近[一二三四五六七八九十两\d]+年(?:来|间)?"
)
#: A paragraph opening with the span of an event (疫情期间，): it is dated by the report, not the paragraph before.
_EVENT_SPAN = re.compile(r"^\s*(?:在)?[^，。；\d]{1,8}(?:期间|以来)[，,]")
#: A comment on a trend closing a clause that names a subject but no number (「…用户增长明显，」).
_TREND_COMMENT = re.compile(
    r"(?:(?:增长|发展|下降|提升|回升|回落|增加|减少|扩大|收窄)(?:明显|较快|迅速|快速|平稳|显著|放缓|加快)"
    r"|(?:持续|稳步|快速|平稳|明显|大幅|小幅)(?:增长|提升|下降|发展|扩大|减少|走高|走低|攀升)"
    r"|最高|最多|最大|最快|最低)$"
)
#: A topic opening a sentence: 「从X看，」「就X而言，」「分X看，」.
_TOPIC = re.compile(r"^\s*(?:从|就|分)([^，。；]{2,40}?)(?:来看|看|而言|方面)[，,]")
#: The dated starting point of a change: 「由上年的46.6%」「从2020年3月的16.9%」.
_DATED_BASE = re.compile(
    r"(?:从|由)\s*(上年末|上年底|去年底|去年末|上年|去年|20\d\d\s*年(?:\s*\d{1,2}\s*月)?(?:末|底)?)\s*的\s*$"
)


def _base_period(
    m: re.Match[str], sentence: str, seg_start: int, period: Period | None, ctx: DocContext
) -> Period | None:
    """The period of a dated starting point, relative to the sentence's own period.

    >>> _base_period(_DATED_BASE.search("占比由上年的"), "", 0, Period.year(2020), None).period
    '2019'
    """
    word = re.sub(r"\s+", "", m.group(1))
    if period is None:
        return None
    year = period.end.year
    if word in ("上年", "去年"):
        return Period.year(year - 1)
    if word in ("上年末", "上年底", "去年底", "去年末"):
        return Period.month(year - 1, 12)
    found = find_periods(word, ctx.period if ctx else period)
    if not found:
        return None
    base = found[-1][2]
    if base.period_type == "year" and re.search(r"[末底]$", word):
        return Period.month(base.end.year, 12)
    return base


#: A comparison with the subject's own value in a stated earlier year: 「远远高于2015年的18亿美元」.
_DATED_COMPARE = re.compile(
    r"(?:远远|远|明显|大幅)?(?:高于|低于|多于|少于|超过|超出)\s*"
    r"(上年末|上年底|去年底|去年末|上年|去年|20\d\d\s*年(?:\s*\d{1,2}\s*月)?(?:末|底)?)\s*的\s*$"
)
#: The verb before the level a starting point moves to: 「由…的16.9%提升至26.3%」.
_TO_LEVEL = r"(?:提升|提高|上升|增长|下降|降低|回落|回升|增加|减少|下滑)?(?:至|到)"


def _span_start(sentence: str, start: int, end: int) -> Period | None:
    """The first year of a span of years a period mention closes (「2018年-2020年，」), else None.

    >>> _span_start("而2018年-2020年，增速从25.70%下降到11.94%", 7, 12).period
    '2018'
    """
    for m in _YEAR_SPAN.finditer(sentence, max(0, start - 12), end + 1):
        if m.end() == end and m.start() < start:
            return Period.year(int(m.group(1)))
    return None


#: Words that make a period a point in time: 截至2021年底, 到2022年末.
_POINT = re.compile(r"(?:截至|截止|截止到|到)\s*$")
#: A change stated against the end of last year counts from January (比上年末净增, 今年以来累计净增).
_SINCE_YEAR_START = re.compile(
    r"(?:比|较)\s*(?:上年末|上年底|去年底|去年末|年初|上年年末|20\d\d\s*年\s*(?:底|末))|今年以来|今年累计|"
    r"本年累计|年初以来"
)


def since_year_start(period: Period | None) -> Period | None:
    """The span from January to a period's last month; the whole year when that is December.

    >>> since_year_start(Period.month(2021, 3)).period, since_year_start(Period.month(2020, 12)).period
    ('2021-01..2021-03', '2020')
    """
    if period is None:
        return None
    y, m = period.end.year, period.end.month
    return Period.year(y) if m == 12 else Period.ytd(y, m)


def _sentence_facts(
    sentence: str, offset: int, raw: str, para: Paragraph, ctx: DocContext, state: State
) -> list[Fact]:
    mentions = _mentions(sentence, ctx, state.period)
    blocked = _blocked(sentence)
    titles = [(m.start(), m.end()) for m in _ATTRIBUTION.finditer(sentence)]
    bounds = _boundaries(sentence)
    glosses = [(m.start(), m.end()) for m in GLOSS.finditer(sentence)]
    scope = Scope(region=state.region, operator=state.operator)
    out: list[Fact] = []
    quantities = []
    for m in mentions:
        if m.kind != "quantity" or _inside(m.start, glosses):
            continue
        after = sentence[m.end : _clause_end(sentence, m.end, bounds)]
        if cue_for("", "", sentence[m.start : m.end], after, cast(Quantity, m.obj)).measure == "modifier":
            continue
        quantities.append(m)
    prev_end = 0
    named_here = False
    base_row: Cue | None = None  # the measure of a starting point (由X…至Y), for the number it moves to
    topic = _TOPIC.match(sentence)
    if topic:  # 「从…移动互联网接入流量看，河南移动公司53443万G」: the topic is the subject of what follows
        found = find_indicators(topic.group(1), lists=False)
        if found:
            scope.anchor = Anchor(found[-1][2], scope.region, "", "", False)
    for group in _groups(sentence, quantities):
        first = group[0]
        clause_start = _clause_start(sentence, first.start, bounds)
        seg_start = max(clause_start, prev_end)
        masked = list(sentence)
        for a, b in blocked:
            for i in range(max(a, seg_start), min(b, first.start)):
                masked[i] = ""
        for u in _UNDATED.finditer(sentence, prev_end, first.start):
            if is_time_adverbial(sentence, u.start()) or u.start() == 0:
                state.undated = True
        for m in mentions:
            if m.kind == "quantity" or not (prev_end <= m.start < first.start):
                continue
            if m.kind == "period":
                if _sets_context(sentence, m, glosses) and not _inside(m.start, titles):
                    again = find_periods(sentence[m.start : m.end], _year_ref(state.period, ctx.period))
                    state.period = again[0][2] if len(again) == 1 else cast(Period, m.obj)
                    state.undated = False
                    state.span = _span_start(sentence, m.start, m.end)
                    state.point = bool(
                        _POINT.search(sentence[max(0, m.start - 3) : m.start])
                        or re.match(r"\s*(?:末|底)", sentence[m.end : m.end + 2])
                        or re.search(r"[末底]$", sentence[m.start : m.end])
                    )
            elif _inside(m.start, blocked) or _inside(m.start, glosses):
                continue
            elif m.kind == "region":
                scope.region = cast(Region, m.obj)
                if m.start >= seg_start and scope.items:
                    scope.items = []
            elif m.kind == "operator":
                said = cast(OperatorMatch, m.obj)
                scope.operator = said.operator
                if said.region_hint:
                    scope.region = resolve_region(said.region_hint).region or scope.region
            elif m.kind == "subject":
                scope.subject = cast(str, m.obj)
            if m.kind != "subject":
                for i in range(max(m.start, seg_start), min(m.end, first.start)):
                    masked[i] = "" if m.kind == "period" else "|"
        lead = sentence[seg_start : first.start]
        phrase_text = "".join(masked[seg_start : first.start])
        prev_start = prev_end
        q0 = cast(Quantity, first.obj)
        token0 = sentence[first.start : first.end]
        clause = sentence[clause_start : first.start]
        cue = cue_for(
            lead,
            clause,
            token0,
            sentence[first.end : _clause_end(sentence, first.end, bounds)],
            q0,
            sentence[: first.start],
        )
        prev_end = group[-1].end
        if state.undated:
            continue
        dated = _DATED_BASE.search(lead) if cue.cue == "from_base" and len(group) == 1 else None
        bounded = _DATED_BASE.search(re.sub(r"(?:不足|不到|低于|少于|超过|约|近)\s*$", "", lead))
        if (
            bounded is not None
        ):  # 「从2017年的不足70%提升至98%」: the date of the start, for a parallel clause after it
            scope.base = _base_period(bounded, sentence, seg_start, state.period or ctx.period, ctx)
        undated_base = dated is None and cue.cue == "from_base" and len(group) == 1
        if undated_base and (state.span is not None or scope.base is not None):
            # 「2018年-2020年，…增速逐年从25.70%下降到11.94%」「…比例从2017年的不足70%提升至98%，…比例从25%提升至98%」
            dated = re.search(r"(?:从|由)\s*$", lead)
        compared = (
            _DATED_COMPARE.search(lead) if cue.cue == "value" and dated is None and len(group) == 1 else None
        )
        if compared is not None and not subject_phrase(lead[: compared.start()]):
            dated = compared  # 「…收入达到142亿美元，远远高于2015年的18亿美元」: the subject's value in an earlier year
        level = base_row is not None and re.fullmatch(_TO_LEVEL, lead.strip()) is not None
        if state.span is not None and dated is None and not level:
            continue  # under a span of years only its two ends are dated
        if cue.cue == "from_base":
            stripped = re.sub(r"(?:从|由)[^，。；从由]*$", "", lead)
            base_row = cue_for(stripped, re.sub(r"(?:从|由)[^，。；从由]*$", "", clause), token0, "", q0)
        if dated is not None:
            # 「占比由上年的46.6%降至45.7%」: the starting point is the value of a stated earlier period
            base = (
                _base_period(dated, sentence, seg_start, state.period or ctx.period, ctx)
                if dated.groups()
                else state.span or scope.base
            )
            cut = len(lead) - len(dated.group(0))
            row = cue_for(lead[:cut], clause[: len(clause) - len(dated.group(0))], token0, "", q0)
            if base is not None and row.measure not in ("skip", "modifier"):
                targets = _targets(
                    re.sub(
                        r"(?:(?:远远|远|明显|大幅)?(?:高于|低于|多于|少于|超过|超出)|从|由)[^，。；从由]*$",
                        "",
                        phrase_text,
                    ),
                    lead,
                    sentence[:seg_start],
                    group,
                    row,
                    scope,
                    state,
                    named_here,
                    mentions,
                    seg_start,
                    first.start,
                    sentence,
                    bounds,
                )
                for target in targets or []:
                    named_here = named_here or not target.guessed
                    when: Period | None = (
                        Period.year(base.end.year)
                        if target.indicator.kind == "flow" and base.end.month == 12
                        else base
                    )
                    if (
                        not dated.groups() and state.span is not None
                    ):  # a span's first year: a stock at its end
                        when = adjust_period(base, target.indicator, row.measure)
                    fact = _fact(
                        ctx,
                        para,
                        raw,
                        offset,
                        sentence,
                        clause_start,
                        first,
                        target,
                        row.measure,
                        q0,
                        when,
                        exact_period=True,
                    )
                    if fact is not None:
                        out.append(fact)
                continue
        if cue.measure == "skip":
            phrase = subject_phrase(phrase_text)
            if phrase and not _is_bare(phrase) and _has_head(_resolve_phrase(phrase, "")):
                # 「贫困村通光纤比例从2017年的不足70%提升至98%」: the subject is stated with the skipped number
                scope.anchor = Anchor(
                    _resolve_phrase(phrase, ""), scope.region, scope.operator, scope.subject
                )
                named_here = True
            continue
        intro = (
            sentence[prev_start:clause_start]
            if prev_start < clause_start and seg_start == clause_start
            else ""
        )
        intro = re.split(r"[，,：:；;]", intro.rstrip("，,：:；; "))[-1] if intro else ""
        if cue.cue == "value" and q0.unit == "%" and re.search(r"占比(?:最高|最多|最大|最低)?$", intro):
            cue = next(c for c in cues() if c.measure == "share_pct")  # 「…网民占比最高，为20.5%」
        if level and base_row is not None:
            cue = base_row  # 「占比由…的16.9%提升至26.3%」: the new level has the measure of the old one
        base_row = None
        targets = _targets(
            phrase_text,
            lead,
            sentence[:seg_start],
            group,
            cue,
            scope,
            state,
            named_here,
            mentions,
            seg_start,
            first.start,
            sentence,
            bounds,
            intro,
        )
        if targets is None:
            continue
        if any(not t.guessed for t in targets):
            named_here = True
        since = bool(_SINCE_YEAR_START.search(clause))
        negative = _lead_sign(lead)
        pairs = (
            list(zip(group, targets, strict=True))
            if len(targets) == len(group)
            else [(first, t) for t in targets]
        )
        for m, target in pairs:
            q = cast(Quantity, m.obj)
            own = _token_sign(sentence[m.start : m.end])
            if own is not None:
                negative = own  # 「同比分别下降2.5%和增长1.3%」: each number's own word wins, and carries on
            elif negative and q.value > 0:
                q = replace(q, value=-q.value)  # 「分别同比下降24.9%和12.1%」
            measure = target.measure if target.fixed else cue.measure
            if m is not first:
                row = cue_for(lead, sentence[clause_start : m.start], sentence[m.start : m.end], "", q)
                if row.measure not in ("skip", "value", "modifier") and row.measure != measure:
                    measure = row.measure
            counted = (
                since
                and (measure == "change" or target.indicator.kind == "flow" and measure == "value")
                or state.point
                and target.indicator.kind == "flow"
                and measure in ("value", "yoy_pct", "share_pct", "rank")
            )
            period = since_year_start(state.period or ctx.period) if counted else state.period
            fact = _fact(
                ctx,
                para,
                raw,
                offset,
                sentence,
                clause_start,
                m,
                target,
                measure,
                q,
                period,
                exact_period=counted,
            )
            if fact is not None:
                out.append(fact)
                state.operator = target.operator  # an operator carries on only as the subject of a statistic
        if cue.measure == "rank":
            flat = _RANK_FLAT.search(sentence, group[-1].end)
            if flat and flat.start() - group[-1].end <= 4 and out:
                out.append(_rank_flat(out[-1], flat.group(0)))
    for m in mentions:  # periods after the last number still set the context for the next sentence
        if m.kind == "period" and m.start >= prev_end and _sets_context(sentence, m, glosses):
            state.period = cast(Period, m.obj)
            state.undated = False
    out.extend(_ranking_list(sentence, offset, raw, para, ctx, state))
    flat = _YOY_FLAT.search(sentence)
    if flat:
        phrase = subject_phrase(sentence[_clause_start(sentence, flat.start(), bounds) : flat.start()])
        if phrase:
            ind = _resolve_phrase(phrase, "%")
            f = make_fact(
                ctx,
                page=para.page_at(offset + flat.start()),
                method="prose",
                indicator=ind,
                region=scope.region,
                period=adjust_period(state.period or ctx.period, ind, "yoy_pct"),
                measure="yoy_pct",
                quantity=Quantity(0.0, "%", "0", "", ()),
                snippet=raw[offset + _clause_start(sentence, flat.start(), bounds) : offset + flat.end()],
                operator=scope.operator,
            )
            if f:
                out.append(f)
    return out


_RANKING_LIST = re.compile(
    r"(?P<subj>[^，。；]*?)排名前(?P<n>[\d一二三四五六七八九十百]+)(?:位|名)?的[^，。；]*?(?:分别|依次)?(?:为|是)"
    r"(?P<items>[^，。；]+(?:、[^，。；、]+)+)"
)


def _ranking_list(
    sentence: str, offset: int, raw: str, para: Paragraph, ctx: DocContext, state: State
) -> list[Fact]:
    """「指数排名前十五位的省分别为广东、北京、上海…」: the places of a ranking, in order.

    >>> [(f.region, f.value) for f in facts_of_text("2019年，省级数字经济竞争力指数排名前三位的省分别为广东、北京、上海。")]
    [('广东省', 1.0), ('北京市', 2.0), ('上海市', 3.0)]
    """
    m = _RANKING_LIST.search(sentence)
    if not m or state.undated:
        return []
    phrase = subject_phrase(m.group("subj"))
    if not phrase:
        return []
    ind = _resolve_phrase(phrase, "")
    if not _has_head(ind):
        return []
    province = ctx.province.name if ctx.province else None
    places = []
    for item in _split_list(m.group("items")):
        region = resolve_region(item, province).region
        if region is None:
            return []
        places.append(region)
    out = []
    start = offset + m.start("items")
    for k, region in enumerate(places, 1):
        f = make_fact(
            ctx,
            page=para.page_at(start),
            method="prose",
            indicator=ind,
            region=region,
            period=state.period or ctx.period,
            measure="rank",
            quantity=Quantity(float(k), "位", str(k), "", ()),
            snippet=raw[offset + m.start() : offset + m.end()].strip(),
            bbox=_bbox(para, start, offset + m.end()),
        )
        if f:
            out.append(f)
    return out


def _token_sign(token: str) -> bool | None:
    """Whether a number's token starts with a sign word: True negative, False positive, None none."""
    for word in sorted(NEGATIVE_WORDS + POSITIVE_WORDS, key=len, reverse=True):
        if token.startswith(word):
            return word in NEGATIVE_WORDS
    return None


def _lead_sign(lead: str) -> bool:
    """A sign word separated from its numbers by 分别 (「同比分别下降」「分别同比下降」).

    >>> _lead_sign("，同比分别下降"), _lead_sign("，分别同比增长"), _lead_sign("，分别为")
    (True, False, False)
    """
    m = re.search(r"(" + "|".join(NEGATIVE_WORDS + POSITIVE_WORDS) + r")(?:了)?\s*$", lead)
    return bool(m and "分别" in lead and m.group(1) in NEGATIVE_WORDS)


def _groups(sentence: str, quantities: list[Mention]) -> list[list[Mention]]:
    """Runs of numbers separated only by 、 和 及 (the values of a list).

    >>> s = "分别为58.7亿元和287.8亿元，同比分别下降2.5%和增长1.3%"
    >>> [[s[m.start:m.end] for m in g] for g in _groups(s, [Mention(a, b, "quantity", q) for a, b, q in find_quantities(s)])]
    [['58.7亿元', '287.8亿元'], ['下降2.5%', '增长1.3%']]
    """
    groups: list[list[Mention]] = []
    for m in quantities:
        if (
            groups
            and re.fullmatch(SETTINGS.enum_gap, sentence[groups[-1][-1].end : m.start])
            and cast(Quantity, m.obj).unit == cast(Quantity, groups[-1][-1].obj).unit
        ):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _targets(
    phrase_text: str,
    lead: str,
    before: str,
    group: list[Mention],
    cue: Cue,
    scope: Scope,
    state: State,
    named_here: bool,
    mentions: list[Mention],
    seg_start: int,
    seg_end: int,
    sentence: str = "",
    bounds: AbstractSet[int] = frozenset(),
    intro: str = "",
) -> list[Anchor] | None:
    """The subject of each number of a group, by scope; None when there is none."""
    q = cast(Quantity, group[0].obj)
    unit = q.unit if cue.measure in ("value", "change") else ""
    acted = (
        _acted_on(
            lead,
            phrase_text,
            sentence[group[-1].end : _clause_end(sentence, group[-1].end, bounds)],
            q,
            scope,
        )
        if cue.measure == "value" and len(group) == 1 and sentence
        else None
    )
    if acted is not None:
        scope.anchor = Anchor(acted, scope.region, scope.operator, scope.subject, False, cue.measure, q.unit)
        return [scope.anchor]
    title = (
        _TITLE_AWARDED.match(sentence[group[-1].end :])
        if cue.measure == "value" and len(group) == 1
        else None
    )
    if title is not None and re.search(r"有\s*$", lead):
        # 「江苏又有6个城市获评“千兆城市”」: how many hold a title; 又/新 make it an addition
        again = re.search(r"(?:又|新|再|另)有\s*$", lead) is not None
        ind = replace(open_indicator(title.group(1), q.unit), kind="stock")
        scope.anchor = Anchor(
            ind,
            scope.region,
            scope.operator,
            scope.subject,
            False,
            "change" if again else "value",
            q.unit,
            fixed=True,
        )
        return [scope.anchor]
    regions = [
        (m.start - seg_start, m.end - seg_start)
        for m in mentions
        if m.kind == "region" and seg_start <= m.start < seg_end
    ]
    operators = [
        (m.start - seg_start, m.end - seg_start, m.obj)
        for m in mentions
        if m.kind == "operator" and seg_start <= m.start < seg_end
    ]
    intro_clause = re.split(r"[，,；;。]", before.rstrip("，,；;：: "))[-1]
    named_before = find_indicators(
        intro_clause, lists=False
    )  # 「AI指数用量涨幅明显：A市、B市排名上升均…」: the longest name
    earlier = [max(named_before, key=lambda t: t[1] - t[0])[2]] if named_before else []
    if not earlier and _TREND_COMMENT.search(intro_clause):
        commented = _best_phrase(_TREND_COMMENT.sub("", intro_clause))
        earlier = (
            [_resolve_phrase(commented, "")]
            if commented and _has_head(_resolve_phrase(commented, ""))
            else []
        )
    items = (
        _region_items(
            lead,
            regions,
            cue.measure,
            unit,
            scope,
            state.province,
            (earlier[-1], False)
            if earlier
            else None
            if named_here or state.subject is None
            else (state.subject, True),
        )
        if len(group) > 1 or "均" in lead
        else []
    )
    if items and len(group) == 1 and "均" in lead and "分别" not in lead:
        scope.anchor = items[-1]
        return items  # the same number for every place
    items = items or (
        _operator_items(lead, operators, cue.measure, unit, scope, state) if len(group) > 1 else []
    )
    items = items or _list_items(phrase_text, q.unit, cue.measure, scope)
    if items and len(items) == len(group):
        scope.items = items
        scope.anchor = items[-1]
        return [replace(a, measure=cue.measure) for a in items]
    shared = _shared_number(phrase_text, scope, state) if len(group) == 1 else []
    if len(shared) > 1:
        scope.anchor = shared[0]
        return [replace(a, measure=cue.measure, region=scope.region) for a in shared]
    phrase = _best_phrase(phrase_text)
    total = re.match(
        r"^(?:[两二三四]项)?(?:合计|总计|共计)", re.sub(r"\s+", "", phrase_text.split("|")[-1]).lstrip("，,")
    )
    if total and len(scope.items) >= 2:
        common = _common_tail([a.indicator.name for a in scope.items])
        if common:  # 「固定语音和移动语音业务收入分别为…，两项合计占电信业务收入的9.6%」
            whole = replace(
                scope.items[0], indicator=open_indicator(common), measure=cue.measure, unit=q.unit
            )
            scope.anchor = whole
            return [whole] * len(group)
    verb = (
        re.match(r"^(.{2,}?(?:涉及|包括|包含|覆盖))", scope.anchor.indicator.name) if scope.anchor else None
    )
    if verb and phrase and lead.lstrip().startswith("、") and not phrase.startswith(verb.group(1)):
        phrase = verb.group(1) + phrase  # 「仿冒页面共涉及域名157个、IP地址60个」: the items share the verb
    word = re.search(r"(占比|比例|比重)(?:为|达|达到|约为)?\s*$", lead) if cue.cue == "share_of" else None
    share_name = (
        phrase + word.group(1)
        if word
        and phrase
        and lead.rstrip().endswith(word.group(0).rstrip())
        and not phrase.endswith(word.group(1))
        else phrase
    )
    if cue.measure == "share_pct":
        phrase = re.sub(
            r"(?:市场份额|比例|比重|份额|占比)$", "", phrase
        )  # the share of the subject, not a name
    own = ""
    tier = _TIER_SHARE.match(phrase) if cue.measure == "value" and q.unit == "%" else None
    if tier:  # 「速率在20M及以上的宽带用户渗透率为59.5%」: the share of a speed tier among the users
        phrase, own = tier.group(1), "share_pct"
    if _PLACE_GROUP.search(phrase):
        return None  # 「长江中游城市群增速超300%」: a group of places the region table cannot name, not an indicator
    segment = _SEGMENT.match(phrase)
    if segment and _has_head(_resolve_phrase(segment.group(2), unit)) and not _is_bare(segment.group(2)):
        scope.subject, phrase = (
            segment.group(1),
            segment.group(2),
        )  # 「视频类平台广告收入」: a segment's revenue
    catalogued = _catalogued_in(phrase_text, phrase)
    if catalogued is not None:
        phrase = catalogued
    if len(group) > 1 and (not phrase or _is_bare(phrase)) and not scope.items:
        scope.items = _items_before(before, phrase, unit, cue.measure, scope)
    if len(group) > 1 and len(scope.items) == len(group) and (not phrase or _is_bare(phrase)):
        return [replace(a, measure=cue.measure) for a in scope.items]
    per = _PER_EACH.match(phrase) if phrase else None
    if (
        per is not None
    ):  # 「平均每个IP地址承载了约3个仿冒页面」: what each one carries, named after the number
        rest = sentence[group[-1].end : _clause_end(sentence, group[-1].end, bounds)]
        noun = subject_phrase(rest.rsplit("的", 1)[-1])
        if noun and _has_head(_resolve_phrase(noun, "")):
            phrase = per.group(1) + per.group(2) + noun + "数"
    if phrase and not _has_head(_resolve_phrase(phrase, "")) and _HAVE_BEFORE.search(lead):
        # 「工业互联网领域已培育形成超过500个…的工业互联网平台」: what was formed is named after the number
        phrase = _after_number(sentence, group[-1], bounds) or phrase
    if not phrase and scope.anchor is None:
        after = _after_number(sentence, group[-1], bounds)
        if after is not None:
            phrase = after
    if not phrase and _TREND_COMMENT.search(intro):
        # 「固定互联网宽带接入用户增长明显，9月末达到310.8万户」: a subject with a comment on its trend, then its number;
        # it opens a new subject also after another one (「…学生网民最多，占比为21.0%；…月收入在…的网民群体占比最高，为19.6%」)
        commented = re.sub(r"(?:比例|比重|份额|占比)$", "", _best_phrase(_TREND_COMMENT.sub("", intro)))
        if (
            scope.anchor is None
            or commented
            and (_GROUP_OF.match(commented) or _has_head(_resolve_phrase(commented, "")))
        ):
            phrase = commented
    group_of = _GROUP_OF.match(phrase) if cue.measure == "share_pct" else None
    if (
        group_of
        and resolve_indicator(phrase) is None
        and (population := resolve_indicator(group_of.group(2))) is not None
    ):
        # 「30—39岁网民占比最高，为20.5%」: a group's share of a population, the group as the subject
        whole = Anchor(
            population,
            scope.region,
            scope.operator,
            re.sub(r"^在|在|的$", "", group_of.group(1)),
            False,
            cue.measure,
            q.unit,
        )
        scope.anchor = whole
        return [whole] * len(group)
    if phrase and resolve_region(phrase).region is not None and not find_indicators(phrase):
        scope.region = resolve_region(phrase).region  # 「其中西藏高达23.4GB」: a place, not a subject
        phrase = ""
    parent = scope.anchor.indicator if scope.anchor else None
    guessed = bool(scope.anchor and scope.anchor.guessed)  # a guess stays a guess down the sentence
    if phrase and _is_bare(phrase) and parent is not None:
        previous = re.split(r"[，,；;：:]", before.rstrip("，,；;：: "))[-1]
        composed = compose_indicator(phrase, previous)
        if composed is not None and composed != parent and composed.name not in parent.name:
            phrase, parent = "", composed  # 「即时通信成为…应用之一，用户规模达9.31亿」
    if phrase in _GROWTH_WORDS and parent is None and cue.measure in ("yoy_pct", "mom_pct"):
        named = find_indicators(before, lists=False)  # 「AI指数持续走高，季度环比增速平均高达22.2%」
        if named:
            phrase, parent = "", named[-1][2]
            state.subject = parent
    if phrase and parent is None and _is_bare(phrase):
        topic = re.search(r"等([^，。；、等]{2,8})[，,]?$", before)  # 「…等新兴业务，共完成业务收入1854亿元」
        if topic:
            phrase, parent = "", _resolve_phrase(_join(topic.group(1), phrase), unit)
        else:
            composed = compose_indicator(phrase, before + lead)  # 「…互联网和相关服务企业完成业务收入」
            if composed is not None:
                phrase, parent = "", composed
    if parent is None and state.subject is not None and not named_here:
        parent, guessed = state.subject, True
        if cue.measure in ("value", "change") and not phrase and parent.unit and not _unit_fits(parent, q):
            return None  # a guess across sentences must at least count the same thing
    if phrase and parent is not None and re.match(r"^\s*[（(]?\s*其中", phrase_text):
        phrase = _qualified_part(phrase, parent.name)
    if phrase:
        phrase_ind, unsure = _compose(
            phrase,
            parent,
            unit,
            cue.measure,
            state.topics,
            state.names if scope.anchor is not None else [],
            state.names,
        )
        if phrase_ind is None:
            return None
        ind = phrase_ind
        guessed = unsure or (
            guessed and ind is parent and not (len(phrase) >= 4 and parent.name.endswith(phrase))
        )
        if ind is not parent:
            scope.items = []
    elif parent is not None:
        ind = parent
        if (
            cue.measure in ("rank", "rank_change")
            and scope.anchor is not None
            and scope.anchor.measure == "share_pct"
        ):
            ind = open_indicator(
                _stem(parent.name) + "占比"
            )  # 「…占比为92.5%（全国排第12位）」: the share's rank
        if (
            cue.measure == "change"
            and q.unit == "pp"
            and scope.anchor is not None
            and (scope.anchor.measure != "value" or scope.anchor.unit not in ("%", ""))
        ):
            return None  # 个百分点 after a share or growth: the change of a share, not keyed
        if (
            cue.measure in ("yoy_pct", "change")
            and scope.anchor is not None
            and scope.anchor.measure == "share_pct"
        ):
            return None  # 「…占比达到38.4%，较2020年增长了20.4%」: the growth of a share
    else:
        return None
    part = parent is not None and re.match(r"^\s*[（(]?\s*其中", phrase_text) is not None
    if (
        part
        and parent is not None
        and phrase
        and not ind.catalogued
        and not _has_head(ind)
        and _has_head(open_indicator(phrase + parent.name))
    ):
        ind = open_indicator(phrase + parent.name, unit)  # 「网民规模…，其中农村占比为30.5%」: 农村网民规模
    if (
        not ind.catalogued
        and not _has_head(ind)
        and share_name != phrase
        and _has_head(open_indicator(share_name))
        and not part
        and not re.search(r"[|的在]", re.split(r"[，,；;：:]", phrase_text)[-1])
    ):
        # 「智慧客服智能服务占比为84.8%」: the part is no population, the proportion is the statistic itself (not
        # 「中国大模型在该平台的周Token调用量占比达61%」: a place's part of a whole is a share, whose whole is unnamed)
        ind = open_indicator(share_name, "%")
        anchor = Anchor(ind, scope.region, scope.operator, scope.subject, False, "value", q.unit, fixed=True)
        scope.anchor = anchor
        return [anchor] * len(group)
    launched = (
        _LAUNCHED.search(before + lead)
        if not ind.catalogued and phrase and (not _has_head(ind) or len(phrase) <= 4)
        else None
    )
    if launched is not None and re.fullmatch(r"[\u4e00-\u9fff]{2,6}", phrase):
        # 「…推出“防疫健康码”，累计申领近9亿人，使用次数超过400亿人次」: the launched product's own figures
        count = (
            ""
            if re.search(r"[数量]$", phrase)
            else {"人": "人数", "人次": "人次", "次": "次数"}.get(q.unit, "数量")
        )
        ind = open_indicator(launched.group(1) + phrase + count, q.unit)
        guessed = False
    if not ind.catalogued and not _has_head(ind):
        return None  # 「作业操作费就节省400万元」: no statistic is named
    if cue.measure == "value" and not own and q.unit == "%" and ind.kind != "rate" and not ind.catalogued:
        return None  # 「实现了全区学校及用户100%」: a percent of a count is not a level
    if (
        cue.measure in ("value", "change")
        and q.unit not in ("pp",)
        and ind.catalogued
        and not _unit_fits(ind, q)
    ):
        ind = open_indicator(phrase, q.unit) if phrase else ind
        if ind.catalogued and not _unit_fits(ind, q):
            guessed = True
    if cue.measure == "value" and not own and q.unit == "%" and ind.unit not in ("%", "") and ind.catalogued:
        guessed = True
    subject = scope.subject or (
        scope.anchor.subject if scope.anchor and not phrase and ind is scope.anchor.indicator else ""
    )
    anchor = Anchor(
        ind, scope.region, scope.operator, subject, guessed, own or cue.measure, q.unit, fixed=bool(own)
    )
    if cue.measure == "value" or phrase:
        scope.anchor = anchor
        aside = seg_start > 0 and sentence[seg_start - 1] in "（(" and re.match(r"^\s*其中", phrase_text)
        if (
            not guessed and not aside
        ):  # 「（其中宏站数量约占全国的15%）」: an aside is no subject for what follows
            state.subject = ind
            if not re.match(r"^\s*[，,]?\s*其中", phrase_text):
                state.topics.append(ind)
            if ind not in state.names:
                state.names.append(ind)
    return [anchor] * len(group)


_BOTH = re.compile(r"(?<![户人平])[均都]")
_THESE = re.compile(r"(?:这|上述|以上)?([两二三四])项(?:数据|指标)?$")


def _shared_number(phrase_text: str, scope: Scope, state: State) -> list[Anchor]:
    """Several subjects sharing one number with 均/都: 「用户总数及其在宽带用户中的占比都排在全国首位」 after
    千兆宽带用户; 「两项数据均位居全国第一」 after two subjects.

    >>> p = open_indicator("千兆宽带用户")
    >>> scope = Scope(None, anchor=Anchor(p, None, ""))
    >>> [a.indicator.name for a in _shared_number("用户总数及其占比都排在", scope, State())]
    ['千兆宽带用户', '千兆宽带用户占比']
    """
    cut = [m.start() for m in _BOTH.finditer(phrase_text)]
    if not cut:
        return []
    subject = re.split(r"[，,；;：:]", phrase_text[: cut[-1]])[-1].strip("|")
    these = _THESE.search(subject)
    if these and len([p for p in re.split(r"和|及|与|、", subject[: these.start()]) if p]) >= 2:
        subject, these = (
            subject[: these.start()],
            None,
        )  # 「用户数和占比两项均列全国第1位」: the parts are named
    if these:
        k = "一两二三四".index(these.group(1)) if these.group(1) != "两" else 2
        named = list(dict.fromkeys(state.topics))[-k:]
        return (
            [Anchor(ind, scope.region, scope.operator, scope.subject) for ind in named]
            if len(named) == k
            else []
        )
    parts = [p for p in re.split(r"和|及|与|、", subject) if p]
    if len(parts) < 2 or scope.anchor is None:
        return []
    parent = scope.anchor.indicator
    out = []
    for part in parts:
        part = re.sub(r"^(?:其|它们?的?)", "", part.strip())
        phrase = part if _is_bare(part) else subject_phrase(part)
        if not phrase:
            return []
        ind, _unsure = _compose(phrase, parent, "", "rank")
        if ind is None:
            return []
        out.append(Anchor(ind, scope.region, scope.operator, scope.subject))
    return out


#: A product or service launched, in quotation marks: its figures follow (推出“防疫健康码”，累计申领近9亿人).
_LAUNCHED = re.compile(
    r"(?:推出|上线|发布|开通|启用)了?\s*[“\"「]([^”\"」，。；]{2,12})[”\"」][^，。；\d]{0,4}[，,]"
)
#: What a counted group was awarded: 「6个城市获评“千兆城市”」「12家企业入选“专精特新”名单」.
_TITLE_AWARDED = re.compile(
    r"^\s*[^\d，。；“”\"]{0,6}?(?:获评|入选|被评为|被认定为|被命名为|获批)(?:为)?\s*[“\"「]([^”\"」，。；]{2,12})[”\"」]"
)
#: 「对208万款App进行了技术检测」: what an action was done to, counted, then the action.
_ACTION_AFTER = re.compile(
    r"^\s*([^\d，。；、的]{1,8}?)\s*(?:进行了?|开展了?|实施了?|予以)\s*([^\d，。；]{2,8})\s*$"
)


def _acted_on(lead: str, phrase_text: str, after: str, q: Quantity, scope: Scope) -> Indicator | None:
    """The count of things an action was done to in the period (a flow): 「对208万款App进行了技术检测」 →
    技术检测App数量; the same counting word after it names the next action's objects (「通报违规1549款，下架514款」).

    >>> scope = Scope(None)
    >>> from extract.normalize.quantities import parse_quantity as p
    >>> _acted_on("全年组织对", "全年组织对", "App进行了技术检测", p("208万款"), scope).name
    '技术检测App数量'
    >>> _acted_on("，下架", "，下架", "", p("514款"), scope).name, _acted_on("，下架", "，下架", "", p("5家"), scope)
    ('下架App数量', None)
    """
    acted = _ACTION_AFTER.match(after) if re.search(r"对\s*(?:约|近|超过)?\s*$", lead) else None
    if acted is not None:
        noun, action = acted.group(1), acted.group(2)
        scope.acted_on = (q.unit, noun)
    elif scope.acted_on is not None and scope.acted_on[0] == q.unit and not after.strip(" 。！？!?"):
        noun = scope.acted_on[1]
        action = re.split(r"[，,；;：:|]", phrase_text)[-1].strip()
        if not re.fullmatch(r"[\u4e00-\u9fff]{2,8}", action) or _has_head(open_indicator(action)):
            return None
    else:
        return None
    ind = open_indicator(action + noun + "数量", q.unit)
    if ind.catalogued or not _has_head(ind):
        return None
    return replace(ind, kind="flow")  # how many were checked, reported, taken down in the period


#: A rate of a tier of users (20M及以上宽带用户渗透率): the tier's share of the users.
_TIER_SHARE = re.compile(
    r"^((?:\d+(?:\.\d+)?\s*(?:M|G|Mbps|Gbps|兆|M/s)|百兆|千兆|万兆)及?以[上下][^，。；]{2,12}?用户)"
    r"(?:渗透率|占比|比重|比例)$"
)
#: An average per unit with its verb, the counted noun after the number: 「平均每个IP地址承载了约3个仿冒页面」.
_PER_EACH = re.compile(
    r"^(平均每[个家户人台部]?[^，。；]{1,10}?)(承载|拥有|使用|消费|接入|访问|下载|发送|部署|连接)了?$"
)
#: A group of places named as the subject: 长江中游城市群, 成渝经济圈.
_PLACE_GROUP = re.compile(r"^[^的]{2,10}?(?:城市群|都市圈|经济圈|经济带|城市带)")
#: A segment of a market named before its figure: 「视频类平台广告收入」「电商类企业营业收入」.
_SEGMENT = re.compile(r"^([^的，。；]{1,8}?类(?:平台|媒体|企业|应用|网站|产品|业务|公司))([^类]{2,})$")
#: A group of a population: 「30—39岁网民」「月收入在3001—5000元的网民群体」「学生网民」.
_GROUP_OF = re.compile(r"^(.+?)的?(网民|用户|居民)(?:群体)?$")


def _common_tail(names: list[str]) -> str:
    """The longest ending several names share, when it names something.

    >>> _common_tail(["固定语音业务收入", "移动语音业务收入"])
    '语音业务收入'
    """
    tail = names[0]
    for name in names[1:]:
        k = 0
        while k < min(len(tail), len(name)) and tail[-1 - k] == name[-1 - k]:
            k += 1
        tail = tail[len(tail) - k :]
    return tail if len(tail) >= 3 and _has_head(open_indicator(tail)) else ""


def _join(a: str, b: str) -> str:
    """Two names joined over the words they share: 新兴业务 + 业务收入 → 新兴业务收入.

    >>> _join("新兴业务", "业务收入"), _join("新兴业务", "收入")
    ('新兴业务收入', '新兴业务收入')
    """
    for k in range(min(len(a), len(b)), 0, -1):
        if a.endswith(b[:k]):
            return a + b[k:]
    return a + b


def _best_phrase(phrase_text: str) -> str:
    """The subject phrase of a lead in which places and operators are masked as ``|``: the last part
    that names something; a part ending in 的 modifies the part after it (使用OTT服务的|韩国|付费用户).

    >>> _best_phrase("千兆宽带用户规模在||率先超过"), _best_phrase("使用OTT服务的||付费用户占比达到")
    ('千兆宽带用户规模', '使用OTT服务付费用户')
    """
    parts = [p for p in phrase_text.split("|")]
    last = subject_phrase(parts[-1])
    if len(parts) > 1:
        before = parts[-2] if parts[-2] else (parts[-3] if len(parts) > 2 else "")
        if before.endswith("的") and last:
            joined = subject_phrase(before + parts[-1])
            if joined:
                return joined
    if last and _has_head(_resolve_phrase(last, "")):
        return last
    for part in reversed(parts[:-1]):
        candidate = subject_phrase(re.sub(r"(?:在|于|的)$", "", part))
        if candidate and _has_head(_resolve_phrase(candidate, "")):
            return candidate
    return last


def _is_bare(phrase: str) -> bool:
    return phrase in BARE_HEADS or phrase in RATE_WORDS


def _catalogued_in(phrase_text: str, phrase: str) -> str | None:
    """A catalogue name printed in the lead that contains the phrase found (国家政务服务平台总计访问人数 is
    one name, although 总计 usually starts the predicate)."""
    text = re.sub(r"\s+", "", phrase_text.split("|")[-1])
    for a, b, _ind in reversed(find_indicators(text, lists=False)):
        name = text[a:b]
        if (
            len(name) > len(phrase)
            and (not phrase or phrase in name or name.endswith(phrase))
            and not subject_phrase(text[b:])
        ):
            return name
    return None


def _after_number(sentence: str, m: Mention, bounds: AbstractSet[int]) -> str | None:
    """「我省有26826个IP地址所对应的主机被…控制」: a catalogue name right after the number, in its clause.

    >>> s = "我省有26826个IP地址所对应的主机被境内外木马和僵尸网络控制，相比上月增加了1721个"
    >>> m = Mention(3, 9, "quantity", None)
    >>> _after_number(s, m, _boundaries(s))
    '主机被境内外木马和僵尸网络控制'
    """
    rest = sentence[m.end : _clause_end(sentence, m.end, bounds)]
    following = find_quantities(rest)
    if following:
        rest = rest[: following[0][0]]
    found = find_indicators(rest, lists=False)
    if found:
        return rest[found[0][0] : found[0][1]]
    if _HAVE_BEFORE.search(sentence[max(0, m.start - 8) : m.start]):
        # 「全省已建成近350个5G试验基站」「约有1600家5G产业相关企业」: what is had or built, named after the number
        phrase = subject_phrase(
            rest.rsplit("的", 1)[-1]
        )  # 「…32个特色鲜明、绿色低碳的大型数据中心」: the noun after 的
        if phrase and _has_head(_resolve_phrase(phrase, "")) and len(phrase) <= 12:
            return phrase
    return None


#: Verbs of having and building right before a number whose noun follows it.
_HAVE_BEFORE = re.compile(
    r"(?:共有|约有|拥有|现有|已有|有|已建成|累计建成|建成|新建|已开通|开通|培育形成|培育|形成|打造)(?:约|近|超过|逾)?\s*$"
)


def compose_indicator(head: str, before: str) -> Indicator | None:
    """A bare head (用户规模) completed by an activity named earlier in the sentence, from the catalogue.

    >>> compose_indicator("用户规模", "即时通信成为疫情期间发展最快的应用之一，").name
    '即时通信用户规模'
    """
    text = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "|", before)
    for chunk in reversed(text.split("|")):
        for size in range(min(10, len(chunk)), 1, -1):
            for i in range(0, len(chunk) - size + 1):
                found = resolve_indicator(chunk[i : i + size] + head)
                if found is not None:
                    return found
    return None


def _items_before(before: str, head: str, unit: str, measure: str, scope: Scope) -> list[Anchor]:
    """A list in the clause before a run of numbers: 「网上外卖、在线教育…等数字服务蓬勃发展，用户规模分别达…」
    (each item completed by the bare head) or 「其中应用于智能制造、智慧交通和智慧公共事业的终端用户，占比分别为…」
    (each item completed by the noun after 的).

    >>> [a.indicator.name for a in _items_before("其中应用于智能制造、智慧交通和智慧公共事业的终端用户，", "", "", "share_pct",
    ...                                          Scope(None))]
    ['智能制造终端用户', '智慧交通终端用户', '智慧公共事业终端用户']
    """
    previous = re.split(r"[，,。；;：:]", before.rstrip("，,；;：: "))[-1]
    if "、" not in previous:
        return []
    previous = re.sub(r"^(?:其中|同时|另外|此外)?(?:应用于|用于|涉及|包括|面向)?", "", previous)
    if "等" in previous and head:
        listed, noun = previous.split("等", 1)[0], head
    elif "的" in previous:
        listed, noun = previous.rsplit("的", 1)
        noun = subject_phrase(noun) or head
    else:
        return []
    names = _split_list(re.sub(r"^.*?(?:我国|全国|全省|其中)", "", listed))
    if len(names) < 2 or not noun:
        return []
    out = []
    for name in names:
        ind = resolve_indicator(name + noun) or open_indicator(name + noun, unit)
        if not _has_head(ind):
            return []
        out.append(Anchor(ind, scope.region, scope.operator, scope.subject, False, measure, unit))
    return out


def _region_items(
    lead: str,
    regions: list[tuple[int, int]],
    measure: str,
    unit: str,
    scope: Scope,
    province: str | None = None,
    guess: tuple[Indicator, bool] | None = None,
) -> list[Anchor]:
    """A list of places before 分别: one anchor per place, with the indicator printed after the last place.

    >>> t = "东、中、西部和东北地区移动互联网接入流量分别达到"
    >>> spans = [(a, b) for a, b, _r in find_regions(t)]
    >>> [(a.region.name, a.indicator.name) for a in _region_items(t, spans, "value", "GB", Scope(None))][:2]
    [('东部地区', '移动互联网接入流量'), ('中部地区', '移动互联网接入流量')]
    """
    start = max((i + 1 for i, ch in enumerate(lead) if ch in "，,：:；;"), default=0)
    stop = lead.find("分别", start)
    if stop < 0:
        stop = lead.find(
            "均", start
        )  # 「西藏、青海、云南和新疆4省（区）DOU均超过19GB」: one number for every place
    inside = [(a, b) for a, b in regions if start <= a and (stop < 0 or b <= stop)]
    if stop < 0 or not inside:
        return []
    last_end = max(b for _a, b in inside)
    owner = lead.rfind("的", last_end, stop)
    if owner > 0 and not re.search(r"[，,]", lead[last_end:owner]):
        last_end = owner  # 「石家庄、唐山和保定的5G用户数分别为」: the list runs to 的
    names = _split_list(lead[start:last_end])
    if len(names) < 2:
        return []
    suffix = re.sub(r"^[^部区]*", "", names[-1])  # 西部 … 东北地区 → 部地区 / 地区
    places = []
    for name in names:
        hit = None
        for cand in (
            name,
            name + "部",
            name + suffix,
            name + "部地区",
            name.rsplit("的", 1)[-1],
        ):  # 新疆的克拉玛依市
            hit = resolve_region(cand, province).region
            if hit is not None:
                break
        if hit is None:
            return []
        places.append(hit)
    tail_text = re.sub(r"\d{1,2}月份?|当月|本月|上半年|全年", "", lead[last_end:stop])
    if not subject_phrase(tail_text):
        tail_text = lead[stop:]  # 「东部、中部…地区分别完成电信业务收入…」: the indicator follows 分别
    tail = subject_phrase(re.sub(r"^\d+个?(?:省|市|区|地区|城市)(?:[（(][^）)]*[）)])?", "", tail_text))
    ind = _resolve_phrase(tail, unit) if tail else (scope.anchor.indicator if scope.anchor else None)
    guessed = False
    if ind is None and guess is not None:  # 「…伊春市排名上升均超过150」 after the AI指数 was named
        ind, guessed = guess
    if ind is None:
        return []
    return [Anchor(ind, r, scope.operator, scope.subject, guessed, measure, unit) for r in places]


def _operator_items(
    lead: str,
    operators: list,
    measure: str,
    unit: str,
    scope: Scope,
    state: State,
) -> list[Anchor]:
    """A list of operators before 分别 (「河南移动、联通、电信公司IPTV用户分别为…」): one anchor per operator.

    >>> t = "河南移动、联通、电信公司IPTV（网络电视）用户分别为"
    >>> ops = [(a, b, o) for a, b, o in find_operators(t)]
    >>> [(a.operator, a.indicator.name) for a in _operator_items(t, ops, "value", "户", Scope(None), State())]
    [('中国移动', 'IPTV用户'), ('中国联通', 'IPTV用户'), ('中国电信', 'IPTV用户')]
    """
    stop = lead.find("分别")
    inside = [(a, b, o) for a, b, o in operators if stop < 0 or b <= stop]
    if stop < 0 or len(inside) < 2 or len({o.operator for _a, _b, o in inside}) < len(inside):
        return []
    tail = subject_phrase(lead[max(b for _a, b, _o in inside) : stop])
    ind = _resolve_phrase(tail, unit) if tail else (scope.anchor.indicator if scope.anchor else None)
    if ind is None:
        return []
    out = []
    for _a, _b, o in inside:
        region = resolve_region(o.region_hint).region if o.region_hint else None
        if region is None and inside[0][2].region_hint:
            region = resolve_region(inside[0][2].region_hint).region
        out.append(Anchor(ind, region or scope.region, o.operator, scope.subject, False, measure, unit))
    return out


def _list_items(phrase_text: str, unit: str, measure: str, scope: Scope) -> list[Anchor]:
    """A subject that is a list: indicators sharing the last item's head.

    >>> [a.indicator.name for a in _list_items("固定语音和移动语音业务收入分别为", "元", "value", Scope(None))]
    ['固定语音业务收入', '移动语音业务收入']
    """
    clause = re.split(r"[，,：:；;]", phrase_text)[-1]
    if "分别" not in clause and "、" not in clause:
        return []
    before = clause.split("分别")[0]
    if "|" in before:
        return []
    names = _split_list(before)
    if len(names) < 2:
        return []
    parts = [subject_phrase(n) or n for n in names]
    head = subject_phrase(parts[-1])
    if not head:
        return []
    out: list[Anchor] = []
    width = sorted(len(x) for x in parts[:-1])[(len(parts) - 1) // 2]  # parallel items are about as long
    for k, part in enumerate(parts):
        if k < len(parts) - 1:
            part = _with_head(part, head, width)
        ind = _resolve_phrase(part, unit if measure in ("value", "change") else "")
        out.append(Anchor(ind, scope.region, scope.operator, scope.subject, False, measure, unit))
    return out


def _split_list(text: str) -> list[str]:
    """「A、B和C」 → [A, B, C] (和/及/与 only before the last item).

    >>> _split_list("智慧公共事业、智能制造和智慧农业终端用户")
    ['智慧公共事业', '智能制造', '智慧农业终端用户']
    """
    text = text.strip("|，, ")
    items = text.split("、")
    last = items[-1]
    tail = re.split(r"和|及|与", last, maxsplit=1)
    if len(tail) == 2 and all(len(t) >= 2 for t in tail):
        items = items[:-1] + tail
    elif len(items) == 1:
        tail = re.split(r"和|及|与", last)
        if len(tail) == 2 and all(len(t) >= 2 for t in tail):
            items = tail
    items[-1] = re.sub(r"等.*$", "", items[-1]) or items[-1]
    return [x.strip("|") for x in items if x.strip("|")]


def _with_head(item: str, head: str, width: int = 0) -> str:
    """An item of a list given the last item's head: 固定语音 + 移动语音业务收入 → 固定语音业务收入.
    A catalogue name wins; else the shared tail starts where the last item's own modifier ends, taken to be
    as long as the item.

    >>> _with_head("固定语音", "移动语音业务收入"), _with_head("智慧公共事业", "智慧农业终端用户")
    ('固定语音业务收入', '智慧公共事业终端用户')
    """
    if _has_head(open_indicator(item)):
        return item
    tails = [head[cut:] for cut in range(1, len(head) - 1)]
    for tail in tails:
        if resolve_indicator(item + tail) is not None:
            return item + tail
    fitting = [t for t in tails if _has_head(open_indicator(t))]
    if not fitting:
        return item
    width = width or len(item)
    best = min(fitting, key=lambda t: (abs(len(head) - len(t) - width), -len(t)))
    return item + best


def _unit_fits(ind: Indicator, q: Quantity) -> bool:
    """
    >>> from extract.normalize.indicators import Indicator as I
    >>> from extract.normalize.quantities import parse_quantity as p
    >>> _unit_fits(I("互联网用户", "用户", "户", "stock"), p("8643.5万户")), _unit_fits(I("网民规模", "用户", "人", "stock"), p("15个"))
    (True, False)
    """
    if not q.unit or q.unit == ind.unit or not ind.unit:
        return True
    for family in ({"户", "人"}, {"户", "个"}, {"个", "座", "台", "套"}):
        if ind.unit in family and q.unit in family:
            return True
    if q.unit == "pp" and ind.unit == "%":
        return True
    return False


#: A field a rank is taken in (全国, 西部, 全球 …): without one, the nation's rank is among its parts.
_WORLD_FIELD = re.compile(
    r"全国|全省|全市|全区|西部|东部|中部|东北|各省|城市|全球|世界|国际|亚洲|各国|G20|OECD|金砖"
)


@cache
def ctx_nation() -> str:
    """The name of the nation's region (全国)."""
    region = resolve_region("全国").region
    return region.name if region else "全国"


def _fact(
    ctx: DocContext,
    para: Paragraph,
    raw: str,
    offset: int,
    sentence: str,
    clause_start: int,
    m: Mention,
    target: Anchor,
    measure: str,
    q: Quantity,
    period: Period | None,
    exact_period: bool = False,
) -> Fact | None:
    lead = sentence[clause_start : m.start]
    place = target.region or ctx.home
    if (
        measure in ("rank", "rank_change")
        and place is not None
        and place.name == ctx_nation()
        and not _WORLD_FIELD.search(sentence[clause_start : m.end])
    ):
        return None  # 「移动通信固定资产投资仍居首位」: the nation's figure ranks among its parts, not among places
    against = bool(re.search(r"(较|比|相比)\s*(20\d\d\s*年)?\s*\d{1,2}\s*月", lead))
    if not exact_period:
        period = adjust_period(period or ctx.period, target.indicator, measure, against)
    if not q.unit and target.indicator.unit and measure in ("value", "change"):
        q = Quantity(q.value, target.indicator.unit, q.raw_value, q.raw_unit, q.flags)
    start = offset + clause_start
    end = offset + m.end
    snippet = raw[start:end].strip(" ，,：:；;（）()")
    flags: tuple[str, ...] = ("approximate",) if is_approximate(sentence, m.start, m.end) else ()
    if target.guessed:
        flags = (*flags, "low_confidence")
    return make_fact(
        ctx,
        page=para.page_at(offset + m.start),
        method="prose",
        indicator=target.indicator,
        region=target.region,
        period=period,
        measure=measure,
        quantity=q,
        snippet=snippet,
        operator=target.operator,
        subject=target.subject,
        flags=flags,
        bbox=_bbox(para, start, end),
    )


_APPROX_BEFORE = re.compile(
    r"(超过|超|约|约为|约有|大约|近|逾|将近|接近|不少于|多于|达到约|约占[^，。；]{0,20}的)\s*$"
)
_APPROX_AFTER = re.compile(r"^\s*(以上|左右|上下|余|多)")


def is_approximate(sentence: str, start: int, end: int) -> bool:
    """A bound or a rounded figure (超过6600万, 约2.1%, 500个以上): kept as printed, flagged.

    >>> s = "5G终端连接数已超过6600万，约占全国总量的2.1%，共有4508个"
    >>> is_approximate(s, 10, 16), is_approximate(s, 23, 27), is_approximate(s, 30, 35)
    (True, True, False)
    """
    window = sentence[max(0, start - SETTINGS.approx_window) : start]
    return bool(_APPROX_BEFORE.search(window) or _APPROX_AFTER.match(sentence[end : end + 3]))


def adjust_period(
    period: Period | None, indicator: Indicator, measure: str, against_point: bool = False
) -> Period | None:
    """A stock stated in a year-to-date context is the month-end stock.

    >>> from extract.normalize.indicators import Indicator as I
    >>> ytd = Period.ytd
    >>> adjust_period(ytd(2020, 8), I("互联网用户", "用户", "户", "stock"), "value").period
    '2020-08'
    >>> adjust_period(ytd(2020, 8), I("互联网用户", "用户", "户", "stock"), "change").period
    '2020-01..2020-08'
    """
    if period is None:
        return period
    if period.period_type == "range" and measure in ("value", "yoy_pct", "share_pct", "rank", "rank_change"):
        return (
            Period.quarter(period.end.year, (period.end.month - 1) // 3 + 1)
            if period.end.month % 3 == 0
            else Period.month(period.end.year, period.end.month)
        )
    if period.period_type not in ("ytd", "half", "quarter", "year") or indicator.kind == "flow":
        return period
    if period.period_type == "year" and measure == "change":
        return period
    if indicator.kind == "rate" and measure == "change":
        return Period.month(period.end.year, period.end.month)  # a rate's change is dated at its end point
    if indicator.kind in ("stock", "rate") and (measure != "change" or against_point):
        return Period.month(period.end.year, period.end.month)
    return period


def _rank_flat(rank: Fact, text: str) -> Fact:
    return replace(
        rank,
        measure="rank_change",
        value=0.0,
        unit="位",
        raw_value="0",
        raw_unit="",
        snippet=text.strip("（）()"),
    )


def _bbox(para: Paragraph, start: int, end: int):
    """The union box of the printed lines a span of the paragraph text falls on."""
    boxes, pos = [], 0
    for ln in para.lines:
        n = len(ln.text.strip())
        if ln.bbox and pos < end and start < pos + n:
            boxes.append(ln.bbox)
        pos += n
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


__all__ = [
    "extract_prose",
    "facts_of_text",
    "paragraph_facts",
    "printed_name",
    "SETTINGS",
    "Settings",
    "cues",
]
