"""Number accounting: every number printed in a document is a fact, or is set aside for a named reason.

A number that is neither is *unexplained*: the count of those is the measure of what the
extractors miss, and the list of them is where to look next.

The algorithm, a pure function of ``(Document, facts)``:

1. **Find the numbers.**  Every paragraph, table cell and piece of page furniture (running
   header, footer, page number) is a *text unit*.  In each, :func:`find_numbers` finds Arabic
   numbers as the genre prints them (fullwidth or not, with thousands separators and decimals;
   ``1-8月`` is two numbers, ``-10.5`` one number without its sign) and Chinese numerals where
   they stand as numbers: after 第 (第七位), as heading numbers (一、, （三）), in dates (二〇二〇年八月)
   and before a unit of ``data/units.csv`` (十五个).  Offsets are those of the printed text
   (:func:`~extract.normalize.numbers.to_halfwidth` keeps lengths).
2. **Claim numbers for facts.**  A fact carries its page, its snippet and its ``raw_value``.
   A prose fact's snippet is found in the paragraphs printed on its page; inside it, the
   *last* unclaimed number equal to ``raw_value`` is the fact's (the snippet ends at the
   quantity; several facts of one 分别 list each claim their own).  A table fact's snippet is
   its row (non-empty cells joined by a space, or the row label for imported grids); the first
   unclaimed cell number equal to ``raw_value`` in that row is the fact's.  Facts whose
   snippet is not found on their page are looked for on every page.
3. **Set the rest aside, first reason wins.**  Furniture numbers are ``page_number`` (the
   furniture line is one) or ``running_header``.  Then the rules of ``data/number_reasons.csv``
   in file order: a rule is a regular expression run over the unit's text (``where`` says
   whether over paragraphs, table cells or both); a number inside a match — inside its group
   ``n`` when the pattern has one — gets the rule's reason.  A pattern with a group ``future``
   (到2025年) applies only when that year comes after the document's data (the latest year of
   its facts' periods), so 到2022年末 in a 2022 annual report is not a target.  Then two structural reasons: a
   table's ``row_number`` (a first column counting 1, 2, 3 … under 序号 or an empty header) and
   ``restated`` (the same printed number as a fact of the document, when it is specific
   enough to be no coincidence: see :class:`Settings`).
4. What is left is **unexplained** (``reason is None`` and ``fact is None``).

>>> from extract.model import Document, Page, Paragraph
>>> text = "2020年8月，全省互联网宽带接入用户达到2993万户，同比增长9.5%，比全国平均水平高0.8个百分点。"
>>> doc = Document("a.pdf", pages=[Page(1, paragraphs=[Paragraph(text, 1)])])
>>> for o in account(doc, []):
...     print(o.number, o.reason)
2020 date
8 date
2993 None
9.5 None
0.8 average_comparison
>>> text = "截至2021年5月底，5G基站达到2.6万个，占全国的7.1%；预计到2022年底将超过4万个。"
>>> doc = Document("b.pdf", pages=[Page(3, paragraphs=[Paragraph(text, 3)])])
>>> [(o.number, o.reason) for o in account(doc, []) if o.reason not in ("date",)]
[('5', 'name'), ('2.6', None), ('7.1', None), ('4', 'target')]
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from .model import BBox, Document, Fact, Paragraph, Table
from .normalize.numbers import chinese_to_int, parse_number, to_halfwidth
from .normalize.quantities import unit_table
from .paths import data_file

REASONS_FILE = "number_reasons.csv"
PAGE_NUMBER = "page_number"
RUNNING_HEADER = "running_header"
ROW_NUMBER = "row_number"
RESTATED = "restated"
#: Reasons given by the algorithm itself rather than by a rule of ``data/number_reasons.csv``.
STRUCTURAL_REASONS: dict[str, str] = {
    PAGE_NUMBER: "a page number printed as page furniture",
    RUNNING_HEADER: "a number in a running header or footer",
    ROW_NUMBER: "a table's row counter (序号 1, 2, 3 …)",
    RESTATED: "the same printed number as a fact of the document: a value restated",
}


@dataclass(frozen=True)
class Settings:
    """Every threshold of the accounting in one place."""

    context_chars: int = 18  # characters shown either side of a number
    restated_min_digits: int = 3  # a restated number has this many significant digits ...
    restated_same_unit: bool = True  # ... and, in running text, the fact's printed unit right after it
    row_number_headers: tuple[str, ...] = ("序号", "编号", "序", "No", "No.", "NO", "NO.")  # not "": ranks
    min_chinese_count: int = 2  # Chinese numerals before a unit count from this value (一个 is "a")
    account_furniture: bool = True  # page numbers and running headers are numbers too


DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True)
class Rule:
    """One row of ``data/number_reasons.csv``."""

    reason: str
    where: str  # any | text | table
    pattern: re.Pattern[str]
    example: str
    note: str = ""


@cache
def rules() -> tuple[Rule, ...]:
    """The reasons of ``data/number_reasons.csv``, in file order (the first that matches wins).

    >>> rs = rules()
    >>> rs[0].reason, all(r.where in ("any", "text", "table") for r in rs)
    ('issue_number', True)
    """
    out: list[Rule] = []
    with open(data_file(REASONS_FILE), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out.append(
                Rule(
                    row["reason"].strip(),
                    (row.get("where") or "any").strip(),
                    re.compile(row["pattern"]),
                    row.get("example") or "",
                    row.get("note") or "",
                )
            )
    return tuple(out)


@dataclass(frozen=True)
class NumberOutcome:
    """One printed number and what became of it: a fact (its index), a reason, or neither."""

    page: int
    number: str  # as printed
    context: str  # the text around it
    source: str  # text | table | furniture
    start: int  # span of the number in its text unit (a paragraph, a cell, a furniture line)
    end: int
    fact: int | None = None
    reason: str | None = None
    bbox: BBox | None = None

    @property
    def unexplained(self) -> bool:
        return self.fact is None and self.reason is None


# -- finding numbers ----------------------------------------------------------------------------------

_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)*")
_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_CN_DATE_AFTER = ("年", "月", "日", "季度")
_SENTENCE_ENDS = "。；！？\n"
_ANY_NUMERAL = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千]")


def find_numbers(
    text: str, settings: Settings = DEFAULT_SETTINGS, half: str | None = None
) -> list[tuple[int, int, str]]:
    """Numbers in printed text: ``(start, end, as printed)``, Arabic and Chinese numerals.

    >>> [n for _, _, n in find_numbers("1-8月，全省物联网终端用户减少９１２．２万户，居全国第七位")]
    ['1', '8', '９１２．２', '七']
    >>> [n for _, _, n in find_numbers("（三）移动互联网流量达1,234.5万G，一是统一规划，二〇二〇年十月")]
    ['三', '1,234.5', '二〇二〇', '十']
    >>> find_numbers("十五个地市、两家企业、一个平台、进一步")
    [(0, 2, '十五'), (6, 7, '两')]
    """
    if not text:
        return []
    s = to_halfwidth(text) if half is None else half
    out = [(m.start(), m.end(), text[m.start() : m.end()]) for m in _ARABIC.finditer(s)]
    for m in _CHINESE.finditer(s):
        start, end = m.start(), m.end()
        run = m.group()
        while run and run[-1] in "万亿" and len(run) > 1 and chinese_to_int(run) is None:
            run, end = run[:-1], end - 1
        value = chinese_to_int(run)
        if value is not None and not _chinese_context(s, start, end, value, settings):
            out.append((start, end, text[start:end]))
    out.sort()
    return out


def _chinese_context(s: str, start: int, end: int, value: int, settings: Settings) -> bool:
    """False when a Chinese numeral stands as a number (so it is kept); True to drop it."""
    prev = s[start - 1] if start else ""
    after = s[end : end + 2]
    if prev == "第":
        return False
    if after[:1] == "、" and (start == 0 or prev in "。；;\n "):
        return False
    if prev in "（(" and after[:1] in "）)":
        return False
    if any(after.startswith(w) for w in _CN_DATE_AFTER) and (value <= 31 or value >= 1900):
        return False
    if value >= settings.min_chinese_count and _unit_after(s, end):
        return False
    return True


def _unit_after(s: str, pos: int) -> bool:
    table = unit_table()
    for length in (3, 2, 1):
        unit = table.get(s[pos : pos + length])
        if unit is not None and unit.unit:
            return True
    return False


# -- text units ----------------------------------------------------------------------------------------


@dataclass
class _Unit:
    where: str
    page: int
    text: str
    numbers: list[tuple[int, int, str]]
    half: str = ""  # the text with fullwidth digits made halfwidth (same length)
    para: Paragraph | None = None
    table: Table | None = None
    row: int = -1
    col: int = -1
    claimed: dict[int, int] = field(default_factory=dict)  # number index → fact index
    reasons: dict[int, str] = field(default_factory=dict)


def _units(doc: Document, settings: Settings) -> list[_Unit]:
    units: list[_Unit] = []
    for page in doc.pages:
        for para in page.paragraphs:
            half = to_halfwidth(para.text)
            units.append(
                _Unit("text", para.page, para.text, find_numbers(para.text, settings, half), half, para=para)
            )
        for table in page.tables:
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row):
                    if not cell or not _ANY_NUMERAL.search(cell):
                        continue
                    half = to_halfwidth(cell)
                    nums = find_numbers(cell, settings, half)
                    if nums:
                        units.append(_Unit("table", table.page, cell, nums, half, table=table, row=r, col=c))
        if settings.account_furniture:
            for line in page.furniture:
                half = to_halfwidth(line)
                nums = find_numbers(line, settings, half)
                if nums:
                    units.append(_Unit("furniture", page.number, line, nums, half))
    return units


@cache
def _value(printed: str) -> float | None:
    """The absolute value of a printed number (Arabic or Chinese), for matching.

    >>> _value("１,２３４．５"), _value("七"), _value("-10.5"), _value("第3"), _value("↑1")
    (1234.5, 7.0, 10.5, 3.0, 1.0)
    """
    s = to_halfwidth(printed or "").strip().lstrip("第↑↓+-负")
    v = parse_number(s)
    if v is None:
        m = _ARABIC.search(s)
        v = parse_number(m.group()) if m else None
    return abs(v) if v is not None else None


# -- claiming numbers for facts -----------------------------------------------------------------------


def _claim_prose(f: Fact, i: int, units: Sequence[_Unit], want: float) -> bool:
    for u in units:
        start = u.text.find(f.snippet) if f.snippet else -1
        while start >= 0:
            end = start + len(f.snippet)
            for k in range(len(u.numbers) - 1, -1, -1):
                a, b, printed = u.numbers[k]
                if a >= start and b <= end and k not in u.claimed and _value(printed) == want:
                    u.claimed[k] = i
                    return True
            start = u.text.find(f.snippet, start + 1)
    return False


def _claim_cells(cells: Sequence[_Unit], i: int, want: float) -> bool:
    """The first unclaimed number equal to ``want`` in a row, a cell's only number first (www.xb01.cn
    is no rank 1)."""
    for alone in (True, False):
        for u in cells:
            if alone and not _alone(u):
                continue
            for k, (_, _, printed) in enumerate(u.numbers):
                if k not in u.claimed and _value(printed) == want:
                    u.claimed[k] = i
                    return True
    return False


def _alone(u: _Unit) -> bool:
    """A cell that is one number with at most a short unit or sign around it (2993万户, ↓1, -3.2%)."""
    if len(u.numbers) != 1:
        return False
    a, b, _ = u.numbers[0]
    rest = (u.half[:a] + u.half[b:]).strip()
    return len(rest) <= 4 and not any(ch.isascii() and ch.isalnum() for ch in rest.replace("%", ""))


def _row_keys(table: Table, r: int) -> list[str]:
    row = table.rows[r]
    keys = [" ".join(c for c in row if c)]
    if row and row[0].strip():
        keys.append(row[0].strip())
    return keys


def _claim_facts(doc: Document, facts: Sequence[Fact], units: list[_Unit]) -> None:
    paras_by_page: dict[int, list[_Unit]] = defaultdict(list)
    rows: dict[tuple[int, str], list[list[_Unit]]] = defaultdict(list)  # (page, row key) → rows of cells
    cells_of_row: dict[tuple[int, int], list[_Unit]] = defaultdict(list)
    for u in units:
        if u.where == "text" and u.para is not None:
            for page in {u.para.page, *(p for _, p in u.para.continued)}:
                paras_by_page[page].append(u)
        elif u.where == "table" and u.table is not None:
            cells_of_row[(id(u.table), u.row)].append(u)
    for pg in doc.pages:
        for table in pg.tables:
            for r in range(len(table.rows)):
                cells = cells_of_row.get((id(table), r))
                if cells:
                    for key in _row_keys(table, r):
                        rows[(table.page, key)].append(cells)
                        rows[(0, key)].append(cells)
    all_paras = [u for u in units if u.where == "text"]
    for i, f in enumerate(facts):
        want = _value(f.raw_value)
        if want is None:
            continue
        if f.method == "prose":
            if not _claim_prose(f, i, paras_by_page.get(f.page, []), want):
                _claim_prose(f, i, all_paras, want)
            continue
        for page_key in ((f.page, f.snippet.strip()), (0, f.snippet.strip())):
            if any(_claim_cells(cells, i, want) for cells in rows.get(page_key, [])):
                break


# -- reasons ------------------------------------------------------------------------------------------


def classify(
    text: str, where: str = "text", settings: Settings = DEFAULT_SETTINGS, year: int | None = None
) -> list[tuple[str, str | None]]:
    """Each number of a text with the reason the rules give it (None: no rule applies).

    >>> classify("根据第47次《中国互联网络发展状况统计报告》，截至2020年12月，我国IPv6地址数量为57634块/32")
    [('47', 'name'), ('2020', 'date'), ('12', 'date'), ('6', 'name'), ('57634', None), ('32', 'part_of_unit')]
    >>> classify("工业和信息化部2018年第6期，联系电话：010-68208252")
    [('2018', 'issue_number'), ('6', 'issue_number'), ('010', 'phone_or_code'), ('68208252', 'phone_or_code')]
    """
    numbers = find_numbers(text, settings)
    reasons = _rule_reasons(to_halfwidth(text), numbers, where, set(), year)
    return [(n[2], reasons.get(k)) for k, n in enumerate(numbers)]


def _rule_reasons(
    s: str, numbers: list[tuple[int, int, str]], where: str, skip: set[int], year: int | None = None
) -> dict[int, str]:
    """Reasons by the rules for the numbers of halfwidth text ``s`` (those in ``skip`` are taken);
    ``year`` is the document's latest data year, for rules with a group ``future``."""
    open_ = {k for k in range(len(numbers)) if k not in skip}
    found: dict[int, str] = {}
    if not open_:
        return found
    starts = [n[0] for n in numbers]
    windows = _sentences_of(s, [numbers[k] for k in sorted(open_)])
    left = len(open_)
    for rule in rules():
        if rule.where != "any" and rule.where != where:
            continue
        if len(open_) < left:  # only the sentences still holding open numbers
            windows, left = _sentences_of(s, [numbers[k] for k in sorted(open_)]), len(open_)
        named = "n" in rule.pattern.groupindex
        future = "future" in rule.pattern.groupindex
        for begin, stop in windows:
            for m in rule.pattern.finditer(s, begin, stop):
                a, b = m.span("n") if named and m.group("n") is not None else m.span()
                if a == b:
                    continue
                if future and year is not None and m.group("future") and int(m.group("future")) <= year:
                    continue
                k = bisect_left(starts, a)
                while k < len(numbers) and numbers[k][0] < b:
                    if k in open_ and numbers[k][1] <= b:
                        found[k] = rule.reason
                        open_.discard(k)
                    k += 1
                if not open_:
                    return found
    return found


