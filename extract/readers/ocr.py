"""Pages without a usable text layer, read by OCR into the same lines, words and tables.

Which pages (:func:`wants_page`, cheap, from what the text reader already has): a page whose text
layer is empty while it draws an image, or is garbage — replacement / private-use characters and
``(cid:123)`` runs, mojibake (Latin-1 letters where Chinese was meant) — or is far shorter than
the image it draws (a scan with a stamped page number). A page with a good text layer never
reaches this module, and the OCR package is imported only when a page needs it.

How a page is read (:func:`ocr_page`):

1. The page is rendered with pypdfium2 at :attr:`OcrSettings.dpi` (grey).
2. RapidOCR's PP-OCR Chinese text detector (ONNX, shipped inside the ``rapidocr-onnxruntime``
   wheel; one ONNX Runtime thread) finds text boxes, strip by strip down the page (bounded memory;
   a box belongs to the strip holding its centre). Their median slope is the page's skew: a page
   turned by more than :attr:`OcrSettings.min_skew_deg` is turned back and the boxes with it, so
   lines and ruling lines are level (a fact's box is turned onto the scanned page again at the end).
3. The PP-OCR recogniser reads each box, one at a time; its CTC columns give every character a
   position and a probability. A few misreadings that are never words (NB-loT, 僵户, 未马) are put
   right, also across a line break. A box splits into words where two characters are further apart
   than :attr:`OcrSettings.word_gap` character heights (table cells read as one box); boxes that share
   a baseline form one printed line — the same :class:`~extract.model.Line` and word tuples the
   text reader makes, in PDF points from the page's top-left, so boxes drawn on the rendered page
   sit on the scanned number.
4. Ruled tables: long horizontal and vertical strokes are found in the image (morphological
   opening); a grid of them is a table whose cells take the words whose centres fall inside. An
   empty cell holding a single short flat stroke is a dash ("-", no change), which the detector
   misses; a doubtful 1 before a digit whose glyph is a stem with a head on both sides is ↑ or ↓
   (the recogniser reads ↓1 as 11). Pages without a grid go to the unruled-table finder on the OCR
   words (word-position columns), as text pages do.
5. A word is *doubtful* when its mean probability is below :attr:`OcrSettings.min_word_score`
   or any of its digits is below :attr:`OcrSettings.min_digit_score` (a misread digit is a wrong
   number). Doubtful words are handed back with their boxes; :func:`flag_ocr_facts` marks every fact
   of an OCR page ``ocr`` and a fact whose number is in a doubtful word ``low_confidence``.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..layout import join_lines
from ..model import BBox, Document, Fact, Line, Table
from .tables import Word

if TYPE_CHECKING:
    import numpy as np
    import pypdfium2 as pdfium

#: Document.meta keys where the reader leaves what the flags need (JSON).
META_PAGES = "ocr_pages"
META_DOUBTFUL = "ocr_doubtful"
META_SKEW = "ocr_skew"
MODES = ("auto", "never", "always")


@dataclass(frozen=True)
class OcrSettings:
    """Every threshold of the OCR path in one place."""

    #: render resolution of a page handed to OCR (150 dpi: 10.5 pt text is ~22 px high, enough for PP-OCR)
    dpi: float = 150.0
    #: share of garbage characters (replacement, private use, (cid:…), mojibake) that makes a text layer unusable
    max_garbage_ratio: float = 0.3
    #: a page drawing an image over this share of its area with fewer characters than below is a scan
    min_image_share: float = 0.3
    min_chars_on_scan: int = 40
    #: recognition below these probabilities makes a word doubtful (flag ``low_confidence``)
    min_word_score: float = 0.90
    min_digit_score: float = 0.95
    #: words recognised below this mean probability are noise, not text (specks read as 一, 二, ·)
    min_keep_score: float = 0.6
    #: two characters of one box further apart than this many character heights are two words
    word_gap: float = 1.2
    #: a page turned by more than this is turned back before lines and rules are read
    min_skew_deg: float = 0.15
    #: a ruling line is at least this share of the page's width (horizontal) or this many text heights (vertical)
    min_rule_share: float = 0.25
    #: ONNX Runtime threads per process (ingest runs one process per file)
    threads: int = 1
    #: text boxes recognised at once: one keeps a long line's tensors small (a batch of six full-width
    #: lines needs ~700 MB more, past the reader's 1536 MB address-space limit)
    rec_batch: int = 1
    #: the detector reads the page in horizontal strips this many pixels high, each seeing this many more
    #: above and below (more than a line): its feature maps for a whole page need ~350 MB, a strip's far less
    det_strip: int = 640
    det_overlap: int = 96
    #: glibc malloc arenas: each thread's arena reserves 64 MB of address space, which counts against the limit
    malloc_arenas: int = 2


@dataclass
class OcrPage:
    """What OCR read on one page: lines and their words as the text reader makes them, tables
    found from ruling lines in the image, and the doubtful words (box, text, score)."""

    lines: list[Line] = field(default_factory=list)
    words: list[list[Word]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    doubtful: list[tuple[BBox, str, float]] = field(default_factory=list)
    #: the page was turned back by ``skew`` degrees about ``centre`` (points) before it was read:
    #: all boxes above are on the levelled page (see :func:`unlevel`)
    skew: float = 0.0
    centre: tuple[float, float] = (0.0, 0.0)


# --- which pages ----------------------------------------------------------------------------------

_MOJIBAKE = re.compile(r"[\u00c0-\u00ff\u0100-\u024f\u02b0-\u036f]")


def garbage_ratio(text: str) -> float:
    """Share of characters that are not text: replacement and private-use characters, ``(cid:N)``
    runs (five each) and mojibake (accented Latin letters where a Chinese report has none).

    >>> garbage_ratio("全省互联网用户8643.5万户"), round(garbage_ratio("(cid:12)(cid:34)ab"), 2)
    (0.0, 0.56)
    >>> garbage_ratio("å\u0085¨ç\u009c\u0081äº\u0092è\u0081\u0094") > 0.3
    True
    """
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    bad = sum(1 for c in chars if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or "\x80" <= c <= "\x9f")
    bad += len(_MOJIBAKE.findall(text))
    bad += text.count("(cid:") * 5
    return min(1.0, bad / len(chars))


def needs_ocr(text: str, image_share: float, mode: str = "auto", settings: OcrSettings | None = None) -> bool:
    """Whether a page goes to OCR: always / never by ``mode``; in ``auto`` a page with an image and
    no (or too little) text, or a garbage text layer.

    >>> needs_ocr("", 1.0), needs_ocr("", 0.0), needs_ocr("- 4 -", 0.95), needs_ocr("全省" * 100, 0.95)
    (True, False, True, False)
    >>> needs_ocr("(cid:1)(cid:2)(cid:3)", 0.0), needs_ocr("全省", 0.0, "always"), needs_ocr("", 1.0, "never")
    (True, True, False)
    """
    s = settings or OcrSettings()
    if mode == "always":
        return True
    if mode == "never":
        return False
    visible = len("".join(text.split()))
    if visible and garbage_ratio(text) > s.max_garbage_ratio:
        return True
    return image_share >= s.min_image_share and visible < s.min_chars_on_scan


def wants_page(
    page: pdfium.PdfPage, lines: list[Line], bad_share: float, mode: str, settings: OcrSettings | None = None
) -> bool:
    """:func:`needs_ocr` for a page the text reader has read (its lines, and the share of bad characters
    it counted); the page's images are measured only when its text is short."""
    s = settings or OcrSettings()
    if mode != "auto":
        return needs_ocr("", 0.0, mode, s)
    if bad_share > s.max_garbage_ratio:
        return True
    text = "".join(ln.text for ln in lines[:200])
    if len("".join(text.split())) >= s.min_chars_on_scan:  # a real text layer: checked for mojibake only
        return garbage_ratio(text) > s.max_garbage_ratio
    return needs_ocr(text, image_share(page), mode, s)


