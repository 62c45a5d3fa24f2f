"""Unruled tables (columns laid out with whitespace, no rules at all) in real PDFs rendered here.

Each test draws a page with reportlab (built-in CID font STSong-Light, so no font file is
needed), reads it back with ``extract.read_report`` and checks the facts against values
typed into the test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("reportlab")

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

import extract
from extract.readers.pdf import read_pdf

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
WIDTH, HEIGHT = 595.0, 842.0
SIZE = 10.5
PITCH = 18.0  # row pitch of the tables

#: (x, alignment) of each column: "l" left edge, "r" right edge, "c" centre.
Layout = list[tuple[float, str]]


class Page:
    """One page drawn top-down: ``y`` is the distance of the next line from the page's top."""

    def __init__(self, c: canvas.Canvas, header: str = "", number: int = 0):
        self.c = c
        self.y = 72.0
        if header:  # a running header and a page number, as report pages have
            c.setFont(FONT, 9)
            c.drawString(72, HEIGHT - 36, header)
            c.drawCentredString(WIDTH / 2, 30, f"- {number} -")

    def text(self, text: str, size: float = SIZE, gap: float = 8.0) -> None:
        self.c.setFont(FONT, size)
        self.y += size
        self.c.drawString(72, HEIGHT - self.y, text)
        self.y += gap

    def prose(self, text: str) -> None:
        style = ParagraphStyle("p", fontName=FONT, fontSize=SIZE, leading=SIZE * 1.6, wordWrap="CJK")
        para = Paragraph(text, style)
        _, h = para.wrap(WIDTH - 144, HEIGHT)
        para.drawOn(self.c, 72, HEIGHT - self.y - h)
        self.y += h + 8

    def justified(self, lines: list[str]) -> None:
        """Prose set justified word by word, as word processors position it: the slack of each
        line but the last is spread over the gaps between its space-separated words."""
        width = WIDTH - 144
        self.c.setFont(FONT, SIZE)
        for k, line in enumerate(lines):
            tokens = line.split()
            self.y += SIZE
            used = sum(pdfmetrics.stringWidth(t, FONT, SIZE) for t in tokens)
            gap = (width - used) / (len(tokens) - 1) if k < len(lines) - 1 else 3.0
            x = 72.0
            for token in tokens:
                self.c.drawString(x, HEIGHT - self.y, token)
                x += pdfmetrics.stringWidth(token, FONT, SIZE) + gap
            self.y += SIZE * 0.6
        self.y += 8

    def row(self, cells: list[str], layout: Layout, header: bool = False) -> None:
        """One line of a table; header cells are centred over their column."""
        self.c.setFont(FONT, SIZE)
        self.y += SIZE
        base = HEIGHT - self.y
        for cell, (x, align) in zip(cells, layout, strict=True):
            if header:
                self.c.drawCentredString(x, base, cell)
            elif align == "l":
                self.c.drawString(x, base, cell)
            elif align == "r":
                self.c.drawRightString(x, base, cell)
            else:
                self.c.drawCentredString(x, base, cell)
        self.y += PITCH - SIZE


def render(path: Path, *draw) -> Path:
    """A PDF with one page per drawing function (running header and page number when > 1 page)."""
    c = canvas.Canvas(str(path), pagesize=(WIDTH, HEIGHT))
    for number, fn in enumerate(draw, start=1):
        fn(Page(c, header="移动互联网发展月报 2020年8月" if len(draw) > 1 else "", number=number))
        c.showPage()
    c.save()
    return path


def table_facts(path: Path) -> pd.DataFrame:
    facts = extract.read_report(path)
    return facts[facts["method"] == "table"]


def keyed(facts: pd.DataFrame, *columns: str) -> set[tuple]:
    """The facts as tuples of the given columns (numbers rounded to cut float noise)."""
    return {
        tuple(round(v, 3) if isinstance(v, float) else v for v in r)
        for r in facts[list(columns)].itertuples(index=False)
    }


# -- (1) a province table between a title and a paragraph of prose ---------------------------------

