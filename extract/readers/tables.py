"""Find tables on PDF pages: ruled grids, three-line tables (三线表) and unruled tables.

Ruled tables come straight from pdfplumber's line strategy. A three-line table
has only horizontal rules (top, header, bottom); its columns are found from the
word positions between the rules (pdfplumber's text strategy on that crop).

An unruled table has no rules at all: its columns are laid out with whitespace.
:func:`find_unruled_tables` finds them from the words the PDF reader already boxed
(pypdfium2 characters split at gaps wider than about a character), without pdfplumber:
a run of ≥ 3 close lines whose words fall into the same x-aligned columns, numbers in
most cells of a later column, and a header line above whose words sit over those
columns. Justified prose (its gaps never line up), running headers and footers (the
page's top and bottom edges), lists of captions (图4.1 …) and contents pages (titles
with page numbers) are not tables.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber

from ..layout import join_lines
from ..model import BBox, Table
from ..normalize.numbers import to_halfwidth

_TEXT_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text"}
#: A gap between two characters of a cell wider than this (points) is a space: 「敏感 API 调用」 sets its
#: Latin word 3 pt away from the Chinese, as the text layer's own spacing does (pdfplumber's default is 3).
_X_TOLERANCE = 1.5


def find_tables(
    path: Path, password: str | None, page_indexes: list[int], warnings: list[str] | None = None
) -> dict[int, list[Table]]:
    """Tables on the given 0-based pages, keyed by page index.

    A file whose structure pdfplumber cannot parse (a broken cross-reference table that pdfium
    repaired for the text) keeps its text: the pages without tables are named in ``warnings``.
    """
    if not page_indexes:
        return {}
    found: dict[int, list[Table]] = {}
    skipped: list[int] = []
    try:
        with pdfplumber.open(str(path), password=password or "") as pdf:
            pages = pdf.pages
            for i in page_indexes:
                if i >= len(pages):
                    skipped.append(i + 1)
                    continue
                try:
                    page = pages[i]
                    tables = _ruled_tables(page, i + 1) or _three_line_tables(page, i + 1)
                    page.close()
                except Exception:  # a damaged page object: its text is still read
                    skipped.append(i + 1)
                    continue
                if tables:
                    found[i] = tables
    except Exception:  # the table reader cannot open what pdfium could
        skipped = [i + 1 for i in page_indexes]
    if skipped and warnings is not None:
        warnings.append(
            f"tables not read on page(s) {', '.join(map(str, skipped))}: the PDF's structure is "
            "damaged (its text was read)"
        )
    return found


def clean_cell(cell: str | None) -> str:
    """A cell's text with its wrapped lines joined.

    >>> clean_cell("互联网接入及相\\n关服务业务"), clean_cell(None), clean_cell("敏感 API  调用 ")
    ('互联网接入及相关服务业务', '', '敏感 API 调用')
    """
    if not cell:
        return ""
    return join_lines([re.sub(r"\s{2,}", " ", line).strip() for line in cell.split("\n")])


def clean_rows(rows: list[list[str | None]]) -> list[list[str]]:
    """Cells cleaned; rows with no text at all dropped.

    >>> clean_rows([["a", None], [None, ""], ["1", "2"]])
    [['a', ''], ['1', '2']]
    """
    out = [[clean_cell(c) for c in row] for row in rows]
    return [row for row in out if any(row)]


def _ruled_tables(page: pdfplumber.page.Page, number: int) -> list[Table]:
    tables = []
    for t in page.find_tables():
        rows = clean_rows(t.extract(x_tolerance=_X_TOLERANCE))
        if len(rows) < 1 or max(len(r) for r in rows) < 2:
            continue
        boxes: list[BBox | None] = [r.bbox for r in t.rows]
        tables.append(Table(rows=rows, page=number, bbox=t.bbox, row_boxes=boxes))
    return tables


def _horizontal_rules(page: pdfplumber.page.Page) -> list[dict]:
    """Long horizontal rules in the body of the page (not the running-header rule)."""
    rules = []
    for ln in page.lines + page.rects:
        height = abs(ln["bottom"] - ln["top"])
        width = ln["x1"] - ln["x0"]
        if height <= 2 and width > page.width * 0.3:
            if page.height * 0.07 < ln["top"] < page.height * 0.93:
                rules.append(ln)
    rules.sort(key=lambda r: r["top"])
    return rules


def _has_vertical_rules(page: pdfplumber.page.Page) -> bool:
    return any(
        abs(ln["x1"] - ln["x0"]) <= 2 and abs(ln["bottom"] - ln["top"]) > 8 for ln in page.lines + page.rects
    )


def three_line_spans(rules: list[tuple[float, float]]) -> list[tuple[float, float, bool]]:
    """Pair horizontal rules (top, linewidth) into table spans (top, bottom, has_header).

    Thick rules bound a table; a thinner rule inside it is the header rule.

    >>> three_line_spans([(63, 1.2), (81, 1.2), (177, 1.2), (195, 0.6), (483, 1.2)])
    [(63, 81, False), (177, 483, True)]
    >>> three_line_spans([(10, 1), (20, 1), (90, 1)])
    [(10, 90, True)]
    >>> three_line_spans([(63, 1.2), (207, 1.2)])
    [(63, 207, False)]
    """
    if not rules:
        return []
    widths = {w for _, w in rules}
    spans: list[tuple[float, float, bool]] = []
    if len(widths) > 1:
        thick = max(widths)
        bounds = [y for y, w in rules if w >= thick - 0.05]
        for a, b in zip(bounds[0::2], bounds[1::2], strict=False):
            inner = any(a < y < b for y, w in rules if w < thick - 0.05)
            spans.append((a, b, inner))
        return spans
    ys = [y for y, _ in rules]
    k = 0
    while k + 1 < len(ys):
        if len(ys) - k == 2:  # a top and a bottom rule: a table (or its continuation) without a header rule
            spans.append((ys[k], ys[k + 1], False))
            break
        spans.append((ys[k], ys[k + 2], True))
        k += 3
    return spans


def _text_rows(crop: pdfplumber.page.Page, settings: dict) -> list[list[str]]:
    try:
        return clean_rows(crop.extract_table(settings) or [])
    except ValueError:
        return []


def _three_line_tables(page: pdfplumber.page.Page, number: int) -> list[Table]:
    if _has_vertical_rules(page):
        return []
    rules = _horizontal_rules(page)
    if len(rules) < 2:
        return []
    x0 = min(r["x0"] for r in rules)
    x1 = max(r["x1"] for r in rules)
    tables = []
    spans = three_line_spans([(r["top"], float(r.get("linewidth") or 1.0)) for r in rules])
    for top, bottom, has_header in spans:
        bbox = (x0, top, x1, bottom)
        crop = page.crop(bbox)
        rows = _text_rows(crop, _TEXT_SETTINGS) or _text_rows(
            crop, {**_TEXT_SETTINGS, "min_words_vertical": 1}
        )
        if not rows or max(len(r) for r in rows) < 2:
            continue
        tables.append(Table(rows=rows, page=number, bbox=bbox, has_header=has_header))
    return tables


# --- unruled tables: columns laid out with whitespace -------------------------------------------

#: A word as the PDF reader boxes it: x0, top, x1, bottom (points from the page's top-left), text.
#: Words are runs of characters split where the gap between two characters is wider than
#: about one character (see extract/readers/pdf.py).
Word = tuple[float, float, float, float, str]
#: The columns of an unruled table as x-intervals, carried to the next page for a continuation.
Columns = list[tuple[float, float]]

_NUMERIC_CELL = re.compile(
    r"[↑↓+\-−]?\s*\d[\d,]*(?:\.\d+)?\s*(?:%|‰|pp|个百分点|倍|[万亿千]?[户人个元次部台家条项位名]?)"
    r"|[-—–]{1,2}|新进|新上榜|持平|/"
)
_CAPTION = re.compile(
    r"^(?:附?[图表]|Fig(?:ure)?\.?|Table)\s*[\dA-Za-z一二三四五六七八九十]+(?:[.．\-－—]\d+)*"
)
_NUMBERED = re.compile(
    r"^(?:第[一二三四五六七八九十百\d]+[章节部分篇]|[一二三四五六七八九十]+、|"
    r"[（(][一二三四五六七八九十\d]+[）)]|\d+(?:[.．]\d+)+\s*\D|\d+[、.．]\s*[^\d\s])"
)
_LEADER = re.compile(r"[.·…⋯_．。]{4,}|…{2,}|⋯{2,}")
_EDGE = 0.06  # running headers and footers live in the top and bottom 6 % of the page
_MAX_PITCH = 3.0  # rows of a table are at most this many line heights apart (top to top)
_MAX_HEADER_CELL = 24  # characters: a header cell is a label, not a sentence
_WRAPPED_PITCH = 1.35  # the lines of a wrapped header cell are at most this many line heights apart


def is_numeric_cell(text: str) -> bool:
    """A cell holding a number, a percentage, a rank change or a placeholder.

    >>> [is_numeric_cell(c) for c in ("8643.5", "-2.3%", "↑1", "新进", "-", "１２．５％", "河南省", "2020年8月")]
    [True, True, True, True, True, True, False, False]
    """
    return bool(_NUMERIC_CELL.fullmatch(to_halfwidth(text).strip()))


def may_hold_unruled_table(lines: list[list[Word]], carried: bool = False) -> bool:
    """Cheap test before the column analysis: at least three lines (one when a table runs on
    from the page before) split into words whose later words include a number."""
    need = 1 if carried else 3
    hits = 0
    for words in lines:
        if len(words) >= 2 and any(is_numeric_cell(w[4]) for w in words[1:]):
            hits += 1
            if hits >= need:
                return True
    return False


def find_unruled_tables(
    lines: list[list[Word]], number: int, height: float, carry: Columns | None = None
) -> tuple[list[Table], Columns | None]:
    """Tables laid out with whitespace on one page, from the words of its printed lines.

    ``lines`` are the page's lines top to bottom, each its words left to right. A table is a
    run of lines whose words fall into the same x-aligned columns (each line at most one word
    per column, ≥ 2 columns, ≥ 3 lines filling every column), close together, with numbers in
    most cells of a later column; a header line above it whose words sit over those columns is
    its first row. ``carry`` are the columns of a table that ended the page before: lines that
    open this page in the same columns continue it (one row is enough). Returns the tables and
    the columns to carry to the next page when the last table ends this page's body.
    """
    body = [
        words
        for words in lines
        if words
        and height * _EDGE < min(w[1] for w in words)
        and max(w[3] for w in words) < height * (1 - _EDGE)
    ]
    tables: list[Table] = []
    carry_out: Columns | None = None
    run: list[list[Word]] = []
    start = 0
    for pos, words in enumerate([*body, []]):
        if run and words and _fits_run(run, words):
            run.append(words)
            continue
        if run:
            found = _table_from_run(run, number, carry, body, start)
            if found is not None:
                table, columns, last = found
                tables.append(table)
                carry_out = columns if last is body[-1] else None
        run = [words] if len(words) >= 2 and not _is_caption(words) else []
        start = pos
    return tables, carry_out


def _em(words: list[Word]) -> float:
    return max(w[3] - w[1] for w in words)


def _is_caption(words: list[Word]) -> bool:
    text = words[0][4].strip()
    return bool(_CAPTION.match(text) or _LEADER.search(" ".join(w[4] for w in words)))


def _fits_run(run: list[list[Word]], words: list[Word]) -> bool:
    """The next line continues a run: close below it, ≥ 2 words, its words in the run's columns."""
    if len(words) < 2 or _is_caption(words):
        return False
    prev = run[-1]
    pitch = words[0][1] - prev[0][1]
    if not 0 < pitch <= _MAX_PITCH * max(_em(prev), _em(words)):
        return False
    columns = _union(run + [words])
    return all(_one_word_per_column(line, columns) for line in run + [words])


