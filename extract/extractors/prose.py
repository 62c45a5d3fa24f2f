"""Statistics stated in Chinese sentences → facts.

The grammar this follows, in the order a reader applies it:

* A paragraph is split into sentences (。！？；) and clauses (，：). The **indicator**
  and **period** last named carry across clauses and sentences of a paragraph; a
  section heading's indicator and period carry into the paragraphs below it.
  Region and operator carry only within a sentence.
* Each number with a unit is a candidate. Its **measure** comes from the words in
  front of it: 同比 → yoy_pct, 环比 → mom_pct, 占…的 → share_pct, 第N位 → rank,
  较上月…N位 → rank_change, 新增 / 较上月增加 / 提升N个百分点 → change, else value.
* Its **indicator** is the last one named before it in the clause, else one named
  right after it (「26826个IP地址所对应的主机被…控制」), else the context. Names
  inside 占…的 (the denominator) and comparisons with 全国 never become context.
* **Enumerations** with 分别 pair a list of items (indicators or operators) with a
  list of numbers of the same length, for each measure that follows.
* Not statistics: sentences about targets or forecasts (到2025年, 预计, 力争, 目标),
  comparisons with an average (比全国平均水平低…), figure and table captions,
  and numbers in explanatory parentheses (（指…）).
* Stocks (users, counts, rates) stated in a 1-N月 context are month-end values;
  flows (revenue, traffic, 新增) keep the year-to-date period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Document, Fact, Paragraph
from ..normalize.indicators import Indicator, find_indicators, resolve_indicator
from ..normalize.industries import find_industries
from ..normalize.numbers import to_halfwidth
from ..normalize.operators import find_operators, resolve_operator
from ..normalize.periods import Period, find_periods
from ..normalize.quantities import Quantity, find_quantities
from ..normalize.regions import Region, find_regions, resolve_region
from .context import GLOSS, DocContext, is_stated_period, make_fact

_SENTENCE_END = "。！？；;!?"
_CLAUSE_END = "，,：:"
_CAPTION = re.compile(r"^\s*[图表]\s*\d+([.．]\d+)*")
_TARGET = re.compile(r"预计|预测|力争|目标|计划|规划|将达|将会|将超|有望|以上的优势")
_BY_YEAR = re.compile(r"(?:到|至)\s*(20\d\d)\s*年")
_AVERAGE = re.compile(r"(?<![环同])(比|较|高于|低于)[^，。；]{0,8}平均")
_SHARE = re.compile(r"(?:约)?占(?:比|[^，。；%]{0,30}?的(?:比例|比重)?(?:分别)?(?:为|达)?)\s*$")
_NATIONAL_CMP = re.compile(r"(居|位居|位列|排名|排|占|约占)\s*全国|全国(平均|总量|感染总量)")
_RANK_FLAT = re.compile(r"[（(]?(与|较|和)上(月|期|年)(相比)?持平[）)]?")
_CHANGE_WORDS = ("新增", "净增", "较上", "比上", "相比上", "与上月相比", "较去年", "较20", "较 20", "比20", "较年初",
                 "提升", "提高", "增加", "减少", "下降", "增长")
_RATE_WORDS = ("使用率", "普及率", "渗透率", "占有率", "覆盖率", "利用率")
_NATIONAL_SUBJECT = re.compile(r"我国|全国(?!平均)")
_ENUM_SPLIT = re.compile(r"[、和及与]")


@dataclass
class Mention:
    start: int
    end: int
    kind: str  # indicator | region | operator | period | quantity
    obj: object


@dataclass
class State:
    indicator: Indicator | None = None
    period: Period | None = None
    heading_indicator: Indicator | None = None
    region: Region | None = None  # 我国 in an article about the nation


def extract_prose(doc: Document, ctx: DocContext) -> list[Fact]:
    """Facts from the paragraphs of a document."""
    out: list[Fact] = []
    section = State(period=ctx.period)
    for para in join_across_pages(doc):
        text = to_halfwidth(para.text)
        if para.heading or _CAPTION.match(text):
            _update_from_heading(text, section, ctx)
            continue
        out.extend(paragraph_facts(para, ctx, section))
    return out


def join_across_pages(doc: Document) -> list[Paragraph]:
    """Paragraphs in reading order, a sentence broken by a page break joined again."""
    out: list[Paragraph] = []
    for page in doc.pages:
        for i, para in enumerate(page.paragraphs):
            prev = out[-1] if out else None
            if (i == 0 and prev is not None and not prev.heading and not para.heading
                    and prev.text and prev.text[-1] not in "。！？!?" and prev.page < para.page):
                merged = Paragraph(text=prev.text + para.text, page=prev.page, lines=prev.lines + para.lines,
                                   continued=[*prev.continued, (len(prev.text), para.page)])
                out[-1] = merged
                continue
            out.append(para)
    return out


def _update_from_heading(text: str, section: State, ctx: DocContext) -> None:
    if _CAPTION.match(text):
        return
    found = find_indicators(text)
    section.heading_indicator = found[-1][2] if found else None
    periods = find_periods(text, ctx.period)
    if periods:
        section.period = periods[-1][2]
    elif re.match(r"^\s*[一二三四五六七八九十]+、", text):
        section.period = ctx.period
    if re.match(r"^\s*[一二三四五六七八九十]+、", text) or any(r.level == "province" for _a, _b, r in find_regions(text)):
        section.region = None


def is_target(sentence: str, period: Period | None) -> bool:
    """Targets and forecasts: 预计, 力争, 目标…, or 「到2025年」 beyond the report's own period.

    >>> from extract.normalize.periods import Period
    >>> is_target("到2022年，建设50个", Period.month(2020, 8)), is_target("2020年一季度到2021年一季度，增长57%", Period.year(2021))
    (True, False)
    """
    if _TARGET.search(sentence):
        return True
    limit = period.end.year if period else None
    return any(limit is None or int(m.group(1)) > limit for m in _BY_YEAR.finditer(sentence))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences.

    >>> t = "甲1万户，乙2万户；丙3万户。丁"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['甲1万户，乙2万户；', '丙3万户。', '丁']
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
    if _NATIONAL_SUBJECT.search(_NATIONAL_CMP.sub("", text)):
        section.region = resolve_region("全国").region
    state = State(indicator=None, period=section.period, heading_indicator=section.heading_indicator,
                  region=section.region)
    out: list[Fact] = []
    for s, e in split_sentences(text):
        sentence = text[s:e]
        glosses = [(m.start(), m.end()) for m in GLOSS.finditer(sentence)]
        periods = [p for a, b, p in find_periods(sentence, ctx.period)
                   if _sets_context(sentence, Mention(a, b, "period", p), glosses)]
        enum = _enumeration_facts(sentence, s, raw, para, ctx, state)
        consumed = {span for span, _ in enum}
        found = [f for _, f in enum] + _sentence_facts(sentence, s, raw, para, ctx, state, consumed)
        if not is_target(sentence, ctx.period):  # a target still sets the context, but states no fact
            out.extend(found)
        if periods:
            state.period = periods[-1]
    section.period = state.period
    return out


def _mentions(sentence: str, ctx: DocContext) -> list[Mention]:
    province = ctx.province.name if ctx.province else None
    ms: list[Mention] = []
    ms += [Mention(a, b, "quantity", q) for a, b, q in find_quantities(sentence)]
    ms += [Mention(a, b, "indicator", i) for a, b, i in find_indicators(sentence)]
    ms += [Mention(a, b, "region", r) for a, b, r in find_regions(sentence, province)]
    ms += [Mention(a, b, "operator", o) for a, b, o in find_operators(sentence)]
    ms += [Mention(a, b, "period", p) for a, b, p in find_periods(sentence, ctx.period)]
    ms += [Mention(a, b, "subject", name) for a, b, name in find_industries(sentence)]
    return _drop_overlaps(ms)


_PRIORITY = {"quantity": 0, "period": 1, "operator": 2, "indicator": 3, "region": 4, "subject": 5}


def _drop_overlaps(ms: list[Mention]) -> list[Mention]:
    """Quantities and periods win over names that overlap them (「5G基站」 is not the number 5);
    an operator wins over the province inside it (河南移动公司)."""
    keep: list[Mention] = []
    for m in sorted(ms, key=lambda m: (_PRIORITY[m.kind], m.start)):
        clash = next((k for k in keep if m.start < k.end and k.start < m.end), None)
        if clash is None:
            keep.append(m)
        elif m.kind == "indicator" and clash.kind in ("region", "operator"):
            keep.append(m)
        elif clash.kind == "indicator" and m.kind in ("region", "operator"):
            keep.append(m)
    return sorted(keep, key=lambda m: (m.start, _PRIORITY[m.kind]))


def _sets_context(sentence: str, m: Mention, glosses: list[tuple[int, int]]) -> bool:
    """Relative periods (上月, 同期), comparison bases (较2020年3月) and periods inside glosses
    (（指2019年度…）) set no context."""
    return (is_stated_period(sentence, m.start, m.end) and not _inside(m.start, glosses)
            and is_time_adverbial(sentence, m.start))


def is_time_adverbial(sentence: str, start: int) -> bool:
    """A period sets the context only where it opens a clause (「截至2020年6月，」「1-8月，」),
    not inside one (「成为上半年增长最快的应用」).

    >>> is_time_adverbial("截至 2020 年 6 月，我国", 3), is_time_adverbial("成为上半年增长最快", 2)
    (True, False)
    """
    cut = max((i for i in range(start) if sentence[i] in _CLAUSE_END + _SENTENCE_END), default=-1)
    lead = sentence[cut + 1:start].strip()
    return bool(re.fullmatch(r"(?:截至|截止|截止到|在|从|于|自|到|至|其中|同时|另外|此外|而)?\s*(?:[^\s，。；]{0,4}(?:在|于))?", lead))


def _blocked(sentence: str) -> list[tuple[int, int]]:
    """Spans whose names must not become context: 占…的 denominators, national comparisons, glosses."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"占[^，。；]{0,30}?的", sentence)]
    spans += [(m.start(), m.end()) for m in _NATIONAL_CMP.finditer(sentence)]
    spans += [(m.start(), m.end()) for m in GLOSS.finditer(sentence)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"全(省|国|市)(总流量|总量)", sentence)]
    # the object of a comparison is not the subject: 「深圳排名超过上海，位列第二」
    spans += [(m.start(), m.end()) for m in re.finditer(r"(超过|超越|赶超|高于|低于|领先于?|落后于?|不及)\s*\S{2,8}?(?=[，。；、,]|$)", sentence)]
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _sentence_facts(sentence: str, offset: int, raw: str, para: Paragraph, ctx: DocContext, state: State,
                    consumed: set[tuple[int, int]]) -> list[Fact]:
    mentions = _mentions(sentence, ctx)
    blocked = _blocked(sentence)
    glosses = [(m.start(), m.end()) for m in GLOSS.finditer(sentence)]
    region: Region | None = state.region
    operator = ""
    subject = ""
    out: list[Fact] = []
    clause_start = 0
    last_end = 0
    last_rank: Fact | None = None
    for k, m in enumerate(mentions):
        if any(ch in _CLAUSE_END for ch in sentence[last_end:m.start]):
            clause_start = max(i for i in range(last_end, m.start) if sentence[i] in _CLAUSE_END) + 1
        if m.kind == "period":
            if _sets_context(sentence, m, glosses):
                state.period = m.obj  # type: ignore[assignment]
        elif m.kind == "indicator" and not _inside(m.start, blocked):
            state.indicator = m.obj  # type: ignore[assignment]
        elif m.kind == "region" and not _inside(m.start, blocked):
            region = m.obj  # type: ignore[assignment]
        elif m.kind == "subject" and not _inside(m.start, blocked):
            subject = m.obj  # type: ignore[assignment]
        elif m.kind == "operator" and not _inside(m.start, blocked):
            op = m.obj
            operator = op.operator  # type: ignore[attr-defined]
            if op.region_hint:  # type: ignore[attr-defined]
                hinted = resolve_region(op.region_hint).region  # type: ignore[attr-defined]
                region = hinted or region
        elif m.kind == "quantity":
            if (offset + m.start, offset + m.end) in consumed or _inside(m.start, glosses):
                last_end = m.end
                continue
            lead = sentence[max(clause_start, last_end) if last_end > clause_start else clause_start:m.start]
            token = sentence[m.start:m.end]
            if _AVERAGE.search(sentence[clause_start:m.end]):
                last_end = m.end
                continue
            q: Quantity = m.obj  # type: ignore[assignment]
            measure = classify_measure(lead, token, q)
            if measure is None or _is_bound_or_base(sentence, m.start, m.end):
                last_end = m.end
                continue
            indicator = _indicator_for(mentions, k, state, sentence, clause_start, lead, q, measure)
            if indicator is None:
                last_end = m.end
                continue
            fact = _fact(ctx, para, raw, offset, sentence, clause_start, m, indicator, region, operator,
                         measure, q, state.period, subject)
            if fact:
                out.append(fact)
                if measure == "rank":
                    last_rank = fact
            last_end = m.end
    if last_rank is not None:
        flat = _RANK_FLAT.search(sentence)
        if flat and flat.start() >= 0:
            out.append(_rank_flat(last_rank, flat.group(0), ctx))
    return [f for f in out if f is not None]


