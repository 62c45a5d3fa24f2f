"""Find tables on PDF pages with pdfplumber: ruled grids and three-line tables (三线表).

Ruled tables come straight from pdfplumber's line strategy. A three-line table
has only horizontal rules (top, header, bottom); its columns are found from the
word positions between the rules (pdfplumber's text strategy on that crop).
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from ..layout import join_lines
from ..model import Table

_TEXT_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text"}


def find_tables(path: Path, password: str | None, page_indexes: list[int]) -> dict[int, list[Table]]:
    """Tables on the given 0-based pages, keyed by page index."""
    if not page_indexes:
        return {}
    found: dict[int, list[Table]] = {}
    with pdfplumber.open(str(path), password=password or "") as pdf:
        for i in page_indexes:
            page = pdf.pages[i]
            tables = _ruled_tables(page, i + 1) or _three_line_tables(page, i + 1)
            if tables:
                found[i] = tables
            page.close()
    return found


def clean_cell(cell: str | None) -> str:
    """A cell's text with its wrapped lines joined.

    >>> clean_cell("互联网接入及相\\n关服务业务"), clean_cell(None)
    ('互联网接入及相关服务业务', '')
    """
    if not cell:
        return ""
    return join_lines(cell.split("\n"))


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
        rows = clean_rows(t.extract())
        if len(rows) < 1 or max(len(r) for r in rows) < 2:
            continue
        boxes = [r.bbox for r in t.rows]
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
    return any(abs(ln["x1"] - ln["x0"]) <= 2 and abs(ln["bottom"] - ln["top"]) > 8 for ln in page.lines + page.rects)


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
        rows = _text_rows(crop, _TEXT_SETTINGS) or _text_rows(crop, {**_TEXT_SETTINGS, "min_words_vertical": 1})
        if not rows or max(len(r) for r in rows) < 2:
            continue
        tables.append(Table(rows=rows, page=number, bbox=bbox, has_header=has_header))
    return tables
