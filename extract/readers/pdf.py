"""PDF → :class:`~extract.model.Document`.

The text layer comes from pypdfium2 (fast, and it drops the doubled characters of
fake-bold headings); tables come from pdfplumber, run only on pages that have
ruling lines. Lines inside a table are not part of any paragraph.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..layout import build_paragraphs, find_furniture, furniture_key, is_page_number
from ..model import Document, InputError, Line, Page, Table
from .tables import find_tables

#: Pages whose text is mostly replacement or private-use characters cannot be read.
_BAD_CHAR_RATIO = 0.3


class Limits:
    """Guards against hostile files; both are configurable from the CLI."""

    def __init__(self, max_pages: int = 2000, timeout_s: float = 300.0):
        self.max_pages = max_pages
        self.timeout_s = timeout_s


def read_pdf(path: str | Path, password: str | None = None, limits: Limits | None = None) -> Document:
    """Read a PDF into pages of paragraphs and tables, or raise :class:`InputError`."""
    path = Path(path)
    limits = limits or Limits()
    started = time.monotonic()
    pdf = _open(path, password)
    try:
        count = len(pdf)
        if count == 0:
            raise InputError(str(path), "the PDF has no pages")
        if count > limits.max_pages:
            raise InputError(str(path), f"the PDF has {count} pages, more than the limit of {limits.max_pages} "
                             "(raise it with --max-pages)")
        raw_pages: list[tuple[list[Line], int, float, float, bool]] = []
        chars = 0
        unreadable: list[int] = []
        for i in range(count):
            if time.monotonic() - started > limits.timeout_s:
                raise InputError(str(path), f"reading took longer than the limit of {limits.timeout_s:g} s "
                                 "(raise it with --timeout)")
            page = pdf[i]
            width, height = page.get_size()
            lines, n_chars, bad = _page_lines(page, height)
            chars += n_chars
            if n_chars and bad / n_chars > _BAD_CHAR_RATIO:
                unreadable.append(i + 1)
                lines = []
            raw_pages.append((lines, _count_paths(page), width, height, False))
            page.close()
    finally:
        pdf.close()
    if chars == 0:
        raise InputError(str(path), "the PDF has no text layer (a scanned or image-only document); "
                         "run OCR on it first")
    if len(unreadable) == count:
        raise InputError(str(path), "the PDF's fonts have no Unicode map, so its text cannot be read")

    tables_by_page = find_tables(path, password, [i for i, p in enumerate(raw_pages) if p[1] >= 3])
    furniture = find_furniture([p[0] for p in raw_pages])
    pages: list[Page] = []
    for i, (lines, _paths, width, height, _) in enumerate(raw_pages):
        number = i + 1
        tables = tables_by_page.get(i, [])
        body: list[Line] = []
        set_aside: list[str] = []
        for ln in lines:
            if _in_any(ln, tables):
                continue
            edge = ln.bbox is not None and (ln.bbox[1] < height * 0.1 or ln.bbox[3] > height * 0.9)
            if furniture_key(ln.text) in furniture or (edge and is_page_number(ln.text)):
                set_aside.append(ln.text)
            else:
                body.append(ln)
        pg = Page(number=number, width=width, height=height, furniture=set_aside, tables=tables)
        pg.paragraphs = build_paragraphs(body, number)
        if number in unreadable:
            pg.furniture.append("(unreadable: font without a Unicode map)")
        pages.append(pg)
    title = next((p.paragraphs[0].text for p in pages if p.paragraphs), "")
    return Document(name=path.name, pages=pages, title=title, kind="pdf")


def _open(path: Path, password: str | None) -> pdfium.PdfDocument:
    if not path.exists():
        raise InputError(str(path), "no such file")
    if path.stat().st_size == 0:
        raise InputError(str(path), "the file is empty")
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise InputError(str(path), "not a PDF file (no %PDF header)")
    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        code = pdfium_c.FPDF_GetLastError()
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            if password:
                raise InputError(str(path), "the password given with --password is wrong") from exc
            raise InputError(str(path), "the PDF is password-protected; give the password with --password") from exc
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise InputError(str(path), "the PDF uses an unsupported security handler") from exc
        if _has_no_pages(path, password):  # pdfium refuses page-less documents without saying why
            raise InputError(str(path), "the PDF has no pages") from exc
        raise InputError(str(path), "the PDF is damaged or truncated and cannot be opened") from exc


def _has_no_pages(path: Path, password: str | None) -> bool:
    import pdfplumber

    try:
        with pdfplumber.open(str(path), password=password or "") as pdf:
            return len(pdf.pages) == 0
    except Exception:  # noqa: BLE001 - any failure here means "damaged", reported by the caller
        return False


def _page_lines(page: pdfium.PdfPage, height: float) -> tuple[list[Line], int, int]:
    """Printed lines of one page (top to bottom) with boxes in top-left coordinates."""
    textpage = page.get_textpage()
    try:
        n_chars = textpage.count_chars()
        if n_chars <= 0:
            return [], 0, 0
        full = textpage.get_text_range()
        bad = sum(1 for ch in full if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
        bad += full.count("(cid:") * 5
        segments = _char_lines(textpage, full, height) if len(full) == n_chars else _rect_lines(textpage, height)
    finally:
        textpage.close()
    return _group_lines(segments), n_chars, bad


def _char_lines(textpage: pdfium.PdfTextPage, full: str, height: float) -> list[tuple[float, float, float, float, str]]:
    """Lines as pdfium orders its text (one char index per character), boxed from their characters.

    A character drawn again on top of itself (fake bold: the same glyph 0.3 pt away) is kept once.
    """
    segments = []
    start = 0
    for i in range(len(full) + 1):
        if i < len(full) and full[i] not in "\r\n":
            continue
        chars: list[str] = []
        boxes: list[tuple[float, float, float, float]] = []
        drawn: set[tuple[str, int, int]] = set()
        for k in range(start, i):
            ch = full[k]
            if ch.isspace():
                chars.append(ch)
                continue
            box = textpage.get_charbox(k)
            gx, gy = int(box[0] * 2), int(box[1] * 2)  # half-point cells: a copy 0.3 pt away lands next door
            if any((ch, gx + dx, gy + dy) in drawn for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
                continue
            drawn.add((ch, gx, gy))
            chars.append(ch)
            boxes.append(box)
        text = "".join(chars).strip()
        if boxes and text:
            left = min(b[0] for b in boxes)
            right = max(b[2] for b in boxes)
            bottom = min(b[1] for b in boxes)
            top = max(b[3] for b in boxes)
            segments.append((left, height - top, right, height - bottom, re.sub(r"\s{2,}", " ", text)))
        start = i + 1
    return segments


def _rect_lines(textpage: pdfium.PdfTextPage, height: float) -> list[tuple[float, float, float, float, str]]:
    segments = []
    for k in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(k)
        text = textpage.get_text_bounded(left, bottom, right, top).replace("\r", "").replace("\n", "")
        if text.strip():
            segments.append((left, height - top, right, height - bottom, text))
    return segments


def _group_lines(segments: list[tuple[float, float, float, float, str]]) -> list[Line]:
    """Merge text runs that share a baseline into one printed line."""
    segments.sort(key=lambda s: (round(s[3], 0), s[0]))
    lines: list[list[tuple[float, float, float, float, str]]] = []
    for seg in segments:
        if lines and abs(lines[-1][-1][3] - seg[3]) < 2.0:
            lines[-1].append(seg)
        else:
            lines.append([seg])
    out: list[Line] = []
    for group in lines:
        group.sort(key=lambda s: s[0])
        text = ""
        for j, seg in enumerate(group):
            prev = group[j - 1][4] if j else ""
            if prev and seg[0] - group[j - 1][2] > 4.0 and prev[-1].isascii() and seg[4][0].isascii():
                text += " "
            text += seg[4]
        bbox = (min(s[0] for s in group), min(s[1] for s in group), max(s[2] for s in group), max(s[3] for s in group))
        out.append(Line(text=text, bbox=bbox))
    return out


def _count_paths(page: pdfium.PdfPage) -> int:
    """How many vector path objects a page draws: a cheap test for ruled tables."""
    return sum(1 for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2))


def _in_any(line: Line, tables: list[Table]) -> bool:
    if line.bbox is None:
        return False
    x0, top, x1, bottom = line.bbox
    cy = (top + bottom) / 2
    cx = (x0 + x1) / 2
    for t in tables:
        if t.bbox and t.bbox[1] - 1 <= cy <= t.bbox[3] + 1 and t.bbox[0] - 1 <= cx <= t.bbox[2] + 1:
            return True
    return False