def classify_measure(lead: str, token: str, q: Quantity) -> str | None:
    """The measure of a number from the words in front of it.

    >>> from extract.normalize.quantities import parse_quantity as p
    >>> classify_measure("，同比", "增长51%", p("增长51%")), classify_measure("，占全省流量的", "56.2%", p("56.2%"))
    ('yoy_pct', 'share_pct')
    >>> classify_measure("，居全国", "第4位", p("第4位")), classify_measure("，较上月", "下降了1位", p("下降了1位"))
    ('rank', 'rank_change')
    >>> classify_measure("全省互联网用户", "新增621.6万户", p("新增621.6万户")), classify_measure("总数达到", "6131万户", p("6131万户"))
    ('change', 'value')
    """
    words = lead + token
    if q.unit == "%" and re.search(r"(较|比|相比)\s*(20\d\d\s*年)?\s*\d{1,2}\s*月", lead) and "同比" not in words:
        return None  # growth against a stated month (较2020年3月增长4.8%): no standard base
    if q.unit == "%" and re.search(r"(较|比|相比)上(个)?月", lead) and "同比" not in words:
        return "mom_pct"
    if q.unit == "位":
        return "rank" if "第" in token or re.search(r"第\s*$", lead) else "rank_change"
    if "同比" in words:
        return "yoy_pct"
    if "环比" in words:
        return "mom_pct"
    if q.unit == "%" and _SHARE.search(lead.rstrip()):
        return "share_pct"
    if q.unit == "pp":
        return "change"
    if q.unit == "%":
        if re.search(r"(增长|增速|增幅|下降|降幅|提升)[了为达至]?\s*$", words) or re.match(r"^(增长|下降|增加|减少)", token):
            return "yoy_pct"
        return "value"
    if any(w in token for w in ("新增", "净增", "增加", "减少", "增长", "下降")) or any(w in lead for w in _CHANGE_WORDS[:9]):
        return "change"
    return "value"


