"""What an extractor knows about the document as a whole, and how it builds a Fact.

The **document context** (:class:`DocContext`) is read once from the head of a report — its
title, running header, issuer line, date line, headings and first paragraphs — by
:func:`document_context`, in four steps:

1. **Head lines.** The title (read line by line when it is the first paragraph), page 1's running
   header, the printed lines of the first paragraphs, and the signature block (落款) on the last
   lines of the last page. A line is *title-like* when it is short and holds no sentence
   punctuation (。，；); the signature is never title-like.
2. **Reference date** (the date line, distinct from the data period): the first head line matching
   a ``date`` row of ``data/context_head_patterns.csv`` (「发布时间：2021-06-29」「银川新闻网
   2016年04月02日 12:00」「2020年12月」). A news dateline without a year (「5月16日讯」) takes the
   first such day after the end of the data period.
3. **Data period** (what the numbers are about): the first period of a title-like line; else the
   first period that opens a clause (「截至2022年末，」「去年我区…」) in the first paragraphs; else
   the first that names a report there (《2022年…蓝皮书》); else the month of the date line. Relative words
   are resolved against the date line (a 2016 news story's 去年 is 2015, a title's bare 12月 in a
   report dated January is last year's); date lines, issue numbers (2018年第6期) and 以来 are no
   periods; a day range of one Monday–Sunday week (2月5日—2月11日) is that week. A year-to-date
   run stands for the month it ends with, a year's end (截至2022年末) for the year.
4. **Home region** (what a statement without a place is about), from weighted evidence
   (:data:`SETTINGS`), each kind counted once per region: the region an issuer phrase names
   (辽宁省通信管理局, 来源：广东省…厅, 从…获悉, 据…消息) in the head, a region in a title-like line
   (not in a list, not inside the issuer's name), a region in the first paragraphs, and the scope
   words the report uses (全市, 我区, 自治区 …, and 自治区/省 opening an issuer's name): a candidate
   whose kind of unit they name gains ``weight_scope_fit`` in proportion to how often (a 银川
   newspaper's 我区/自治区 point to 宁夏; a 深圳 report's 全市 outweighs its 占全省的). A place
   known only from the body, or a province only implied by its city, needs that support.
   National bodies (工业和信息化部, 国家…, 中国信息通信研究院) and titles about 中国/我国/国内
   are evidence for 全国. A macro-region (东北地区) is a candidate only where the first title line
   that names a place names it. The home is the best candidate below 全国, or none.

The period carries the reference date (``ctx.period.asof``) so that :func:`find_periods` reads
目前, 本周 and 去年 as the writer meant them; :meth:`DocContext.reference_for` gives the same for a
heading's own period. :func:`is_national_paragraph` tells a paragraph about the nation from one
that compares the home region with it. :func:`make_fact` turns normalised keys into contract rows
so every extractor fills the columns the same way.
"""

from __future__ import annotations

import csv
import datetime
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from ..model import Document, Fact
from ..normalize.indicators import Indicator
from ..normalize.periods import Period, day_range_period, find_periods
from ..normalize.quantities import Quantity
from ..normalize.regions import (
    HOME_LEVELS,
    MACRO_REGION,
    Region,
    find_regions,
    find_scope_words,
    home_scope,
    province_of,
    resolve_region,
    scope_words,
)
from ..paths import data_file

NATIONAL = "全国"

#: Explanatory parentheses: 「（指2019年度…）」「（详见图4.1）」 — their numbers and periods are not the text's own.
GLOSS = re.compile(r"[（(](?:指|含|注|即|详见|见)[^）)]*[）)]")
_RELATIVE_PERIOD = re.compile(r"上月|上个月|上年|去年|同期|上季|上期|年初")
_COMPARISON_BASE = re.compile(r"(较|比|相比|与|从)\s*$")