USERS_HEADER = ["地区", "2020年8月移动互联网用户（万户）", "同比"]
#: header centres; data: region left-aligned, numbers right-aligned under their header
USERS_HEAD: Layout = [(90, "c"), (250, "c"), (420, "c")]
USERS_DATA: Layout = [(72, "l"), (290, "r"), (440, "r")]
USERS_ROWS = [
    ["河南省", "8643.5", "10.7%"],
    ["广东省", "13215.2", "-2.3%"],
    ["延边州", "203.4", "5.0%"],
    ["四川省", "6981.2", "3.1%"],
    ["北京市", "3520.6", "-0.8%"],
]
#: what a reader of the table writes down: region, users (户), 同比 (%)
USERS_EXPECTED = {
    ("河南省", "410000", 86_435_000.0, 10.7),
    ("广东省", "440000", 132_152_000.0, -2.3),
    ("延边朝鲜族自治州", "222400", 2_034_000.0, 5.0),
    ("四川省", "510000", 69_812_000.0, 3.1),
    ("北京市", "110000", 35_206_000.0, -0.8),
}
TITLE = "一、部分地区移动互联网用户情况"
CLOSING = "注：移动互联网用户数据来源于各地通信管理局，同比为与上年同期相比的增减幅度。"


def draw_users_page(page: Page) -> None:
    page.text(TITLE, size=16, gap=14)
    page.row(USERS_HEADER, USERS_HEAD, header=True)
    for row in USERS_ROWS:
        page.row(row, USERS_DATA)
    page.y += 10
    page.prose(CLOSING)


def test_an_unruled_province_table_becomes_facts(tmp_path: Path) -> None:
    path = render(tmp_path / "users.pdf", draw_users_page)
    doc = read_pdf(path)
    (table,) = doc.pages[0].tables
    assert table.has_header and table.rows[0] == USERS_HEADER and table.rows[1:] == USERS_ROWS
    texts = [p.text for p in doc.pages[0].paragraphs]
    assert texts == [TITLE, CLOSING]  # the rows are not prose

    facts = table_facts(path)
    assert set(facts["indicator"]) == {"移动互联网用户"} and set(facts["period"]) == {"2020-08"}
    values = facts[facts["measure"] == "value"]
    yoy = facts[facts["measure"] == "yoy_pct"].set_index("region")["value"]
    got = {(r.region, r.region_code, round(r.value, 3), yoy[r.region]) for r in values.itertuples()}
    assert got == USERS_EXPECTED
    assert set(values["raw_unit"]) == {"万户"} and set(values["unit"]) == {"户"}
    assert len(facts) == 10 and (facts["page"] == 1).all()


# -- (2) a table continued on the next page without its header --------------------------------------

SPLIT_FIRST = [
    ["河南省", "8643.5", "10.7%"],
    ["广东省", "13215.2", "-2.3%"],
    ["江苏省", "7452.9", "4.4%"],
    ["山东省", "9012.6", "2.0%"],
]
SPLIT_REST = [["浙江省", "6630.1", ""], ["延边州", "203.4", "5.0%"]]  # 浙江省: 同比 left blank


def test_a_table_continued_on_the_next_page_is_joined_to_its_header(tmp_path: Path) -> None:
    def first(page: Page) -> None:
        page.text("部分地区移动互联网用户情况", size=16, gap=14)
        page.prose("8月份，各地移动互联网用户发展情况见下表。" * 3)
        page.y = HEIGHT - 72 - PITCH * (len(SPLIT_FIRST) + 1)  # the table ends at the foot of the page
        page.row(USERS_HEADER, USERS_HEAD, header=True)
        for row in SPLIT_FIRST:
            page.row(row, USERS_DATA)

    def second(page: Page) -> None:
        for row in SPLIT_REST:  # two rows only, no header: they run on from the page before
            page.row(row, USERS_DATA)
        page.y += 12
        page.prose(CLOSING)

    path = render(tmp_path / "split.pdf", first, second)
    doc = read_pdf(path)
    assert [len(p.tables) for p in doc.pages] == [1, 1]
    assert not doc.pages[1].tables[0].has_header and doc.pages[1].tables[0].rows == SPLIT_REST

    facts = table_facts(path)
    values = facts[facts["measure"] == "value"]
    assert keyed(values, "region", "value", "page") == {
        ("河南省", 86_435_000.0, 1),
        ("广东省", 132_152_000.0, 1),
        ("江苏省", 74_529_000.0, 1),
        ("山东省", 90_126_000.0, 1),
        ("浙江省", 66_301_000.0, 2),
        ("延边朝鲜族自治州", 2_034_000.0, 2),
    }
    yoy = facts[facts["measure"] == "yoy_pct"]
    assert keyed(yoy, "region", "value", "page") == {
        ("河南省", 10.7, 1),
        ("广东省", -2.3, 1),
        ("江苏省", 4.4, 1),
        ("山东省", 2.0, 1),
        ("延边朝鲜族自治州", 5.0, 2),
    }  # the blank cell is a gap, not a zero
    assert set(facts["indicator"]) == {"移动互联网用户"} and set(facts["period"]) == {"2020-08"}


# -- (3) justified prose and a list of captions are not tables -------------------------------------