def _indicator_for(mentions: list[Mention], k: int, state: State, sentence: str, clause_start: int, lead: str,
                   q: Quantity, measure: str) -> Indicator | None:
    here = mentions[k]
    named_in_lead = any(m.kind == "indicator" and clause_start <= m.start < here.start for m in mentions[:k])
    base = state.indicator
    if not named_in_lead:
        # 「我省有26826个IP地址所对应的主机被…控制」「超过500个…的工业互联网平台」: the name follows the number.
        for m in mentions[k + 1:]:
            if m.kind == "quantity" or any(ch in _CLAUSE_END for ch in sentence[here.end:m.start]):
                break
            if m.kind == "indicator":
                base = m.obj  # type: ignore[assignment]
                state.indicator = base
                break
        if _GENERIC_HEAD.search(lead) and base is state.indicator:
            # 「全国有线电视用户数为2.07亿」: a head word names something; complete it or skip it,
            # never hand the number to whatever indicator came before.
            composed = compose_indicator(lead, sentence[:clause_start])
            if composed is None:
                return None
            base = state.indicator = composed
    base = base or state.heading_indicator
    if base is None:
        return None
    if measure == "value" and q.unit == "%" and base.unit != "%":
        rate = next((w for w in _RATE_WORDS if w in lead), None)
        if rate:
            stem = re.sub(r"(数量|总量|数|总数|规模)$", "", base.name)
            return resolve_indicator(stem + rate)
        return None
    if measure in ("value", "change") and not _unit_fits(base, q):
        return None
    return base