@dataclass(frozen=True)
class ContextSettings:
    """Every threshold of the context reader, in one place."""

    head_paragraphs: int = 4  # paragraphs of page 1 whose lines are head lines (title, issuer, date line)
    tail_paragraphs: int = 3  # last paragraphs of the last page read for a signature (落款: issuer and date)
    body_pages: int = 3  # pages read for the data period and region evidence
    body_paragraphs: int = 12  # paragraphs per page read for the data period and region evidence
    scope_paragraphs: int = 80  # paragraphs scanned for scope words (全市, 我区 …)
    title_line_max: int = 48  # a head line longer than this is prose, not a title
    weight_issuer: int = 3  # a region named by an issuer line in the head
    weight_body_issuer: int = 2  # … by an issuer phrase in the first paragraphs (据…消息, 从…获悉)
    weight_title: int = 3  # a region in a title-like line
    weight_macro_title: int = (
        4  # a macro-region the first place-naming title line is about (beats a national issuer)
    )
    weight_body: int = 1  # a region in the first paragraphs, not in a list
    weight_scope_fit: int = 4  # the scope words the report uses name the candidate's kind of unit


SETTINGS = ContextSettings()


def is_stated_period(text: str, start: int, end: int) -> bool:
    """Whether the period at ``text[start:end]`` is one the text states, rather than 上月/同期
    or the base of a comparison (较2020年3月).

    >>> t = "截至2020年6月，较2020年3月增长，与上月持平"
    >>> is_stated_period(t, 2, 9), is_stated_period(t, 11, 18), is_stated_period(t, 22, 24)
    (True, False, False)
    """
    return not _RELATIVE_PERIOD.search(text[start:end]) and not _COMPARISON_BASE.search(
        text[max(0, start - 3) : start]
    )


_NATION_OPENS = re.compile(r"\s*(?:[^，。；,;]{0,12}[，,])?\s*(?:全国|我国)(?!平均)")


def is_national_paragraph(text: str) -> bool:
    """In a report with a home region, whether a paragraph is about the whole country: it names 我国,
    or opens with 全国 (after a time adverbial). Elsewhere 全国 is a comparison (全国排第13位,
    均列全国第1位, 比全国高1.2个百分点) and the paragraph stays about the home region.

    >>> is_national_paragraph("截至5月底，全省移动电话基站达到30.16万个（全国排第13位）。")
    False
    >>> is_national_paragraph("1-5月，全国电信业务收入累计完成6000亿元，我省增速低于全国。")
    True
    >>> is_national_paragraph("截至2020年12月，我国网民规模为9.89亿")
    True
    """
    return "我国" in text or bool(_NATION_OPENS.match(text))


# ---------------------------------------------------------------- the context


@dataclass
class DocContext:
    """A document's context.

    ``province`` is the home region when it is below 全国 — a province, or a city, prefecture or
    county (the field keeps its old name: it is what :func:`find_regions` and
    :func:`resolve_region` take as their ``province`` argument, and they read any level).
    ``period`` is the data period; ``period.asof`` and ``reference_date`` the date line.
    """

    name: str
    period: Period | None
    province: Region | None
    reference_date: datetime.date | None = None
    issuer: str = ""
    evidence: tuple[str, ...] = field(default=(), repr=False)

    @property
    def home(self) -> Region | None:
        """The region a statement without one is about: the home region, else the nation."""
        return self.province or resolve_region(NATIONAL).region

    @property
    def home_province(self) -> Region | None:
        """The province of the home region (None for a national report)."""
        return province_of(self.province)

    def reference_for(self, stated: Period | None = None) -> Period | None:
        """What relative words (年末, 上月, 今年, 目前) are read against where a heading or an earlier
        sentence states its own period: that period, carrying the document's date line.

        >>> ctx = DocContext("x.pdf", Period.quarter(2021, 1).at(datetime.date(2021, 4, 21)), None)
        >>> ref = ctx.reference_for(Period.year(2020))  # under 「二、2020年全年情况」
        >>> ref.period, ref.asof, find_periods("年末", ref)[0][2].period
        ('2020', datetime.date(2021, 4, 21), '2020-12')
        >>> ctx.reference_for(None).period
        '2021Q1'
        """
        base = stated or self.period
        asof = self.reference_date or (self.period.asof if self.period is not None else None)
        return base.at(asof) if base is not None else None

    def scope_region(self, word: str) -> Region | None:
        """What a scope word (全市, 我区, 全州 …) stands for in this document.

        >>> ctx = DocContext("x.pdf", None, resolve_region("沈阳市").region)
        >>> ctx.scope_region("全市").name, ctx.scope_region("全省").name, ctx.scope_region("全州")
        ('沈阳市', '辽宁省', None)
        """
        return home_scope(word, self.province)


