"""Readers: one per file format, all returning a :class:`~extract.model.Document`."""

from __future__ import annotations

from pathlib import Path

from ..model import SUFFIXES, Document, InputError
from .limits import Limits
from .pdf import read_pdf
from .spreadsheet import read_spreadsheet
from .text import read_text


def read_document(
    path: str | Path,
    password: str | None = None,
    limits: Limits | None = None,
    *,
    ocr: str | None = None,
    indicator: str | None = None,
    unit: str | None = None,
) -> Document:
    """Read any supported file; raise :class:`InputError` with a reason otherwise.

    ``ocr`` (auto, always, never; default auto) is for PDFs; ``indicator`` and ``unit`` are for
    spreadsheets that do not name them."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return read_pdf(path, password=password, limits=limits, ocr=ocr or "auto")
    limits = limits or Limits()
    if suffix == ".txt":
        return read_text(path, limits)
    if suffix in (".csv", ".xls", ".xlsx"):
        return read_spreadsheet(path, indicator=indicator, unit=unit, limits=limits)
    raise InputError(
        str(path), f"unsupported file type '{suffix or '(none)'}' (expected one of {', '.join(SUFFIXES)})"
    )


__all__ = ["SUFFIXES", "Document", "InputError", "Limits", "read_document"]