_GENERIC_HEAD = re.compile(r"(?:总计|总|累计)?(用户规模|用户数|用户|访问人数|浏览量|注册用户)\s*(?:分别)?(?:达到|达|为|超过|超|突破|增至)?\s*$")
_UPPER_BOUND_BEFORE = re.compile(r"(不足|不到|低于|少于)\s*$")
_UPPER_BOUND_AFTER = re.compile(r"^\s*(以内|以下)")
_FROM_BASE = re.compile(r"从\s*(?:[^，。；]{0,12}?的)?\s*$")


def _is_bound_or_base(sentence: str, start: int, end: int) -> bool:
    """Upper bounds (不足70%, 30%以内) and the starting point of 「从X提升至Y」 are not current values.

    >>> s = "比例从 25% 提升至 98%，首次缩小到 30% 以内"
    >>> [_is_bound_or_base(s, a, b) for a, b in ((4, 7), (12, 15), (22, 25))]
    [True, False, True]
    """
    before = sentence[max(0, start - 16):start]
    return bool(_UPPER_BOUND_BEFORE.search(before) or _UPPER_BOUND_AFTER.match(sentence[end:end + 4])
                or _FROM_BASE.search(before))


def compose_indicator(lead: str, subject_text: str) -> Indicator | None:
    """A generic head (用户规模) completed by the activity named before it.

    >>> compose_indicator("用户规模达", "即时通信成为疫情期间发展最快的应用之一").name
    '即时通信用户规模'
    """
    head = _GENERIC_HEAD.search(lead)
    if head is None:
        return None
    word = head.group(1)
    text = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "|", subject_text)
    for chunk in reversed(text.split("|")):
        for size in range(min(10, len(chunk)), 1, -1):
            for i in range(0, len(chunk) - size + 1):
                found = resolve_indicator(chunk[i:i + size] + word)
                if found is not None:
                    return found
    return None


