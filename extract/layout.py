"""From printed lines to paragraphs: pure functions shared by every reader.

PDFs of Chinese reports wrap lines anywhere — inside words (「互联\\n网」) and
numbers (「５２\\n９个」) — so a paragraph is rebuilt by joining lines without a
separator, and split again where a line ends a sentence early or a heading starts.
Running headers and page numbers ("furniture") are set aside first.
"""

from __future__ import annotations

import re
from collections import Counter

from .model import Line, Paragraph

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、](?!\d)|"
    r"第[一二三四五六七八九十\d]+[章节部分]|[表图]\s*\d+(?:[.．]\d+)*)"
)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*\d+\s*[-–—]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}|\d+\s*/\s*\d+)\s*$"
)
_SENTENCE_END = "。！？；：!?;:"


def is_heading(text: str) -> bool:
    """A section heading or a figure/table caption, which never continues a paragraph.

    >>> is_heading("（一）用户发展情况"), is_heading("1.互联网用户"), is_heading("1-8月，全省")
    (True, True, False)
    >>> is_heading("表3.1 2020年8月全国主要网站"), is_heading("8月份，我省")
    (True, False)
    """
    return bool(_HEADING.match(text))


def is_page_number(text: str) -> bool:
    """
    >>> is_page_number("- 12 -"), is_page_number("第3页"), is_page_number("2020年8月")
    (True, True, False)
    """
    return bool(_PAGE_NUMBER.match(text))


def furniture_key(text: str) -> str:
    """Text with digits masked, so 「- 1 -」 and 「- 2 -」 count as the same running line.

    >>> furniture_key("河南省互联网发展状况 2020年8月 第3页")
    '河南省互联网发展状况 #年#月 第#页'
    """
    return re.sub(r"[0-9０-９]+", "#", text.strip())


def find_furniture(pages: list[list[Line]], page_height: float | None = None) -> set[str]:
    """Keys of lines repeated at the top or bottom of most pages (running headers/footers).

    Only the first and last two lines of each page are candidates.

    >>> pages = [[Line("报告 2020年8月"), Line("正文一"), Line("- 1 -")],
    ...          [Line("报告 2020年8月"), Line("正文二"), Line("- 2 -")]]
    >>> sorted(find_furniture(pages))
    ['- # -', '报告 #年#月']
    """
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = {furniture_key(ln.text) for ln in lines[:2] + lines[-2:] if ln.text.strip()}
        counts.update(edge)
    need = max(2, int(len(pages) * 0.5 + 0.5))
    return {k for k, n in counts.items() if n >= need}


def join_lines(parts: list[str]) -> str:
    """Join wrapped printed lines: no separator between CJK or digits, a space between words.

    >>> join_lines(["互联", "网宽带接入用户新增５２", "９个"])
    '互联网宽带接入用户新增５２９个'
    >>> join_lines(["according to", "IDC data"])
    'according to IDC data'
    """
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            out += " "
        out += part
    return out


def squeeze_cjk_spaces(text: str) -> str:
    """Drop the spaces justified text puts between Chinese characters.

    >>> squeeze_cjk_spaces("互 联 网 用户 2993 万户")
    '互联网用户 2993 万户'
    """
    return re.sub(rf"(?<=[{_CJK}])[ \u3000]+(?=[{_CJK}])", "", text)


def build_paragraphs(lines: list[Line], page: int, right_margin: float | None = None) -> list[Paragraph]:
    """Group a page's body lines into paragraphs.

    Chinese paragraphs end with sentence punctuation: a paragraph ends after a line
    that ends with 。！？；： (or a closing bracket) and falls short of the right
    margin, after any clearly short line, and before a heading.  The margin is the
    typical right edge of the page's lines, so a few overlong lines (fullwidth
    digits) do not make every other line look short.

    >>> ps = build_paragraphs([Line("一、总体情况"), Line("8月份，全省互联网用户新增75.5万户，其中：互联网宽带接入用户新增24.3万户，移"),
    ...                        Line("动互联网用户新增51.2万户。"), Line("1-8月，全省互联网用户新增621.6万户。")], page=1)
    >>> [p.text for p in ps]
    ['一、总体情况', '8月份，全省互联网用户新增75.5万户，其中：互联网宽带接入用户新增24.3万户，移动互联网用户新增51.2万户。', '1-8月，全省互联网用户新增621.6万户。']
    """
    if right_margin is None:
        ends = sorted(ln.bbox[2] for ln in lines if ln.bbox)
        right_margin = ends[len(ends) * 3 // 4] if ends else None
    lengths = sorted(len(ln.text.strip()) for ln in lines)
    typical = lengths[len(lengths) * 3 // 4] if lengths else 0
    paragraphs: list[Paragraph] = []
    current: list[Line] = []

    def flush() -> None:
        if current:
            text = squeeze_cjk_spaces(join_lines([ln.text for ln in current]))
            paragraphs.append(
                Paragraph(
                    text=text,
                    page=page,
                    lines=list(current),
                    heading=len(current) == 1 and is_heading(current[0].text),
                )
            )
            current.clear()

    for ln in lines:
        text = ln.text.strip()
        if not text:
            flush()
            continue
        if is_heading(text):
            flush()
            current.append(ln)
            if len(text) < 40:
                flush()
            continue
        overflow = (
            len(current) >= 1
            and len(text) <= 10
            and not _line_is_short(current[-1], right_margin, typical, 0.92)
        )
        current.append(ln)
        ends_sentence = text[-1] in "。！？；：!?;:）)」”"
        if ends_sentence and _line_is_short(ln, right_margin, typical, 0.92):
            flush()
        elif _line_is_short(ln, right_margin, typical, 0.5) and not (overflow and not ends_sentence):
            flush()
    flush()
    return paragraphs


def _line_is_short(ln: Line, right_margin: float | None, typical: int, ratio: float) -> bool:
    if right_margin is not None and ln.bbox is not None:
        width = right_margin - ln.bbox[0]
        return width > 0 and (ln.bbox[2] - ln.bbox[0]) < width * ratio
    return len(ln.text.strip()) < typical * ratio