#: Prose with numbers set apart by spaces, line by line: justified, each line splits into words at
#: its wide gaps, and the words of one line stand where another line's gaps are.
JUSTIFIED = [
    "8月份，全省互联网用户新增 75.5 万户，其中宽带接入用户新增 24.3 万户，移动互联网用户",
    "新增 51.2 万户。IPTV（网络电视）用户新增 92.3 万户，总数达到 1867.5 万户，同比",
    "增长 6.9% ，居全国第5位。物联网终端用户总数达到 6131 万户，同比增长 10.7% ，",
    "其中 NB-IoT 终端数达到 571 万户，同比增长 30.2% 。智慧公共事业终端 2263.8 万户，",
    "智能制造终端 1053.8 万户，智能交通终端 588.5 万户，智慧农业终端 3.7 万户，",
    "同比增长 -10.5% 、 -21.9% 、 29.7% 、 -27.2% 。",
]
CAPTIONS = [
    ("图4.1 2020年8月各省辖市移动互联网用户", "12"),
    ("图4.2 2020年1-8月移动互联网接入流量", "13"),
    ("图4.3 2020年8月互联网宽带接入用户", "15"),
    ("图4.4 2020年8月IPTV用户", "16"),
    ("图4.5 2020年8月物联网终端用户", "18"),
]


def draw_prose_page(page: Page) -> None:
    page.text("一、总体情况", size=14, gap=10)
    page.justified(JUSTIFIED)
    page.text("图目录", size=14, gap=10)
    for caption, number in CAPTIONS:
        page.row([caption, number], [(72, "l"), (520, "r")])
    page.y += 10
    page.prose("1-8月，全省互联网用户新增621.6万户，总数达到11636.5万户，居全国第4位。")