def _unit_fits(ind: Indicator, q: Quantity) -> bool:
    """
    >>> from extract.normalize.indicators import Indicator as I
    >>> from extract.normalize.quantities import parse_quantity as p
    >>> _unit_fits(I("互联网用户", "用户", "户", "stock"), p("8643.5万户")), _unit_fits(I("网民规模", "用户", "人", "stock"), p("15个"))
    (True, False)
    """
    if not q.unit or q.unit == ind.unit:
        return True
    people = {"户", "人"}
    if ind.unit in people and q.unit in people:
        return True
    if q.unit == "pp" and ind.unit == "%":
        return True
    return False


def _fact(ctx: DocContext, para: Paragraph, raw: str, offset: int, sentence: str, clause_start: int, m: Mention,
          indicator: Indicator, region: Region | None, operator: str, measure: str, q: Quantity,
          period: Period | None, subject: str = "") -> Fact | None:
    lead = sentence[clause_start:m.start]
    against = bool(re.search(r"(较|比|相比)\s*(20\d\d\s*年)?\s*\d{1,2}\s*月", lead))
    period = adjust_period(period or ctx.period, indicator, measure, against)
    if not q.unit and indicator.unit:
        q = Quantity(q.value, indicator.unit, q.raw_value, q.raw_unit, q.flags)
    start = offset + clause_start
    end = offset + m.end
    snippet = raw[start:end].strip(" ，,：:；;")
    flags = ("approximate",) if is_approximate(sentence, m.start, m.end) else ()
    return make_fact(ctx, page=para.page_at(offset + m.start), method="prose", indicator=indicator, region=region,
                     period=period, measure=measure, quantity=q, snippet=snippet, operator=operator, subject=subject,
                     flags=flags, bbox=_bbox(para, start, end))


