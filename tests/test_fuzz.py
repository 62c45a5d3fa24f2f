"""Property tests: report-like and random input never crashes the readers or extractors.

Only the documented :class:`InputError` may escape; every fact has a finite value and a
snippet that occurs in the text it was read from.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.extractors import extract_facts
from extract.layout import build_paragraphs
from extract.model import Document, InputError, Line, Page
from extract.readers import read_document

FRAGMENTS = [
    "1-8月，",
    "8月份，",
    "截至2020年8月底，",
    "上半年，",
    "2021Q1",
    "全省",
    "我省",
    "全国",
    "河南省",
    "郑州市",
    "延边州",
    "河南移动公司",
    "联通",
    "电信公司",
    "、",
    "，",
    "。",
    "；",
    "：",
    "（",
    "）",
    "\n",
    " ",
    "分别为",
    "分别达到",
    "互联网用户",
    "移动互联网接入流量",
    "互联网宽带接入用户",
    "IPTV（网络电视）用户",
    "数据中心业务收入",
    "被篡改网站数量",
    "新增",
    "总数达到",
    "为",
    "同比增长",
    "同比下降",
    "环比",
    "占全省",
    "的",
    "居全国第",
    "位",
    "较上月下降了",
    "减少",
    "万户",
    "亿元",
    "万G",
    "T",
    "%",
    "个百分点",
    "部/百户",
    "个",
    "第十三",
    "１２．５％",
    "５２\n９个",
    "-",
    "↑1",
    "新进",
    "<script>",
    "=SUM(1)",
    "[x](y)",
    "\u3000",
    "1,234.5",
    "0",
    "99999999999999999999",
    "1e308",
    "nan",
    "inf",
]
NUMBERS = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
)
REPORT_TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), NUMBERS, st.text(max_size=6)), max_size=60).map(
    "".join
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def document_from(text: str) -> Document:
    pages = []
    for n, chunk in enumerate(text.split("\f") or [""], start=1):
        lines = [Line(t) for t in chunk.split("\n")]
        pages.append(Page(number=n, paragraphs=build_paragraphs(lines, n)))
    return Document(name="fuzz.txt", pages=pages, title="河南省互联网发展状况（2020年8月）", kind="text")


def check_facts(doc: Document) -> None:
    source = "".join(p.text for page in doc.pages for p in page.paragraphs)
    rows = {" ".join(c for c in r if c) for page in doc.pages for t in page.tables for r in t.rows}
    for fact in extract_facts(doc):
        assert math.isfinite(fact.value), fact
        assert fact.snippet and (fact.snippet in source or any(fact.snippet in r for r in rows)), fact.snippet
        assert fact.measure in ("value", "yoy_pct", "mom_pct", "change", "share_pct", "rank", "rank_change")


@FUZZ
@given(REPORT_TEXT)
def test_extractors_never_raise_on_report_like_text(text: str) -> None:
    check_facts(document_from(text))


@FUZZ
@given(st.binary(max_size=400))
def test_text_reader_accepts_bytes_or_says_why(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.txt"
        path.write_bytes(data)
        try:
            doc = read_document(path)
        except InputError as exc:
            assert exc.reason and str(path) in str(exc)
            return
        check_facts(doc)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".pdf", ".csv", ".xlsx", ".xls"]))
def test_binary_readers_fail_only_with_input_errors(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"random{suffix}"
        path.write_bytes(data)
        try:
            doc = read_document(path)
        except InputError as exc:
            assert exc.reason
            return
        check_facts(doc)


@FUZZ
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.sampled_from(
                    [
                        "地区",
                        "2016年",
                        "2015年",
                        "北京市",
                        "河南",
                        "",
                        "1.5",
                        "-",
                        "注：x",
                        "指标：互联网上网人数(万人)",
                        "数据来源：国家统计局",
                    ]
                ),
                NUMBERS,
            ),
            min_size=1,
            max_size=5,
        ),
        max_size=8,
    )
)
def test_spreadsheet_import_never_crashes(rows: list[list[str]]) -> None:
    import csv

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sheet.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
        try:
            doc = read_document(path)
        except InputError:
            return
        check_facts(doc)
