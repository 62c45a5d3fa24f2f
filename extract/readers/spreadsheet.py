"""Spreadsheets (.csv, .xls, .xlsx) → a one-table :class:`~extract.model.Document`.

Two shapes are understood:

* the export of 国家数据 (data.stats.gov.cn): ``数据库：…`` / ``指标：名称(单位)`` /
  ``时间：…`` lines, a 地区 × 年份 (or 月份, 季度) grid, then ``注：…`` and
  ``数据来源：…`` lines;
* a plain region × period grid with a 地区/省份 header and no indicator line —
  the indicator and unit then come from the caller, or from the file name, and
  the document says what was assumed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from ..model import Document, InputError, Page, Table
from .limits import Limits, megabytes
from .text import decode

_INDICATOR_LINE = re.compile(r"^\s*指标\s*[:：]\s*(.+?)\s*$")
_UNIT_SUFFIX = re.compile(r"^(.*?)\s*[（(]([^（）()]+)[）)]\s*$")
_KEY_HEADERS = ("地区", "省份", "地区名称", "省市", "城市", "区域", "省")
_PERIOD_CELL = re.compile(r"^\s*\d{4}\s*(?:年)?(?:\s*\d{1,2}\s*月|\s*第?[一二三四1-4]季度|Q[1-4])?\s*$")
SHAPE_HELP = (
    "expected a 国家数据 export (指标：名称(单位) line, then a 地区 × 年份 grid) "
    "or a region × period table whose first column is 地区/省份 and whose header has years like 2016年"
)


def _check_unpacked(path: Path, limits: Limits) -> None:
    """Refuse a workbook whose zip members unpack to more than the limit (a zip bomb), from the
    sizes its zip directory declares, before anything is decompressed."""
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(str(path), f"not a readable .xlsx workbook ({type(exc).__name__})") from exc
    if total > limits.max_unpacked_bytes:
        raise InputError(
            str(path),
            f"too large: the workbook unpacks to {megabytes(total)}, more than the "
            f"limit of {megabytes(limits.max_unpacked_bytes)}",
        )


def _sheet_rows(ws, path: Path, limits: Limits) -> list[list[str]]:
    """The cells present in a read-only sheet, whatever dimension it declares (a 1 KB file may
    declare A1:XFD1048576); more than ``limits.max_cells`` cells → too large."""
    ws.reset_dimensions()  # measure the sheet from its rows, not from its <dimension> element
    rows: list[list[str]] = []
    cells = 0
    for row in ws.iter_rows(values_only=True):
        values = ["" if v is None else _cell_text(v) for v in row]
        while values and values[-1] == "":
            values.pop()
        cells += max(1, len(values))
        if cells > limits.max_cells:
            raise InputError(
                str(path), f"too large: the sheet has more than {limits.max_cells:,} cells (the limit)"
            )
        rows.append(values)
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def read_rows(path: Path, limits: Limits | None = None) -> list[list[str]]:
    """All cells of the first sheet as strings."""
    limits = limits or Limits()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = decode(path.read_bytes(), str(path))
        try:
            return [
                [c.strip().strip("\t").strip() for c in row]
                for row in csv.reader(io.StringIO(text, newline=""))
            ]
        except csv.Error as exc:
            raise InputError(str(path), f"not a readable CSV file ({exc})") from exc
    if suffix == ".xlsx":
        import openpyxl

        _check_unpacked(path, limits)
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for broken files
            raise InputError(str(path), f"not a readable .xlsx workbook ({type(exc).__name__})") from exc
        try:
            return _sheet_rows(wb.worksheets[0], path, limits)
        finally:
            wb.close()
    if suffix == ".xls":
        import xlrd

        try:
            book = xlrd.open_workbook(str(path))
        except Exception as exc:
            raise InputError(str(path), f"not a readable .xls workbook ({type(exc).__name__})") from exc
        sh = book.sheet_by_index(0)
        if sh.nrows * sh.ncols > limits.max_cells:
            raise InputError(
                str(path), f"too large: the sheet has more than {limits.max_cells:,} cells (the limit)"
            )
        return [[_cell_text(sh.cell_value(r, c)) for c in range(sh.ncols)] for r in range(sh.nrows)]
    raise InputError(str(path), f"unsupported spreadsheet type '{suffix}'")


def _cell_text(value: object) -> str:
    """
    >>> _cell_text(12.0), _cell_text(1.5), _cell_text(" 河南 ")
    ('12', '1.5', '河南')
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def split_indicator(text: str) -> tuple[str, str]:
    """'互联网宽带接入用户(万户)' → ('互联网宽带接入用户', '万户').

    >>> split_indicator("互联网宽带接入用户(万户)"), split_indicator("互联网普及率")
    (('互联网宽带接入用户', '万户'), ('互联网普及率', ''))
    """
    m = _UNIT_SUFFIX.match(text)
    return (m.group(1).strip(), m.group(2).strip()) if m else (text.strip(), "")


