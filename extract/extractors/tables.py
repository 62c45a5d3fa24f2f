"""Table cells → facts.

The algorithm, over plain cell grids (each stage a small function over lists of strings):

1. **Caption**: the lines printed right above a table (and right below it) give its title
   (表1 2021年1-10月份分地区移动互联网接入流量 → indicator and period) and its unit line
   (单位：万户, 计量单位：亿元, 单位：年末到达为亿户，全年净增为万户 — units scoped to a column).
   注/说明/资料来源 lines are notes, never cells. A table that continues on the next page (no
   header, the same header again, or a title 表1（续）) keeps the caption of the table it continues.
2. **Header**: the leading rows that are not data form the header; a cell over two columns
   (a period over 本月底到达 | 同比增长) is carried to the columns below it, a header label printed
   over columns that hold no data moves to the data column beside it (merged cells), and columns
   empty everywhere are dropped.
3. **Column roles** from the header text and the cells (rules as data in :data:`HEADER_ROLES`
   and :data:`MEASURE_CUES`): row keys (region, operator, name, address, category, rank, the
   indicator-name column 指标名称, a qualifier column 业务类别/应用, a unit column 单位) and
   measure columns (value, 同比, 环比, 占比, 净增/增减, 排名, 排名变化, No.N). Units and periods
   printed in a header (访问量（万次）, 2024年1-10月 本月底到达) apply to the whole column.
4. **Side-by-side groups**: a key column that reappears after measure columns starts a new
   group (排名|城市|排名|城市).
5. **Row keys**: each row's region (合计/全省 rows → the region the table is about), operator,
   subject, and — when the rows name indicators — its indicator: 「电信业务总量（亿元）」 is the
   indicator with its unit; 「其中：5G手机」 under 「手机出货量」 is 5G手机出货量; 「新兴业务」 in a
   table of 电信业务收入 is 新兴业务收入.
6. **Cells → facts**: one fact per numeric cell; —/…/- cells are gaps. The unit comes from the
   cell itself, else the row, the column header, the unit line; a value whose unit is not printed
   anywhere keeps its number and is flagged ``unit_assumed``. Stocks under a year-to-date header
   take the month-end period, as in the prose.

Periods: a column's header period (the base of a comparison, 比上年同期, is not one), else the
title's, else the period last stated in the text of the table's section (a numbered heading
starts a new section; figure captions and 来源 lines state none), else the report's edition year
(…报告（2022年） in the title or running header), else the document's period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..model import Document, Fact, Table
from ..normalize.indicators import (
    Indicator,
    find_indicators,
    guess_category,
    open_indicator,
    printed_name,
    resolve_indicator,
)
from ..normalize.numbers import to_halfwidth
from ..normalize.operators import resolve_operator
from ..normalize.periods import Period, find_periods
from ..normalize.quantities import UNIT_ASSUMED, Quantity, parse_quantity, resolve_unit
from ..normalize.regions import Region, resolve_region
from .context import GLOSS, DocContext, is_stated_period, make_fact
from .prose import adjust_period


@dataclass(frozen=True)
class TableSettings:
    """Thresholds of table reading, in one place (pdfplumber's TableSettings is the model)."""

    caption_paragraphs: int = 3  # paragraphs above a table searched for its title and unit line
    below_paragraphs: int = 2  # paragraphs below it searched for a unit line
    max_header_rows: int = 3
    label_share: float = 0.6  # a column is a label column when this share of its cells are words
    merged_share: float = 0.3  # a label column this empty below its filled cells is a merged group column
    max_caption_chars: int = 60  # a title or unit line is a short line


SETTINGS = TableSettings()


@dataclass(frozen=True)
class Rule:
    """A rule as data: text matching ``pattern`` means ``result``; ``example`` is tested."""

    pattern: str
    result: str
    example: str

    def matches(self, text: str) -> bool:
        return re.search(self.pattern, text) is not None


#: Header text → the role of a key column (first match wins; measure columns are everything else).
HEADER_ROLES: tuple[Rule, ...] = (
    Rule(r"^(?:省份|省市|地区|城市|地市|省辖市|区域|省|市|区县|县区|市州|地区名称)$", "region", "地区"),
    Rule(r"^(?:企业|运营商|电信企业|基础电信企业|公司)$", "operator", "企业"),
    Rule(r"^(?:指标|指标名称|主要指标|统计指标|项目|指标项)$", "indicator_key", "指标名称"),
    Rule(r"^(?:网站名称|名称|网站|企业名称|单位名称)$|名称$", "name", "网站名称"),
    Rule(r"^(?:网址|域名|地址)$", "address", "网址"),
    Rule(r"^(?:年份|年度|时间|月份|日期|期间|统计期|统计时间)$", "period_key", "年份"),
    Rule(
        r"^(?:业务类别|业务种类|业务|应用|应用类型|应用类别|产品|产品类别|类别|分类)$",
        "qualifier_key",
        "应用",
    ),
    Rule(r"(?:类别|分类|行业|业务|项目|指标)$", "category", "收入类别"),
)

#: Header text → the measure of a column (first match wins).
MEASURE_CUES: tuple[Rule, ...] = (
    Rule(r"(?:排名|位次|排位).*变化|较上[月期年].*(?:排名|位次)", "rank_change", "排名较上月变化"),
    Rule(r"排名|位次|排位|名次", "rank", "全国排位"),
    Rule(r"同比", "yoy_pct", "同比增长（%）"),
    Rule(r"环比", "mom_pct", "环比增长"),
    Rule(r"占比|比重|份额|占全|所占比例|使用率", "share_pct", "占电信业务收入比重（%）"),
    Rule(r"净增|净减|增减|新增|增加|减少", "change", "全年净增"),
    Rule(r"(?:比|较)上年(?!末|底)|增长率|增速|增幅|^增长", "yoy_pct", "比上年同期增长（%）"),
)

#: Words of a measure header that are not part of an indicator name (removed with the cue).
HEADER_NOISE: tuple[str, ...] = (
    "本月底到达",
    "月末到达",
    "年末到达",
    "期末到达",
    "到达数",
    "到达",
    "累计完成",
    "累计建成",
    "累计",
    "建成",
    "完成",
    "本期",
    "当期",
    "本月",
    "当月",
    "全年",
    "比年初",
    "较上年末",
    "比上年末",
    "绝对值",
    "数值",
    "增长",
    "（%）",
    "(%)",
)

#: Head nouns that name no indicator on their own (a column 用户数 under a title that names it).
BARE_HEADS: tuple[str, ...] = (
    "用户",
    "户",
    "人",
    "人数",
    "户数",
    "收入",
    "金额",
    "数量",
    "规模",
    "总量",
    "数值",
    "合计",
    "数",
    "个数",
    "量",
)
#: Headers of a column that only numbers the rows.
ROW_NUMBER_HEADERS: tuple[str, ...] = ("序号", "编号", "行次")
#: Cells that stand for a missing figure.
MISSING_MARKS: tuple[str, ...] = ("—", "——", "-", "–", "…", "……", "...", "/", "－", "×", "x", "X", "*", "")

#: Row labels that mean "all of them": the region the table is about, or the row's own indicator.
TOTAL_WORDS: tuple[str, ...] = ("合计", "总计", "总体", "全部", "整体", "小计")
TOTAL_REGIONS: tuple[str, ...] = (
    "合计",
    "总计",
    "总体",
    "全部",
    "全省",
    "全市",
    "全区",
    "全国",
    "全州",
    "全盟",
)

#: A row label that is part of the row above: 「其中：4G用户」.
SUB_ROW = re.compile(r"^(?:其中[:：]?|内[:：]|含[:：]|\s*[-—－]\s*)")

#: A footnote mark after a cell's text: 1520.3*, 深圳市①.
FOOTNOTE_MARK = re.compile(r"\s*(?:[*※#]+|[①②③④⑤⑥⑦⑧⑨⑩]|[(（]\s*注\s*\d*\s*[)）])$")
#: The number of an item printed before a row label: 「一、」「2.」「（3）」.
LEADING_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))\s*"
)
#: Lines around a table that are not its cells.
UNIT_LINE = re.compile(r"^[（(]?\s*(?:计量)?单位\s*[:：]\s*(?P<units>[^）)]+?)\s*[）)]?\s*$")
NOTE_LINE = re.compile(r"^(?:注|说明|备注|资料来源|数据来源|来源)\s*\d*\s*[:：.．、]")
TITLE_LINE = re.compile(r"^(?:附)?表\s*[\dA-Za-z一二三四五六七八九十]+(?:[-.．－]\d+)?\s*(?P<rest>.*)$")
SECTION_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十\d]+[章节部分]|[一二三四五六七八九十]+[、.]|"
    r"[(（][一二三四五六七八九十\d]+[)）]|\d+(?:\.\d+)*[.、]\s*[\u4e00-\u9fff])"
)
EDITION = re.compile(
    r"(?:报告|白皮书|蓝皮书|年鉴|公报|指数)\s*[(（]\s*((?:19|20)\d\d)\s*年?(?:度|版)?\s*[)）]"
)
#: The places or bodies a title's table is broken down by: 各市州, 分地区, 全省及部分地市, 各省（区、市）.
TITLE_SCOPE = re.compile(
    r"(?:全国|全省|全市|全区)?及?(?:部分|各|分|主要)(?:省份|省区市|省|地区|市州|地市|城市|市|区县|县|企业|运营商|行业)"
)
YEAR_SPAN = re.compile(r"(?:19|20)\d\d\s*年?\s*[-—–~至到]\s*(?:19|20)\d\d\s*年?")
FIGURE_LINE = re.compile(r"^(?:附)?图\s*[\dA-Za-z一二三四五六七八九十]+(?:[-.．－]\d+)?\s")
CONTINUED = re.compile(r"[（(]\s*续\s*[)）]|续表")
#: Words that frame a title's indicator: 「2021年1-10月份分地区移动互联网接入流量」 → 移动互联网接入流量.
TITLE_NOISE: tuple[str, ...] = (
    "分地区",
    "各地区",
    "分省",
    "各省",
    "分城市",
    "各城市",
    "分企业",
    "全省及部分地市",
    "全省",
    "全市",
    "全区",
    "全国",
    "主要指标完成情况",
    "主要指标",
    "完成情况",
    "发展情况",
    "建设情况",
    "基本情况",
    "情况",
    "构成",
    "排名",
    "排行",
    "统计表",
    "统计",
    "一览表",
    "一览",
    "汇总",
    "对比",
    "截至",
    "截止",
    "前十五位",
    "前十位",
    "前十名",
)
#: Category → the base unit to pick among several printed units (单位：亿元，万户).
CATEGORY_BASE: dict[str, str] = {"用户": "户", "收入": "元", "投资": "元", "流量": "GB", "基础设施": "个"}

