"""Table cells → facts.

The algorithm, over plain cell grids:

1. **Join** tables that continue on the next page without a header to the table before.
2. **Read the header**: each column gets a role — a row key (region, name, address,
   category, rank), or a measure column (value with indicator and unit, 同比, 占比,
   排名, 排名变化, No.N). Units and periods printed in a header (访问量（万次）,
   1-7月收入（亿元）, 2021Q1 AI 指数) apply to the whole column.
3. **Split side-by-side groups**: a key column that reappears after measure
   columns starts a new group (省份|规模排名|省份|增速排名).
4. **Emit** one fact per numeric cell, keyed by the row's region/subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Document, Fact, Table
from ..normalize.indicators import Indicator, find_indicators, resolve_indicator
from ..normalize.numbers import to_halfwidth
from ..normalize.periods import Period, find_periods
from ..normalize.quantities import Quantity, parse_quantity
from ..normalize.regions import Region, resolve_region
from .context import GLOSS, DocContext, is_stated_period, make_fact

_REGION_HEADERS = ("省份", "省市", "地区", "城市", "地市", "省辖市", "区域", "省", "市")
_NAME_HEADERS = ("网站名称", "名称", "网站", "企业名称", "单位")
_ADDRESS_HEADERS = ("网址", "域名", "地址")
_CATEGORY_HEADERS = ("类别", "分类", "行业", "业务", "项目", "指标")
_TOTAL_WORDS = ("合计", "总计", "总体", "全部")
_UNIT_IN_HEADER = re.compile(r"[（(]([^）)]{1,8})[）)]")
_NO_N = re.compile(r"^(?:No|NO|no|Top|TOP)\.?\s*(\d+)$|^第([一二三四五六七八九十\d]+)(?:名|位)?$")
_RANK_CHANGE = re.compile(r"^\s*([↑↓+\-−－]?)\s*(\d+)\s*$")


@dataclass
class Column:
    index: int
    header: str
    role: str  # region | name | address | category | rank_key | value | measure | no_n | skip
    measure: str = "value"
    indicator: Indicator | None = None
    unit: str = ""
    period: Period | None = None
    position: int = 0  # for No.N columns


@dataclass
class Group:
    keys: list[Column] = field(default_factory=list)
    values: list[Column] = field(default_factory=list)


def extract_tables(doc: Document, ctx: DocContext) -> list[Fact]:
    """Facts from every table of a document.

    A table without a period in its header takes the period last stated in the text
    above it (running across pages), else the document's period.
    """
    out: list[Fact] = []
    previous: Table | None = None
    header: list[str] | None = None
    text_before = ""
    running: Period | None = None
    rankings: dict[str, set[tuple[str, float]]] = {}  # indicator → (region, rank) pairs printed so far
    for page in doc.pages:
        for item in _reading_order(page):
            if not isinstance(item, Table):
                running = _last_period(item.text, ctx.period) or running
                continue
            table = item
            text_before = _text_before(page, table) or text_before
            rows = table.rows
            if previous is not None and header is not None and is_continuation(table, header):
                body = rows
            else:
                if not rows or not looks_like_header(rows[0]):
                    previous, header = table, None
                    continue
                header, body = rows[0], rows[1:]
            hint = same_ranking(_rank_pairs(header, body, ctx), rankings)
            facts = _table_facts(header, body, table, ctx, text_before, running, hint)
            for f in facts:
                if f.measure == "rank" and not f.subject:
                    rankings.setdefault(f.indicator, set()).add((f.region, f.value))
            out.extend(facts)
            previous = table
    return out


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


def _reading_order(page) -> list:  # noqa: ANN001
    """Paragraphs and tables of a page, top to bottom."""
    def top(item) -> float:  # noqa: ANN001
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
    found = [(a, p) for a, b, p in find_periods(plain, ref)
             if is_stated_period(plain, a, b) and plain[a:b].strip() != "全年"]
    # a year glued to a title word: 「2020AI 指数地图」
    found += [(m.start(), Period.year(int(m.group(1))))
              for m in re.finditer(r"(?<![\d.])((?:19|20)\d\d)(?=[A-Za-z\u4e00-\u9fff])(?![年月日])", plain)
              if not any(a <= m.start() < a + 4 for a, _ in found)]
    found.sort(key=lambda x: x[0])
    return found[-1][1] if found else None


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
    if [to_halfwidth(c).replace(" ", "") for c in first] == [to_halfwidth(c).replace(" ", "") for c in header]:
        return False
    return not looks_like_header(first) and abs(len(first) - len(header)) <= 1


def _is_number_like(cell: str) -> bool:
    c = to_halfwidth(cell).strip().replace(",", "")
    return bool(re.fullmatch(r"[↑↓+\-−]?\d+(?:\.\d+)?%?|[-—–]", c))


def _text_before(page, table: Table) -> str:  # noqa: ANN001
    """The paragraphs printed above a table on its page (its caption and lead-in)."""
    if table.bbox is None:
        before = page.paragraphs[:table.position] if table.position >= 0 else page.paragraphs
        return "\n".join(p.text for p in before[-3:])
    above = [p.text for p in page.paragraphs if p.lines and p.lines[-1].bbox and p.lines[-1].bbox[3] <= table.bbox[1] + 1]
    return "\n".join(above[-3:])


def classify_columns(header: list[str], ref: Period | None = None) -> list[Column]:
    """The role of each column from its header text.

    >>> [c.role for c in classify_columns(["排名", "网站名称", "网址", "访问量（亿次）", "排名较上月变化"])]
    ['rank_key', 'name', 'address', 'value', 'measure']
    >>> [(c.role, c.measure) for c in classify_columns(["省份", "用云量 规模排名", "省份", "用云量 增速排名"])]
    [('region', 'value'), ('measure', 'rank'), ('region', 'value'), ('measure', 'rank')]
    """
    cols: list[Column] = []
    for i, raw in enumerate(header):
        h = to_halfwidth(raw).strip()
        squashed = h.replace(" ", "")
        col = Column(index=i, header=h, role="value")
        unit_match = _UNIT_IN_HEADER.search(h)
        bare = _UNIT_IN_HEADER.sub("", squashed)
        no_n = _NO_N.match(squashed)
        if no_n:
            col.role, col.position = "no_n", int(no_n.group(1) or _cn_digit(no_n.group(2)))
        elif squashed in _REGION_HEADERS:
            col.role = "region"
        elif squashed in _NAME_HEADERS or squashed.endswith("名称"):
            col.role = "name"
        elif squashed in _ADDRESS_HEADERS:
            col.role = "address"
        elif any(squashed.endswith(w) for w in _CATEGORY_HEADERS) and not unit_match and len(squashed) <= 6:
            col.role = "category"
        elif squashed in ("", "排名", "序号", "名次", "位次") and i == 0:
            col.role = "rank_key"
        elif "变化" in squashed and ("排名" in squashed or "位次" in squashed):
            col.role, col.measure = "measure", "rank_change"
        elif "排名" in squashed or "位次" in squashed:
            col.role, col.measure = "measure", "rank"
            col.indicator = _indicator_of_rank(bare)
        elif "同比" in squashed:
            col.role, col.measure = "measure", "yoy_pct"
        elif "环比" in squashed:
            col.role, col.measure = "measure", "mom_pct"
        elif any(w in squashed for w in ("占比", "比重", "份额", "占全")):
            col.role, col.measure = "measure", "share_pct"
        else:
            found = find_periods(bare, ref)
            col.period = found[0][2] if found else None
            col.indicator = _header_indicator(bare)
        if unit_match:
            col.unit = unit_match.group(1)
        cols.append(col)
    return cols


def _cn_digit(text: str) -> int:
    from ..normalize.numbers import parse_number

    value = parse_number(text)
    return int(value) if value is not None else 0


def _indicator_of_rank(header: str) -> Indicator | None:
    """用云量规模排名 → 用云量; 用云量增速排名 → 用云量增速."""
    core = header.replace("排名", "").replace("位次", "")
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


def _groups(cols: list[Column]) -> list[Group]:
    """Split columns into side-by-side groups, each with its own key columns."""
    groups: list[Group] = [Group()]
    key_roles = ("region", "name", "address", "category", "rank_key")
    for col in cols:
        if col.role in key_roles:
            if groups[-1].values and col.role != "address":
                groups.append(Group())
            groups[-1].keys.append(col)
        elif col.role != "skip":
            groups[-1].values.append(col)
    return [g for g in groups if g.values]


def _table_facts(header: list[str], body: list[list[str]], table: Table, ctx: DocContext,
                 text_before: str, text_period: Period | None, ranking_hint: str | None = None) -> list[Fact]:
    context_indicator, near = _context_indicator(text_before)
    if ranking_hint is not None:
        context_indicator, near = resolve_indicator(ranking_hint), True
    if context_indicator is not None and not near:
        flags_all: tuple[str, ...] = ("low_confidence",)
    else:
        flags_all = ()
    cols = classify_columns(header, ctx.period)
    out: list[Fact] = []
    groups = _groups(cols)
    for r, row in enumerate(body):
        row = row + [""] * (len(header) - len(row))
        snippet = " ".join(c for c in row if c)
        bbox = _row_bbox(table, r, len(body))
        for group in groups:
            key = _row_key(group, row, ctx)
            if key is None:
                continue
            region, subject, flags = key
            flags = (*flags, *flags_all)
            for col in group.values:
                out.extend(_cell_facts(col, row, group, region, subject, flags, ctx, context_indicator,
                                       text_period, table.page, snippet, bbox))
    return out


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


def _row_key(group: Group, row: list[str], ctx: DocContext) -> tuple[Region | None, str, tuple[str, ...]] | None:
    region: Region | None = None
    names: list[str] = []
    flags: tuple[str, ...] = ()
    for col in group.keys:
        cell = row[col.index].strip() if col.index < len(row) else ""
        if col.role == "region":
            if not cell:
                return None
            match = resolve_region(cell, province=ctx.province.name if ctx.province else None)
            if match.region is None:
                return None
            region, flags = match.region, tuple(f for f in match.flags if f == "ambiguous_region")
        elif col.role in ("name", "address", "category") and cell:
            names.append(cell)
    subject = " ".join(names)
    if any(subject.replace(" ", "").endswith(w) or subject.startswith(w) for w in _TOTAL_WORDS):
        subject = ""
    if subject in ("全国",):
        region, subject = resolve_region("全国").region, ""
    return region, subject, flags


def _cell_facts(col: Column, row: list[str], group: Group, region: Region | None, subject: str,
                flags: tuple[str, ...], ctx: DocContext, context_indicator: Indicator | None,
                text_period: Period | None, page: int, snippet: str, bbox) -> list[Fact]:  # noqa: ANN001
    cell = to_halfwidth(row[col.index]).strip() if col.index < len(row) else ""
    if not cell:
        return []
    indicator = col.indicator or _group_indicator(group, col)
    if indicator is None:
        indicator = context_indicator
    else:
        flags = tuple(f for f in flags if f != "low_confidence")  # the header names it: no guess
    if indicator is None:
        return []
    period = col.period or _group_period(group) or text_period or ctx.period
    extra = list(flags)
    header_period = col.period or _group_period(group)
    if header_period and text_period and header_period != text_period \
            and header_period.period_type == text_period.period_type:
        extra.append("inconsistent")
    facts: list[Fact] = []
    rank_key = next((k for k in group.keys if k.role == "rank_key"), None)
    if col.role == "no_n":
        q = Quantity(float(col.position), "位", str(col.position), "")
        f = make_fact(ctx, page=page, method="table", indicator=indicator, region=region, period=period,
                      measure="rank", quantity=q, snippet=snippet, subject=row[col.index].strip(),
                      flags=tuple(extra), bbox=bbox)
        return [f] if f else []
    if col.measure == "rank_change":
        q = parse_rank_change(cell)
        if q is None:
            return []
    elif col.measure == "rank":
        q = parse_quantity(cell if cell.endswith(("位", "名")) else cell + "位")
    else:
        q = parse_quantity(cell + ("" if cell.endswith("%") else col.unit))
        if q is None:
            return []
        if not col.unit and not cell.endswith("%") and q.unit == "":
            q = Quantity(q.value, indicator.unit, q.raw_value, "", q.flags)
    if q is None:
        return []
    f = make_fact(ctx, page=page, method="table", indicator=indicator, region=region, period=period,
                  measure=col.measure, quantity=q, snippet=snippet, subject=subject, flags=tuple(extra), bbox=bbox)
    if f:
        facts.append(f)
    if rank_key is not None and col.role == "value" and col is _first_value(group):
        rq = parse_quantity(to_halfwidth(row[rank_key.index]).strip() + "位")
        if rq is not None:
            rf = make_fact(ctx, page=page, method="table", indicator=indicator, region=region, period=period,
                           measure="rank", quantity=rq, snippet=snippet, subject=subject, flags=tuple(extra),
                           bbox=bbox)
            if rf:
                facts.append(rf)
    return facts


def _first_value(group: Group) -> Column | None:
    return next((c for c in group.values if c.role == "value"), None)


def _group_indicator(group: Group, col: Column) -> Indicator | None:
    """同比/占比/排名变化 columns take the indicator of the group's value column."""
    if col.role == "measure" and col.measure == "rank" and col.indicator:
        return col.indicator
    value = _first_value(group)
    return value.indicator if value else None


def _group_period(group: Group) -> Period | None:
    value = _first_value(group)
    return value.period if value else None


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


def _row_bbox(table: Table, r: int, n_body: int):  # noqa: ANN202
    if not table.row_boxes:
        return table.bbox
    offset = len(table.row_boxes) - n_body
    k = r + offset
    if 0 <= k < len(table.row_boxes):
        return table.row_boxes[k]
    return table.bbox