def parse_grid(rows: list[list[str]]) -> tuple[dict[str, str], list[list[str]], list[str]]:
    """Find the metadata lines, the header + data rows, and the notes of a sheet.

    >>> meta, grid, notes = parse_grid([["数据库：分省年度数据"], ["指标：上网人数(万人)"], ["时间：最近10年"],
    ...     ["地区", "2016年", "2015年"], ["北京市", "", "1.5"], ["注：说明"], ["数据来源：国家统计局"]])
    >>> meta["indicator"], meta["unit"], grid[0], grid[1], notes
    ('上网人数', '万人', ['地区', '2016年', '2015年'], ['北京市', '', '1.5'], ['注：说明', '数据来源：国家统计局'])
    """
    meta: dict[str, str] = {}
    grid: list[list[str]] = []
    notes: list[str] = []
    header_seen = False
    for row in rows:
        cells = [c.strip() for c in row]
        first = next((c for c in cells if c), "")
        if not first:
            continue
        m = _INDICATOR_LINE.match(first)
        if m and not header_seen:
            meta["indicator"], meta["unit"] = split_indicator(m.group(1))
            continue
        if re.match(r"^(数据库|时间|地区码|地区)\s*[:：]", first) and not header_seen:
            key, _, val = re.split(r"([:：])", first, maxsplit=1)
            meta[key.strip()] = val.strip()
            continue
        if re.match(r"^(注|数据来源|来源|说明)\s*[:：]", first):
            notes.append(" ".join(c for c in cells if c))
            continue
        if not header_seen:
            if (
                cells[0].replace(" ", "") in _KEY_HEADERS
                and sum(bool(_PERIOD_CELL.match(c)) for c in cells[1:]) >= 1
            ):
                header_seen = True
                grid.append(cells)
            continue
        grid.append(cells)
    return meta, grid, notes


def read_spreadsheet(
    path: str | Path, indicator: str | None = None, unit: str | None = None, limits: Limits | None = None
) -> Document:
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "no such file")
    if path.stat().st_size == 0:
        raise InputError(str(path), "the file is empty")
    rows = read_rows(path, limits)
    meta, grid, notes = parse_grid(rows)
    if len(grid) < 2:
        raise InputError(str(path), SHAPE_HELP)
    warnings: list[str] = []
    if indicator:
        meta["indicator"] = indicator
    if unit is not None:
        meta["unit"] = unit
    if not meta.get("indicator"):
        stem = re.sub(r"(分省|分地区)?(年度|月度|季度)数据$", "", path.stem).strip()
        meta["indicator"] = stem
        warnings.append(
            f"no 指标 line: indicator taken from the file name as '{stem}' (use --indicator to set it)"
        )
    if "unit" not in meta or not meta["unit"]:
        meta.setdefault("unit", "")
        warnings.append("no unit given: the indicator's catalogue unit is assumed (use --unit to set it)")
    table = Table(rows=grid, page=1, caption=f"指标：{meta['indicator']}({meta.get('unit', '')})")
    page = Page(number=1, tables=[table], furniture=notes)
    return Document(
        name=path.name,
        pages=[page],
        title=meta["indicator"],
        kind="spreadsheet",
        meta=meta,
        warnings=warnings,
    )
