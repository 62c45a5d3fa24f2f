"""Excel exports: text XLSX cannot hold is escaped (the file opens again with the same visible text), and a
sheet with more rows than Excel opens is refused before anything is written."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from extract.export import XLSX_MAX_ROWS, SheetTooLarge, to_xlsx_bytes


def test_non_characters_are_escaped_and_the_workbook_opens_again() -> None:
    frame = pd.DataFrame(
        {"indicator": ["移动电话用户\ufffe", "宽带\uffff用户", "河南\x01省"], "value": [1.0, 2.0, 3.0]}
    )
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"facts": frame})))
    cells = [row[0] for row in book["facts"].iter_rows(min_row=2, values_only=True)]
    assert cells == ["移动电话用户\\ufffe", "宽带\\uffff用户", "河南\\x01省"]


def test_a_sheet_one_row_over_the_limit_is_refused_before_writing() -> None:
    """Excel opens 1,048,576 rows, the header included: as many data rows passes pandas' own check but
    gives a file Excel cannot open whole."""
    rows = pd.DataFrame({"value": np.zeros(XLSX_MAX_ROWS)})
    with pytest.raises(SheetTooLarge, match="1,048,575 rows"):
        to_xlsx_bytes({"facts": rows})


def test_every_sheet_is_checked_and_nothing_half_written_is_returned() -> None:
    too_long = pd.DataFrame({"value": np.zeros(XLSX_MAX_ROWS)})
    with pytest.raises(SheetTooLarge, match="the sheet review"):
        to_xlsx_bytes({"facts": too_long[:3], "documents": too_long[:2], "review": too_long})