def _union(lines: list[list[Word]]) -> Columns:
    """The x-intervals covered by the words of the lines (the columns), left to right.

    >>> _union([[(0, 0, 10, 5, "a"), (50, 0, 60, 5, "1")], [(0, 9, 20, 14, "bb"), (45, 9, 60, 14, "22")]])
    [(0, 20), (45, 60)]
    """
    spans = sorted((w[0], w[2]) for line in lines for w in line)
    gutter = 0.5 * max((_em(line) for line in lines if line), default=0.0)
    merged: Columns = []
    for x0, x1 in spans:
        if merged and x0 < merged[-1][1] + gutter:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
        else:
            merged.append((x0, x1))
    return merged


def _column_of(word: Word, columns: Columns) -> int:
    """The column a word overlaps most (else the nearest by centre)."""
    best, best_overlap = 0, -1.0
    for j, (a, b) in enumerate(columns):
        overlap = min(b, word[2]) - max(a, word[0])
        if overlap > best_overlap:
            best, best_overlap = j, overlap
    if best_overlap > 0:
        return best
    centre = (word[0] + word[2]) / 2
    return min(range(len(columns)), key=lambda j: abs((columns[j][0] + columns[j][1]) / 2 - centre))


def _one_word_per_column(line: list[Word], columns: Columns) -> bool:
    seen = [_column_of(w, columns) for w in line]
    return len(set(seen)) == len(seen)