def _sentences_of(s: str, numbers: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """The sentences (ending at 。；！？ or a line break, the marks on both sides included) that hold
    these numbers, as ``(begin, stop)`` windows in text order.

    >>> s = "一、总体情况。8月，用户2993万户；预计到2025年达到5000万户。"
    >>> [s[a:b] for a, b in _sentences_of(s, find_numbers(s)[2:3])]
    ['。8月，用户2993万户；']
    """
    windows: list[tuple[int, int]] = []
    for start, end, _ in numbers:
        begin = max(0, max(s.rfind(ch, 0, start) for ch in _SENTENCE_ENDS))  # the mark before, for 。2.
        ends = [i for i in (s.find(ch, end) for ch in _SENTENCE_ENDS) if i >= 0]
        stop = min(ends) + 1 if ends else len(s)
        if windows and begin < windows[-1][1]:
            windows[-1] = (windows[-1][0], max(stop, windows[-1][1]))
        else:
            windows.append((begin, stop))
    return windows


def _row_numbers(table: Table, settings: Settings) -> set[int]:
    """Rows whose first cell counts 1, 2, 3 … under a 序号-like header."""
    if not table.rows or not table.has_header:
        return set()
    head = (table.rows[0][0] if table.rows[0] else "").strip()
    if head not in settings.row_number_headers:
        return set()
    body = [(r, (row[0] if row else "").strip()) for r, row in enumerate(table.rows) if r > 0]
    counted = [(r, v) for r, v in body if v.isdigit()]
    if len(counted) < 2 or [int(v) for _, v in counted] != list(
        range(int(counted[0][1]), int(counted[0][1]) + len(counted))
    ):
        return set()
    return {r for r, _ in counted}


def _significant_digits(printed: str) -> int:
    """
    >>> _significant_digits("8643.5"), _significant_digits("0.7"), _significant_digits("1,200")
    (5, 1, 4)
    """
    return len(to_halfwidth(printed).replace(",", "").replace(".", "").lstrip("0"))


def _set_aside(facts: Sequence[Fact], units: list[_Unit], settings: Settings, year: int | None) -> None:
    fact_values: dict[float, set[str]] = defaultdict(set)
    for f in facts:
        v = _value(f.raw_value)
        if v is not None:
            fact_values[v].add(f.raw_unit)
    row_numbers: dict[int, set[int]] = {}
    for u in units:
        open_ = [k for k in range(len(u.numbers)) if k not in u.claimed]
        if not open_:
            continue
        if u.where == "furniture":
            reason = PAGE_NUMBER if _is_page_number(u.text) else RUNNING_HEADER
            u.reasons.update(dict.fromkeys(open_, reason))
            continue
        u.reasons.update(_rule_reasons(u.half, u.numbers, u.where, set(u.claimed), year))
        if u.where == "table" and u.table is not None and u.col == 0:
            key = id(u.table)
            if key not in row_numbers:
                row_numbers[key] = _row_numbers(u.table, settings)
            if u.row in row_numbers[key]:
                u.reasons.update({k: ROW_NUMBER for k in open_ if k not in u.reasons})
        s = u.half
        for k in open_:
            if k in u.reasons:
                continue
            start, end, printed = u.numbers[k]
            units_of = fact_values.get(_value(printed) or -1.0)
            if not units_of:
                continue
            if _significant_digits(printed) < settings.restated_min_digits:
                continue
            after = s[end : end + 8].lstrip()
            if (
                u.where == "table"
                or not settings.restated_same_unit
                or any(after.startswith(to_halfwidth(un)) for un in units_of if un)
            ):
                u.reasons[k] = RESTATED


def _is_page_number(line: str) -> bool:
    from .layout import is_page_number

    return is_page_number(line)


# -- the whole document -------------------------------------------------------------------------------


def account(
    doc: Document, facts: Sequence[Fact], settings: Settings = DEFAULT_SETTINGS, year: int | None = None
) -> list[NumberOutcome]:
    """Every number of ``doc`` with its outcome, in reading order (furniture last on its page).

    ``year`` is the last year of the document's data (default: the latest of its facts' periods).
    """
    units = _units(doc, settings)
    _claim_facts(doc, facts, units)
    _set_aside(facts, units, settings, year if year is not None else data_year(facts))
    out: list[NumberOutcome] = []
    n = settings.context_chars
    for u in units:
        for k, (start, end, printed) in enumerate(u.numbers):
            context = u.text[max(0, start - n) : end + n].replace("\n", " ")
            out.append(
                NumberOutcome(
                    page=_page_of(u, start),
                    number=printed,
                    context=context,
                    source=u.where,
                    start=start,
                    end=end,
                    fact=u.claimed.get(k),
                    reason=None if k in u.claimed else u.reasons.get(k),
                    bbox=_bbox(u, start, end),
                )
            )
    return out


def data_year(facts: Iterable[Fact]) -> int | None:
    """The latest year of the facts' periods (None without facts).

    >>> data_year([]) is None
    True
    """
    years = [int(f.period_end[:4]) for f in facts if f.period_end[:4].isdigit()]
    return max(years) if years else None


def _page_of(u: _Unit, offset: int) -> int:
    return u.para.page_at(offset) if u.para is not None else u.page


def _bbox(u: _Unit, start: int, end: int) -> BBox | None:
    if u.para is not None:
        pos = 0
        for ln in u.para.lines:
            n = len(ln.text.strip())
            if ln.bbox and pos < end and start < pos + n:
                return ln.bbox
            pos += n
        return None
    if u.table is not None:
        t = u.table
        if len(t.row_boxes) == len(t.rows) and t.row_boxes[u.row] is not None:
            return t.row_boxes[u.row]
        return t.bbox
    return None


@dataclass(frozen=True)
class Tally:
    """How many numbers a document prints, and how many of them nothing explains."""

    numbers: int
    facts: int
    set_aside: int
    unexplained: int

    @property
    def unexplained_pct(self) -> float:
        return 100.0 * self.unexplained / self.numbers if self.numbers else 0.0

    def line(self) -> str:
        """
        >>> Tally(57, 42, 12, 3).line()
        '3 of 57 numbers unexplained'
        """
        return f"{self.unexplained} of {self.numbers} numbers unexplained"


def tally(outcomes: Iterable[NumberOutcome]) -> Tally:
    """
    >>> tally([NumberOutcome(1, "8", "", "text", 0, 1, reason="date"), NumberOutcome(1, "9", "", "text", 2, 3)])
    Tally(numbers=2, facts=0, set_aside=1, unexplained=1)
    """
    n = f = s = u = 0
    for o in outcomes:
        n += 1
        if o.fact is not None:
            f += 1
        elif o.reason is not None:
            s += 1
        else:
            u += 1
    return Tally(n, f, s, u)
