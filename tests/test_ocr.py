"""Scanned reports read by OCR into the same facts as their text versions (issue 17).

The OCR tests read few pages: the 11-page scanned fixture once (in a worker process under the
default memory limit, as ingest does) and a scan this file builds itself from two pages.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from extract.api import read_report
from extract.evaluate import evaluate
from extract.model import FACT_COLUMNS, Document, Fact
from extract.readers.ocr import META_DOUBTFUL, META_PAGES, OcrSettings, flag_ocr_facts, wants_page

from .conftest import ANSWERS, REPO, fixture

pytest.importorskip("rapidocr_onnxruntime", reason="the OCR package (requirements.txt) is not installed")

MONTHLY = "henan-internet-monthly-2020-08.pdf"
SCANNED = "henan-internet-monthly-2020-08-scanned.pdf"
KEY_FIELDS = ["indicator", "region", "operator", "subject", "period", "measure"]


def fact_keys(df: pd.DataFrame) -> set[tuple]:
    return {tuple(r[k] for k in KEY_FIELDS) + (round(float(r["value"]), 4),) for _, r in df.iterrows()}


def compare(text: pd.DataFrame, scan: pd.DataFrame) -> tuple[float, float, set, set]:
    """Share of the text version's facts the scan gives, share of the scan's facts not in the text version."""
    a, b = fact_keys(text), fact_keys(scan)
    return len(a & b) / len(a), len(b - a) / max(1, len(b)), a - b, b - a


def frame(facts: list[Fact]) -> pd.DataFrame:
    from extract.store import typed_facts

    return typed_facts(pd.DataFrame([f.row() for f in facts], columns=list(FACT_COLUMNS)))


# --- the scanned fixture, read as ingest reads it ------------------------------------------------


@pytest.fixture(scope="module")
def scanned() -> tuple[pd.DataFrame, list[Fact], list[str]]:
    """The scanned fixture read in a worker process under the default limits (1536 MB, 300 s)."""
    from extract.ingest import Options, _job
    from extract.isolate import Failure, Guard, run_isolated

    options = Options()
    [(_item, result)] = list(
        run_isolated(
            _job,
            [(fixture(SCANNED), options, "")],
            Guard(max_memory_mb=options.max_memory_mb, timeout_s=options.timeout_s),
        )
    )
    assert not isinstance(result, Failure), result.reason
    assert not result.error, result.error
    return frame(result.facts), result.facts, result.warnings


def test_the_scanned_report_gives_the_facts_of_its_text_version(scanned) -> None:
    df, _facts, warnings = scanned
    found, extra, lost, added = compare(read_report(fixture(MONTHLY)), df)
    assert found >= 0.95, sorted(lost, key=str)[:10]
    assert extra <= 0.02, sorted(added, key=str)[:10]
    assert any("read by OCR" in w for w in warnings)


def test_the_scanned_report_meets_the_hand_written_key(scanned, tmp_path: Path) -> None:
    key = tmp_path / SCANNED.replace(".pdf", ".csv")
    shutil.copy(ANSWERS / MONTHLY.replace(".pdf", ".csv"), key)
    report = evaluate([key], {SCANNED: scanned[0]})
    assert report.overall.precision >= 0.97, report.false_positives[:5]
    assert report.overall.recall >= 0.95, report.misses[:5]


def test_facts_read_by_ocr_are_flagged_and_boxed_on_the_page(scanned) -> None:
    _df, facts, _ = scanned
    assert facts and all("ocr" in f.flags.split(";") for f in facts)
    boxed = [f for f in facts if f.bbox is not None]
    assert len(boxed) >= 0.9 * len(facts)
    for f in boxed:  # PDF points from the page's top-left, on the A4 page
        x0, top, x1, bottom = f.bbox
        assert 0 <= x0 < x1 <= 596 and 0 <= top < bottom <= 842, f
    # the same page and box as the text version's fact (the source view draws it on the scanned page)
    from extract.extractors import extract_facts
    from extract.readers import read_document

    def key(f: Fact) -> tuple:
        return (
            f.method,
            f.indicator,
            f.region,
            f.operator,
            f.subject,
            f.period,
            f.measure,
            round(f.value, 4),
        )

    text = {key(f): f for f in extract_facts(read_document(fixture(MONTHLY)))}
    pairs = [(f, text[key(f)]) for f in boxed if key(f) in text and text[key(f)].bbox is not None]
    assert len(pairs) >= 0.9 * len(facts)
    off = sorted(max(abs(a - b) for a, b in zip(f.bbox, g.bbox, strict=True)) for f, g in pairs)
    assert all(f.page == g.page for f, g in pairs)
    assert off[len(off) // 2] <= 2.0 and off[-1] <= 8.0, off[-5:]  # points


# --- a scan built here: rendered, noisy, turned by 1°, wrapped as an image-only PDF ---------------


def build_scan(
    src: Path,
    pages: list[int],
    out_text: Path,
    out_scan: Path,
    angle: float = 1.0,
    dpi: float = 150.0,
    seed: int = 7,
) -> None:
    """``pages`` (0-based) of ``src`` as a text PDF, and as a scan of the same pages."""
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(str(src))
    subset = pdfium.PdfDocument.new()
    subset.import_pages(doc, pages)
    subset.save(str(out_text))
    images = []
    for i in pages:
        grey = np.asarray(
            doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"), dtype=np.float32
        )
        grey += rng.normal(0, 14, grey.shape)  # sensor noise
        specks = rng.random(grey.shape) < 0.0008  # dust
        grey[specks] = 40
        img = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8), "L")
        images.append(img.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255))
    images[0].save(str(out_scan), save_all=True, append_images=images[1:], resolution=dpi)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("scan")
    text, scan = d / "built-text.pdf", d / "built-scan.pdf"
    build_scan(fixture(MONTHLY), [0, 3], text, scan)  # prose, and the ruled table with ↑1 / ↓1 / -
    return text, scan


def test_a_built_scan_has_no_text_layer_and_is_read_by_ocr(built) -> None:
    import pypdfium2 as pdfium

    _text, scan = built
    pdf = pdfium.PdfDocument(str(scan))
    assert all(pdf[i].get_textpage().count_chars() == 0 for i in range(len(pdf)))
    with pytest.raises(Exception, match="no text layer"):
        read_report(scan, ocr="never")


def test_a_built_scan_turned_by_a_degree_gives_the_same_facts(built) -> None:
    text, scan = built
    original = read_report(text)
    read = read_report(scan)
    assert len(original) >= 60
    found, extra, lost, added = compare(original, read)
    assert found >= 0.95, sorted(lost, key=str)
    assert extra <= 0.02, sorted(added, key=str)
    assert set(read["flags"].str.contains("ocr")) == {True}
    ranks = read[(read["measure"] == "rank_change") & (read["subject"].str.contains("letv"))]
    assert list(ranks["value"]) == [-1.0]  # ↓1, which the recogniser alone reads as 11


def test_boxes_on_a_turned_scan_sit_where_the_number_is_printed_on_it(built) -> None:
    """The scan was turned by 1° (counter-clockwise, about the page's centre): each fact's box is centred
    on the text version's box turned the same way — where the source view draws it on the scanned page."""
    import math

    from extract.extractors import extract_facts
    from extract.readers import read_document

    text, scan = built

    def key(f: Fact) -> tuple:
        return (f.method, f.indicator, f.subject, f.period, f.measure, round(f.value, 4))

    original = {key(f): f for f in extract_facts(read_document(text))}
    doc = read_document(scan)
    width, height, a = doc.pages[0].width, doc.pages[0].height, math.radians(1.0)
    off = []
    for f in extract_facts(doc):
        g = original.get(key(f))
        if g is None or f.bbox is None or g.bbox is None:
            continue
        dx, dy = (g.bbox[0] + g.bbox[2] - width) / 2, (g.bbox[1] + g.bbox[3] - height) / 2
        printed = (
            width / 2 + dx * math.cos(a) + dy * math.sin(a),
            height / 2 - dx * math.sin(a) + dy * math.cos(a),
        )
        off.append(math.dist(printed, ((f.bbox[0] + f.bbox[2]) / 2, (f.bbox[1] + f.bbox[3]) / 2)))
    off.sort()
    assert len(off) >= 60 and off[len(off) // 2] <= 1.5 and off[-1] <= 3.0, off[-5:]  # points


def test_ocr_always_reads_a_text_pdf_from_its_images_to_the_same_facts(built) -> None:
    text, _scan = built
    original, read = read_report(text), read_report(text, ocr="always")
    found, extra, lost, added = compare(original, read)
    assert found >= 0.95 and extra <= 0.02, (sorted(lost, key=str), sorted(added, key=str))
    assert (
        set(read["flags"].str.contains("ocr")) == {True} and not original["flags"].str.contains("ocr").any()
    )


# --- text PDFs never reach OCR -------------------------------------------------------------------


def test_a_text_pdf_never_loads_the_ocr_package() -> None:
    code = (
        "import sys; from extract.readers import read_document; "
        f"d = read_document({str(fixture(MONTHLY))!r}); "
        "print('rapidocr_onnxruntime' in sys.modules, 'ocr_pages' in d.meta, len(d.pages))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "False", "11"], out.stderr


class _Page:  # what wants_page asks of a page: only its size and images, and only for short text
    def __init__(self, share: float) -> None:
        self.share = share

    def get_size(self) -> tuple[float, float]:
        return (100.0, 100.0)

    def get_objects(self, **_kw):
        class Image:
            def get_bounds(inner) -> tuple[float, float, float, float]:
                return (0.0, 0.0, 100.0, 100.0 * self.share)

        return [Image()] if self.share else []


def test_which_pages_go_to_ocr() -> None:
    from extract.model import Line

    prose = [Line("截至8月底，全省互联网用户总数达到11636.5万户，同比增长10.7%，比上月增加75.5万户。" * 2)]
    assert not wants_page(_Page(1.0), prose, 0.0, "auto")  # a real text layer over a background picture
    assert wants_page(_Page(1.0), [Line("- 4 -")], 0.0, "auto")  # a scan with a stamped page number
    assert wants_page(_Page(1.0), [], 0.0, "auto")  # a scan
    assert not wants_page(_Page(0.0), [], 0.0, "auto")  # a blank page
    assert wants_page(_Page(0.0), prose, 0.5, "auto")  # unreadable fonts (replacement characters)
    assert wants_page(
        _Page(0.0), [Line("å\u0085¨ç\u009c\u0081äº\u0092è\u0081\u0094ç½\u0091" * 10)], 0.0, "auto"
    )
    assert wants_page(_Page(0.0), prose, 0.0, "always") and not wants_page(_Page(1.0), [], 0.0, "never")
    assert OcrSettings().min_digit_score > OcrSettings().min_word_score  # digits get the strictest treatment


# --- flags ---------------------------------------------------------------------------------------


def _fact(raw: str, page: int, bbox=(100.0, 100.0, 140.0, 112.0)) -> Fact:
    return Fact(
        "s.pdf",
        page,
        "table",
        "网站访问量",
        "访问",
        "河南省",
        "410000",
        "province",
        "",
        "",
        "2020-08",
        "month",
        "2020-08-01",
        "2020-08-31",
        "value",
        float(raw),
        "次",
        raw,
        "亿次",
        raw,
        bbox=bbox,
    )


def test_a_doubtful_digit_flags_its_number_only() -> None:
    import json

    doc = Document(
        name="s.pdf",
        meta={
            META_PAGES: json.dumps([2]),
            META_DOUBTFUL: json.dumps([[2, [101, 101, 139, 111], "8479.1", 0.62]]),
        },
    )
    doubtful, sure, elsewhere, text_page = (
        _fact("8479.1", 2),
        _fact("4640.1", 2, (100, 120, 140, 132)),
        _fact("8479.1", 2, (300, 400, 340, 412)),
        _fact("8479.1", 1),
    )
    flag_ocr_facts(doc, [doubtful, sure, elsewhere, text_page])
    assert doubtful.flags == "ocr;low_confidence"
    assert sure.flags == "ocr" and elsewhere.flags == "ocr"
    assert text_page.flags == ""