def _cells(line: list[Word], columns: Columns) -> list[str]:
    """One row of cells; words that share a column (only in a header) are joined."""
    row = [""] * len(columns)
    for w in line:
        j = _column_of(w, columns)
        row[j] = f"{row[j]} {w[4].strip()}".strip()
    return row


def _is_data(line: list[Word]) -> bool:
    return any(is_numeric_cell(w[4]) for w in line[1:])


def _looks_numeric(rows: list[list[str]]) -> bool:
    """Most cells of a later column are numbers, and no more than half of the later cells are words.

    >>> _looks_numeric([["河南省", "8643.5", "10.7%"], ["广东省", "13215.2", "-2.3%"], ["延边州", "203.4", ""]])
    True
    >>> _looks_numeric([["1", "商都网", "www.shangdu.com", "21114.9", "-"]] * 3)
    True
    >>> _looks_numeric([["城市", "生活互联", "文创"]] * 3)
    False
    """
    later = [[r[j] for r in rows if r[j]] for j in range(1, len(rows[0]))]
    numeric = [sum(1 for c in col if is_numeric_cell(c)) for col in later]
    if not any(n >= 0.7 * len(col) and col for n, col in zip(numeric, later, strict=True)):
        return False
    return sum(numeric) >= 0.45 * sum(len(col) for col in later)