def page_tables(pages: dict[int, OcrPage]) -> dict[int, list[Table]]:
    """The ruled tables OCR found, keyed by 0-based page index as the PDF reader keys its tables."""
    out: dict[int, list[Table]] = {}
    for number, read in pages.items():
        for t in read.tables:
            t.page = number
        if read.tables:
            out[number - 1] = read.tables
    return out


def image_share(page: pdfium.PdfPage) -> float:
    """Share of the page covered by image objects (bounds of each, capped at 1)."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    if width <= 0 or height <= 0:
        return 0.0
    area = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        area += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
    return min(1.0, area / (width * height))


# --- the engine (lazy: imported and built once per process, only when a page needs it) ------------

_ENGINE: dict[int, Any] = {}


def _engine(settings: OcrSettings) -> Any:
    if settings.threads not in _ENGINE:
        _limit_malloc_arenas(settings.malloc_arenas)
        import cv2
        from rapidocr_onnxruntime import RapidOCR  # the PP-OCR models ship inside this wheel

        cv2.setNumThreads(settings.threads)
        engine = RapidOCR(
            intra_op_num_threads=settings.threads, inter_op_num_threads=settings.threads, use_cls=False
        )
        engine.text_rec.rec_batch_num = settings.rec_batch
        _ENGINE[settings.threads] = engine
    return _ENGINE[settings.threads]


def _limit_malloc_arenas(count: int) -> None:
    """glibc: at most ``count`` malloc arenas (``M_ARENA_MAX``) in this process; elsewhere nothing."""
    import ctypes

    try:
        ctypes.CDLL(None).mallopt(-8, count)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


# --- one page ------------------------------------------------------------------------------------


def ocr_page(page: pdfium.PdfPage, settings: OcrSettings | None = None) -> OcrPage:
    """Render one page and read it (see the module docstring)."""
    s = settings or OcrSettings()
    scale = s.dpi / 72.0
    return read_image(page.render(scale=scale, grayscale=True).to_numpy(), scale, s)


def read_image(gray: np.ndarray, scale: float, settings: OcrSettings | None = None) -> OcrPage:
    """Lines, words, tables and doubtful words of a grey page image (``scale`` pixels per point)."""
    import numpy as np

    s = settings or OcrSettings()
    engine = _engine(s)
    if gray.ndim == 3:
        gray = gray[..., 0]
    rgb = np.ascontiguousarray(np.stack([gray] * 3, axis=-1))
    boxes = _detect(engine, rgb, s)
    if not boxes:
        return OcrPage()
    angle = skew_degrees([b.tolist() for b in boxes])
    out = OcrPage()
    if abs(angle) >= s.min_skew_deg:
        gray, boxes = _level(gray, boxes, angle)
        rgb = np.ascontiguousarray(np.stack([gray] * 3, axis=-1))
        out.skew, out.centre = angle, (gray.shape[1] / 2 / scale, gray.shape[0] / 2 / scale)
    crops = engine.get_crop_img_list(rgb, boxes)
    results, _ = engine.text_rec(crops, True)
    words: list[tuple[Word, float, float]] = []  # word, mean score, lowest digit score
    for box, crop, res in zip(boxes, crops, results, strict=True):
        words.extend(_box_words(box, crop.shape[1], res, scale, s))
    words = [w for w in words if w[1] >= s.min_keep_score]
    for w, score, digit in words:
        if score < s.min_word_score or digit < s.min_digit_score:
            out.doubtful.append(((w[0], w[1], w[2], w[3]), w[4], round(min(score, digit), 3)))
    grids = find_grids(gray, scale, s)
    out.lines, out.words = group_lines([w for w, _, _ in words])
    fixed = fix_confusions("\n".join(ln.text for ln in out.lines)).split("\n")  # words broken across lines
    for ln, text in zip(out.lines, fixed, strict=True):
        ln.text = text
    for grid in grids:
        table = grid_table(grid, out.words, gray, scale, {b[:4] for b, _t, _s in out.doubtful})
        if table is not None:
            out.tables.append(table)
    return out


def _detect(engine: Any, rgb: np.ndarray, s: OcrSettings) -> list[np.ndarray]:
    """Text boxes of the page, detected strip by strip; a box belongs to the strip that holds its centre."""
    import numpy as np

    height = rgb.shape[0]
    boxes: list[np.ndarray] = []
    for start in range(0, height, s.det_strip):
        top, bottom = max(0, start - s.det_overlap), min(height, start + s.det_strip + s.det_overlap)
        found, _ = engine.text_det(np.ascontiguousarray(rgb[top:bottom]))
        for box in [] if found is None else found:
            box = np.asarray(box, dtype=np.float32).copy()
            box[:, 1] += top
            if start <= float(box[:, 1].mean()) < start + s.det_strip and not any(
                _same_box(box, b) for b in boxes
            ):
                boxes.append(box)
    boxes.sort(key=lambda b: (round(float(b[0][1]) / 10), float(b[0][0])))
    return boxes


def _same_box(a: np.ndarray, b: np.ndarray) -> bool:
    """Two detections of one text (a line on the seam of two strips): they overlap by half the smaller."""
    ax0, ay0, ax1, ay1 = a[:, 0].min(), a[:, 1].min(), a[:, 0].max(), a[:, 1].max()
    bx0, by0, bx1, by1 = b[:, 0].min(), b[:, 1].min(), b[:, 0].max(), b[:, 1].max()
    inter = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
    smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
    return smaller > 0 and inter > 0.5 * smaller


def skew_degrees(quads: list[list[list[float]]]) -> float:
    """The page's skew in degrees (positive: lines fall to the right), from the top edges of wide boxes.

    >>> skew_degrees([[[0, 0], [100, 1.75], [100, 11.75], [0, 10]]] * 3)
    1.0
    >>> skew_degrees([[[0, 0], [10, 0], [10, 10], [0, 10]]])
    0.0
    """
    angles = []
    for q in quads:
        (x0, y0), (x1, y1) = q[0], q[1]
        height = math.dist(q[0], q[3])
        if x1 - x0 > 3 * height > 0:
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    return round(statistics.median(angles), 2) if angles else 0.0


def _level(gray: np.ndarray, boxes: list[np.ndarray], angle: float) -> tuple[np.ndarray, list[np.ndarray]]:
    """Turn the image (and the boxes found on it) back by ``angle`` degrees about its centre."""
    import cv2
    import numpy as np

    h, w = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    level = cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    turned = [np.hstack([b, np.ones((4, 1), np.float32)]) @ matrix.T.astype(np.float32) for b in boxes]
    return level, [t.astype(np.float32) for t in turned]


def _box_words(
    box: np.ndarray, crop_width: int, res: tuple, scale: float, s: OcrSettings
) -> list[tuple[Word, float, float]]:
    """The words of one detected box: its characters placed by their CTC columns, split at wide gaps."""
    text, _mean, info = res
    if not text or not info or not info[0]:
        return []
    text = fix_confusions(text)
    columns = float(info[0])
    cols = [c for group in info[2] for c in group]
    probs = list(info[4])
    if len(cols) != len(text) or len(probs) != len(text):  # unexpected decoder output: the box as one word
        cols, probs = [columns * (k + 0.5) / len(text) for k in range(len(text))], [float(_mean)] * len(text)
    left = float(min(box[:, 0]))
    right = float(max(box[:, 0]))
    top = float(min(box[:, 1]))
    bottom = float(max(box[:, 1]))
    height = bottom - top
    xs = [left + (c + 0.5) / columns * (right - left) for c in cols]
    pitch = (right - left) / max(1, len(text))
    groups: list[list[int]] = [[0]]
    for k in range(1, len(text)):
        if xs[k] - xs[k - 1] > s.word_gap * height + pitch * 0.5 and not text[k].isspace():
            groups.append([k])
        else:
            groups[-1].append(k)
    words = []
    for g in groups:
        chars = "".join(text[k] for k in g).strip()
        if not chars:
            continue
        half = min(pitch, height * 0.6) / 2
        x0 = left if g[0] == 0 else xs[g[0]] - half
        x1 = right if g[-1] == len(text) - 1 else xs[g[-1]] + half
        digit = min((probs[k] for k in g if text[k].isdigit()), default=1.0)
        score = sum(probs[k] for k in g) / len(g)
        word = (x0 / scale, top / scale, x1 / scale, bottom / scale, chars)
        words.append((word, float(score), float(digit)))
    return words


#: Misreadings of the recogniser that are never text, and what was printed (same length, so the
#: characters keep their places): l for I in IoT, 户 for 尸 in 僵尸, 未 for 木 in 木马 (non-words).
#: A line break may fall inside such a word.
_CONFUSIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![A-Za-z])l(\n?)o(\n?)T(?![a-z])"), r"I\1o\2T"),
    (re.compile(r"僵(\n?)户"), r"僵\1尸"),
    (re.compile(r"未(\n?)马"), r"木\1马"),
)


def fix_confusions(text: str) -> str:
    r"""What was printed where the recogniser reads a known non-word.

    >>> fix_confusions("NB-loT联网终端数"), fix_confusions("木马和僵\n户网络"), fix_confusions("loTus")
    ('NB-IoT联网终端数', '木马和僵\n尸网络', 'loTus')
    """
    for pattern, printed in _CONFUSIONS:
        text = pattern.sub(printed, text)
    return text


def group_lines(words: list[Word]) -> tuple[list[Line], list[list[Word]]]:
    """Words sharing a baseline form a printed line (top to bottom, words left to right), joined as
    the text reader joins runs: a space only between two Latin runs more than 4 pt apart.

    >>> lines, _ = group_lines([(50, 10, 80, 20, "8643.5"), (10, 11, 40, 21, "河南省"), (10, 30, 40, 40, "合计")])
    >>> [ln.text for ln in lines]
    ['河南省8643.5', '合计']
    """
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: ((w[1] + w[3]) / 2, w[0])):
        centre = (w[1] + w[3]) / 2
        if rows:
            last = rows[-1]
            top = statistics.median(x[1] for x in last)
            bottom = statistics.median(x[3] for x in last)
            if top < centre < bottom and abs(centre - (top + bottom) / 2) < 0.35 * (bottom - top):
                last.append(w)
                continue
        rows.append([w])
    lines: list[Line] = []
    out_words: list[list[Word]] = []
    for row in rows:
        row.sort(key=lambda w: w[0])
        text = ""
        for j, w in enumerate(row):
            prev = row[j - 1] if j else None
            if prev and w[0] - prev[2] > 4.0 and prev[4][-1].isascii() and w[4][0].isascii():
                text += " "
            text += w[4]
        bbox = (
            min(w[0] for w in row),
            min(w[1] for w in row),
            max(w[2] for w in row),
            max(w[3] for w in row),
        )
        lines.append(Line(text=text, bbox=bbox))
        out_words.append(row)
    return lines, out_words


# --- ruled tables from the image ------------------------------------------------------------------

Grid = tuple[list[float], list[float]]  # the y of each horizontal rule, the x of each vertical one (points)


def find_grids(gray: np.ndarray, scale: float, s: OcrSettings) -> list[Grid]:
    """Ruled grids on a levelled page image: long horizontal and vertical strokes that cross."""
    import cv2
    import numpy as np

    h, w = gray.shape[:2]
    ink = (gray < 160).astype(np.uint8)
    long_x = max(10, int(w * s.min_rule_share))
    tall_y = max(10, int(12 * scale))
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_x, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, tall_y)))
    grid_mask = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(grid_mask, connectivity=8)
    grids: list[Grid] = []
    for k in range(1, count):
        x, y, gw, gh, _area = stats[k]
        if gw < long_x or gh < tall_y:  # one ruled row is a table (a continued table's last row)
            continue
        rows = _rule_positions(horiz[y : y + gh, x : x + gw].sum(axis=1), 0.5 * gw, y)
        cols = _rule_positions(vert[y : y + gh, x : x + gw].sum(axis=0), 0.5 * gh, x)
        if len(rows) >= 2 and len(cols) >= 2:
            grids.append(([r / scale for r in rows], [c / scale for c in cols]))
    return grids


def _rule_positions(profile: np.ndarray, least: float, offset: int) -> list[float]:
    """Centres of the runs of a projection profile at or above ``least`` (one rule may be a few px thick)."""
    out: list[float] = []
    run: list[int] = []
    for i, v in enumerate(profile):
        if v >= least:
            run.append(i)
        elif run:
            out.append(offset + sum(run) / len(run))
            run = []
    if run:
        out.append(offset + sum(run) / len(run))
    return out


def grid_table(
    grid: Grid, lines: list[list[Word]], gray: np.ndarray, scale: float, doubtful: set[BBox] | None = None
) -> Table | None:
    """The table of one grid: each cell the words whose centres fall inside it (lines joined, stray
    dots at its ends dropped: specks); an empty cell whose only ink is one short flat stroke reads as a
    dash; a doubtful 1 before a digit whose glyph is an arrow reads as ↑ or ↓ (``doubtful``: word boxes)."""
    doubtful = doubtful or set()
    ys, xs = grid
    if len(ys) < 2 or len(xs) < 2:
        return None
    rows: list[list[str]] = []
    boxes: list[BBox | None] = []
    for top, bottom in zip(ys, ys[1:], strict=False):
        if bottom - top < 4:
            continue
        row: list[str] = []
        for left, right in zip(xs, xs[1:], strict=False):
            parts: list[str] = []
            unsure = False
            for line in lines:
                inside = [
                    w
                    for w in line
                    if left <= (w[0] + w[2]) / 2 <= right and top <= (w[1] + w[3]) / 2 <= bottom
                ]
                if inside:
                    parts.append(" ".join(w[4] for w in inside))
                    unsure = unsure or any(w[:4] in doubtful for w in inside)
            cell = join_lines(parts).lstrip(".·,'`")
            if re.fullmatch(r"\d+[.·,]", cell):  # a speck after a number
                cell = cell[:-1]
            box = (left, top, right, bottom)
            if len(cell) <= 1 and not cell.isdigit() and _holds_dash(gray, box, scale):
                cell = "-"  # the detector misses a lone dash, or reads it as 一 / 二
            elif unsure and re.fullmatch(r"1\d{1,2}", cell):
                arrow = _leading_arrow(gray, box, scale)
                if arrow:  # the recogniser reads ↑1 / ↓1 as 11
                    cell = arrow + cell[1:]
            row.append(cell)
        if any(row):
            rows.append(row)
            boxes.append((xs[0], top, xs[-1], bottom))
    if not rows or max(len(r) for r in rows) < 2:
        return None
    return Table(rows=rows, page=0, bbox=(xs[0], ys[0], xs[-1], ys[-1]), row_boxes=boxes)


def _cell_ink(gray: np.ndarray, cell: BBox, scale: float, level: int) -> np.ndarray | None:
    """The dark pixels inside a cell, its rules left out (3 px in from each side)."""
    import numpy as np

    pad = 3
    x0, y0 = int(cell[0] * scale) + pad, int(cell[1] * scale) + pad
    x1, y1 = int(cell[2] * scale) - pad, int(cell[3] * scale) - pad
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    return (gray[y0:y1, x0:x1] < level).astype(np.uint8)


def _leading_arrow(gray: np.ndarray, cell: BBox, scale: float) -> str:
    """ "↑" or "↓" when the cell's first glyph is an arrow: a thin stem as tall as the digits after it
    whose widest row reaches out on both sides of the stem near one end (a 1 has a flag to the left
    only, and a 1 with a foot is wide); else ""."""
    import cv2
    import numpy as np

    ink = _cell_ink(gray, cell, scale, 140)
    if ink is None:
        return ""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    blobs = sorted(
        (k for k in range(1, count) if max(stats[k][2], stats[k][3]) > 2), key=lambda k: stats[k][0]
    )
    if len(blobs) < 2:
        return ""
    first = blobs[0]
    x, y, w, h, _area = stats[first]
    if h < 0.8 * max(stats[k][3] for k in blobs[1:]) or w > 0.45 * h:
        return ""
    glyph = labels[y : y + h, x : x + w] == first
    widths = glyph.sum(axis=1)
    stem = float(np.median(widths))
    cols = np.flatnonzero(glyph[int(np.argmin(np.abs(widths - stem)))])  # a row of the stem alone
    widest = int(np.argmax(widths))
    row = np.flatnonzero(glyph[widest])
    if widths[widest] < stem + 2 or not (row[0] < cols[0] and row[-1] > cols[-1]):
        return ""
    if widest <= 0.4 * h:
        return "↑"
    if widest >= 0.6 * h:
        return "↓"
    return ""


def _holds_dash(gray: np.ndarray, cell: BBox, scale: float) -> bool:
    """One small flat stroke about the middle of a cell (its rules left out): a printed dash."""
    import cv2

    ink = _cell_ink(gray, cell, scale, 128)
    if ink is None:
        return False
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    blobs = [st for st in stats[1:] if max(st[2], st[3]) >= 2]  # single pixels are specks
    if len(blobs) != 1:
        return False
    _x, y, bw, bh, _area = blobs[0]
    tall = ink.shape[0]
    centred = abs(y + bh / 2 - tall / 2) < tall / 4
    return centred and bw >= 2 * bh and bh <= max(2, 0.12 * tall) and bw <= 1.2 * tall


# --- the flags ------------------------------------------------------------------------------------


def record(doc: Document, pages: dict[int, OcrPage]) -> None:
    """Leave in ``doc.meta`` which pages were read by OCR and their doubtful words (JSON)."""
    if not pages:
        return
    doc.meta[META_PAGES] = json.dumps(sorted(pages))
    doc.meta[META_DOUBTFUL] = json.dumps(
        [
            [n, [round(v, 1) for v in box], text, score]
            for n, p in sorted(pages.items())
            for box, text, score in p.doubtful
        ],
        ensure_ascii=False,
    )
    skewed = {n: [p.skew, *p.centre] for n, p in pages.items() if p.skew}
    if skewed:
        doc.meta[META_SKEW] = json.dumps(skewed)
    doc.warnings.append(f"page(s) {', '.join(map(str, sorted(pages)))} read by OCR")


def flag_ocr_facts(doc: Document, facts: list[Fact]) -> list[Fact]:
    """Mark facts of OCR pages ``ocr``, and ``low_confidence`` where the number's word was doubtful
    (same page, the boxes meet, and the word holds the number's digits). The box of a fact on a page
    that was levelled is turned back onto the page as scanned, where the source view draws it."""
    if META_PAGES not in doc.meta:
        return facts
    pages = set(json.loads(doc.meta[META_PAGES]))
    doubtful = json.loads(doc.meta.get(META_DOUBTFUL, "[]"))
    skewed = {int(k): v for k, v in json.loads(doc.meta.get(META_SKEW, "{}")).items()}
    for f in facts:
        if f.page not in pages:
            continue
        f.add_flag("ocr")
        digits = re.sub(r"\D", "", f.raw_value or "")
        for page, box, text, _score in doubtful:
            if page != f.page or (digits and digits not in re.sub(r"\D", "", text)) or not digits:
                continue
            if f.bbox is None or _meet(f.bbox, tuple(box)):
                f.add_flag("low_confidence")
                break
        if f.bbox is not None and f.page in skewed:
            angle, cx, cy = skewed[f.page]
            f.bbox = unlevel(f.bbox, angle, (cx, cy))
    return facts


def unlevel(box: BBox, angle: float, centre: tuple[float, float]) -> BBox:
    """A box on the levelled page, back on the page as scanned (turned by ``angle`` degrees, the slope
    :func:`skew_degrees` measured, about ``centre``): the upright box around its four turned corners.

    >>> [round(v, 1) for v in unlevel((100.0, 100.0, 200.0, 110.0), 1.0, (300.0, 400.0))]
    [105.1, 96.6, 205.2, 108.3]
    >>> unlevel((1.0, 2.0, 3.0, 4.0), 0.0, (0.0, 0.0))
    (1.0, 2.0, 3.0, 4.0)
    """
    a = math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)
    cx, cy = centre
    corners = [(x, y) for x in (box[0], box[2]) for y in (box[1], box[3])]
    # the levelling turned the page by -angle (cv2.getRotationMatrix2D(centre, angle)); undo it
    xs = [cx + (x - cx) * cos - (y - cy) * sin for x, y in corners]
    ys = [cy + (x - cx) * sin + (y - cy) * cos for x, y in corners]
    return (round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2))


def _meet(a: BBox | tuple, b: BBox | tuple) -> bool:
    return a[0] <= b[2] + 1 and b[0] <= a[2] + 1 and a[1] <= b[3] + 1 and b[1] <= a[3] + 1


__all__ = [
    "MODES",
    "OcrPage",
    "OcrSettings",
    "flag_ocr_facts",
    "garbage_ratio",
    "image_share",
    "needs_ocr",
    "ocr_page",
    "read_image",
    "record",
]
