"""NBS (国家数据) spreadsheet import: the portal's CSV export, the same grid as .xlsx and .xls, plain grids."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlwt

from extract.api import read_report
from extract.model import InputError

from .conftest import NBS, REPO

BROADBAND = "互联网宽带接入用户分省年度数据.csv"
CALLS = "固定长途电话通话时长分省年度数据.csv"


def nbs(name: str) -> Path:
    path = NBS / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("gbk"))))


def test_gbk_export_with_a_quoted_footnote_and_empty_cells() -> None:
    df = read_report(nbs(CALLS))
    assert set(df["method"]) == {"import"} and set(df["indicator"]) == {"固定长途电话通话时长"}
    assert set(df["unit"]) == {"分钟"} and set(df["raw_unit"]) == {"万分钟"}
    assert df["region"].nunique() == 31 and "2017" not in set(
        df["period"]
    )  # the empty 2017 column is skipped
    assert not df["snippet"].str.startswith("注").any()  # the footnote row is not a region
    beijing = df[(df["region"] == "北京市") & (df["period"] == "2016")].iloc[0]
    grid = {r[0]: r for r in rows_of(nbs(CALLS)) if r}
    header = next(r for r in rows_of(nbs(CALLS)) if r and r[0] == "地区")
    assert beijing["raw_value"] == grid["北京市"][header.index("2016年")]
    assert beijing["region_code"] == "110000" and beijing["period_type"] == "year"


def _write_xlsx(rows: list[list[str]], path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append([float(c) if c.replace(".", "", 1).isdigit() else c for c in row])
    wb.save(path)
    return path


def _write_xls(rows: list[list[str]], path: Path) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            sheet.write(r, c, float(cell) if cell.replace(".", "", 1).isdigit() else cell)
    book.save(str(path))
    return path


@pytest.mark.parametrize("writer, suffix", [(_write_xlsx, ".xlsx"), (_write_xls, ".xls")])
def test_the_same_export_as_a_workbook_gives_the_same_facts(writer, suffix: str, tmp_path: Path) -> None:
    source = nbs(BROADBAND)
    book = writer(rows_of(source), tmp_path / f"broadband{suffix}")
    from_csv = read_report(source)
    from_book = read_report(book)
    key = ["region", "period", "value"]
    assert len(from_book) == len(from_csv) == 186
    assert from_book[key].sort_values(key).values.tolist() == from_csv[key].sort_values(key).values.tolist()


def test_a_plain_grid_takes_indicator_and_unit_from_options_or_says_what_it_assumed(tmp_path: Path) -> None:
    path = tmp_path / "互联网普及率.csv"
    path.write_text("地区,2016年,2015年\n河南,48.5,39.2\n新疆,54.9,54.9\n", encoding="utf-8-sig")
    proc = subprocess.run(
        [sys.executable, "-m", "extract", "--db", str(tmp_path / "db.sqlite"), "ingest", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0
    assert "indicator taken from the file name as '互联网普及率'" in proc.stdout
    assert "the indicator's catalogue unit is assumed" in proc.stdout
    df = read_report(path, indicator="互联网宽带接入用户", unit="万户")
    henan = df[(df["region"] == "河南省") & (df["period"] == "2016")].iloc[0]
    assert henan["indicator"] == "互联网宽带接入用户" and henan["value"] == pytest.approx(485_000)


def test_a_sheet_of_the_wrong_shape_names_what_was_expected(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    _write_xlsx([["会议纪要"], ["时间", "地点"], ["9月", "郑州"]], path)
    with pytest.raises(InputError, match="expected a 国家数据 export"):
        read_report(path)