def _table_from_run(
    run: list[list[Word]], number: int, carry: Columns | None, body: list[list[Word]], start: int
) -> tuple[Table, Columns, list[Word]] | None:
    """The table in a run of aligned lines (its rows, columns and last line), or None."""
    data_at = [k for k, line in enumerate(run) if _is_data(line)]
    if not data_at:
        return None
    first, last = data_at[0], data_at[-1]
    data = run[first : last + 1]
    columns = _union(data)
    header_lines = _header_lines(body, start + first - 1, data[0], columns)
    opens_page = start + first - len(header_lines) == 0
    continued = carry is not None and opens_page and _same_columns(columns, carry)
    full = sum(1 for line in data if len(line) == len(columns))
    if len(columns) < 2 or full < (1 if continued else 3):
        return None
    if continued and carry is not None:
        # the same columns as on the page before: cells of this page's rows fall into them
        columns = _widen(columns, carry)
    rows = [_cells(line, columns) for line in data]
    if sum(1 for r in rows if _numbers_an_item(r[0])) > len(rows) / 2 or not _looks_numeric(rows):
        return None
    if _looks_like_contents(rows):
        return None
    header: list[str] = []
    if header_lines:
        parts = [_cells(h, columns) for h in header_lines]
        header = [join_lines([p[j] for p in parts]) for j in range(len(columns))]
    printed = header_lines + data
    x0 = min(w[0] for line in printed for w in line)
    x1 = max(w[2] for line in printed for w in line)
    boxes: list[BBox | None] = [(x0, min(w[1] for w in line), x1, max(w[3] for w in line)) for line in data]
    top = min(w[1] for w in printed[0])
    if header_lines:
        boxes.insert(0, (x0, top, x1, max(w[3] for w in header_lines[-1])))
    table = Table(
        rows=([header] if header else []) + rows,
        page=number,
        bbox=(x0, top, x1, max(w[3] for w in data[-1])),
        has_header=bool(header),
        row_boxes=boxes,
    )
    return table, columns, data[-1]