@dataclass(frozen=True)
class HeadRule:
    """A row of data/context_head_patterns.csv."""

    kind: str
    pattern: re.Pattern[str]
    example: str


@cache
def head_rules() -> tuple[HeadRule, ...]:
    """The head-reading rules, in file order.

    >>> sorted({r.kind for r in head_rules()})
    ['date', 'date_no_year', 'issuer', 'national', 'not_period']
    """
    with data_file("context_head_patterns.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    return tuple(HeadRule(r["kind"], re.compile(r["pattern"]), r["example"]) for r in rows)


def _rules(kind: str) -> Iterable[HeadRule]:
    return (r for r in head_rules() if r.kind == kind)


#: A head line with these is a printed line of prose, not a title, header, issuer or date line.
_SENTENCE_MARKS = "。，；,;"


@dataclass(frozen=True)
class HeadLine:
    text: str
    title_like: bool


def head_lines(doc: Document, settings: ContextSettings = SETTINGS) -> list[HeadLine]:
    """The title, page 1's running header, the printed lines of its first paragraphs, then the
    signature block (落款) that official releases close with: the issuer and the date, on the last
    lines of the last page (never title-like, so never a source of the data period)."""
    out: list[HeadLine] = []
    first = doc.pages[0] if doc.pages else None
    texts: list[str] = []
    squeezed = [re.sub(r"\s", "", p.text) for p in (first.paragraphs[:1] if first else [])]
    if (
        doc.title and re.sub(r"\s", "", doc.title) not in squeezed
    ):  # a title that is the first paragraph is read by line
        texts.append(doc.title)
    if first is not None:
        texts.extend(first.furniture)
        for para in first.paragraphs[: settings.head_paragraphs]:
            texts.extend(_printed_lines(para))
    seen = {re.sub(r"\s", "", t) for t in texts}
    for text in texts:
        text = text.strip()
        if text and not any(re.sub(r"\s", "", h.text) == re.sub(r"\s", "", text) for h in out):
            title_like = len(text) <= settings.title_line_max and not any(
                ch in text for ch in _SENTENCE_MARKS
            )
            out.append(HeadLine(text, title_like))
    if doc.pages and settings.tail_paragraphs:
        for para in doc.pages[-1].paragraphs[-settings.tail_paragraphs :]:
            for text in _printed_lines(para):
                if re.sub(r"\s", "", text) not in seen and len(text) <= settings.title_line_max:
                    out.append(HeadLine(text.strip(), False))
    return out


def _printed_lines(para) -> list[str]:
    return [ln.text for ln in para.lines if ln.text.strip()] or [para.text]


def body_texts(doc: Document, settings: ContextSettings = SETTINGS) -> list[str]:
    """The paragraphs read for the data period and the region evidence."""
    out: list[str] = []
    for page in doc.pages[: settings.body_pages]:
        out.extend(p.text for p in page.paragraphs[: settings.body_paragraphs])
    return out


# ---------------------------------------------------------------- the reference date


def _parse_date(text: str) -> datetime.date | None:
    """A printed date (2021-06-29, 2016年04月02日, 2020年12月 → its first day).

    >>> _parse_date("2016年04月02日"), _parse_date("2021-06-29 "), _parse_date("2020年12月")
    (datetime.date(2016, 4, 2), datetime.date(2021, 6, 29), datetime.date(2020, 12, 1))
    """
    nums = [int(n) for n in re.findall(r"\d+", text)]
    try:
        return datetime.date(nums[0], nums[1], nums[2] if len(nums) > 2 else 1)
    except (ValueError, IndexError):
        return None


def reference_date(lines: list[HeadLine]) -> tuple[datetime.date | None, tuple[int, int] | None]:
    """The date line: a full date, or a (month, day) printed without a year (「5月16日讯」).

    >>> reference_date([HeadLine("2021年1-5月辽宁通信业运行情况", True), HeadLine("发布时间：2021-06-29 09:49", True)])
    (datetime.date(2021, 6, 29), None)
    >>> reference_date([HeadLine("扬子晚报网5月16日讯（记者 马燕）", True)])
    (None, (5, 16))
    """
    no_year: tuple[int, int] | None = None
    for line in lines:
        for rule in _rules("date"):
            m = rule.pattern.search(line.text)
            if m:
                found = _parse_date(m["date"])
                if found:
                    return found, None
        for rule in _rules("date_no_year"):
            m = rule.pattern.search(line.text)
            if m and no_year is None:
                md = [int(n) for n in re.findall(r"\d+", m["md"])]
                no_year = (md[0], md[1])
    return None, no_year


def _date_after(md: tuple[int, int], period: Period) -> datetime.date | None:
    """The first (month, day) after the end of ``period``.

    >>> _date_after((5, 16), Period.month(2022, 12)), _date_after((10, 12), Period.month(2020, 8))
    (datetime.date(2023, 5, 16), datetime.date(2020, 10, 12))
    """
    for year in (period.end.year, period.end.year + 1):
        try:
            day = datetime.date(year, *md)
        except ValueError:
            continue
        if day > period.end:
            return day
    return None


# ---------------------------------------------------------------- the data period

_CLAUSE_OPENING = re.compile(r"(?:^|[，。；：:、,;\s（(])\s*(?:截至|截止到|截止|到|至|在|于|从)?\s*$")
_DAY_RANGE = re.compile(
    r"(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日\s*[—–\-~～至到]+\s*(?:(?P<m2>\d{1,2})月)?(?P<d2>\d{1,2})日"
)


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = "　" * (b - a)
    return "".join(chars)


def _without_non_periods(text: str) -> str:
    """Issue numbers (2018年第6期), 以来 and date lines blanked out, offsets kept."""
    spans = [m.span() for r in (*_rules("not_period"), *_rules("date")) for m in r.pattern.finditer(text)]
    return _blank(text, spans)


_YEAR_END = re.compile(r"(?:年末|年底|年度末)\s*$")


def _document_key(p: Period, printed: str = "") -> Period:
    """A year-to-date run (2021年1-5月) stands for the month it ends with, as a monthly report is keyed;
    a year's end (截至2022年末) for the year, as an annual report is.

    >>> _document_key(Period.ytd(2021, 5)).period, _document_key(Period.month(2022, 12), "截至2022年末").period
    ('2021-05', '2022')
    >>> _document_key(Period.month(2022, 12), "截至2022年12月底").period
    '2022-12'
    """
    if p.period_type == "month" and p.end.month == 12 and _YEAR_END.search(printed):
        return Period.year(p.end.year)
    return Period.month(p.end.year, p.end.month) if p.period_type in ("ytd", "range") else p


def _week_in(text: str) -> Period | None:
    """A printed day range that is one Monday–Sunday week, with the year printed in the same text."""
    m = _DAY_RANGE.search(text)
    year = re.search(r"(?<![0-9])((?:19|20)\d{2})\s*年", text)
    if not m or not year:
        return None
    m1 = int(m["m1"])
    return day_range_period(int(year[1]), m1, int(m["d1"]), int(m["m2"] or m1), int(m["d2"]))


def title_period(lines: list[HeadLine], ref: Period | None) -> Period | None:
    """The first period of a title-like head line (a week from a printed day range).

    >>> title_period([HeadLine("2021年前三季度沈阳市电信业运行情况", True)], None).period
    '2021-09'
    >>> title_period([HeadLine("网络安全信息与动态周报 2018年第6期（2月5日—2月11日）", True)], None).period
    '2018-W06'
    """
    for line in lines:
        if not line.title_like:
            continue
        week = _week_in(line.text)
        if week is not None:
            return week
        found = find_periods(_without_non_periods(line.text), ref)
        if found:
            start, end, period = found[0]
            return _document_key(period, line.text[start:end])
    return None


_NOT_DATA = re.compile(r"上月|上个月|上年|同期|上季|上期|年初|上周")


def _names_data(text: str, start: int, end: int) -> bool:
    """A period a report's data can be about: not a comparison base (较2020年3月, 同期, 上年); a news
    story's 去年 is its data year."""
    return not _NOT_DATA.search(text[start:end]) and not _COMPARISON_BASE.search(
        text[max(0, start - 3) : start]
    )


def body_period(texts: list[str], ref: Period | None) -> Period | None:
    """The first period that opens a clause in the first paragraphs; else the first that names a
    report (《2022年江苏信息通信业发展蓝皮书》) — a cited report is weaker evidence than a statement.

    >>> body_period(["5月16日，江苏省2023年世界电信和信息社会日纪念大会召开。截至2022年末，全省已建成5G基站"], None).period
    '2022'
    >>> ref = Period.month(2016, 4).at(datetime.date(2016, 4, 2))
    >>> body_period(["记者从自治区通信管理局获悉，去年我区基础电信业共完成电信业务总量123.4亿元"], ref).period
    '2015'
    >>> body_period(["据《2019年通信业统计公报》，截至2020年6月，全省5G基站"], None).period
    '2020-06'
    >>> body_period(["会上发布了《2022年江苏信息通信业发展蓝皮书》"], None).period
    '2022'
    """
    cited: Period | None = None
    for text in texts:
        clean = _without_non_periods(text)
        for start, end, p in find_periods(clean, ref):
            if not _names_data(clean, start, end):
                continue
            if _CLAUSE_OPENING.search(clean[:start]):
                return _document_key(p, clean[start:end])
            if cited is None and clean.rfind("《", 0, start) > clean.rfind("》", 0, start):
                cited = _document_key(p, clean[start:end])
    return cited


# ---------------------------------------------------------------- the home region


@dataclass
class _Evidence:
    """Evidence for the home region: for each region (and 全国) the weight of each kind of evidence
    (issuer and title in the head, body_issuer and body in the first paragraphs), each kind counted
    once however often it recurs."""

    kinds: dict[Region | None, dict[str, int]] = field(default_factory=dict)  # None is 全国
    units: Counter[str] = field(
        default_factory=Counter
    )  # scope-word units, by how often the report uses them
    notes: list[str] = field(default_factory=list)
    issuer: str = ""

    def add(self, region: Region | None, kind: str, weight: int, why: str) -> None:
        slot = self.kinds.setdefault(region, {})
        if kind == "body_issuer" and "issuer" in slot:
            return  # the head's issuer quoted again in the first paragraphs
        if weight > slot.get(kind, 0):
            slot[kind] = weight
            self.notes.append(f"{kind} {why}: {region.name if region else NATIONAL} +{weight}")

    def score(self, region: Region | None) -> int:
        return sum(self.kinds.get(region, {}).values())

    @property
    def national(self) -> int:
        return self.score(None)

    def named_in_head(self, region: Region) -> bool:
        return bool({"issuer", "title"} & set(self.kinds.get(region, {})))


def _in_list(text: str, start: int, end: int) -> bool:
    """A place in an enumeration (广东、北京、上海) is not the report's own."""
    return text[start - 1 : start] in ("、", "和", "及") or text[end : end + 1] == "、"


def _issuer_evidence(ev: _Evidence, who: str, weight: int, head: bool) -> None:
    kind = "issuer" if head else "body_issuer"
    if any(r.pattern.search(who) for r in _rules("national")):
        ev.add(None, kind, weight, who)
    elif found := [r for _s, _e, r in find_regions(who) if r.level in HOME_LEVELS]:
        ev.add(found[0], kind, weight, who)
    elif head and (
        unit := next((sw.unit for w, sw in scope_words().items() if who.startswith((w, sw.unit))), None)
    ):
        ev.units[unit] += 1  # 自治区通信管理局, 省工业和信息化厅 in the head: the report's own kind of unit
        ev.notes.append(f"issuer {who}: unit {unit}")
    else:
        return
    ev.issuer = ev.issuer or who


def _issuers(ev: _Evidence, text: str, weight: int, head: bool = True) -> list[tuple[int, int]]:
    """Read the issuer phrases of a text; their spans (whose places are no title evidence)."""
    spans: list[tuple[int, int]] = []
    for rule in _rules("issuer"):
        for m in rule.pattern.finditer(text):
            if not any(a <= m.start("who") < b for a, b in spans):
                _issuer_evidence(ev, m["who"], weight, head)
            spans.append(m.span("who"))
    return spans


_NATIONAL_TITLE = re.compile(r"中国|我国|国内|^全国")


def collect_evidence(
    lines: list[HeadLine], body: list[str], scope_texts: list[str], settings: ContextSettings = SETTINGS
) -> _Evidence:
    """Weighted evidence for the home region from the head lines, the first paragraphs and the scope words."""
    ev = _Evidence()
    named = False  # whether a title-like line has named a place yet
    for line in lines:
        spans = _issuers(ev, line.text, settings.weight_issuer)
        if not line.title_like:
            continue
        if any(r.pattern.search(line.text) for r in _rules("national")) or _NATIONAL_TITLE.search(line.text):
            ev.add(None, "title", settings.weight_title, line.text)
        for s, e, region in find_regions(line.text):
            if _in_list(line.text, s, e) or any(a <= s < b for a, b in spans):
                continue
            if region.level in HOME_LEVELS:
                ev.add(region, "title", settings.weight_title, line.text)
            elif region.level == MACRO_REGION and not named:  # 「2021年东北地区通信业发展情况」
                ev.add(region, "title", settings.weight_macro_title, line.text)
            named = True
    for text in body:
        spans = _issuers(ev, text, settings.weight_body_issuer, head=False)
        for s, e, region in find_regions(text):
            # 全国 in running text is a comparison; a place inside an issuer's name was read as the issuer
            if (
                region.level in HOME_LEVELS
                and not _in_list(text, s, e)
                and not any(a <= s < b for a, b in spans)
            ):
                ev.add(region, "body", settings.weight_body, "first paragraphs")
    for text in scope_texts:
        ev.units.update(sw.unit for _s, _e, sw in find_scope_words(text))
    return ev


def choose_home(ev: _Evidence, settings: ContextSettings = SETTINGS) -> Region | None:
    """The best candidate below 全国, or None when 全国 has as much evidence or nothing is named.

    A city's province joins the candidates; each candidate gains ``weight_scope_fit`` for every kind
    of unit the report's scope words name that fits it (全市 → a 市, 我区 → a 自治区 or a 区), in
    proportion to how often the report uses it against its most used one (a 深圳 report's 全市 outweighs
    its 占全省的). A place named only in the first paragraphs, or a province only implied by its
    city, needs that support.
    """
    scores = {region: ev.score(region) for region in ev.kinds if region is not None}  # incl. a macro-region
    for region in list(scores):
        province = province_of(region)
        if province is not None and province not in scores:
            scores[province] = 0
    best: tuple[float, int, Region] | None = None
    most = max(ev.units.values(), default=1)
    for order, (region, score) in enumerate(scores.items()):
        fit = sum(
            settings.weight_scope_fit * n / most for unit, n in ev.units.items() if region.name.endswith(unit)
        )
        if fit == 0 and not ev.named_in_head(region):
            continue
        if best is None or (score + fit, -order) > best[:2]:
            best = (score + fit, -order, region)
    if best is None or best[0] <= ev.national:
        return None
    return best[2]


# ---------------------------------------------------------------- putting it together


def document_context(doc: Document, settings: ContextSettings = SETTINGS) -> DocContext:
    """The document's data period, reference date and home region, read from its head."""
    lines = head_lines(doc, settings)
    body = body_texts(doc, settings)
    asof, no_year = reference_date(lines)
    probe = Period.month(asof.year, asof.month).at(asof) if asof else None
    period = title_period(lines, probe) or body_period(body, probe)
    if period is None and asof is not None:
        period = Period.month(asof.year, asof.month)
    if asof is None and no_year is not None and period is not None:
        asof = _date_after(no_year, period)
    if period is not None:
        period = period.at(asof)
    scope_texts = [p.text for page in doc.pages for p in page.paragraphs][: settings.scope_paragraphs]
    ev = collect_evidence(lines, body, scope_texts, settings)
    home = choose_home(ev, settings)
    return DocContext(
        name=doc.name,
        period=period,
        province=home,
        reference_date=asof,
        issuer=ev.issuer,
        evidence=tuple(ev.notes),
    )


#: Rates of change are flows even when their kind says rate: 增速 over a year is the year's.
_GROWTH_RATE = re.compile(r"(增速|增幅|增长率|增长速度)$")


def settle_period(
    period: Period, indicator: Indicator, measure: str, method: str, report: Period | None = None
) -> Period:
    """A stock stated in the running text of an annual report for its year is the stock at the end of
    that year (December); flows, changes (全年净增) and growth rates keep the year.

    >>> stock, flow = Indicator("移动电话用户", "用户", "户", "stock"), Indicator("电信业务收入", "收入", "亿元", "flow")
    >>> y = Period.year(2020)
    >>> settle_period(y, stock, "value", "prose", y).period, settle_period(y, stock, "change", "prose", y).period
    ('2020-12', '2020')
    >>> settle_period(y, flow, "value", "prose", y).period, settle_period(y, stock, "value", "table", y).period
    ('2020', '2020')
    >>> settle_period(y, stock, "value", "prose", Period.month(2021, 12)).period  # not an annual report
    '2020'
    """
    if (
        method == "prose"
        and period.period_type == "year"
        and report is not None
        and report == period
        and indicator.kind in ("stock", "rate")
        and measure != "change"
        and not _GROWTH_RATE.search(indicator.name)
    ):
        return Period.month(period.end.year, 12)
    return period


def make_fact(
    ctx: DocContext,
    *,
    page: int,
    method: str,
    indicator: Indicator,
    region: Region | None,
    period: Period | None,
    measure: str,
    quantity: Quantity,
    snippet: str,
    operator: str = "",
    subject: str = "",
    flags: tuple[str, ...] = (),
    bbox=None,
) -> Fact | None:
    """A contract row, or None when the number is not finite or a key is missing."""
    if quantity is None or not math.isfinite(quantity.value):
        return None
    period = period or ctx.period
    if period is None:
        return None
    period = settle_period(period, indicator, measure, method, ctx.period)
    region = region or ctx.home
    unit = quantity.unit
    value = quantity.value
    if measure in ("rank", "rank_change"):
        unit = "位"
    elif measure in ("yoy_pct", "mom_pct", "share_pct") and unit not in ("%", "pp"):
        unit = "%"
    fact = Fact(
        document=ctx.name,
        page=page,
        method=method,
        indicator=indicator.name,
        category=indicator.category,
        region=region.name if region else "",
        region_code=region.code if region else "",
        region_level=region.level if region else "",
        operator=operator,
        subject=subject,
        period=period.period,
        period_type=period.period_type,
        period_start=period.start.isoformat(),
        period_end=period.end.isoformat(),
        measure=measure,
        value=float(value),
        unit=unit,
        raw_value=quantity.raw_value,
        raw_unit=quantity.raw_unit,
        snippet=snippet,
        bbox=bbox,
    )
    if not indicator.catalogued:
        flags = (*flags, "uncatalogued_indicator")
    for flag in (*quantity.flags, *flags):
        fact.add_flag(flag)
    return fact