_UNIT_IN_PARENS = re.compile(r"[（(]([^（）()]{1,8})[）)]")
_NO_N = re.compile(r"^(?:No|NO|no|Top|TOP)\.?\s*(\d+)$|^第([一二三四五六七八九十\d]+)(?:名|位)?$")
_RANK_CHANGE = re.compile(r"^\s*([↑↓+\-−－]?)\s*(\d+)\s*$")
_KEY_ROLES = (
    "period_key",
    "region",
    "operator",
    "name",
    "address",
    "category",
    "rank_key",
    "indicator_key",
    "qualifier_key",
    "label",
    "unit",
)


@dataclass
class Column:
    index: int
    header: str
    role: str  # a key role (see _KEY_ROLES), or value | measure | no_n | skip
    measure: str = "value"
    indicator: Indicator | None = None
    phrase: str = ""  # the indicator words the header prints (用户规模), even when they name no indicator
    unit: str = ""
    period: Period | None = None
    position: int = 0  # for No.N columns
    base: bool = False  # a value column of a comparison base (上年同期, 上月): 同比 is not of its period
    operator: str = ""  # a column headed by an operator
    region: Region | None = None  # a column headed by a place


@dataclass
class Group:
    keys: list[Column] = field(default_factory=list)
    values: list[Column] = field(default_factory=list)


@dataclass(frozen=True)
class UnitSpec:
    """One unit of a unit line, with the column or row words it is scoped to ('' for all)."""

    unit: str
    scope: str = ""


@dataclass(frozen=True)
class Caption:
    """What the lines around a table say about it."""

    title: str = ""
    units: tuple[UnitSpec, ...] = ()
    indicator: Indicator | None = None
    period: Period | None = None
    continued: bool = False


@dataclass
class RowKey:
    region: Region | None
    subject: str
    operator: str = ""
    indicator: Indicator | None = None
    unit: str = ""
    flags: tuple[str, ...] = ()
    period: Period | None = None


# --- 1. caption -----------------------------------------------------------------------------------


def parse_unit_line(text: str) -> tuple[UnitSpec, ...]:
    """The units a 单位 line gives, each with the words it applies to.

    >>> parse_unit_line("单位：万户")
    (UnitSpec(unit='万户', scope=''),)
    >>> [(u.scope, u.unit) for u in parse_unit_line("单位：年末到达为亿户，全年净增为万户")]
    [('年末到达', '亿户'), ('全年净增', '万户')]
    >>> [(u.scope, u.unit) for u in parse_unit_line("单位：出货量为万部、亿部，上市新机型为款")]
    [('出货量', '万部'), ('出货量', '亿部'), ('上市新机型', '款')]
    >>> [u.unit for u in parse_unit_line("计量单位：亿元，万户")], parse_unit_line("单位：中国信通院")
    (['亿元', '万户'], ())
    >>> [u.unit for u in parse_unit_line("单位：部/百人")], [u.unit for u in parse_unit_line("单位：万户/%")]
    (['部/百人'], ['万户', '%'])
    """
    m = UNIT_LINE.match(to_halfwidth(text).strip().replace("：", ":"))
    if not m:
        return ()
    out: list[UnitSpec] = []
    for part in re.split(r"[,，;；]", m.group("units")):
        scope, _, units = part.rpartition("为") if "为" in part else ("", "", part)
        whole = units.strip()
        for u in [whole] if resolve_unit(whole) is not None else re.split(r"[、/]|和(?=\S)", units):
            u = u.strip()
            if u and (u == "%" or resolve_unit(u) is not None):
                out.append(UnitSpec(u, scope.strip()))
    return tuple(out)


def title_indicator(title: str, ref: Period | None) -> tuple[Indicator | None, Period | None]:
    """The indicator and period a table title names (表1 and framing words removed).

    >>> ind, p = title_indicator("表1 2021年1-10月份分地区移动互联网接入流量", None); ind.name, p.period
    ('移动互联网接入流量', '2021-01..2021-10')
    >>> title_indicator("表1 2019年城市数字经济竞争力指数排名（前十五位）", None)[0].name
    '城市数字经济竞争力指数'
    >>> title_indicator("表1 2022年国内手机市场主要指标", None)[0] is None
    True
    >>> title_indicator("表3 2024年10月各市州固定宽带接入用户（万户）", None)[0].name
    '互联网宽带接入用户'
    >>> ind, p = title_indicator("表2 2019-2023年全省移动电话用户", None); ind.name, p
    ('移动电话用户', None)
    """
    s = to_halfwidth(title).strip()
    m = TITLE_LINE.match(s)
    if m:
        s = m.group("rest")
    s = CONTINUED.sub("", s)
    s = YEAR_SPAN.sub("", s)  # 2019-2023年: a series, no one period
    found = [(a, b, p) for a, b, p in find_periods(s, ref)]
    period = found[0][2] if found else None
    for a, b, _ in reversed(found):
        s = s[:a] + s[b:]
    s = re.sub(r"[（(][^）)]*[）)]", "", s)
    s = TITLE_SCOPE.sub("", s)
    for word in TITLE_NOISE:
        s = s.replace(word, "")
    s = re.sub(r"^(?:年|月|底|末|份|及|和|、)+", "", s.strip(" ：:，,"))
    return _phrase_indicator(s), period


