"""PDF → :class:`~extract.model.Document`.

The text layer comes from pypdfium2 (fast, and it drops the doubled characters of
fake-bold headings); ruled and three-line tables come from pdfplumber, run only on
pages that have ruling lines. Unruled tables (columns laid out with whitespace) come
from the words of the lines already read — characters split at wide gaps — on pages
without a ruled table whose lines hint at one (a cheap count, see
:func:`~extract.readers.tables.may_hold_unruled_table`), so text-only pages still never
reach pdfplumber. Lines inside a table are not part of any paragraph.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..layout import build_paragraphs, find_furniture, furniture_key, is_page_number
from ..model import Document, InputError, Line, Page, Table
from . import ocr as _ocr
from .limits import Limits
from .tables import Columns, Word, find_tables, find_unruled_tables, may_hold_unruled_table

#: Pages whose text is mostly replacement or private-use characters cannot be read.
_BAD_CHAR_RATIO = 0.3
#: Two characters further apart than this many font sizes (advance to advance) are in different words.
_WORD_GAP = 0.9


def read_pdf(
    path: str | Path, password: str | None = None, limits: Limits | None = None, ocr: str = "auto"
) -> Document:
    """Read a PDF into pages of paragraphs and tables, or raise :class:`InputError`.

    ``ocr`` (auto | never | always): which pages are read by OCR (see :mod:`extract.readers.ocr`)."""
    path = Path(path)
    limits = limits or Limits()
    started = time.monotonic()
    pdf = _open(path, password)
    try:
        count = len(pdf)
        if count == 0:
            raise InputError(str(path), "the PDF has no pages")
        if count > limits.max_pages:
            raise InputError(
                str(path),
                f"the PDF has {count} pages, more than the limit of {limits.max_pages} "
                "(raise it with --max-pages)",
            )
        raw_pages: list[tuple[list[Line], int, float, float, list[list[Word]]]] = []
        chars = 0
        unreadable: list[int] = []
        damaged: list[int] = []
        ocr_pages: dict[int, _ocr.OcrPage] = {}  # OCR (issue 17): 1-based page → what OCR read there
        for i in range(count):
            if time.monotonic() - started > limits.timeout_s:
                raise InputError(
                    str(path),
                    f"reading took longer than the limit of {limits.timeout_s:g} s (raise it with --timeout)",
                )
            try:
                page = pdf[i]
            except pdfium.PdfiumError:  # a page object the file names but does not hold
                damaged.append(i + 1)
                raw_pages.append(([], 0, 0.0, 0.0, []))
                continue
            width, height = page.get_size()
            lines, words, n_chars, bad = _page_lines(page, height)
            # --- OCR (issue 17): a page without a usable text layer is read from its image -------------
            if ocr != "never" and _ocr.wants_page(page, lines, bad / n_chars if n_chars else 0.0, ocr):
                ocr_pages[i + 1] = read = _ocr.ocr_page(page)
                lines, words, bad = read.lines, read.words, 0
                n_chars = max(n_chars, sum(len(ln.text) for ln in lines))
            # --- end OCR ----------------------------------------------------------------------------------
            chars += n_chars
            if n_chars and bad / n_chars > _BAD_CHAR_RATIO:
                unreadable.append(i + 1)
                lines, words = [], []
            paths = 0 if i + 1 in ocr_pages else _count_paths(page)  # OCR pages: tables come from the image
            raw_pages.append((lines, paths, width, height, words))
            page.close()
    finally:
        pdf.close()
    if len(damaged) == count:
        raise InputError(str(path), "the PDF is damaged: none of its pages can be read")
    warnings = [f"page(s) {', '.join(map(str, damaged))} damaged and skipped"] if damaged else []
    if chars == 0:
        raise InputError(
            str(path),
            "the PDF has no text layer (a scanned or image-only document); "
            + ("read it by OCR with --ocr auto" if ocr == "never" else "and OCR found no text on it"),
        )
    if len(unreadable) == count:
        raise InputError(str(path), "the PDF's fonts have no Unicode map, so its text cannot be read")

    tables_by_page = find_tables(path, password, [i for i, p in enumerate(raw_pages) if p[1] >= 3], warnings)
    tables_by_page.update(_ocr.page_tables(ocr_pages))  # OCR (issue 17): ruled tables found in the image
    _add_unruled_tables(raw_pages, tables_by_page)
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
    doc = Document(name=path.name, pages=pages, title=title, kind="pdf", warnings=warnings)
    _ocr.record(doc, ocr_pages)  # OCR (issue 17): which pages, and the doubtful words, for the flags
    return doc


def _add_unruled_tables(
    raw_pages: list[tuple[list[Line], int, float, float, list[list[Word]]]],
    tables_by_page: dict[int, list[Table]],
) -> None:
    """Tables laid out with whitespace, on pages without a ruled or three-line table.

    Only pages whose words already hint at a table (lines split into words, a later word a
    number) get the column analysis; a table that ends a page hands its columns to the next.
    """
    carry: Columns | None = None
    for i, (_lines, _paths, _width, height, words) in enumerate(raw_pages):
        if i in tables_by_page or not may_hold_unruled_table(words, carried=carry is not None):
            carry = None
            continue
        tables, carry = find_unruled_tables(words, i + 1, height, carry)
        if tables:
            tables_by_page[i] = tables


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
            raise InputError(
                str(path), "the PDF is password-protected; give the password with --password"
            ) from exc
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
    except Exception:  # any failure here means "damaged", reported by the caller
        return False


Segment = tuple[float, float, float, float, str, list[Word]]  # a run of text: box, text, its words


def _page_lines(page: pdfium.PdfPage, height: float) -> tuple[list[Line], list[list[Word]], int, int]:
    """Printed lines of one page (top to bottom) with boxes in top-left coordinates, and the words
    of each line (runs of characters split at gaps wider than about a character)."""
    textpage = page.get_textpage()
    try:
        n_chars = textpage.count_chars()
        if n_chars <= 0:
            return [], [], 0, 0
        full = textpage.get_text_range()
        bad = sum(1 for ch in full if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
        bad += full.count("(cid:") * 5
        segments = (
            _char_lines(textpage, full, height) if len(full) == n_chars else _rect_lines(textpage, height)
        )
    finally:
        textpage.close()
    lines, words = _group_lines(segments)
    return lines, words, n_chars, bad


def _char_lines(textpage: pdfium.PdfTextPage, full: str, height: float) -> list[Segment]:
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
        words: list[Word] = []
        word_start = 0  # index into chars / boxes where the current word begins
        box_start = 0
        prev = -1
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
            if (
                boxes
                and box[0] - boxes[-1][2] > 0.5 * (box[3] - box[1])
                and _wide_gap(textpage, prev, k, boxes[-1], box)
            ):
                words.append(_word(chars[word_start:], boxes[box_start:], height))
                word_start, box_start = len(chars), len(boxes)
            chars.append(ch)
            boxes.append(box)
            prev = k
        text = "".join(chars).strip()
        if boxes and text:
            left = min(b[0] for b in boxes)
            right = max(b[2] for b in boxes)
            bottom = min(b[1] for b in boxes)
            top = max(b[3] for b in boxes)
            if words:
                words.append(_word(chars[word_start:], boxes[box_start:], height))
            else:  # one word (most lines): the segment's own box
                words.append((left, height - top, right, height - bottom, re.sub(r"\s+", " ", text)))
            segments.append((left, height - top, right, height - bottom, re.sub(r"\s{2,}", " ", text), words))
        start = i + 1
    return segments


def _wide_gap(
    textpage: pdfium.PdfTextPage, a: int, b: int, box_a: tuple[float, ...], box_b: tuple[float, ...]
) -> bool:
    """Whether two characters printed one after the other are in different words (table cells).

    Glyph boxes leave a wide gap around fullwidth punctuation, so a gap that looks wide is
    measured again between the characters' advance boxes (rarely: only there and between cells).
    """
    gap = box_b[0] - box_a[2]
    size = max(box_a[3] - box_a[1], box_b[3] - box_b[1])
    if gap <= 0.5 * size:
        return False
    loose_a = textpage.get_charbox(a, loose=True)
    loose_b = textpage.get_charbox(b, loose=True)
    font = pdfium_c.FPDFText_GetFontSize(textpage.raw, b) or size
    return loose_b[0] - loose_a[2] > _WORD_GAP * font


def _word(chars: list[str], boxes: list[tuple[float, float, float, float]], height: float) -> Word:
    return (
        min(b[0] for b in boxes),
        height - max(b[3] for b in boxes),
        max(b[2] for b in boxes),
        height - min(b[1] for b in boxes),
        re.sub(r"\s+", " ", "".join(chars)).strip(),
    )


def _rect_lines(textpage: pdfium.PdfTextPage, height: float) -> list[Segment]:
    segments = []
    for k in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(k)
        text = textpage.get_text_bounded(left, bottom, right, top).replace("\r", "").replace("\n", "")
        if text.strip():
            box = (left, height - top, right, height - bottom)
            segments.append((*box, text, [(*box, text.strip())]))
    return segments


def _group_lines(segments: list[Segment]) -> tuple[list[Line], list[list[Word]]]:
    """Merge text runs that share a baseline into one printed line (and its words)."""
    segments.sort(key=lambda s: (round(s[3], 0), s[0]))
    lines: list[list[Segment]] = []
    for seg in segments:
        if lines and abs(lines[-1][-1][3] - seg[3]) < 2.0:
            lines[-1].append(seg)
        else:
            lines.append([seg])
    out: list[Line] = []
    out_words: list[list[Word]] = []
    for group in lines:
        group.sort(key=lambda s: s[0])
        text = ""
        words: list[Word] = []
        for j, seg in enumerate(group):
            prev = group[j - 1][4] if j else ""
            space = bool(
                prev and seg[0] - group[j - 1][2] > 4.0 and prev[-1].isascii() and seg[4][0].isascii()
            )
            if space:
                text += " "
            text += seg[4]
            for n, w in enumerate(seg[5]):
                if (
                    n == 0
                    and words
                    and w[0] - words[-1][2] <= _WORD_GAP * min(w[3] - w[1], words[-1][3] - words[-1][1])
                ):
                    p = words[-1]
                    words[-1] = (
                        p[0],
                        min(p[1], w[1]),
                        max(p[2], w[2]),
                        max(p[3], w[3]),
                        p[4] + (" " if space else "") + w[4],
                    )
                else:
                    words.append(w)
        bbox = (
            min(s[0] for s in group),
            min(s[1] for s in group),
            max(s[2] for s in group),
            max(s[3] for s in group),
        )
        out.append(Line(text=text, bbox=bbox))
        out_words.append(words)
    return out, out_words


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