def _header_lines(body: list[list[Word]], k: int, below: list[Word], columns: Columns) -> list[list[Word]]:
    """The header: a line right above the data with ≥ 2 words over its columns, and up to two
    lines tight above it when header cells wrap or sit between the lines (group labels, a
    vertically centred 省份)."""
    lines: list[list[Word]] = []
    while k >= 0 and len(lines) < 3:
        line = body[k]
        if lines:
            close, least = _WRAPPED_PITCH * _em(line) + 1, 1
        else:
            close, least = _MAX_PITCH * max(_em(line), _em(below)) + 1, 2
        if not (0 < below[0][1] - line[0][1] <= close and len(line) >= least and _header_fits(line, columns)):
            break
        lines.insert(0, line)
        below, k = line, k - 1
    return lines


def _header_fits(line: list[Word], columns: Columns) -> bool:
    """A header line: short word-like cells, each over its own column, in order."""
    if (
        _is_data(line)
        or _is_caption(line)
        or re.match(r"\s*(?:单位|注|资料来源|数据来源)\s*[:：]", line[0][4])
    ):
        return False
    if any(len(w[4].strip()) > _MAX_HEADER_CELL for w in line):
        return False
    seen = [_column_of(w, columns) for w in line]
    return seen == sorted(set(seen))


def _looks_like_contents(rows: list[list[str]]) -> bool:
    """A contents page: long titles and, in the last column only, page numbers that only go up.

    >>> _looks_like_contents([["教育部等五部门关于印发行动计划的通知", "03"], ["国务院办公厅印发实施方案", "04"],
    ...                       ["工信部、国家数据局启动“模数共振”行动", "04"]])
    True
    >>> _looks_like_contents([["上海市", "1"], ["北京市", "2"], ["广东省", "3"]])
    False
    """
    last = [to_halfwidth(r[-1]).strip() for r in rows if r[-1].strip()]
    if not last or not all(re.fullmatch(r"\d{1,4}", c) for c in last):
        return False
    pages = [int(c) for c in last]
    if pages != sorted(pages):
        return False
    if any(is_numeric_cell(c) for r in rows for c in r[1:-1] if c):
        return False
    titles = [r[0] for r in rows if r[0]]
    return bool(titles) and sum(len(t) for t in titles) / len(titles) >= 8


def _numbers_an_item(cell: str) -> bool:
    """A first cell that numbers an item of a list or a contents page (一、 1.2 第三章 图4.1).

    >>> [_numbers_an_item(c) for c in ("一、总体情况", "图4.1 各省用户", "1.2 用户", "河南省", "12", "2020")]
    [True, True, True, False, False, False]
    """
    text = to_halfwidth(cell).strip()
    return bool(_NUMBERED.match(text) or _CAPTION.match(text))


def _same_columns(columns: Columns, carry: Columns) -> bool:
    if len(columns) != len(carry):
        return False
    return all(min(b, d) - max(a, c) > 0 for (a, b), (c, d) in zip(columns, carry, strict=True))


def _widen(columns: Columns, carry: Columns) -> Columns:
    return [(min(a, c), max(b, d)) for (a, b), (c, d) in zip(columns, carry, strict=True)]