def read_caption(above: list[str], below: list[str], ref: Period | None) -> Caption:
    """The title and unit line among the short lines printed right above (or below) a table.

    >>> c = read_caption(["表1 2021年1-3月电信业务收入构成", "单位：亿元"], ["注：新兴业务包括IPTV等。"], None)
    >>> c.indicator.name, c.period.period, c.units
    ('电信业务收入', '2021-01..2021-03', (UnitSpec(unit='亿元', scope=''),))
    """
    title, continued = "", False
    units: tuple[UnitSpec, ...] = ()
    for text in reversed(above[-SETTINGS.caption_paragraphs :]):
        line = text.strip()
        if len(line) > SETTINGS.max_caption_chars:
            break
        if not units and parse_unit_line(line):
            units = parse_unit_line(line)
        elif TITLE_LINE.match(to_halfwidth(line)):
            title, continued = line, bool(CONTINUED.search(line))
            break
        else:
            # a title printed with its unit: 「表1 …（单位：万户）」 is handled above; anything else ends it
            break
    if not units:
        for text in below[: SETTINGS.below_paragraphs]:
            if parse_unit_line(text.strip()):
                units = parse_unit_line(text.strip())
                break
    if title and not units:
        inner = re.search(r"[（(]\s*(?:计量)?单位\s*[:：][^）)]*[）)]|(?:计量)?单位\s*[:：].*$", title)
        if inner:
            units = parse_unit_line(inner.group(0))
            title = title[: inner.start()].strip()
    if title and not units:
        tail = re.search(r"[（(]([^（）()]{1,8})[）)]\s*$", to_halfwidth(title))
        if tail and _is_unit(tail.group(1)):
            units = (UnitSpec(tail.group(1).strip()),)
    indicator, period = title_indicator(title, ref) if title else (None, None)
    return Caption(title=title, units=units, indicator=indicator, period=period, continued=continued)


# --- 2. header --------------------------------------------------------------------------------------