_APPROX_BEFORE = re.compile(r"(超过|超|约|近|逾|将近|接近|不少于|多于|达到约|约占[^，。；]{0,20}的)\s*$")
_APPROX_AFTER = re.compile(r"^\s*(以上|左右|上下|余|多)")


def is_approximate(sentence: str, start: int, end: int) -> bool:
    """A bound or a rounded figure (超过6600万, 约2.1%, 500个以上): kept as printed, flagged.

    >>> s = "5G终端连接数已超过6600万，约占全国总量的2.1%，共有4508个"
    >>> is_approximate(s, 10, 16), is_approximate(s, 23, 27), is_approximate(s, 30, 35)
    (True, True, False)
    """
    return bool(_APPROX_BEFORE.search(sentence[max(0, start - 25):start]) or _APPROX_AFTER.match(sentence[end:end + 3]))


def adjust_period(period: Period | None, indicator: Indicator, measure: str,
                  against_point: bool = False) -> Period | None:
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
    if period.period_type == "range" and measure in ("value", "yoy_pct", "share_pct", "rank"):
        return Period.quarter(period.end.year, (period.end.month - 1) // 3 + 1) if period.end.month % 3 == 0 \
            else Period.month(period.end.year, period.end.month)
    if period.period_type not in ("ytd", "half", "quarter") or indicator.kind == "flow":
        return period
    if indicator.kind in ("stock", "rate") and (measure != "change" or against_point):
        return Period.month(period.end.year, period.end.month)
    return period


def _rank_flat(rank: Fact, text: str, ctx: DocContext) -> Fact:
    from dataclasses import replace

    return replace(rank, measure="rank_change", value=0.0, unit="位", raw_value=text, raw_unit="",
                   snippet=text.strip("（）()"))


def _bbox(para: Paragraph, start: int, end: int):  # noqa: ANN202
    """The union box of the printed lines a span of the paragraph text falls on."""
    boxes, pos = [], 0
    for ln in para.lines:
        n = len(ln.text.strip())
        if ln.bbox and pos < end and start < pos + n:
            boxes.append(ln.bbox)
        pos += n
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# -- enumerations with 分别 ------------------------------------------------------------------

def _enumeration_facts(sentence: str, offset: int, raw: str, para: Paragraph, ctx: DocContext,
                       state: State) -> list[tuple[tuple[int, int], Fact]]:
    """「A、B、C终端用户分别达到x、y、z，同比增长p、q、r」 → one fact per item and measure."""
    idx = sentence.find("分别")
    if idx < 0:
        return []
    items = _enum_items(sentence[:idx])
    if not items:
        return []
    kinds, resolved = _resolve_items(items, sentence[:idx], state)
    if not resolved:
        return []
    out: list[tuple[tuple[int, int], Fact]] = []
    quantities = find_quantities(sentence)
    groups = _quantity_groups(sentence, [q for q in quantities if q[0] > idx])
    for g_start, group in groups:
        if len(group) != len(resolved):
            continue
        lead = sentence[max(idx, _clause_start(sentence, g_start)):group[0][0]]
        for (a, b, q), item in zip(group, resolved, strict=True):
            measure = classify_measure(lead, sentence[a:b], q)
            if measure is None:
                continue
            if kinds == "operator":
                indicator, operator, region = item[0], item[1], item[2]
            else:
                indicator, operator, region = item, "", state.region
            if indicator is None:
                continue
            if measure == "value" and q.unit == "%" and indicator.unit != "%":
                continue
            period = adjust_period(state.period or ctx.period, indicator, measure)
            qq = q if q.unit or not indicator.unit else Quantity(q.value, indicator.unit, q.raw_value, q.raw_unit, q.flags)
            start = offset + _clause_start(sentence, g_start)
            f = make_fact(ctx, page=para.page_at(offset + a), method="prose", indicator=indicator, region=region, period=period,
                          measure=measure, quantity=qq, snippet=raw[start:offset + group[-1][1]].strip(" ，,"),
                          operator=operator, bbox=_bbox(para, start, offset + b))
            if f:
                out.append(((offset + a, offset + b), f))
    return out


def _clause_start(sentence: str, pos: int) -> int:
    cut = max((i for i in range(pos) if sentence[i] in _CLAUSE_END), default=-1)
    return cut + 1


def _enum_items(before: str) -> list[str]:
    """The 、-list nearest before 分别, in its clause.

    >>> _enum_items("1-8月，其中：智慧公共事业、智能制造、智能交通和车联网、智慧农业终端用户")
    ['智慧公共事业', '智能制造', '智能交通和车联网', '智慧农业终端用户']
    """
    clause = re.split(r"[，,：:；;。]", before)
    for part in reversed(clause):
        if "、" in part:
            items = [x.strip() for x in part.split("、")]
            items[-1] = re.sub(r"等.*$", "", items[-1])
            items[0] = re.sub(r"^.*?(?:我国|全国|全省|我省|其中)", "", items[0]) or items[0]
            last = items[-1]
            tail = re.split(r"和|及|与", last)
            if len(tail) == 2 and all(tail) and not resolve_indicator(last) and len(items) >= 1:
                items = items[:-1] + tail
            return [x for x in items if x]
        if part.strip():
            continue
    return []


def _resolve_items(items: list[str], before: str, state: State):  # noqa: ANN202
    """Items as operators (with the list's indicator) or as indicators sharing a suffix."""
    ops = [resolve_operator(x) or resolve_operator(_leading_operator(x)) for x in items]
    if all(ops):
        tail = items[-1]
        found = find_indicators(tail) or find_indicators(before)
        indicator = found[-1][2] if found else state.indicator
        resolved = []
        for op in ops:
            region = resolve_region(op.region_hint).region if op.region_hint else None  # type: ignore[union-attr]
            resolved.append((indicator, op.operator, region))  # type: ignore[union-attr]
        if resolved and indicator is not None:
            state.indicator = indicator
            return "operator", resolved
        return "operator", []
    last = items[-1]
    for k in range(len(last)):
        suffix = last[k:]
        got = [resolve_indicator(x if x.endswith(suffix) else x + suffix) for x in items]
        if all(got):
            return "indicator", got
    got = [resolve_indicator(x) for x in items]
    if all(got):
        return "indicator", got
    # 「网上外卖、在线教育…等数字服务蓬勃发展，用户规模分别达…」: the shared head stands before 分别
    head = _GENERIC_HEAD.search(re.split(r"[，,：:；;]", before)[-1])
    if head:
        got = [resolve_indicator(x + head.group(1)) for x in items]
        if all(got):
            return "indicator", got
    return "indicator", []


def _leading_operator(text: str) -> str:
    found = find_operators(text)
    return text[found[0][0]:found[0][1]] if found and found[0][0] == 0 else ""


def _quantity_groups(sentence: str, qs: list[tuple[int, int, Quantity]]) -> list[tuple[int, list]]:
    """Runs of numbers separated only by 、 和 及 or spaces."""
    groups: list[tuple[int, list]] = []
    for a, b, q in qs:
        if groups:
            prev_end = groups[-1][1][-1][1]
            gap = sentence[prev_end:a]
            if re.fullmatch(r"\s*[、和及与]\s*", gap):
                groups[-1][1].append((a, b, q))
                continue
        groups.append((a, [(a, b, q)]))
    return groups
