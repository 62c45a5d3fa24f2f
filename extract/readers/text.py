"""Plain-text dumps of reports → :class:`~extract.model.Document`.

One printed line per line. A form feed, or a line that begins with a space
after a blank line (the convention of PDF text dumps), starts a new page; a run
of tab-separated lines is a table. GBK files are detected and decoded.
"""

from __future__ import annotations

from pathlib import Path

from ..layout import build_paragraphs, find_furniture, furniture_key, is_page_number
from ..model import Document, InputError, Line, Page, Table
from .limits import Limits, megabytes


def decode(data: bytes, path: str = "") -> str:
    """Text from bytes in UTF-8 (with or without BOM), GB18030/GBK, or UTF-16.

    >>> decode("河南".encode("gbk")), decode("\\ufeff河南".encode("utf-8"))
    ('河南', '河南')
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(path, "the text is neither UTF-8 nor GBK/GB18030 encoded")


def split_pages(text: str) -> list[list[str]]:
    """Printed lines grouped by page.

    >>> split_pages("a\\n\\nb\\n\\n c\\n\\nd")
    [['a', 'b'], ['c', 'd']]
    >>> split_pages("a\\fb")
    [['a'], ['b']]
    """
    pages: list[list[str]] = [[]]
    for chunk_i, chunk in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\f")):
        if chunk_i:
            pages.append([])
        for raw in chunk.split("\n"):
            if not raw.strip():
                continue
            if raw.startswith(" ") and not raw.startswith("\t") and pages[-1]:
                pages.append([])
            pages[-1].append(raw.strip(" \u3000"))
    return [p for p in pages if p]


def read_text(path: str | Path, limits: Limits | None = None) -> Document:
    path = Path(path)
    limits = limits or Limits()
    if not path.exists():
        raise InputError(str(path), "no such file")
    size = path.stat().st_size
    if size > limits.max_text_bytes:
        raise InputError(
            str(path),
            f"too large: {megabytes(size)} of text, more than the limit of "
            f"{megabytes(limits.max_text_bytes)} for a text report",
        )
    data = path.read_bytes()
    if not data.strip():
        raise InputError(str(path), "the file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(str(path), "not a text file (binary content)")
    pages_lines = split_pages(decode(data, str(path)))
    furniture = find_furniture([[Line(t) for t in p] for p in pages_lines])
    pages = [page_from_lines(lines, n, furniture) for n, lines in enumerate(pages_lines, start=1)]
    title = next((p.paragraphs[0].text for p in pages if p.paragraphs), "")
    return Document(name=path.name, pages=pages, title=title, kind="text")


def page_from_lines(lines: list[str], n: int, furniture: set[str]) -> Page:
    r"""One page of printed lines: running lines set aside, tab-separated runs as tables, the rest paragraphs.

    >>> p = page_from_lines(["甲乙", "省份\t排名", "河南省\t4", "丙丁"], 1, set())
    >>> [x.text for x in p.paragraphs], p.tables[0].rows, p.tables[0].position
    (['甲乙', '丙丁'], [['省份', '排名'], ['河南省', '4']], 1)
    """
    page = Page(number=n)
    body: list[Line] = []
    block: list[list[str]] = []
    for idx, text in enumerate(lines):
        edge = idx < 2 or idx >= len(lines) - 2
        if furniture_key(text) in furniture or (edge and is_page_number(text)):
            page.furniture.append(text)
            continue
        if "\t" in text:
            block.append([c.strip() for c in text.split("\t")])
            continue
        if block:
            _close_table(page, body, block)
        body.append(Line(text))
    if block:
        _close_table(page, body, block)
    page.paragraphs.extend(build_paragraphs(body, n))
    return page


def _close_table(page: Page, body: list[Line], block: list[list[str]]) -> None:
    page.paragraphs.extend(build_paragraphs(body, page.number))
    body.clear()
    page.tables.append(Table(rows=list(block), page=page.number, position=len(page.paragraphs)))
    block.clear()