def test_justified_prose_and_a_list_of_captions_are_not_tables(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from extract.readers.pdf import _page_lines
    from extract.readers.tables import may_hold_unruled_table

    path = render(tmp_path / "prose.pdf", draw_prose_page)
    pdf = pdfium.PdfDocument(str(path))
    _lines, words, _n, _bad = _page_lines(pdf[0], HEIGHT)
    pdf.close()
    at = next(k for k, line in enumerate(words) if line[0][4] == "图目录")
    prose, captions = words[1:at], words[at + 1 : at + 1 + len(CAPTIONS)]
    assert sum(1 for line in prose if len(line) >= 3) >= 4  # justified lines split at their wide gaps
    # each part alone passes the cheap test, so the page reaches the column analysis …
    assert may_hold_unruled_table(prose) and may_hold_unruled_table(captions)
    doc = read_pdf(path)
    assert doc.pages[0].tables == []  # … which finds no table in either
    assert table_facts(path).empty
    assert "1867.5" in doc.text and "图4.3" in doc.text  # both stay text


# -- (4) an unruled website ranking with rank changes ----------------------------------------------

SITES_HEADER = ["排名", "网站名称", "网址", "访问量（万次）", "排名较上月变化"]
SITES_HEAD: Layout = [(85, "c"), (145, "c"), (245, "c"), (395, "c"), (500, "c")]
SITES_DATA: Layout = [(85, "c"), (120, "l"), (210, "l"), (425, "r"), (500, "c")]
SITES_ROWS = [
    ["1", "商都网", "www.shangdu.com", "21114.9", "-"],
    ["2", "映象网", "www.hnr.cn", "8799.0", "↑1"],
    ["3", "大河网", "www.dahe.cn", "8512.3", "↓1"],
    ["4", "河南一百度", "www.hn1baidu.com", "1203.5", "新进"],
    ["5", "中原网", "www.zynews.cn", "980.2", "↑2"],
]


def test_an_unruled_website_ranking(tmp_path: Path) -> None:
    def draw(page: Page) -> None:
        page.text("2020年8月河南省重点网站访问量排名", size=16, gap=14)
        page.row(SITES_HEADER, SITES_HEAD, header=True)
        for row in SITES_ROWS:
            page.row(row, SITES_DATA)

    path = render(tmp_path / "sites.pdf", draw)
    (table,) = read_pdf(path).pages[0].tables
    assert table.rows == [SITES_HEADER, *SITES_ROWS]

    facts = table_facts(path)
    assert set(facts["indicator"]) == {"网站访问量"} and set(facts["period"]) == {"2020-08"}
    assert keyed(facts[facts["measure"] == "value"], "subject", "value", "raw_unit") == {
        ("商都网 www.shangdu.com", 211_149_000.0, "万次"),
        ("映象网 www.hnr.cn", 87_990_000.0, "万次"),
        ("大河网 www.dahe.cn", 85_123_000.0, "万次"),
        ("河南一百度 www.hn1baidu.com", 12_035_000.0, "万次"),
        ("中原网 www.zynews.cn", 9_802_000.0, "万次"),
    }
    assert keyed(facts[facts["measure"] == "rank"], "subject", "value") == {
        ("商都网 www.shangdu.com", 1.0),
        ("映象网 www.hnr.cn", 2.0),
        ("大河网 www.dahe.cn", 3.0),
        ("河南一百度 www.hn1baidu.com", 4.0),
        ("中原网 www.zynews.cn", 5.0),
    }
    assert keyed(facts[facts["measure"] == "rank_change"], "subject", "value") == {
        ("商都网 www.shangdu.com", 0.0),
        ("映象网 www.hnr.cn", 1.0),
        ("大河网 www.dahe.cn", -1.0),
        ("中原网 www.zynews.cn", 2.0),
    }  # 新进: a new entry has no previous rank


# -- the column analysis on word boxes ---------------------------------------------------------------


def words_at(top: float, *cells: tuple[float, float, str]) -> list[tuple[float, float, float, float, str]]:
    return [(x0, top, x1, top + 10, text) for x0, x1, text in cells]


def test_a_header_that_bridges_the_gutters_still_heads_the_table() -> None:
    """A wide header cell reaching over the region column's gutter, and no header over 排名."""
    from extract.readers.tables import find_unruled_tables

    lines = [
        words_at(100, (110, 290, "2020年8月移动互联网用户（万户）"), (420, 440, "同比")),
        words_at(118, (60, 66, "1"), (72, 135, "内蒙古自治区"), (255, 290, "2317.0"), (415, 440, "1.2%")),
        words_at(136, (60, 66, "2"), (72, 103, "河南省"), (255, 290, "8643.5"), (415, 440, "10.7%")),
        words_at(154, (60, 66, "3"), (72, 103, "广东省"), (250, 290, "13215.2"), (415, 440, "-2.3%")),
    ]
    (table,), carry = find_unruled_tables(lines, 1, 842)
    assert table.has_header and table.rows == [
        ["", "", "2020年8月移动互联网用户（万户）", "同比"],
        ["1", "内蒙古自治区", "2317.0", "1.2%"],
        ["2", "河南省", "8643.5", "10.7%"],
        ["3", "广东省", "13215.2", "-2.3%"],
    ]
    assert table.bbox == (60, 100, 440, 164)
    assert carry == [(60, 66), (72, 135), (250, 290), (415, 440)]  # it ends the page: its columns run on


def test_page_furniture_and_two_aligned_lines_are_not_tables() -> None:
    from extract.readers.tables import find_unruled_tables

    lines = [
        words_at(20, (72, 200, "河南省互联网发展状况"), (450, 520, "2020年8月")),  # running header
        words_at(100, (72, 103, "河南省"), (255, 290, "8643.5")),
        words_at(118, (72, 103, "广东省"), (250, 290, "13215.2")),  # only two rows
        words_at(300, (72, 520, "8月份，全省互联网用户新增75.5万户。")),
        words_at(815, (280, 300, "第3页"), (480, 520, "共10页")),  # footer
    ]
    assert find_unruled_tables(lines, 1, 842) == ([], None)


def test_wrapped_header_cells_are_joined_and_a_unit_line_is_not_a_header() -> None:
    """Header cells wrapped over two tight lines (「用云量 规 / 模排名」), under a 单位 line."""
    from extract.readers.tables import find_unruled_tables

    lines = [
        words_at(80, (380, 440, "单位：位")),
        words_at(94, (69, 86, "城市"), (127, 165, "用云量 规")),
        words_at(100, (126, 152, "模排名"), (184, 202, "城市"), (250, 288, "用云量 增速排名")),
        words_at(118, (69, 95, "上海市"), (127, 131, "1"), (185, 211, "中卫市"), (251, 255, "1")),
        words_at(136, (69, 95, "北京市"), (127, 131, "2"), (184, 211, "晋中市"), (251, 255, "2")),
        words_at(154, (69, 95, "深圳市"), (127, 131, "3"), (184, 211, "鞍山市"), (250, 255, "3")),
    ]
    (table,), _ = find_unruled_tables(lines, 1, 842)
    assert table.rows[0] == ["城市", "用云量 规模排名", "城市", "用云量 增速排名"]
    assert table.rows[1:] == [
        ["上海市", "1", "中卫市", "1"],
        ["北京市", "2", "晋中市", "2"],
        ["深圳市", "3", "鞍山市", "3"],
    ]
    assert table.bbox[1] == 94  # the 单位 line stays text
