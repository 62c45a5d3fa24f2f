"""Extractors: a :class:`~extract.model.Document` in, facts out.

Each extractor is a function ``(Document, DocContext) -> list[Fact]``; the
document context (its period and province) is read once and shared.
"""

from __future__ import annotations

from ..model import Document, Fact
from ..readers.ocr import flag_ocr_facts
from .context import DocContext, document_context
from .grid import extract_grid
from .prose import extract_prose
from .tables import extract_tables


def extract_facts(doc: Document) -> list[Fact]:
    """Every fact in a document, from its tables and its prose, without duplicates."""
    ctx = document_context(doc)
    if doc.kind == "spreadsheet":
        return extract_grid(doc, ctx)
    facts = extract_tables(doc, ctx) + extract_prose(doc, ctx)
    return flag_ocr_facts(doc, dedupe(facts))  # OCR (issue 17): flags ocr / low_confidence on OCR pages


def dedupe(facts: list[Fact]) -> list[Fact]:
    """Drop a sentence that repeats a fact already stated in the text (same keys, measure and value),
    keeping the first.

    A figure stated in the text and again in a table is kept twice: they are two statements of the
    report, each with its own snippet and box (the dashboard shows the fact once, with both sources,
    and a check can compare them). Table cells are never dropped: two tables may rank the same region
    among different peers (上海市 among provinces and among cities).
    """
    seen: set[tuple] = set()
    out: list[Fact] = []
    for f in facts:
        key = (f.method, f.indicator, f.region, f.operator, f.subject, f.period, f.measure, round(f.value, 6))
        if f.method == "prose" and key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


__all__ = ["DocContext", "document_context", "extract_facts"]