def split_header(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The header (several header rows joined column by column) and the body.

    A cell of an upper header row over two columns (empty on its right, with words below
    both) is carried into the column on its right.

    >>> split_header([["指标名称", "单位", "2024年1-10月", ""], ["", "", "本月底到达", "同比增长（%）"],
    ...               ["电信业务收入", "亿元", "325.8", "2.1"]])[0]
    ['指标名称', '单位', '2024年1-10月 本月底到达', '2024年1-10月 同比增长（%）']
    """
    n = 1 if rows and looks_like_header(rows[0]) else 0
    while n and n < min(len(rows), SETTINGS.max_header_rows) and _is_header_continued(rows[n]):
        n += 1
    if n == 0:
        return [], rows
    width = max(len(r) for r in rows)
    head = [r + [""] * (width - len(r)) for r in rows[:n]]
    for k in range(n - 1):
        upper, lower = head[k], head[k + 1]
        for j in range(1, width):
            if not upper[j].strip() and upper[j - 1].strip() and lower[j].strip() and lower[j - 1].strip():
                upper[j] = upper[j - 1]
    header = [" ".join(h[j].strip() for h in head if h[j].strip()) for j in range(width)]
    return header, rows[n:]


def _is_header_continued(row: list[str]) -> bool:
    """A second header row: words only, under the first header row's merged cells (its first cell empty)."""
    return (
        bool(row)
        and not row[0].strip()
        and any(c.strip() for c in row)
        and not any(_is_number_like(c) for c in row)
    )


def realign(header: list[str], body: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Merged header cells put right: a label over columns without data moves to the unlabelled data
    column beside it; columns empty in the header and every row are dropped.

    >>> realign(["模块", "检测项", "", "存在安全风险的互联网电视 所占比例", ""], [["硬件", "固件安全", "20%", "", ""]])
    (['模块', '检测项', '存在安全风险的互联网电视 所占比例'], [['硬件', '固件安全', '20%']])
    """
    width = max([len(header)] + [len(r) for r in body])
    header = header + [""] * (width - len(header))
    body = [r + [""] * (width - len(r)) for r in body]
    filled = [any(r[j].strip() for r in body) for j in range(width)]
    header = list(header)
    for j in range(width):
        if header[j].strip() and not filled[j]:
            for k in (j - 1, j + 1):
                if 0 <= k < width and filled[k] and not header[k].strip():
                    header[k], header[j] = header[j], ""
                    break
    keep = [j for j in range(width) if header[j].strip() or filled[j]]
    return [header[j] for j in keep], [[r[j] for j in keep] for r in body]


def looks_like_header(row: list[str]) -> bool:
    """A header row is mostly words, not numbers.

    >>> looks_like_header(["排名", "网站名称", "访问量（亿次）"]), looks_like_header(["20", "PPS", "58.4", "-"])
    (True, False)
    """
    filled = [c for c in row if c.strip()]
    if not filled:
        return False
    numeric = sum(1 for c in filled if _is_number_like(c))
    return numeric <= len(filled) / 3


def is_continuation(table: Table, header: list[str]) -> bool:
    """A headerless table (first row is data) as wide as the table before it.

    >>> is_continuation(Table(rows=[["20", "PPS", "www.pps.com", "58.4", "-"]], page=5), ["排名", "名", "址", "量", "变"])
    True
    """
    if not table.rows:
        return False
    first = table.rows[0]
    if _squash_row(first) == _squash_row(header):
        return False
    return not looks_like_header(first) and abs(len(first) - len(header)) <= 1


def _squash_row(row: list[str]) -> list[str]:
    return [to_halfwidth(c).replace(" ", "") for c in row]


def _is_number_like(cell: str) -> bool:
    """A number, with at most a unit of its own (2323.8万部, 43款, 20%), or a missing mark.

    >>> [_is_number_like(c) for c in ("2323.8万部", "-34.1", "20%", "—", "2015年末", "2024年1-10月", "4G用户")]
    [True, True, True, True, False, False, False]
    """
    c = FOOTNOTE_MARK.sub("", to_halfwidth(cell).strip()).replace(",", "")
    if re.fullmatch(r"[-—–…/]+|\.{3}", c):
        return True
    m = re.fullmatch(r"[↑↓+\-−]?\d+(?:\.\d+)?\s*(\S{0,4})", c)
    return m is not None and (not m.group(1) or _is_unit(m.group(1)))


def _is_missing(cell: str) -> bool:
    return to_halfwidth(cell).strip() in MISSING_MARKS


# --- 3. column roles -------------------------------------------------------------------------------


def classify_columns(
    header: list[str], ref: Period | None = None, body: list[list[str]] | None = None
) -> list[Column]:
    """The role of each column from its header text (and, given the body, its cells).

    >>> [c.role for c in classify_columns(["排名", "网站名称", "网址", "访问量（亿次）", "排名较上月变化"])]
    ['rank_key', 'name', 'address', 'value', 'measure']
    >>> [(c.role, c.measure) for c in classify_columns(["省份", "用云量 规模排名", "省份", "用云量 增速排名"])]
    [('region', 'value'), ('measure', 'rank'), ('region', 'value'), ('measure', 'rank')]
    >>> [(c.role, c.measure) for c in classify_columns(["企业", "移动用户", "移动用户当月净增"])]
    [('operator', 'value'), ('value', 'value'), ('measure', 'change')]
    """
    body = body or []
    cols: list[Column] = []
    for i, raw in enumerate(header):
        h = to_halfwidth(raw).strip()
        squashed = h.replace(" ", "")
        col = Column(index=i, header=h, role="value")
        unit_match = _UNIT_IN_PARENS.search(squashed)
        bare = _UNIT_IN_PARENS.sub("", squashed) if unit_match and _is_unit(unit_match.group(1)) else squashed
        role = next((r.result for r in HEADER_ROLES if r.matches(squashed)), None)
        no_n = _NO_N.match(squashed)
        cells = [row[i] for row in body if i < len(row)]
        if no_n:
            col.role, col.position = "no_n", int(no_n.group(1) or _cn_digit(no_n.group(2)))
        elif squashed in ("单位", "计量单位") and (not cells or _mostly_units(cells)):
            col.role = "unit"
        elif role == "category" and (unit_match or len(squashed) > 6):
            role = None
        if col.role == "value" and role is not None and not no_n:
            col.role = role
        elif col.role == "value" and not no_n and squashed in ROW_NUMBER_HEADERS:
            col.role = "skip"  # 序号 numbers the rows; it ranks nothing
        elif (
            col.role == "value"
            and not no_n
            and squashed in ("", "排名", "名次", "位次")
            and (i == 0 or _next_is_key(header, i))
        ):
            col.role = "label" if not squashed and cells and _is_label(cells) else "rank_key"
        elif col.role == "value" and not no_n and _header_place(squashed, col):
            pass  # a column per operator or per place (指标 | 中国移动 | 中国电信): values of the row's indicator
        elif col.role == "value" and not no_n:
            _classify_measure(col, bare, ref)
        if (
            col.role in ("value", "measure")
            and col.measure in ("value", "change")
            and cells
            and _is_label(cells)
        ):
            col.role = "label"
        if unit_match and _is_unit(unit_match.group(1)):
            col.unit = unit_match.group(1)
        cols.append(col)
    return cols


def _header_place(header: str, col: Column) -> bool:
    """A header that names an operator or a place: the column's values are theirs.

    >>> c = Column(0, "中国电信", "value"); _header_place("中国电信", c), c.operator
    (True, '中国电信')
    >>> c = Column(0, "河南省", "value"); _header_place("河南省", c), c.region.name
    (True, '河南省')
    """
    op = resolve_operator(header) if header else None
    if op is not None:
        col.operator = op.operator
        return True
    place = resolve_region(header).region if len(header) >= 2 and not find_periods(header) else None
    if place is not None and header not in TOTAL_REGIONS:
        col.region = place
        return True
    return False


def _classify_measure(col: Column, bare: str, ref: Period | None) -> None:
    measure = next((r.result for r in MEASURE_CUES if r.matches(bare)), "value")
    found = find_periods(bare, ref)
    if (
        measure != "value"
    ):  # 比上年同期增长, 较上年末净增: the base of a comparison is not the column's period
        found = [(a, b, p) for a, b, p in found if is_stated_period(bare, a, b)]
    col.period = found[0][2] if found and measure not in ("rank", "rank_change") else None
    col.base = bool(found) and measure == "value" and not is_stated_period(bare, found[0][0], found[0][1])
    if measure == "rank" or measure == "rank_change":
        col.role, col.measure = "measure", measure
        if measure == "rank":
            col.indicator = _indicator_of_rank(bare)
        return
    phrase = bare
    for a, b, _ in reversed(found):
        phrase = phrase[:a] + phrase[b:]
    phrase = _strip_cues(phrase, measure)
    col.phrase = phrase
    col.indicator = None if is_bare_head(phrase) else _phrase_indicator(phrase)
    if measure != "value":
        col.role, col.measure = "measure", measure


def is_bare_head(phrase: str) -> bool:
    """A header that says what is counted but not of what (用户数, 用户规模, 收入): the title says.

    >>> [is_bare_head(p) for p in ("用户数", "用户规模", "金额", "5G用户", "移动电话用户")]
    [True, True, True, False, False]
    """
    core = squash(phrase)
    for word in ("总数", "数量", "规模", "数"):
        if core.endswith(word) and len(core) > len(word):
            core = core[: -len(word)]
            break
    return core in BARE_HEADS


def _strip_cues(phrase: str, measure: str) -> str:
    """A header without its measure words: 「移动用户当月净增」 → 移动用户, 「网民使用率」 → 网民."""
    for rule in MEASURE_CUES:
        if rule.result == measure:
            phrase = re.sub(rule.pattern + r".*$", "", phrase)
    for word in HEADER_NOISE:
        phrase = phrase.replace(word, "")
    phrase = SUB_ROW.sub("", phrase)
    return phrase.strip(" /:：、")


def _next_is_key(header: list[str], i: int) -> bool:
    nxt = to_halfwidth(header[i + 1]).replace(" ", "") if i + 1 < len(header) else ""
    return any(r.matches(nxt) for r in HEADER_ROLES[:3])


def _is_label(cells: list[str]) -> bool:
    """Mostly words (a key column), not numbers."""
    filled = [c for c in cells if c.strip() and not _is_missing(c)]
    if not filled:
        return False
    words = sum(1 for c in filled if parse_quantity(FOOTNOTE_MARK.sub("", to_halfwidth(c).strip())) is None)
    return words >= SETTINGS.label_share * len(filled)


def _mostly_units(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return bool(filled) and sum(1 for c in filled if _is_unit(c)) >= 0.8 * len(filled)


def _is_unit(text: str) -> bool:
    t = to_halfwidth(text).strip()
    return t == "%" or resolve_unit(t) is not None


def _cn_digit(text: str) -> int:
    from ..normalize.numbers import parse_number

    value = parse_number(text)
    return int(value) if value is not None else 0


def _indicator_of_rank(header: str) -> Indicator | None:
    """用云量规模排名 → 用云量; 用云量增速排名 → 用云量增速."""
    core = re.sub("排名|位次|排位|名次|全国|全省", "", header)
    growth = any(w in core for w in ("增速", "增幅", "增长"))
    core = re.sub("规模|增速|增幅|增长", "", core)
    ind = _header_indicator(core)
    if ind is None:
        return None
    if growth:
        return resolve_indicator(ind.name + "增速")
    return ind


def _header_indicator(header: str) -> Indicator | None:
    if not header:
        return None
    direct = resolve_indicator(header)
    if direct:
        return direct
    found = find_indicators(header)
    return found[0][2] if found else None


def _phrase_indicator(phrase: str) -> Indicator | None:
    """The indicator a printed phrase names: the catalogue's, else the phrase itself when it ends in a
    head noun (用户, 收入, 基站, 指数 …), else one the catalogue finds inside it.

    >>> [_phrase_indicator(p).name for p in ("存在安全风险的互联网电视", "5G基站")]
    ['存在安全风险的互联网电视', '5G基站数']
    >>> _phrase_indicator("到达") is None
    True
    """
    phrase = GLOSS.sub("", phrase).strip()
    if len(phrase) < 2:
        return None
    found = resolve_indicator(phrase)
    if found is not None:
        return found
    name = printed_name(phrase)
    if len(name) >= 3 and guess_category(name)[0] != "其他" and resolve_indicator(name) is None:
        embedded = find_indicators(phrase)
        if embedded and embedded[0][1] - embedded[0][0] == len(squash(phrase)):
            return embedded[0][2]
        return open_indicator(phrase)
    return _header_indicator(phrase)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(text))


def _groups(cols: list[Column]) -> list[Group]:
    """Split columns into side-by-side groups, each with its own key columns."""
    groups: list[Group] = [Group()]
    for col in cols:
        if col.role in _KEY_ROLES:
            if groups[-1].values and col.role not in ("address", "unit"):
                groups.append(Group())
            elif (
                groups[-1].keys
                and col.role == "rank_key"
                and any(k.role == "rank_key" for k in groups[-1].keys)
            ):
                groups.append(Group())
            groups[-1].keys.append(col)
        elif col.role != "skip":
            groups[-1].values.append(col)
    return [g for g in groups if g.values or any(k.role == "rank_key" for k in g.keys)]


# --- 5. row keys ------------------------------------------------------------------------------------


def clean_label(label: str) -> tuple[str, str, bool]:
    """A row label without 其中：, its unit in parentheses and explanatory parentheses:
    (label, unit, is a sub-row).

    >>> clean_label("其中：5G终端用户（万户）"), clean_label("网络视频（含短视频）")
    (('5G终端用户', '万户', True), ('网络视频', '', False))
    >>> clean_label("电信业务总量（上年不变单价）"), clean_label("2.移动电话用户")
    (('电信业务总量', '', False), ('移动电话用户', '', False))
    """
    s = LEADING_NUMBER.sub("", to_halfwidth(label).strip())
    sub = bool(SUB_ROW.match(s))
    s = SUB_ROW.sub("", s).strip()
    unit = ""
    m = _UNIT_IN_PARENS.search(s)
    if m and s.endswith(m.group(0)) and _is_unit(m.group(1)):
        unit, s = m.group(1).strip(), s[: m.start()].strip()
    s = GLOSS.sub("", s)
    s = re.sub(r"[（(][^）)]*[）)]$", "", s).strip()
    return s, unit, sub


def compose(qualifier: str, parent: str) -> str:
    """The indicator a qualifier row names under a parent indicator: the qualifier, then the parent
    from the word they share on (or the whole parent).

    >>> compose("5G手机", "手机出货量"), compose("固定数据及互联网业务", "电信业务收入"), compose("即时通信", "用户规模")
    ('5G手机出货量', '固定数据及互联网业务收入', '即时通信用户规模')
    >>> compose("5G手机", "上市新机型")
    '5G手机上市新机型'
    """
    for k in range(len(qualifier), 1, -1):
        tail = qualifier[-k:]
        at = parent.find(tail)
        if at >= 0:
            return qualifier + parent[at + k :]
    return qualifier + parent


def row_indicator(label: str, parent: Indicator | None, table_phrase: str) -> tuple[Indicator | None, bool]:
    """The indicator a row of an indicator table names, and whether it heads the rows below it.

    >>> [row_indicator(l, None, "")[0].name for l in ("电话用户合计", "其中：4G用户", "全省电话用户")]
    ['电话用户', '4G用户', '电话用户']
    >>> out = row_indicator("其中：5G手机", open_indicator("手机出货量"), ""); out[0].name, out[1]
    ('5G手机出货量', False)
    >>> row_indicator("网民整体", None, "用户规模")[0].name
    '网民规模'
    """
    name, _unit, sub = clean_label(label)
    total = next((w for w in TOTAL_WORDS if name.endswith(w) and len(name) > len(w)), "")
    if total:
        name = name[: -len(total)]
    ind = _phrase_indicator(name)
    if ind is not None and (ind.catalogued or guess_category(ind.name)[0] != "其他"):
        return ind, not sub
    base = parent.name if parent is not None else table_phrase
    if not base:
        return None, False
    return open_indicator(compose(printed_name(name), base)), False


def _row_key(group: Group, row: list[str], ctx: DocContext, parent_regions: Region | None) -> RowKey | None:
    region: Region | None = None
    names: list[str] = []
    operator, unit = "", ""
    flags: tuple[str, ...] = ()
    period: Period | None = None
    for col in group.keys:
        cell = to_halfwidth(row[col.index]).strip() if col.index < len(row) else ""
        if col.role == "region":
            cell = region_cell(cell)
            if not cell:
                return None
            region = _total_region(cell, ctx, parent_regions)
            if region is None:
                match = resolve_region(cell, province=ctx.province.name if ctx.province else None)
                if match.region is None:
                    return None
                region, flags = match.region, tuple(f for f in match.flags if f == "ambiguous_region")
        elif col.role == "operator":
            if cell in TOTAL_REGIONS or cell in TOTAL_WORDS:
                continue  # 合计 of the operators: no operator
            op = resolve_operator(cell)
            if op is None:
                return None
            operator = op.operator
        elif col.role == "period_key":
            period = row_period(cell, ctx.period)
            if period is None:
                return None
        elif col.role == "unit":
            unit = cell if _is_unit(cell) else ""
        elif col.role in ("name", "address", "category", "label") and cell:
            names.append(cell)
    subject = " ".join(names)
    if any(subject.replace(" ", "").endswith(w) or subject.startswith(w) for w in TOTAL_WORDS):
        subject = ""
    if subject in ("全国",):
        region, subject = resolve_region("全国").region, ""
    return RowKey(region=region, subject=subject, operator=operator, unit=unit, flags=flags, period=period)


def row_period(cell: str, ref: Period | None) -> Period | None:
    """The period a row of a time series is about: 2021, 2021年, 2022年6月, 2023年末.

    >>> [row_period(c, None).period for c in ("2021", "2022年6月", "2023年末")], row_period("合计", None)
    (['2021', '2022-06', '2023-12'], None)
    """
    text = to_halfwidth(cell).strip()
    if re.fullmatch(r"(?:19|20)\d\d", text):
        text += "年"
    found = find_periods(text, ref)
    return found[0][2] if found else None


def region_cell(cell: str) -> str:
    """A place name as a yearbook prints it: spaced out to the column's width (北  京), indented
    under 其中, with a footnote mark.

    >>> [region_cell(c) for c in ("北  京", "其中：郑州市", "深圳市*", "东部地区")]
    ['北京', '郑州市', '深圳市', '东部地区']
    """
    cell = SUB_ROW.sub("", FOOTNOTE_MARK.sub("", cell.strip())).strip()
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", cell)


def _total_region(cell: str, ctx: DocContext, parent: Region | None) -> Region | None:
    """合计/全省/全省合计 in a region column: the region the table is about."""
    total = next((w for w in TOTAL_WORDS if cell.endswith(w) and len(cell) > len(w)), "")
    if total and cell[: -len(total)] in TOTAL_REGIONS:
        cell = cell[: -len(total)]
    if cell not in TOTAL_REGIONS:
        return None
    if cell == "全国":
        return resolve_region("全国").region
    match = resolve_region(cell, province=ctx.province.name if ctx.province else None)
    if match.region is not None and cell != "合计" and cell != "总计":
        return match.region
    return parent or ctx.home


def _parent_of(cells: list[str], ctx: DocContext) -> Region | None:
    """The one province all the listed places belong to (a table of cities), else None."""
    from ..normalize.regions import region_by_code

    parents = set()
    for cell in cells:
        cell = to_halfwidth(cell).strip()
        if not cell or cell in TOTAL_REGIONS:
            continue
        match = resolve_region(cell, province=ctx.province.name if ctx.province else None)
        if match.region is None:
            continue
        if match.region.level == "province":
            return None
        parents.add(match.region.code[:2] + "0000")
    if len(parents) != 1:
        return None
    return region_by_code(parents.pop())


def _subject_columns(group: Group, body: list[list[str]]) -> None:
    """A label column with merged cells (filled once for several rows) groups rows; it is not the subject."""
    labels = [k for k in group.keys if k.role in ("name", "category", "label")]
    if len(labels) < 2:
        return
    for col in labels:
        cells = [r[col.index] if col.index < len(r) else "" for r in body]
        empty = sum(1 for c in cells if not c.strip())
        if cells and empty >= SETTINGS.merged_share * len(cells):
            col.role = "skip"
    group.keys = [k for k in group.keys if k.role != "skip"]


# --- 6. cells → facts ------------------------------------------------------------------------------


def _base_unit(unit: str) -> str:
    if unit == "%":
        return "%"
    found = resolve_unit(unit)
    return found.unit if found is not None else ""


def choose_unit(
    specs: tuple[UnitSpec, ...], scope_words: list[str], indicator: Indicator | None, percent: bool | None
) -> str:
    """The unit a cell without its own unit takes from the unit line.

    >>> specs = parse_unit_line("单位：年末到达为亿户，全年净增为万户")
    >>> choose_unit(specs, ["2020年末到达"], None, False), choose_unit(specs, ["全年净增"], None, False)
    ('亿户', '万户')
    >>> specs = parse_unit_line("单位：亿元，万户")
    >>> choose_unit(specs, ["1-9月"], resolve_indicator("移动电话用户"), False)
    '万户'
    >>> choose_unit(parse_unit_line("单位：亿，%"), [], None, False), choose_unit(parse_unit_line("单位：亿，%"), [], None, True)
    ('亿', '%')
    """
    if not specs:
        return ""
    words = "".join(squash(w) for w in scope_words)
    scoped = [s for s in specs if s.scope and squash(s.scope) in words]
    pool = scoped or [s for s in specs if not s.scope]
    if percent is not None:
        pool = [s for s in pool if (s.unit == "%") == percent]
    if len(pool) > 1 and indicator is not None:
        base = indicator.unit or CATEGORY_BASE.get(indicator.category, "")
        fits = [s for s in pool if _base_unit(s.unit) == base]
        pool = fits or pool
    units = {s.unit for s in pool}
    return pool[0].unit if len(units) == 1 else ""


@dataclass
class TableInput:
    """One table ready for its facts: header, body and what the text around it says."""

    header: list[str]
    body: list[list[str]]
    table: Table
    caption: Caption
    context_indicator: Indicator | None = None
    context_near: bool = False
    text_period: Period | None = None
    ranking_hint: str | None = None


def extract_tables(doc: Document, ctx: DocContext) -> list[Fact]:
    """Facts from every table of a document.

    A table without a period in its header or title takes the period last stated in the text
    above it (running across pages), else the document's period.
    """
    out: list[Fact] = []
    header: list[str] | None = None
    caption = Caption()
    text_before = ""
    running: Period | None = None
    edition = edition_year([doc.title, *(line for page in doc.pages for line in page.furniture)])
    rankings: dict[str, set[tuple[str, float]]] = {}  # indicator → (region, rank) pairs printed so far
    for page in doc.pages:
        items = _reading_order(page)
        for pos, item in enumerate(items):
            if not isinstance(item, Table):
                if is_section_heading(item.text) or getattr(item, "heading", False):
                    running = _last_period(item.text, ctx.period)  # a new section states its own period
                elif not NOTE_LINE.match(item.text.strip()) and not _is_caption_line(item.text):
                    running = _last_period(item.text, ctx.period) or running
                continue
            table = item
            above, below = _around(items, pos)
            text_before = "\n".join(above[-3:]) or text_before
            rows, inside_above, inside_below = trim_caption_rows(table.rows)
            new_caption = read_caption(above + inside_above, inside_below + below, ctx.period)
            if header is not None and is_continuation(table, header):
                body = rows
            else:
                if not rows or not looks_like_header(rows[0]):
                    header = None
                    continue
                new_header, body = split_header(rows)
                new_header, body = realign(new_header, body)
                same = header is not None and _squash_row(new_header) == _squash_row(header)
                if not (new_caption.continued or (same and not new_caption.title)):
                    caption = new_caption
                header = new_header
            if header is not None and body and len(body[0]) != len(header):
                _, body = realign(header, body) if len(body[0]) > len(header) else (header, body)
            context, near = _context_indicator(text_before)
            hint = same_ranking(_rank_pairs(header, body, ctx), rankings)
            dated = caption.period or running or edition
            data = TableInput(header, body, table, caption, context, near, dated, hint)
            facts = table_facts(data, ctx)
            for f in facts:
                if f.measure == "rank" and not f.subject:
                    rankings.setdefault(f.indicator, set()).add((f.region, f.value))
            out.extend(facts)
    return out


def edition_year(lines: list[str]) -> Period | None:
    """The year of a report's edition, printed after its name in the title or the running header:
    「OTT终端数据安全和个人信息保护研究报告（2022 年）」. It dates a table that states no period.

    >>> edition_year(["前言", "OTT 终端数据安全和个人信息保护研究报告（2022 年）", "4"]).period
    '2022'
    >>> edition_year(["河南省互联网发展状况（2020年8月）"]) is None
    True
    """
    for line in lines:
        m = EDITION.search(to_halfwidth(line))
        if m:
            return Period.year(int(m.group(1)))
    return None


def is_section_heading(text: str) -> bool:
    """A numbered section heading (一、 （二） 2. 第三章): the text under it states its own period.

    >>> [is_section_heading(t) for t in ("2.互联网电视行业发展趋势", "（一）移动电话用户稳中有增", "1-10月份，收入增长。")]
    [True, True, False]
    """
    t = to_halfwidth(text).strip()
    return (
        len(t) <= SETTINGS.max_caption_chars
        and bool(SECTION_HEADING.match(t))
        and not re.search(r"[。；]$", t)
    )


def trim_caption_rows(rows: list[list[str]]) -> tuple[list[list[str]], list[str], list[str]]:
    """A title, unit or note line drawn inside a table's frame (one cell filled, the rest empty) is
    not a row: (rows, lines above, lines below).

    >>> trim_caption_rows([["单位：万户", "", ""], ["地区", "用户", "同比"], ["郑州市", "1520.3", "3.1"],
    ...                    ["注：同比为与上年同期相比。", "", ""]])
    ([['地区', '用户', '同比'], ['郑州市', '1520.3', '3.1']], ['单位：万户'], ['注：同比为与上年同期相比。'])
    """
    above: list[str] = []
    below: list[str] = []
    while rows and _caption_row(rows[0]):
        above.append(_caption_row(rows[0]))
        rows = rows[1:]
    while rows and _caption_row(rows[-1]):
        below.insert(0, _caption_row(rows[-1]))
        rows = rows[:-1]
    return rows, above, below


def _caption_row(row: list[str]) -> str:
    filled = [c.strip() for c in row if c.strip()]
    if len(filled) != 1 or len(row) < 2:
        return ""
    t = to_halfwidth(filled[0])
    if parse_unit_line(t) or NOTE_LINE.match(t) or (TITLE_LINE.match(t) and not _is_number_like(t)):
        return filled[0]
    return ""


def _is_caption_line(text: str) -> bool:
    t = to_halfwidth(text).strip()
    return bool(
        UNIT_LINE.match(t.replace("：", ":"))
        or FIGURE_LINE.match(t)
        or (TITLE_LINE.match(t) and len(t) <= SETTINGS.max_caption_chars)
    )


def _around(items: list, pos: int) -> tuple[list[str], list[str]]:
    """The paragraphs right above a table (back to the previous table) and right below it."""
    above: list[str] = []
    for item in reversed(items[:pos]):
        if isinstance(item, Table):
            break
        above.insert(0, item.text)
    below: list[str] = []
    for item in items[pos + 1 :]:
        if isinstance(item, Table):
            break
        below.append(item.text)
    return above, below


def same_ranking(pairs: list[tuple[str, float]], rankings: dict[str, set[tuple[str, float]]]) -> str | None:
    """The indicator whose ranking, printed earlier, lists the same places in the same order.

    A table keyed by 排名 and 城市 but naming no indicator (each city's top industries) ranks its
    rows by something; an identical ranking elsewhere in the report says what.

    >>> same_ranking([("北京市", 1), ("上海市", 2), ("深圳市", 3)],
    ...              {"用云量": {("上海市", 1), ("北京市", 2)}, "AI指数": {("北京市", 1), ("上海市", 2), ("深圳市", 3)}})
    'AI指数'
    """
    if len(pairs) < 3:
        return None
    best, best_hits = None, 0
    for indicator, known in rankings.items():
        hits = sum(1 for p in pairs if p in known)
        if hits > best_hits:
            best, best_hits = indicator, hits
    return best if best_hits >= 0.8 * len(pairs) else None


def _rank_pairs(header: list[str], body: list[list[str]], ctx: DocContext) -> list[tuple[str, float]]:
    """(region, rank) of a table with a leading 排名 column and a region column, else []."""
    cols = classify_columns(header, ctx.period)
    rank = next((c for c in cols if c.role == "rank_key"), None)
    place = next((c for c in cols if c.role == "region"), None)
    if rank is None or place is None or any(c.indicator for c in cols):
        return []
    pairs = []
    for row in body:
        if max(rank.index, place.index) >= len(row):
            continue
        q = parse_quantity(to_halfwidth(row[rank.index]).strip() + "位")
        match = resolve_region(row[place.index].strip())
        if q is not None and match.region is not None:
            pairs.append((match.region.name, q.value))
    return pairs


def _reading_order(page) -> list:
    """Paragraphs and tables of a page, top to bottom."""

    def top(item) -> float:
        if isinstance(item, Table):
            return item.bbox[1] if item.bbox else 0.0
        box = item.lines[0].bbox if item.lines and item.lines[0].bbox else None
        return box[1] if box else 0.0

    items = list(page.paragraphs) + list(page.tables)
    if any(isinstance(i, Table) and i.bbox is None for i in items):
        ordered: list = []
        tables = sorted(page.tables, key=lambda t: t.position if t.position >= 0 else 10**6)
        for k, para in enumerate(page.paragraphs):
            ordered.extend(t for t in tables if t.position == k)
            ordered.append(para)
        ordered.extend(t for t in tables if t.position < 0 or t.position >= len(page.paragraphs))
        return ordered
    return sorted(items, key=top)


def _last_period(text: str, ref: Period | None) -> Period | None:
    """The last period a paragraph states (not 上月 / 较2020年3月 / a gloss)."""
    plain = GLOSS.sub("", to_halfwidth(text))
    found = [
        (a, p)
        for a, b, p in find_periods(plain, ref)
        if is_stated_period(plain, a, b) and plain[a:b].strip() != "全年"
    ]
    # a year glued to a title word: 「2020AI 指数地图」
    found += [
        (m.start(), Period.year(int(m.group(1))))
        for m in re.finditer(r"(?<![\d.])((?:19|20)\d\d)(?=[A-Za-z\u4e00-\u9fff])(?![年月日])", plain)
        if not any(a <= m.start() < a + 4 for a, _ in found)
    ]
    found.sort(key=lambda x: x[0])
    return found[-1][1] if found else None


def _context_indicator(text: str) -> tuple[Indicator | None, bool]:
    """The indicator the text above a table last names, and whether the lead-in right above names it.

    >>> ind, near = _context_indicator("完成互联网业务收入50.7亿元。具体收入构成如下：")
    >>> ind.name, near
    ('互联网业务收入', True)
    """
    found = find_indicators(text) if text else []
    if not found:
        return None, False
    last_paragraph_start = text.rfind("\n") + 1
    return found[-1][2], found[-1][0] >= last_paragraph_start


def _row_mode(group: Group, body: list[list[str]]) -> str:
    """indicator: the rows name indicators; qualifier: the rows qualify the table's indicator; subject.

    A label column under an unknown (or empty) header is an indicator column when most of its
    cells name indicators (电话用户合计, 其中：4G用户 …).
    """
    roles = {k.role for k in group.keys}
    if "indicator_key" in roles:
        return "indicator"
    if "qualifier_key" in roles:
        return "qualifier"
    labels = [k for k in group.keys if k.role == "label"]
    if len(labels) == 1 and len(group.keys) == 1:
        cells = [r[labels[0].index] for r in body if labels[0].index < len(r) and r[labels[0].index].strip()]
        named = sum(1 for c in cells if _names_indicator(c))
        if cells and named >= SETTINGS.label_share * len(cells):
            labels[0].role = "indicator_key"
            return "indicator"
    return "subject"


def _names_indicator(label: str) -> bool:
    """A row label that is an indicator name: in the catalogue, or ending in a head noun.

    >>> [_names_indicator(c) for c in ("其中：4G用户", "电话用户合计", "固件安全", "北京市")]
    [True, True, False, False]
    """
    name = clean_label(label)[0]
    total = next((w for w in TOTAL_WORDS if name.endswith(w) and len(name) > len(w)), "")
    name = name[: -len(total)] if total else name
    ind = _phrase_indicator(name)
    return ind is not None and (ind.catalogued or guess_category(ind.name)[0] != "其他")


def table_facts(data: TableInput, ctx: DocContext) -> list[Fact]:
    """The facts of one table, its header and body already split."""
    header, body, table, caption = data.header, data.body, data.table, data.caption
    context_indicator, near = data.context_indicator, data.context_near
    if caption.indicator is not None:
        context_indicator, near = caption.indicator, True
    if data.ranking_hint is not None:
        context_indicator, near = (
            resolve_indicator(data.ranking_hint) or open_indicator(data.ranking_hint),
            True,
        )
    flags_all: tuple[str, ...] = ("low_confidence",) if context_indicator is not None and not near else ()
    cols = classify_columns(header, ctx.period, body)
    groups = _groups(cols)
    out: list[Fact] = []
    for group in groups:
        _subject_columns(group, body)
        region_col = next((k for k in group.keys if k.role == "region"), None)
        parent_region = (
            _parent_of([r[region_col.index] for r in body if region_col.index < len(r)], ctx)
            if region_col
            else None
        )
        mode = _row_mode(group, body)
        label_col = next((k for k in group.keys if k.role in ("indicator_key", "qualifier_key")), None)
        table_phrase = _table_phrase(group, context_indicator)
        parent: Indicator | None = None
        for r, row in enumerate(body):
            row = row + [""] * (len(header) - len(row))
            key = _row_key(group, row, ctx, parent_region)
            if key is None:
                continue
            if mode != "subject" and label_col is not None:
                label = row[label_col.index]
                if not label.strip():
                    continue
                key.indicator, heads = row_indicator(
                    label, parent if mode == "indicator" else None, table_phrase
                )
                if heads:
                    parent = key.indicator
                key.unit = key.unit or clean_label(label)[1]
                key.subject = ""
                if key.indicator is None:
                    continue
            key.flags = (*key.flags, *flags_all)
            snippet = " ".join(c for c in row if c)
            bbox = _row_bbox(table, r, len(body))
            for col in group.values:
                out.extend(
                    _cell_facts(
                        col,
                        row,
                        group,
                        key,
                        ctx,
                        context_indicator,
                        caption,
                        data.text_period,
                        table.page,
                        snippet,
                        bbox,
                    )
                )
            if not group.values:
                out.extend(
                    _rank_only(
                        group,
                        row,
                        key,
                        ctx,
                        context_indicator,
                        caption,
                        data.text_period,
                        table.page,
                        snippet,
                        bbox,
                    )
                )
    return out


def _table_phrase(group: Group, context: Indicator | None) -> str:
    """What the value columns count, for qualifier rows: 用户规模, else the table's indicator."""
    value = _first_value(group)
    if value is not None and value.indicator is not None:
        return value.indicator.name
    if value is not None and value.phrase and guess_category(value.phrase)[0] != "其他":
        return value.phrase
    return context.name if context is not None else ""


def _rank_only(
    group: Group,
    row: list[str],
    key: RowKey,
    ctx: DocContext,
    indicator: Indicator | None,
    caption: Caption,
    text_period: Period | None,
    page: int,
    snippet: str,
    bbox,
) -> list[Fact]:
    """A ranking printed as 排名 | 城市 only: each place's rank in the table's indicator."""
    if indicator is None or key.region is None:
        return []
    period = caption.period or text_period or ctx.period
    f = _rank_key_fact(group, row, key, ctx, indicator, period, page, snippet, bbox, key.flags, operator="")
    return [f] if f else []


def _rank_key_fact(
    group: Group,
    row: list[str],
    key: RowKey,
    ctx: DocContext,
    indicator: Indicator,
    period: Period | None,
    page: int,
    snippet: str,
    bbox,
    flags: tuple[str, ...],
    operator: str,
) -> Fact | None:
    """The rank printed in the group's rank column for this row (排名 | 城市 | …), as a ``rank`` fact."""
    rank_key = next((k for k in group.keys if k.role == "rank_key"), None)
    if rank_key is None:
        return None
    rq = parse_quantity(to_halfwidth(row[rank_key.index]).strip() + "位")
    if rq is None:
        return None
    return make_fact(
        ctx,
        page=page,
        method="table",
        indicator=indicator,
        region=key.region,
        period=period,
        measure="rank",
        quantity=rq,
        snippet=snippet,
        subject=key.subject,
        flags=flags,
        bbox=bbox,
        operator=operator,
    )


def _cell_facts(
    col: Column,
    row: list[str],
    group: Group,
    key: RowKey,
    ctx: DocContext,
    context_indicator: Indicator | None,
    caption: Caption,
    text_period: Period | None,
    page: int,
    snippet: str,
    bbox,
) -> list[Fact]:
    cell = FOOTNOTE_MARK.sub("", to_halfwidth(row[col.index]).strip()) if col.index < len(row) else ""
    if not cell or (_is_missing(cell) and col.measure != "rank_change"):
        return []
    if col.operator or col.region:
        key = replace(key, operator=col.operator or key.operator, region=col.region or key.region)
    flags = key.flags
    indicator = key.indicator or col.indicator or _group_indicator(group, col)
    if indicator is None:
        indicator = context_indicator
    else:
        flags = tuple(f for f in flags if f != "low_confidence")  # the header names it: no guess
    if indicator is None:
        return []
    header_period = key.period or col.period or _left_period(group, col) or caption.period
    period = header_period or text_period or ctx.period
    extra = list(flags)
    if (
        header_period
        and text_period
        and header_period != text_period
        and header_period.period_type == text_period.period_type
        and caption.period is None
    ):
        extra.append("inconsistent")
    if col.role == "no_n":
        f = make_fact(
            ctx,
            page=page,
            method="table",
            indicator=indicator,
            region=key.region,
            period=period,
            measure="rank",
            quantity=Quantity(float(col.position), "位", str(col.position), ""),
            snippet=snippet,
            subject=row[col.index].strip(),
            flags=tuple(extra),
            bbox=bbox,
            operator=key.operator,
        )
        return [f] if f else []
    q = _cell_quantity(cell, col, key, indicator, caption)
    if q is None:
        return []
    if key.indicator is not None or key.period or col.period is not None or caption.period is not None:
        period = adjust_period(period, indicator, col.measure) or period
    facts: list[Fact] = []
    f = make_fact(
        ctx,
        page=page,
        method="table",
        indicator=indicator,
        region=key.region,
        period=period,
        measure=col.measure,
        quantity=q,
        snippet=snippet,
        subject=key.subject,
        flags=tuple(extra),
        bbox=bbox,
        operator=key.operator,
    )
    if f:
        facts.append(f)
    if col.role == "value" and col is _first_value(group):
        rf = _rank_key_fact(
            group, row, key, ctx, indicator, period, page, snippet, bbox, tuple(extra), operator=key.operator
        )
        if rf:
            facts.append(rf)
    return facts


def _cell_quantity(
    cell: str, col: Column, key: RowKey, indicator: Indicator, caption: Caption
) -> Quantity | None:
    """The quantity in a cell: its own unit, else the row's, the column's, the unit line's; else the
    number with the flag ``unit_assumed`` (never scaled by a guessed multiplier)."""
    if col.measure == "rank_change":
        return parse_rank_change(cell)
    if col.measure == "rank":
        return parse_quantity(cell if cell.endswith(("位", "名")) else cell + "位")
    percent = col.measure in ("yoy_pct", "mom_pct", "share_pct")
    own = parse_quantity(cell)
    if own is None:
        return None
    if own.raw_unit:
        return own
    if percent:
        return parse_quantity(cell + "%")
    rate = indicator.kind == "rate" or indicator.unit == "%"  # 普及率（%）: a value in per cent
    if col.unit == "%" and rate:
        return parse_quantity(cell + "%")
    unit = (
        key.unit
        or (col.unit if col.unit != "%" else "")
        or choose_unit(
            caption.units, [col.header, key.subject, indicator.name], indicator, None if rate else False
        )
    )
    if unit:
        return parse_quantity(cell + unit)
    return Quantity(own.value, indicator.unit, own.raw_value, "", (*own.flags, UNIT_ASSUMED))


def _first_value(group: Group) -> Column | None:
    return next((c for c in group.values if c.role == "value"), None)


def _left_period(group: Group, col: Column) -> Period | None:
    """A measure column (同比, 占比, 增减) takes the period of the value columns on its left, back to
    the previous measure column: the latest of them (2023年 | 2022年 | 增减 is the change in 2023),
    never a comparison base (上年同期)."""
    run: list[Period] = []
    for c in group.values:
        if c.index >= col.index:
            break
        if c.role != "value":
            run = []
        elif c.period and not c.base:
            run.append(c.period)
    if run:
        return max(run, key=lambda p: (p.end, p.end - p.start))
    value = _first_value(group)
    return value.period if value else None


def _group_indicator(group: Group, col: Column) -> Indicator | None:
    """同比/占比/排名变化 columns take the indicator of the group's value column."""
    if col.role == "measure" and col.measure == "rank" and col.indicator:
        return col.indicator
    value = _first_value(group)
    return value.indicator if value else None


def parse_rank_change(cell: str) -> Quantity | None:
    """↑1 → +1, ↓2 → −2, - → 0, +8 → 8, 新进 → None (a new entry has no previous rank).

    >>> [parse_rank_change(c).value for c in ("↑1", "↓2", "-", "+8", "0", "-1")]
    [1.0, -2.0, 0.0, 8.0, 0.0, -1.0]
    >>> parse_rank_change("新进") is None
    True
    """
    c = to_halfwidth(cell).strip()
    if c in ("-", "—", "–", "持平", "0"):
        return Quantity(0.0, "位", c, "")
    m = _RANK_CHANGE.match(c)
    if not m:
        return None
    sign = -1.0 if m.group(1) in ("↓", "-", "−", "－") else 1.0
    return Quantity(sign * float(m.group(2)), "位", c, "")


def _row_bbox(table: Table, r: int, n_body: int):
    if not table.row_boxes:
        return table.bbox
    offset = len(table.row_boxes) - n_body
    k = r + offset
    if 0 <= k < len(table.row_boxes):
        return table.row_boxes[k]
    return table.bbox


__all__ = ["SETTINGS", "TableSettings", "extract_tables"]
