"""Fact tables out: CSV (UTF-8) and Excel, safe to open in a spreadsheet program.

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab
or carriage return) are prefixed with an apostrophe; numbers stay numbers. Control
characters that the XLSX format forbids (U+0000–U+001F other than tab, newline and
carriage return; the non-characters U+FFFE and U+FFFF) are written as visible escapes
(``\x01``, ``\ufffe``) in every sheet. A sheet longer than Excel can open is refused before
anything is written.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from .model import FACT_COLUMNS

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: object) -> object:
    """Defuse a text cell that a spreadsheet would evaluate.

    >>> neutralise("=HYPERLINK(\\"x\\")"), neutralise("-"), neutralise("河南省"), neutralise(-3.2)
    ('\\'=HYPERLINK("x")', "'-", '河南省', -3.2)
    """
    if isinstance(text, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


_XLSX_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: rows of one Excel sheet, the header row included
XLSX_MAX_ROWS = 1_048_576


class SheetTooLarge(ValueError):
    """A frame has more rows than one Excel sheet holds under its header."""


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xlsx_text(text: object) -> object:
    r"""Text an XLSX file can hold: forbidden control characters as visible escapes.

    >>> xlsx_text("河南\x01省"), xlsx_text("a\x1b[31m"), xlsx_text("x\ufffe"), xlsx_text(3.5)
    ('河南\\x01省', 'a\\x1b[31m', 'x\\ufffe', 3.5)
    """
    if isinstance(text, str) and _XLSX_FORBIDDEN.search(text):
        return _XLSX_FORBIDDEN.sub(lambda m: _escape(m.group()), text)
    return text


def safe_frame(df: pd.DataFrame, xlsx: bool = False) -> pd.DataFrame:
    """A copy whose text columns are neutralised (and fit for XLSX with ``xlsx``) and whose dates are
    ISO strings."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").fillna("")
        elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(xlsx_text).map(neutralise) if xlsx else out[col].map(neutralise)
    if xlsx:
        out.columns = [xlsx_text(str(c)) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame, bom: bool = False) -> bytes:
    """CSV bytes of the contract columns; ``bom`` for Excel's sake (the dashboard's download)."""
    cols = (["fact_id"] if "fact_id" in df.columns else []) + list(FACT_COLUMNS)
    data = safe_frame(df[cols] if set(FACT_COLUMNS) <= set(df.columns) else df)
    text = data.to_csv(index=False, lineterminator="\n")
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame (the facts first). ValueError, before anything is
    written, when a frame has more rows than an Excel sheet holds."""
    for name, frame in sheets.items():
        if len(frame) + 1 > XLSX_MAX_ROWS:
            raise SheetTooLarge(
                f"the sheet {name} would have {len(frame):,} rows; an Excel sheet holds at most "
                f"{XLSX_MAX_ROWS - 1:,} rows under its header (export CSV instead, or filter)"
            )
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_frame(frame, xlsx=True).to_excel(writer, sheet_name=str(xlsx_text(name))[:31], index=False)
    return buf.getvalue()


def write_export(
    df: pd.DataFrame,
    documents: pd.DataFrame,
    fmt: str,
    target: str | Path | None,
    with_ids: bool = False,
    review: pd.DataFrame | None = None,
) -> bytes:
    """Write facts as csv or xlsx to ``target`` (a path) and return the bytes. The contract columns, with
    a leading ``fact_id`` when ``with_ids``; the workbook adds the documents and the review audit log."""
    columns = (["fact_id"] if with_ids else []) + list(FACT_COLUMNS)
    facts = df.rename(columns={"id": "fact_id"})[columns] if with_ids else df[list(FACT_COLUMNS)]
    if fmt == "xlsx":
        sheets = {"facts": facts, "documents": documents}
        if review is not None:
            sheets["review"] = review
        data = to_xlsx_bytes(sheets)
    else:
        data = to_csv_bytes(facts)
    if target is not None:
        Path(target).write_bytes(data)
    return data
